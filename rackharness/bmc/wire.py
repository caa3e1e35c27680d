"""Byte layouts of IPMI over LAN: RMCP, ASF presence ping/pong, IPMI 1.5 and 2.0 session
headers and the IPMI LAN message inside them. Pure encode/decode, no state, no crypto.

References (IPMI v2.0 rev 1.1):
- table 13-1  RMCP header; 13.2.3 / ASF 2.0 3.2.4 presence ping and pong;
- table 13-8  IPMI v1.5 and v2.0/RMCP+ session header layouts;
- table 13-16 payload types (13.27.3);
- figure 13-4 "IPMI LAN request and response messages" (rsAddr, netFn/rsLUN,
  checksum 1, rqAddr, rqSeq/rqLUN, cmd, data, checksum 2).
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

RMCP_VERSION = 0x06
RMCP_SEQ_NO_ACK = 0xFF
RMCP_CLASS_ASF = 0x06
RMCP_CLASS_IPMI = 0x07
ASF_IANA = 4542
ASF_TYPE_PING = 0x80
ASF_TYPE_PONG = 0x40

BMC_ADDRESS = 0x20
#: Bits of the IPMI 2.0 payload type byte (table 13-8).
PAYLOAD_ENCRYPTED = 0x80
PAYLOAD_AUTHENTICATED = 0x40

_RMCP_IPMI_HEADER = bytes((RMCP_VERSION, 0, RMCP_SEQ_NO_ACK, RMCP_CLASS_IPMI))
#: total lengths after which IPMI 1.5 wants a legacy pad byte (13.6, "Legacy PAD")
_LEGACY_PAD_LENGTHS = frozenset((56, 84, 112, 128, 156))


class MalformedPacket(ValueError):
    """The datagram does not parse as the layout it claims to be."""


class AuthType(enum.IntEnum):
    """Session header auth type / format byte (table 13-8)."""

    NONE = 0x00
    MD2 = 0x01
    MD5 = 0x02
    PASSWORD = 0x04
    OEM = 0x05
    RMCP_PLUS = 0x06


class PayloadType(enum.IntEnum):
    """RMCP+ payload types (table 13-16)."""

    IPMI = 0x00
    SOL = 0x01
    OEM_EXPLICIT = 0x02
    OPEN_SESSION_REQUEST = 0x10
    OPEN_SESSION_RESPONSE = 0x11
    RAKP1 = 0x12
    RAKP2 = 0x13
    RAKP3 = 0x14
    RAKP4 = 0x15


@dataclass(frozen=True)
class AsfPing:
    """An ASF presence ping (RMCP class 6, message type 0x80); ``tag`` is echoed in the pong."""

    tag: int


@dataclass(frozen=True)
class Ipmi15Packet:
    """An IPMI 1.5 session-header packet; only auth type NONE (sessionless) is supported."""

    session_seq: int
    session_id: int
    payload: bytes


@dataclass(frozen=True)
class Ipmi20Packet:
    """An IPMI 2.0 / RMCP+ packet (table 13-8).

    ``payload`` is the payload field as it is on the wire (still encrypted when
    ``encrypted``); ``trailer`` is everything after it (integrity pad, pad length, next
    header, AuthCode); ``signed`` is auth type .. next header, what the AuthCode covers.
    """

    payload_type: int
    encrypted: bool
    authenticated: bool
    session_id: int
    session_seq: int
    payload: bytes
    trailer: bytes = b""

    @property
    def signed_length(self) -> int:
        return 12 + len(self.payload) + len(self.trailer)


def checksum(data: bytes) -> int:
    """IPMI 8-bit two's complement checksum: (sum(data) + checksum) % 256 == 0."""
    return -sum(data) & 0xFF


def parse_datagram(data: bytes) -> AsfPing | Ipmi15Packet | Ipmi20Packet:
    """Classify and decode one UDP datagram; raise :class:`MalformedPacket` otherwise."""
    if len(data) < 4 or data[0] != RMCP_VERSION:
        raise MalformedPacket("not RMCP version 1.0")
    rmcp_class = data[3] & 0x1F
    if rmcp_class == RMCP_CLASS_ASF:
        return _parse_asf_ping(data)
    if rmcp_class != RMCP_CLASS_IPMI or data[3] & 0x80:
        raise MalformedPacket(f"unsupported RMCP class 0x{data[3]:02x}")
    if len(data) < 5:
        raise MalformedPacket("no session header")
    if data[4] == AuthType.RMCP_PLUS:
        return _parse_ipmi20(data)
    if data[4] == AuthType.NONE:
        return _parse_ipmi15(data)
    raise MalformedPacket(f"IPMI 1.5 auth type {data[4]} is not supported")


def _parse_asf_ping(data: bytes) -> AsfPing:
    if len(data) < 12:
        raise MalformedPacket("short ASF message")
    iana, msg_type, tag = struct.unpack_from(">IBB", data, 4)
    if iana != ASF_IANA or msg_type != ASF_TYPE_PING:
        raise MalformedPacket("ASF message is not a presence ping")
    return AsfPing(tag)


def _parse_ipmi15(data: bytes) -> Ipmi15Packet:
    if len(data) < 14:
        raise MalformedPacket("short IPMI 1.5 session header")
    seq, sid, length = struct.unpack_from("<IIB", data, 5)
    payload = data[14 : 14 + length]
    if len(payload) != length:
        raise MalformedPacket("IPMI 1.5 payload shorter than its length field")
    return Ipmi15Packet(seq, sid, bytes(payload))


def _parse_ipmi20(data: bytes) -> Ipmi20Packet:
    if len(data) < 16:
        raise MalformedPacket("short IPMI 2.0 session header")
    type_byte = data[5]
    if type_byte & 0x3F == PayloadType.OEM_EXPLICIT:
        raise MalformedPacket("OEM explicit payloads are not supported")
    sid, seq, length = struct.unpack_from("<IIH", data, 6)
    payload = data[16 : 16 + length]
    if len(payload) != length:
        raise MalformedPacket("IPMI 2.0 payload shorter than its length field")
    return Ipmi20Packet(
        payload_type=type_byte & 0x3F,
        encrypted=bool(type_byte & PAYLOAD_ENCRYPTED),
        authenticated=bool(type_byte & PAYLOAD_AUTHENTICATED),
        session_id=sid,
        session_seq=seq,
        payload=bytes(payload),
        trailer=bytes(data[16 + length :]),
    )


def encode_asf_pong(tag: int) -> bytes:
    """Presence pong: supported entities 0x81 = IPMI supported, ASF 1.0 (ASF 2.0 3.2.4.3)."""
    body = struct.pack(">IIBB6x", ASF_IANA, 0, 0x81, 0x00)
    return (
        bytes((RMCP_VERSION, 0, RMCP_SEQ_NO_ACK, RMCP_CLASS_ASF))
        + struct.pack(">IBBBB", ASF_IANA, ASF_TYPE_PONG, tag, 0, len(body))
        + body
    )


def encode_asf_ping(tag: int) -> bytes:
    return bytes((RMCP_VERSION, 0, RMCP_SEQ_NO_ACK, RMCP_CLASS_ASF)) + struct.pack(
        ">IBBBB", ASF_IANA, ASF_TYPE_PING, tag, 0, 0
    )


def encode_ipmi15(payload: bytes, session_seq: int = 0, session_id: int = 0) -> bytes:
    """An IPMI 1.5 packet with auth type NONE (no AuthCode field)."""
    packet = _RMCP_IPMI_HEADER + struct.pack("<BIIB", AuthType.NONE, session_seq, session_id, len(payload)) + payload
    if len(packet) + 34 in _LEGACY_PAD_LENGTHS:  # 34: Ethernet + IP + UDP headers (13.6)
        packet += b"\0"
    return packet


def encode_ipmi20_header(
    payload_type: int,
    session_id: int,
    session_seq: int,
    payload_length: int,
    *,
    encrypted: bool = False,
    authenticated: bool = False,
) -> bytes:
    """RMCP header + IPMI 2.0 session header up to and including the payload length."""
    type_byte = (
        int(payload_type) | (PAYLOAD_ENCRYPTED if encrypted else 0) | (PAYLOAD_AUTHENTICATED if authenticated else 0)
    )
    return _RMCP_IPMI_HEADER + struct.pack(
        "<BBIIH", AuthType.RMCP_PLUS, type_byte, session_id, session_seq, payload_length
    )


def encode_ipmi20(payload_type: int, payload: bytes, session_id: int = 0, session_seq: int = 0) -> bytes:
    """An unauthenticated, unencrypted IPMI 2.0 packet (session setup, sessionless)."""
    return encode_ipmi20_header(payload_type, session_id, session_seq, len(payload)) + payload


@dataclass(frozen=True)
class LanRequest:
    """An IPMI LAN request message (IPMI 2.0 figure 13-4)."""

    rs_addr: int
    netfn: int
    rs_lun: int
    rq_addr: int
    rq_seq: int
    rq_lun: int
    command: int
    data: bytes = b""

    def encode(self) -> bytes:
        head = bytes((self.rs_addr, (self.netfn << 2) | self.rs_lun))
        body = bytes((self.rq_addr, (self.rq_seq << 2) | self.rq_lun, self.command)) + self.data
        return head + bytes((checksum(head),)) + body + bytes((checksum(body),))

    def response(self, completion_code: int, data: bytes = b"") -> bytes:
        """The response message: addresses swapped, netFn + 1, same rqSeq and command."""
        head = bytes((self.rq_addr, ((self.netfn | 1) << 2) | self.rq_lun))
        body = bytes((self.rs_addr, (self.rq_seq << 2) | self.rs_lun, self.command, completion_code & 0xFF)) + data
        return head + bytes((checksum(head),)) + body + bytes((checksum(body),))


def decode_lan_request(message: bytes) -> LanRequest:
    """Parse an IPMI LAN request; both checksums must hold."""
    if len(message) < 7:
        raise MalformedPacket("IPMI message shorter than 7 bytes")
    if checksum(message[:2]) != message[2]:
        raise MalformedPacket("IPMI header checksum mismatch")
    if checksum(message[3:-1]) != message[-1]:
        raise MalformedPacket("IPMI body checksum mismatch")
    return LanRequest(
        rs_addr=message[0],
        netfn=message[1] >> 2,
        rs_lun=message[1] & 3,
        rq_addr=message[3],
        rq_seq=message[4] >> 2,
        rq_lun=message[4] & 3,
        command=message[5],
        data=bytes(message[6:-1]),
    )


@dataclass(frozen=True)
class LanResponse:
    """A decoded IPMI LAN response message (what clients and the probe read)."""

    netfn: int
    rq_seq: int
    command: int
    completion_code: int
    data: bytes


def decode_lan_response(message: bytes) -> LanResponse:
    if len(message) < 8:
        raise MalformedPacket("IPMI response shorter than 8 bytes")
    if checksum(message[:2]) != message[2] or checksum(message[3:-1]) != message[-1]:
        raise MalformedPacket("IPMI response checksum mismatch")
    return LanResponse(
        netfn=message[1] >> 2,
        rq_seq=message[4] >> 2,
        command=message[5],
        completion_code=message[6],
        data=bytes(message[7:-1]),
    )
