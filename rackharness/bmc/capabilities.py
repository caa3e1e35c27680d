"""The commands a client sends before it has a session: what the channel can do.

Answered by the session layer itself, outside a session (IPMI 1.5 header, auth type none, or
an unauthenticated IPMI 2.0 header with session id 0) and inside one:

- Get Channel Authentication Capabilities, App 38h (22.13, table 22-15);
- Get Channel Cipher Suites, App 54h (22.15, tables 22-17/22-18);
- Get System GUID, App 37h (22.14) - legal outside a session per table G-1.
"""

from __future__ import annotations

from rackharness.bmc.crypto import SUPPORTED_SUITES
from rackharness.bmc.message import IpmiResponse, NetFn, Privilege
from rackharness.ipmi.completion_codes import Completion

CMD_GET_SYSTEM_GUID = 0x37
CMD_GET_CHANNEL_AUTH_CAPABILITIES = 0x38
CMD_GET_CHANNEL_CIPHER_SUITES = 0x54
CAPABILITY_COMMANDS = frozenset((CMD_GET_SYSTEM_GUID, CMD_GET_CHANNEL_AUTH_CAPABILITIES, CMD_GET_CHANNEL_CIPHER_SUITES))

CURRENT_CHANNEL = 0x0E
#: Get Channel Auth Capabilities request byte 1 bit 7: "get IPMI v2.0+ extended data"
_WANT_V20_DATA = 0x80
#: response byte 3 (table 22-15): per-message and user-level authentication enabled (bits 4
#: and 3 are "disabled" flags, left 0), non-null user names enabled (bit 2), no null user,
#: no anonymous login, KG is the default (bit 5 = 0)
_AUTH_STATUS = 0x04
#: response byte 4: channel supports IPMI v2.0 connections only (bit 1)
_EXTENDED_CAPS_V20 = 0x02
#: Get Channel Cipher Suites request byte 3 bit 7: list algorithms by cipher suite
_LIST_BY_SUITE = 0x80
_RECORD_CHUNK = 16
_CIPHER_RECORDS = b"".join(suite.record for suite in SUPPORTED_SUITES)
_ALGORITHM_LIST = bytes(sorted({byte for suite in SUPPORTED_SUITES for byte in suite.record[2:]}))


def is_capability_command(netfn: int, command: int) -> bool:
    return netfn == NetFn.APP and command in CAPABILITY_COMMANDS


def answer_capability(command: int, data: bytes, channel: int, guid: bytes) -> IpmiResponse:
    """Answer one of :data:`CAPABILITY_COMMANDS` for LAN channel ``channel``."""
    if command == CMD_GET_SYSTEM_GUID:
        return IpmiResponse(data=guid) if not data else _bad_length()
    if command == CMD_GET_CHANNEL_AUTH_CAPABILITIES:
        return channel_auth_capabilities(data, channel)
    if command == CMD_GET_CHANNEL_CIPHER_SUITES:
        return channel_cipher_suites(data, channel)
    return IpmiResponse.error(Completion.INVALID_COMMAND)


def _bad_length() -> IpmiResponse:
    return IpmiResponse.error(Completion.REQUEST_DATA_LENGTH_INVALID)


def _channel_ok(byte: int, channel: int) -> bool:
    return byte & 0x0F in (CURRENT_CHANNEL, channel)


def channel_auth_capabilities(data: bytes, channel: int) -> IpmiResponse:
    """Table 22-15. RMCP+ only: no IPMI 1.5 auth types; v2.0 data when asked for it."""
    if len(data) != 2:
        return _bad_length()
    wants_v20 = bool(data[0] & _WANT_V20_DATA)
    requested = data[1] & 0x0F
    if not _channel_ok(data[0], channel) or not Privilege.CALLBACK <= requested <= Privilege.OEM:
        return IpmiResponse.error(Completion.INVALID_DATA_FIELD)
    return IpmiResponse(
        data=bytes(
            (
                channel,
                _WANT_V20_DATA if wants_v20 else 0x00,
                _AUTH_STATUS,
                _EXTENDED_CAPS_V20 if wants_v20 else 0x00,
                0,
                0,
                0,  # OEM IANA: none
                0,  # OEM auxiliary data
            )
        )
    )


def channel_cipher_suites(data: bytes, channel: int) -> IpmiResponse:
    """Tables 22-17/22-18: 16-byte pages of the record list; a short page is the last."""
    if len(data) != 3:
        return _bad_length()
    payload_type = data[1] & 0x3F
    if not _channel_ok(data[0], channel) or payload_type > 1:  # IPMI and SOL payloads
        return IpmiResponse.error(Completion.INVALID_DATA_FIELD)
    records = _CIPHER_RECORDS if data[2] & _LIST_BY_SUITE else _ALGORITHM_LIST
    start = (data[2] & 0x3F) * _RECORD_CHUNK
    return IpmiResponse(data=bytes((channel,)) + records[start : start + _RECORD_CHUNK])
