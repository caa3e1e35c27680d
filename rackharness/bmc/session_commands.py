"""The in-session commands that act on the session itself (App netfn):

- Set Session Privilege Level, 3Bh (22.18, table 22-22);
- Close Session, 3Ch (22.19, table 22-23);
- Get Session Info, 3Dh (22.20, table 22-24).
"""

from __future__ import annotations

import ipaddress
import struct

from rackharness.bmc.message import IpmiResponse, NetFn, Privilege
from rackharness.bmc.session_table import Session, SessionTable
from rackharness.ipmi.completion_codes import Completion

CMD_SET_SESSION_PRIVILEGE = 0x3B
CMD_CLOSE_SESSION = 0x3C
CMD_GET_SESSION_INFO = 0x3D
SESSION_COMMANDS = frozenset((CMD_SET_SESSION_PRIVILEGE, CMD_CLOSE_SESSION, CMD_GET_SESSION_INFO))

#: Set Session Privilege Level completion codes (table 22-22)
LEVEL_NOT_AVAILABLE = 0x80
LEVEL_EXCEEDS_LIMIT = 0x81
#: Close Session completion codes (table 22-23)
INVALID_SESSION_ID = 0x87
INVALID_SESSION_HANDLE = 0x88
#: Get Session Info byte 6 bits 7:4: session protocol IPMI v2.0/RMCP+
_PROTOCOL_RMCP_PLUS = 0x10


def is_session_command(netfn: int, command: int) -> bool:
    return netfn == NetFn.APP and command in SESSION_COMMANDS


def answer_session_command(
    command: int, data: bytes, session: Session, table: SessionTable, channel: int
) -> IpmiResponse:
    if command == CMD_SET_SESSION_PRIVILEGE:
        return set_session_privilege(data, session)
    if command == CMD_CLOSE_SESSION:
        return close_session(data, session, table)
    return session_info(data, session, table, channel)


def set_session_privilege(data: bytes, session: Session) -> IpmiResponse:
    """0 asks for the present level. A level above the user's limit is 81h; one within it
    but above what RAKP 1 asked for is 80h (not available to this session)."""
    if len(data) != 1:
        return IpmiResponse.error(Completion.REQUEST_DATA_LENGTH_INVALID)
    requested = data[0] & 0x0F
    if requested == 0:
        return IpmiResponse(data=bytes((session.privilege,)))
    if not Privilege.USER <= requested <= Privilege.OEM:
        return IpmiResponse.error(Completion.INVALID_DATA_FIELD)
    if session.user is None or requested > session.user.privilege_limit:
        return IpmiResponse.error(LEVEL_EXCEEDS_LIMIT)
    if requested > session.privilege_ceiling:
        return IpmiResponse.error(LEVEL_NOT_AVAILABLE)
    session.privilege = Privilege(requested)
    return IpmiResponse(data=bytes((requested,)))


def close_session(data: bytes, session: Session, table: SessionTable) -> IpmiResponse:
    """Close this session (answered, then dropped) or, as Administrator, another one."""
    if len(data) not in (4, 5):
        return IpmiResponse.error(Completion.REQUEST_DATA_LENGTH_INVALID)
    bmc_sid = struct.unpack_from("<I", data)[0]
    if bmc_sid == 0:
        if len(data) != 5:
            return IpmiResponse.error(INVALID_SESSION_HANDLE)
        target = next((s for s in table.established() if s.handle == data[4]), None)
        missing = INVALID_SESSION_HANDLE
    else:
        target = table.get(bmc_sid)
        missing = INVALID_SESSION_ID
    if target is None or not target.established:
        return IpmiResponse.error(missing)
    if target is session:
        session.closing = True
    elif session.privilege < Privilege.ADMINISTRATOR:
        return IpmiResponse.error(Completion.INSUFFICIENT_PRIVILEGE)
    else:
        table.remove(target.bmc_sid)
    return IpmiResponse()


def session_info(data: bytes, session: Session, table: SessionTable, channel: int) -> IpmiResponse:
    """Index 0 = this session, 1..N = the Nth active one, FEh = by handle, FFh = by id."""
    if not data:
        return IpmiResponse.error(Completion.REQUEST_DATA_LENGTH_INVALID)
    active = table.established()
    index = data[0]
    if index == 0:
        target = session
    elif index == 0xFE and len(data) >= 2:
        target = next((s for s in active if s.handle == data[1]), None)
    elif index == 0xFF and len(data) >= 5:
        target = table.get(struct.unpack_from("<I", data, 1)[0])
    elif 1 <= index <= 0x3F:
        target = active[index - 1] if index <= len(active) else None
    else:
        return IpmiResponse.error(Completion.INVALID_DATA_FIELD)
    head = bytes((target.handle if target else 0, table.max_sessions & 0x3F, len(active) & 0x3F))
    if target is None or not target.established:
        return IpmiResponse(data=head)
    user_id = target.user.user_id if target.user else 0
    return IpmiResponse(
        data=head
        + bytes((user_id & 0x3F, target.privilege, _PROTOCOL_RMCP_PLUS | channel & 0x0F))
        + _peer_bytes(target.peer)
    )


def _peer_bytes(peer: tuple) -> bytes:
    """Remote console IPv4 address (MS byte first), MAC (unknown: zeros), UDP port
    (LS byte first), table 22-24 bytes 7-18."""
    try:
        address = ipaddress.ip_address(peer[0])
        packed = address.packed if address.version == 4 else bytes(4)
    except (ValueError, IndexError, TypeError):
        packed = bytes(4)
    port = peer[1] if len(peer) > 1 and isinstance(peer[1], int) else 0
    return packed + bytes(6) + struct.pack("<H", port)
