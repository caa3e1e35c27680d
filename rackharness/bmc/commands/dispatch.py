"""The per-node :class:`~rackharness.bmc.message.CommandHandler` the session layer calls.

Checks, in order (IPMI 2.0 section 5.2): known command (else 0xC1 invalid command), LUN 0
(else 0xC2), privilege of the session (else 0xD4), request data length (else 0xC7); then runs
the command. A bug in a command answers 0xFF and is logged: one node never stops the loop.
"""

from __future__ import annotations

import logging

from rackharness.bmc.commands import app, boot_options, chassis, fru, sdr, sel, sensor, transport
from rackharness.bmc.commands.table import Command, CommandContext, CommandError, HandlerState
from rackharness.bmc.message import IpmiRequest, IpmiResponse, SessionContext
from rackharness.bmc.node_protocol import ManagedNode
from rackharness.ipmi.completion_codes import Completion

log = logging.getLogger(__name__)

AREAS = (app, chassis, boot_options, sensor, sdr, sel, fru, transport)


def _merged_commands() -> dict[tuple[int, int], Command]:
    merged: dict[tuple[int, int], Command] = {}
    for area in AREAS:
        for key, command in area.COMMANDS.commands.items():
            if key in merged:
                raise ValueError(f"{area.__name__} registers {key} again")
            merged[key] = command
    return merged


COMMANDS = _merged_commands()


class NodeCommandHandler:
    """Serves the IPMI command set of one node (anything that is a :class:`ManagedNode`)."""

    __slots__ = ("node", "state")

    def __init__(self, node: ManagedNode) -> None:
        self.node = node
        self.state = HandlerState()

    def handle(self, request: IpmiRequest, session: SessionContext) -> IpmiResponse:
        command = COMMANDS.get((request.netfn, request.command))
        if command is None:
            return IpmiResponse.error(Completion.INVALID_COMMAND)
        if request.lun != 0:
            return IpmiResponse.error(Completion.INVALID_FOR_LUN)
        if session.privilege < command.privilege:
            return IpmiResponse.error(Completion.INSUFFICIENT_PRIVILEGE)
        if not command.min_length <= len(request.data) <= command.max_length:
            return IpmiResponse.error(Completion.REQUEST_DATA_LENGTH_INVALID)
        context = CommandContext(self.node, self.state, session)
        try:
            return IpmiResponse(Completion.OK, bytes(command.function(context, bytes(request.data))))
        except CommandError as exc:
            return IpmiResponse(exc.completion, exc.data)
        except Exception:
            log.exception(
                "node %s: IPMI command %s (netfn %#04x cmd %#04x) failed",
                self.node.name,
                command.name,
                request.netfn,
                request.command,
            )
            return IpmiResponse.error(Completion.UNSPECIFIED)
