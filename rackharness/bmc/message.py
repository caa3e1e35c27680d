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


class Completion(enum.IntEnum):
    """Completion codes (IPMI 2.0 table 5-2) the virtual BMC answers with."""

    OK = 0x00
    NODE_BUSY = 0xC0
    INVALID_COMMAND = 0xC1
    INVALID_FOR_LUN = 0xC2
    TIMEOUT = 0xC3
    OUT_OF_SPACE = 0xC4
    RESERVATION_CANCELLED = 0xC5
    REQUEST_DATA_TRUNCATED = 0xC6
    REQUEST_DATA_LENGTH_INVALID = 0xC7
    REQUEST_DATA_FIELD_LENGTH_EXCEEDED = 0xC8
    PARAMETER_OUT_OF_RANGE = 0xC9
    CANNOT_RETURN_REQUESTED_BYTES = 0xCA
    REQUESTED_DATA_NOT_PRESENT = 0xCB
    INVALID_DATA_FIELD = 0xCC
    ILLEGAL_FOR_SENSOR_OR_RECORD = 0xCD
    CANNOT_RESPOND = 0xCE
    DUPLICATE_REQUEST = 0xCF
    SDR_IN_UPDATE_MODE = 0xD0
    FIRMWARE_UPDATE_MODE = 0xD1
    BMC_INITIALIZING = 0xD2
    DESTINATION_UNAVAILABLE = 0xD3
    INSUFFICIENT_PRIVILEGE = 0xD4
    NOT_SUPPORTED_IN_PRESENT_STATE = 0xD5
    PARAMETER_NOT_SUPPORTED = 0x80  # command-specific (e.g. boot option / LAN parameter not supported)
    UNSPECIFIED = 0xFF


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

    def handle(self, request: IpmiRequest, session: SessionContext) -> IpmiResponse:
        ...
