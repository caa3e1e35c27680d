"""The command table: (netfn, cmd) -> handler function, required privilege, accepted lengths.

Each area module (app, chassis, sensor, ...) declares its commands on its own
:class:`CommandTable` with the :meth:`CommandTable.command` decorator; the dispatcher merges them.
Privileges follow IPMI 2.0 appendix G ("Command Assignments").

A handler function receives a :class:`CommandContext` (the node - any
:class:`~rackharness.bmc.node_protocol.ManagedNode` -, its per-node :class:`HandlerState` and
the caller's session) and the request data bytes, already length-checked. It returns the
response data bytes (completion 0x00) or raises :class:`CommandError` with a completion code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from rackharness.bmc.message import Privilege, SessionContext
from rackharness.bmc.node_protocol import ManagedNode
from rackharness.ipmi.completion_codes import Completion


class CommandError(Exception):
    """Answer the request with this completion code (and optional data)."""

    def __init__(self, completion: int, data: bytes = b"") -> None:
        super().__init__(f"completion {completion:#04x}")
        self.completion = int(completion)
        self.data = data


class HandlerState:
    """BMC-side state not part of the node model: SDR reservation, cached FRU bytes."""

    __slots__ = ("sdr_reservation", "fru_image")

    def __init__(self) -> None:
        self.sdr_reservation = 0
        self.fru_image: bytes | None = None  # built on the first FRU read


@dataclass(frozen=True, slots=True)
class CommandContext:
    node: ManagedNode
    state: HandlerState
    session: SessionContext


CommandFunction = Callable[[CommandContext, bytes], bytes]


@dataclass(frozen=True, slots=True)
class Command:
    netfn: int
    code: int
    name: str
    function: CommandFunction
    privilege: Privilege
    min_length: int
    max_length: int


class CommandTable:
    def __init__(self) -> None:
        self.commands: dict[tuple[int, int], Command] = {}

    def command(
        self, netfn: int, code: int, privilege: Privilege, *, length: int | tuple[int, int] = 0
    ) -> Callable[[CommandFunction], CommandFunction]:
        """Register a handler; ``length`` is the exact request data length or a (min, max)."""
        low, high = (length, length) if isinstance(length, int) else length

        def register(function: CommandFunction) -> CommandFunction:
            key = (int(netfn), code)
            if key in self.commands:
                raise ValueError(f"command netfn {netfn:#04x} cmd {code:#04x} registered twice")
            self.commands[key] = Command(int(netfn), code, function.__name__, function, privilege, low, high)
            return function

        return register


def require(condition: bool, completion: int = Completion.INVALID_DATA_FIELD) -> None:
    """Raise :class:`CommandError` unless ``condition`` holds."""
    if not condition:
        raise CommandError(completion)
