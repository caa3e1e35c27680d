"""Types that cross the seam between the IPMI session layer and the command handlers.

The session layer (RMCP+, RAKP, integrity, encryption) decodes a datagram into an
:class:`IpmiRequest` and calls a :class:`CommandHandler`; the handler answers with an
:class:`IpmiResponse`. Handlers never see bytes of the session layer and never block:
the one event loop serves every BMC of the rack.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from rackharness.ipmi.completion_codes import Completion


class Privilege(enum.IntEnum):
    """IPMI privilege levels (IPMI 2.0 table 22-28 "Privilege Level")."""

    CALLBACK = 1
    USER = 2
    OPERATOR = 3
    ADMINISTRATOR = 4
    OEM = 5


class NetFn(enum.IntEnum):
    """Request network functions (IPMI 2.0 table 5-1); the response netfn is request + 1."""

    CHASSIS = 0x00
    SENSOR_EVENT = 0x04
    APP = 0x06
    STORAGE = 0x0A
    TRANSPORT = 0x0C
    GROUP_EXTENSION = 0x2C


@dataclass(frozen=True)
class IpmiRequest:
    """One decoded IPMI request message (after the session layer removed its wrapping)."""

    netfn: int
    command: int
    data: bytes = b""
    lun: int = 0


@dataclass(frozen=True)
class IpmiResponse:
    """The answer to an :class:`IpmiRequest`: a completion code and the data bytes after it."""

    completion_code: int = Completion.OK
    data: bytes = b""

    @classmethod
    def error(cls, code: int) -> "IpmiResponse":
        return cls(completion_code=int(code))


@dataclass(frozen=True)
class SessionContext:
    """Who is asking: the authenticated user and the session's current privilege level.

    ``sessionless`` is True for messages outside a session (only a few App commands are
    legal there; the session layer answers those itself).
    """

    username: str
    privilege: Privilege
    channel: int = 1
    session_id: int = 0
    sessionless: bool = False


class CommandHandler(Protocol):
    """What the session layer calls for every in-session IPMI request. Must not block."""

    def handle(self, request: IpmiRequest, session: SessionContext) -> IpmiResponse: ...
