"""The session manager of one virtual BMC: datagram in, datagram (or nothing) out.

It routes each decoded packet: ASF presence ping, sessionless capability commands (IPMI 1.5
header or unauthenticated IPMI 2.0 header), RMCP+ session setup (:mod:`.rakp`), and
in-session IPMI requests, which it verifies (integrity, 13.28.4), sequences (6.12.13),
decrypts (13.29), answers or passes to the :class:`~.message.CommandHandler`, and seals.

No I/O and no clock of its own (``clock`` is injected), so it is unit-testable without
sockets; :mod:`.server` feeds it from asyncio.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from rackharness.bmc import crypto, rakp, wire
from rackharness.bmc.capabilities import answer_capability, is_capability_command
from rackharness.bmc.message import CommandHandler, IpmiRequest, IpmiResponse, SessionContext
from rackharness.bmc.session_commands import answer_session_command, is_session_command
from rackharness.bmc.session_table import DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_SESSIONS, SeqVerdict, Session, SessionTable
from rackharness.bmc.users import UserTable
from rackharness.ipmi.completion_codes import Completion

log = logging.getLogger("rackharness.bmc")

DEFAULT_CHANNEL = 1


class SessionManager:
    """All sessions of one BMC and the dispatch of its datagrams."""

    def __init__(
        self,
        users: UserTable,
        handler: CommandHandler,
        guid: bytes,
        *,
        name: str = "bmc",
        channel: int = DEFAULT_CHANNEL,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if len(guid) != 16:
            raise ValueError("a BMC GUID is 16 bytes")
        self.users = users
        self.handler = handler
        self.guid = bytes(guid)
        self.name = name
        self.channel = channel
        self.table = SessionTable(max_sessions, idle_timeout, clock)

    def handle_datagram(self, data: bytes, peer: tuple) -> bytes | None:
        """Answer one UDP datagram from ``peer``; None means send nothing."""
        try:
            packet = wire.parse_datagram(data)
        except wire.MalformedPacket as exc:
            log.debug("%s: dropped datagram from %s: %s", self.name, peer, exc)
            return None
        if isinstance(packet, wire.AsfPing):
            return wire.encode_asf_pong(packet.tag)
        for session in self.table.expire_idle():
            log.info(
                "%s: session 0x%08x of %r expired after %gs idle",
                self.name,
                session.bmc_sid,
                session.username,
                self.table.idle_timeout,
            )
        if isinstance(packet, wire.Ipmi15Packet):
            if packet.session_id:  # IPMI 1.5 sessions are not offered
                return None
            reply = self._sessionless(packet.payload)
            return reply and wire.encode_ipmi15(reply)
        return self._ipmi20(packet, data, peer)

    def _ipmi20(self, packet: wire.Ipmi20Packet, data: bytes, peer: tuple) -> bytes | None:
        kind = packet.payload_type
        if kind == wire.PayloadType.IPMI:
            if packet.session_id == 0 and not packet.authenticated and not packet.encrypted:
                reply = self._sessionless(packet.payload)
                return reply and wire.encode_ipmi20(wire.PayloadType.IPMI, reply)
            return self._in_session(packet, data)
        if kind == wire.PayloadType.OPEN_SESSION_REQUEST:
            reply, reply_kind = (
                rakp.open_session(self.table, packet.payload, peer),
                wire.PayloadType.OPEN_SESSION_RESPONSE,
            )
        elif kind == wire.PayloadType.RAKP1:
            reply, reply_kind = rakp.rakp1(self.table, self.users, self.guid, packet.payload), wire.PayloadType.RAKP2
        elif kind == wire.PayloadType.RAKP3:
            reply, reply_kind = rakp.rakp3(self.table, packet.payload), wire.PayloadType.RAKP4
        else:
            log.debug("%s: payload type 0x%02x not supported", self.name, kind)
            return None
        return reply and wire.encode_ipmi20(reply_kind, reply)

    def _sessionless(self, message: bytes) -> bytes | None:
        """Outside a session only the capability commands are answered (table G-1)."""
        try:
            request = wire.decode_lan_request(message)
        except wire.MalformedPacket as exc:
            log.debug("%s: bad sessionless message: %s", self.name, exc)
            return None
        if is_capability_command(request.netfn, request.command):
            response = answer_capability(request.command, request.data, self.channel, self.guid)
        else:
            response = IpmiResponse.error(Completion.INSUFFICIENT_PRIVILEGE)
        return request.response(response.completion_code, response.data)

    def _in_session(self, packet: wire.Ipmi20Packet, data: bytes) -> bytes | None:
        session = self.table.get(packet.session_id)
        if session is None or not session.established:
            log.debug("%s: packet for unknown session 0x%08x", self.name, packet.session_id)
            return None
        if not (packet.authenticated and packet.encrypted):
            return None  # suites 3 and 17 both require integrity and confidentiality
        keys = session.keys
        if not crypto.check_integrity(session.suite, keys.k1, data[4:]):
            log.debug("%s: bad AuthCode on session 0x%08x", self.name, session.bmc_sid)
            return None
        verdict = session.window.check(packet.session_seq)
        if verdict is SeqVerdict.DUPLICATE:
            cached = session.last_reply
            resend = cached is not None and cached[0] == packet.session_seq
            log.debug(
                "%s: duplicate sequence number %d on session 0x%08x: %s",
                self.name,
                packet.session_seq,
                session.bmc_sid,
                "cached reply resent" if resend else "dropped",
            )
            return cached[1] if resend else None
        if verdict is SeqVerdict.REJECT:
            log.debug("%s: sequence number %d outside the window", self.name, packet.session_seq)
            return None
        try:
            request = wire.decode_lan_request(crypto.aes_decrypt(keys.aes_key, packet.payload))
        except (ValueError, wire.MalformedPacket) as exc:
            log.debug("%s: undecodable request on session 0x%08x: %s", self.name, session.bmc_sid, exc)
            return None
        session.last_active = self.table.clock()
        session.rakp4_reply = None
        response = self._dispatch(session, request)
        reply = self._seal(session, request.response(response.completion_code, response.data))
        session.last_reply = (packet.session_seq, reply)
        if session.closing:
            self.table.remove(session.bmc_sid)
            log.info("%s: session 0x%08x of %r closed", self.name, session.bmc_sid, session.username)
        return reply

    def _dispatch(self, session: Session, request: wire.LanRequest) -> IpmiResponse:
        if is_capability_command(request.netfn, request.command):
            return answer_capability(request.command, request.data, self.channel, self.guid)
        if is_session_command(request.netfn, request.command):
            return answer_session_command(request.command, request.data, session, self.table, self.channel)
        context = SessionContext(
            username=session.username, privilege=session.privilege, channel=self.channel, session_id=session.bmc_sid
        )
        try:
            response = self.handler.handle(
                IpmiRequest(request.netfn, request.command, request.data, request.rs_lun), context
            )
            if not isinstance(response, IpmiResponse):
                raise TypeError(f"handler returned {type(response).__name__}, not IpmiResponse")
            return response
        except Exception:  # a handler bug must cost one answer, never the loop
            log.exception("%s: handler failed on netfn 0x%02x cmd 0x%02x", self.name, request.netfn, request.command)
            return IpmiResponse.error(Completion.UNSPECIFIED)

    def _seal(self, session: Session, message: bytes) -> bytes:
        """Encrypt, frame and sign one IPMI message for ``session`` (table 13-8)."""
        keys = session.keys
        body = crypto.aes_encrypt(keys.aes_key, message)
        header = wire.encode_ipmi20_header(
            wire.PayloadType.IPMI,
            session.console_sid,
            session.next_outbound_seq(),
            len(body),
            encrypted=True,
            authenticated=True,
        )
        signed = header[4:] + body
        return header + body + crypto.integrity_trailer(session.suite, keys.k1, signed)
