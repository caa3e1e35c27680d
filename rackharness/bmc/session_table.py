"""The sessions of one virtual BMC: their state, their sequence-number windows, and a table
bounded in size with idle expiry.

A :class:`Session` is created by Open Session Request (13.17) and is *pending* until RAKP 3
is verified, then *established*. Memory per session is a few hundred bytes (``__slots__``,
no buffers beyond the last reply, kept for retransmissions).
"""

from __future__ import annotations

import enum
import os
import struct
import time
from collections.abc import Callable

from rackharness.bmc.crypto import CipherSuite, SessionKeys
from rackharness.bmc.message import Privilege
from rackharness.bmc.users import BmcUser

DEFAULT_MAX_SESSIONS = 16
DEFAULT_IDLE_TIMEOUT = 60.0
_U32 = 1 << 32


class SeqVerdict(enum.Enum):
    ACCEPT = "accept"
    DUPLICATE = "duplicate"
    REJECT = "reject"


class SequenceWindow:
    """Inbound session sequence numbers (6.12.13): a sliding window of ``size`` around the
    highest number seen; numbers above it move it, numbers below it are accepted once.
    Zero is never valid in a session (13.8)."""

    __slots__ = ("highest", "_seen", "size")

    def __init__(self, size: int = 16) -> None:
        self.highest = 0
        self._seen = 0  # bit i set: highest - i was received
        self.size = size

    def check(self, seq: int) -> SeqVerdict:
        if seq == 0:
            return SeqVerdict.REJECT
        if self.highest == 0:  # first packet of the session: any start value
            self.highest, self._seen = seq, 1
            return SeqVerdict.ACCEPT
        delta = (seq - self.highest + _U32 // 2) % _U32 - _U32 // 2
        if delta == 0:
            return SeqVerdict.DUPLICATE
        if delta > 0:
            if delta > self.size:
                return SeqVerdict.REJECT
            self.highest = seq
            self._seen = ((self._seen << delta) | 1) & ((1 << self.size) - 1)
            return SeqVerdict.ACCEPT
        if -delta >= self.size:
            return SeqVerdict.REJECT
        bit = 1 << -delta
        if self._seen & bit:
            return SeqVerdict.DUPLICATE
        self._seen |= bit
        return SeqVerdict.ACCEPT


class Session:
    """One RMCP+ session. ``bmc_sid`` is the managed-system session id (SIDc) clients put in
    their packets; ``console_sid`` (SIDm) is what the BMC puts in its replies."""

    __slots__ = (
        "bmc_sid",
        "console_sid",
        "handle",
        "suite",
        "peer",
        "max_privilege",
        "last_active",
        # filled by RAKP 1
        "user",
        "role",
        "console_random",
        "bmc_random",
        "expected_rakp3",
        "keys",
        "rakp4_icv",
        # established
        "established",
        "privilege",
        "window",
        "outbound_seq",
        "last_reply",
        "rakp4_reply",
        "closing",
    )

    def __init__(
        self,
        bmc_sid: int,
        console_sid: int,
        handle: int,
        suite: CipherSuite,
        peer: tuple,
        max_privilege: Privilege,
        now: float,
    ) -> None:
        self.bmc_sid = bmc_sid
        self.console_sid = console_sid
        self.handle = handle
        self.suite = suite
        self.peer = peer
        self.max_privilege = max_privilege
        self.last_active = now
        self.user: BmcUser | None = None
        self.role = 0
        self.console_random = b""
        self.bmc_random = b""
        self.expected_rakp3: bytes | None = None
        self.keys: SessionKeys | None = None
        self.rakp4_icv = b""
        self.established = False
        self.privilege = Privilege.CALLBACK
        self.window = SequenceWindow()
        self.outbound_seq = 0
        #: (inbound sequence number, reply datagram) for retransmitted requests
        self.last_reply: tuple[int, bytes] | None = None
        #: RAKP 4 payload, resent if RAKP 3 is retransmitted before the first request
        self.rakp4_reply: bytes | None = None
        self.closing = False

    @property
    def username(self) -> str:
        return self.user.name if self.user else ""

    @property
    def privilege_ceiling(self) -> Privilege:
        """The RAKP 1 requested maximum (already checked against the user's limit)."""
        return Privilege(self.role & 0x0F) if self.role & 0x0F else Privilege.CALLBACK

    def next_outbound_seq(self) -> int:
        self.outbound_seq = self.outbound_seq % (_U32 - 1) + 1
        return self.outbound_seq

    def __repr__(self) -> str:
        state = "established" if self.established else "pending"
        return (
            f"Session(0x{self.bmc_sid:08x}, {state}, user={self.username!r}, "
            f"suite={self.suite.suite_id}, privilege={self.privilege.name})"
        )


class SessionTable:
    """At most ``max_sessions`` sessions (pending ones count); an idle one expires after
    ``idle_timeout`` seconds; when full, a new session evicts the least recently active."""

    def __init__(
        self,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_sessions < 1:
            raise ValueError("max_sessions must be at least 1")
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout
        self.clock = clock
        self._sessions: dict[int, Session] = {}
        self._next_handle = 0

    def __len__(self) -> int:
        return len(self._sessions)

    def __iter__(self):
        return iter(list(self._sessions.values()))

    def get(self, bmc_sid: int) -> Session | None:
        return self._sessions.get(bmc_sid)

    def remove(self, bmc_sid: int) -> Session | None:
        return self._sessions.pop(bmc_sid, None)

    def established(self) -> list[Session]:
        return [s for s in self._sessions.values() if s.established]

    def expire_idle(self) -> list[Session]:
        """Drop sessions idle for longer than the timeout; return them."""
        limit = self.clock() - self.idle_timeout
        gone = [s for s in self._sessions.values() if s.last_active < limit]
        for session in gone:
            del self._sessions[session.bmc_sid]
        return gone

    def create(
        self, console_sid: int, suite: CipherSuite, peer: tuple, max_privilege: Privilege
    ) -> tuple[Session, Session | None]:
        """A new pending session, and the session evicted to make room (or None)."""
        evicted = None
        if len(self._sessions) >= self.max_sessions:
            evicted = min(self._sessions.values(), key=lambda s: s.last_active)
            del self._sessions[evicted.bmc_sid]
        bmc_sid = self._new_session_id()
        self._next_handle = self._next_handle % 0xFF + 1
        session = Session(bmc_sid, console_sid, self._next_handle, suite, peer, max_privilege, self.clock())
        self._sessions[bmc_sid] = session
        return session, evicted

    def find_pending(self, console_sid: int, peer: tuple) -> Session | None:
        """A pending session already opened for this console session id (a retransmission)."""
        for session in self._sessions.values():
            if not session.established and session.console_sid == console_sid and session.peer == peer:
                return session
        return None

    def _new_session_id(self) -> int:
        while True:
            sid = struct.unpack("<I", os.urandom(4))[0]
            if sid and sid not in self._sessions:
                return sid
