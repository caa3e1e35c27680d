"""Is a BMC answering? One sessionless Get Channel Authentication Capabilities (App 38h,
IPMI 1.5 header, auth type none) and a check that a well-formed reply comes back.

For readiness checks: no session, no credentials, nothing left behind on the BMC.
"""

from __future__ import annotations

import asyncio
import os
import socket

from rackharness.bmc import wire
from rackharness.bmc.capabilities import CMD_GET_CHANNEL_AUTH_CAPABILITIES, CURRENT_CHANNEL
from rackharness.bmc.message import NetFn, Privilege

_CONSOLE_ADDRESS = 0x81  # remote console software id (5.5)


def auth_capabilities_request(rq_seq: int) -> bytes:
    """The datagram: v2.0 data requested, current channel, Administrator."""
    message = wire.LanRequest(
        rs_addr=wire.BMC_ADDRESS,
        netfn=NetFn.APP,
        rs_lun=0,
        rq_addr=_CONSOLE_ADDRESS,
        rq_seq=rq_seq & 0x3F,
        rq_lun=0,
        command=CMD_GET_CHANNEL_AUTH_CAPABILITIES,
        data=bytes((0x80 | CURRENT_CHANNEL, Privilege.ADMINISTRATOR)),
    )
    return wire.encode_ipmi15(message.encode())


def is_auth_capabilities_reply(datagram: bytes, rq_seq: int) -> bool:
    """A completion-code-0 Get Channel Auth Capabilities answer to ``rq_seq``."""
    try:
        packet = wire.parse_datagram(datagram)
        if not isinstance(packet, (wire.Ipmi15Packet, wire.Ipmi20Packet)):
            return False
        response = wire.decode_lan_response(packet.payload)
    except wire.MalformedPacket:
        return False
    return (
        response.netfn == NetFn.APP + 1
        and response.rq_seq == rq_seq & 0x3F
        and response.command == CMD_GET_CHANNEL_AUTH_CAPABILITIES
        and response.completion_code == 0
        and len(response.data) >= 8
    )


def bmc_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when ``host:port`` answers a Get Channel Auth Capabilities within ``timeout``."""
    rq_seq = os.urandom(1)[0] & 0x3F
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(timeout)
            sock.connect((host, port))
            sock.send(auth_capabilities_request(rq_seq))
            while True:  # skip strays until the answer or the timeout
                if is_auth_capabilities_reply(sock.recv(512), rq_seq):
                    return True
    except OSError:  # timeout, refused (ICMP port unreachable), unreachable
        return False


class _ProbeProtocol(asyncio.DatagramProtocol):
    def __init__(self, rq_seq: int, answered: asyncio.Future) -> None:
        self.rq_seq = rq_seq
        self.answered = answered

    def datagram_received(self, data: bytes, addr) -> None:
        if is_auth_capabilities_reply(data, self.rq_seq) and not self.answered.done():
            self.answered.set_result(True)

    def error_received(self, exc: Exception) -> None:
        if not self.answered.done():
            self.answered.set_result(False)


async def async_bmc_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    """:func:`bmc_answers` for code running in an event loop."""
    loop = asyncio.get_running_loop()
    rq_seq = os.urandom(1)[0] & 0x3F
    answered = loop.create_future()
    try:
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _ProbeProtocol(rq_seq, answered), remote_addr=(host, port)
        )
    except OSError:
        return False
    try:
        transport.sendto(auth_capabilities_request(rq_seq))
        return await asyncio.wait_for(answered, timeout)
    except (asyncio.TimeoutError, OSError):
        return False
    finally:
        transport.close()
