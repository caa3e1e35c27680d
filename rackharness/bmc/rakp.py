"""RMCP+ session setup on the BMC side: Open Session Request/Response and RAKP 1-4.

References (IPMI v2.0 rev 1.1): 13.17-13.20, tables 13-9 (Open Session Request), 13-10
(Open Session Response), 13-11..13-14 (RAKP 1..4), 13-15 (RMCP+ status codes).

Every function takes a request payload and returns the reply payload, or None when the
request is too short to answer at all. Failures are answered at once with the status code a
client understands, so it can fall back or report; nothing is left to time out.
"""

from __future__ import annotations

import enum
import hmac
import logging
import os
import struct

from rackharness.bmc import crypto
from rackharness.bmc.message import Privilege
from rackharness.bmc.session_table import Session, SessionTable
from rackharness.bmc.users import MAX_NAME_BYTES, UserTable

log = logging.getLogger("rackharness.bmc")

_NAME_ONLY_LOOKUP = 0x10
_PRIVILEGE_MASK = 0x0F


class RmcpStatus(enum.IntEnum):
    """RMCP+ and RAKP message status codes (table 13-15)."""

    OK = 0x00
    INSUFFICIENT_RESOURCES = 0x01
    INVALID_SESSION_ID = 0x02
    INVALID_PAYLOAD_TYPE = 0x03
    INVALID_AUTHENTICATION_ALGORITHM = 0x04
    INVALID_INTEGRITY_ALGORITHM = 0x05
    INACTIVE_SESSION_ID = 0x08
    INVALID_ROLE = 0x09
    UNAUTHORIZED_ROLE = 0x0A
    INVALID_NAME_LENGTH = 0x0C
    UNAUTHORIZED_NAME = 0x0D
    INVALID_INTEGRITY_CHECK_VALUE = 0x0F
    INVALID_CONFIDENTIALITY_ALGORITHM = 0x10
    NO_CIPHER_SUITE_MATCH = 0x11
    ILLEGAL_PARAMETER = 0x12


def _error(tag: int, status: RmcpStatus, console_sid: int) -> bytes:
    """Short error form shared by Open Session Response, RAKP 2 and RAKP 4."""
    return struct.pack("<BBxxI", tag, status, console_sid)


class _Malformed(Exception):
    """An algorithm proposal of the Open Session Request is not laid out as table 13-9."""


def _algorithm(payload: bytes, offset: int, payload_kind: int) -> int | None:
    """The algorithm of one proposal (table 13-9), or None for "BMC chooses" (length 0)."""
    kind, length, algorithm = payload[offset], payload[offset + 3], payload[offset + 4]
    if kind != payload_kind:
        raise _Malformed(f"proposal {payload_kind} has payload type {kind}")
    return None if length == 0 else algorithm & 0x3F


def _choose_suite(auth, integrity, confidentiality) -> crypto.CipherSuite | RmcpStatus:
    if auth is not None and auth not in {s.auth_algorithm for s in crypto.SUPPORTED_SUITES}:
        return RmcpStatus.INVALID_AUTHENTICATION_ALGORITHM
    if integrity is not None and integrity not in {s.integrity_algorithm for s in crypto.SUPPORTED_SUITES}:
        return RmcpStatus.INVALID_INTEGRITY_ALGORITHM
    if confidentiality is not None and confidentiality not in {
        s.confidentiality_algorithm for s in crypto.SUPPORTED_SUITES
    }:
        return RmcpStatus.INVALID_CONFIDENTIALITY_ALGORITHM
    for suite in crypto.SUPPORTED_SUITES:
        if (
            auth in (None, suite.auth_algorithm)
            and integrity in (None, suite.integrity_algorithm)
            and confidentiality in (None, suite.confidentiality_algorithm)
        ):
            return suite
    return RmcpStatus.NO_CIPHER_SUITE_MATCH


def open_session(table: SessionTable, payload: bytes, peer: tuple) -> bytes | None:
    """Table 13-9 in, table 13-10 out. Only suites 3 and 17 are accepted."""
    if len(payload) < 8:
        return None
    tag, requested = payload[0], payload[1] & _PRIVILEGE_MASK
    console_sid = struct.unpack_from("<I", payload, 4)[0]
    if len(payload) < 32:
        return _error(tag, RmcpStatus.ILLEGAL_PARAMETER, console_sid)
    if console_sid == 0:
        return _error(tag, RmcpStatus.INVALID_SESSION_ID, console_sid)
    if requested > Privilege.OEM:
        return _error(tag, RmcpStatus.INVALID_ROLE, console_sid)
    try:
        proposals = [_algorithm(payload, 8 + 8 * kind, kind) for kind in range(3)]
    except _Malformed:
        return _error(tag, RmcpStatus.ILLEGAL_PARAMETER, console_sid)
    suite = _choose_suite(*proposals)
    if isinstance(suite, RmcpStatus):
        log.debug("open session from %s refused: %s", peer, suite.name)
        return _error(tag, suite, console_sid)
    max_privilege = Privilege(requested) if requested else Privilege.ADMINISTRATOR
    session = table.find_pending(console_sid, peer)
    if session is None or session.suite != suite:
        session, evicted = table.create(console_sid, suite, peer, max_privilege)
        if evicted is not None:
            log.info("session table full: evicted %r", evicted)
    return struct.pack("<BBBxII", tag, RmcpStatus.OK, max_privilege, console_sid, session.bmc_sid) + bytes(
        (
            0,
            0,
            0,
            8,
            suite.auth_algorithm,
            0,
            0,
            0,
            1,
            0,
            0,
            8,
            suite.integrity_algorithm,
            0,
            0,
            0,
            2,
            0,
            0,
            8,
            suite.confidentiality_algorithm,
            0,
            0,
            0,
        )
    )


def rakp1(table: SessionTable, users: UserTable, guid: bytes, payload: bytes) -> bytes | None:
    """Table 13-11 in, table 13-12 (RAKP 2) out."""
    if len(payload) < 28:
        return None
    tag = payload[0]
    session = table.get(struct.unpack_from("<I", payload, 4)[0])
    if session is None or session.established:
        return _error(tag, RmcpStatus.INVALID_SESSION_ID, 0)
    role, name_length = payload[24], payload[27]
    name = payload[28 : 28 + name_length]
    if name_length > MAX_NAME_BYTES or len(name) != name_length:
        return _error(tag, RmcpStatus.INVALID_NAME_LENGTH, session.console_sid)
    requested = role & _PRIVILEGE_MASK
    user = users.by_name(name.decode("utf-8", "replace")) if name else None
    if user is None or not user.ipmi_messaging:
        log.info(
            "RAKP 1 for unknown or disabled user %r on session 0x%08x", name.decode("utf-8", "replace"), session.bmc_sid
        )
        return _error(tag, RmcpStatus.UNAUTHORIZED_NAME, session.console_sid)
    if not Privilege.CALLBACK <= requested <= min(user.privilege_limit, session.max_privilege):
        log.info("RAKP 1: user %r may not have privilege %d", user.name, requested)
        return _error(tag, RmcpStatus.INVALID_ROLE, session.console_sid)
    suite = session.suite
    kuid = user.password_key
    session.user, session.role = user, role
    session.console_random, session.bmc_random = bytes(payload[8:24]), os.urandom(16)
    session.expected_rakp3 = crypto.rakp3_auth_code(suite, kuid, session.bmc_random, session.console_sid, role, name)
    sik = crypto.session_integrity_key(suite, kuid, session.console_random, session.bmc_random, role, name)
    session.keys = crypto.derive_keys(suite, sik)
    session.rakp4_icv = crypto.rakp4_integrity_check(suite, sik, session.console_random, session.bmc_sid, guid)
    session.last_active = table.clock()
    auth_code = crypto.rakp2_auth_code(
        suite, kuid, session.console_sid, session.bmc_sid, session.console_random, session.bmc_random, guid, role, name
    )
    return struct.pack("<BBxxI", tag, RmcpStatus.OK, session.console_sid) + session.bmc_random + guid + auth_code


def rakp3(table: SessionTable, payload: bytes) -> bytes | None:
    """Table 13-13 in, table 13-14 (RAKP 4) out. A bad auth code closes the session."""
    if len(payload) < 8:
        return None
    tag, status = payload[0], payload[1]
    session = table.get(struct.unpack_from("<I", payload, 4)[0])
    if session is not None and session.established:
        # RAKP 4 was lost and RAKP 3 retransmitted: same answer until the first request
        return session.rakp4_reply
    if session is None or session.expected_rakp3 is None:
        return _error(tag, RmcpStatus.INVALID_SESSION_ID, 0)
    if status != RmcpStatus.OK:  # the console gives up (e.g. RAKP 2 did not verify)
        table.remove(session.bmc_sid)
        log.info("console aborted session 0x%08x in RAKP 3 (status 0x%02x)", session.bmc_sid, status)
        return None
    if not hmac.compare_digest(bytes(payload[8:]), session.expected_rakp3):
        table.remove(session.bmc_sid)
        log.info("RAKP 3 auth code mismatch for user %r (wrong password?)", session.username)
        return _error(tag, RmcpStatus.INVALID_INTEGRITY_CHECK_VALUE, session.console_sid)
    establish(session, table.clock())
    log.info(
        "session 0x%08x established: user %r, suite %d, max privilege %s, from %s",
        session.bmc_sid,
        session.username,
        session.suite.suite_id,
        session.privilege_ceiling.name,
        session.peer,
    )
    session.rakp4_reply = struct.pack("<BBxxI", tag, RmcpStatus.OK, session.console_sid) + session.rakp4_icv
    return session.rakp4_reply


def establish(session: Session, now: float) -> None:
    """RAKP 3 verified: the session starts at User level or its ceiling if lower (13.17);
    Set Session Privilege Level raises it up to the ceiling."""
    session.established = True
    session.expected_rakp3 = None
    session.privilege = min(Privilege.USER, session.privilege_ceiling)
    session.last_active = now
