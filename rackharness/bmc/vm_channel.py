"""A VM's in-band IPMI device, served by its virtual BMC: OpenIPMI's "VM" serial protocol.

QEMU gives a guest a real system interface with ``-device isa-ipmi-kcs,bmc=b0`` and
``-device ipmi-bmc-extern,id=b0,chardev=c0``; the chardev (a TCP socket here) carries every request the
guest's driver (Linux ``ipmi_si``, /dev/ipmi0, ``ipmitool`` with no ``-I``) writes to the KCS registers to
an external BMC. :class:`VmChannel` is that BMC's end: requests go to the node's command handler — the
same one its LAN interface serves — with the system interface's session (administrator, channel 0Fh).

The wire (QEMU ``hw/ipmi/ipmi_bmc_extern.c``, OpenIPMI ``lanserv/serial_ipmi.c``), both directions::

    message   seq, netfn<<2 | lun, cmd, [completion code,] data..., checksum   then A0h
    command   op, [argument]                                                  then A1h

The checksum makes the byte sum of the message 0 (mod 256). A0h, A1h and AAh inside a message are sent
as AAh followed by the byte with bit 4 set. A response carries the request's netfn + 1 and its seq.
QEMU opens with the commands "version 1" (FFh 01h) and "capabilities" (08h); nothing needs answering.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

from rackharness.bmc.message import IpmiRequest, IpmiResponse, Privilege, SessionContext

log = logging.getLogger(__name__)

MSG_END, CMD_END, ESCAPE = 0xA0, 0xA1, 0xAA
SYSTEM_INTERFACE_CHANNEL = 0x0F
SYSTEM_SESSION = SessionContext(username="", privilege=Privilege.ADMINISTRATOR, channel=SYSTEM_INTERFACE_CHANNEL)


def checksum(data: bytes) -> int:
    """The byte that makes ``sum(data + checksum) % 256 == 0``."""
    return -sum(data) & 0xFF


def escape(data: bytes) -> bytes:
    out = bytearray()
    for byte in data:
        if byte in (MSG_END, CMD_END, ESCAPE):
            out += bytes((ESCAPE, byte | 0x10))
        else:
            out.append(byte)
    return bytes(out)


def encode_response(seq: int, netfn_lun: int, command: int, response: IpmiResponse) -> bytes:
    """One response message on the wire (``netfn_lun`` is the request's byte: the response's netfn is one more)."""
    body = bytes((seq, (netfn_lun + 0x04) & 0xFF, command, response.completion_code)) + response.data
    return escape(body + bytes((checksum(body),))) + bytes((MSG_END,))


class FrameReader:
    """Splits the byte stream into messages and commands, undoing the escapes."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._escaped = False

    def feed(self, data: bytes) -> list[tuple[str, bytes]]:
        """``("message", bytes)`` and ``("command", bytes)`` frames completed by ``data``, in order."""
        frames = []
        for byte in data:
            if byte in (MSG_END, CMD_END):
                kind = "message" if byte == MSG_END else "command"
                if not self._escaped and self._buffer:
                    frames.append((kind, bytes(self._buffer)))
                self._buffer.clear()
                self._escaped = False
            elif byte == ESCAPE:
                self._escaped = True
            else:
                self._buffer.append(byte & ~0x10 if self._escaped else byte)
                self._escaped = False
        return frames


def answer(message: bytes, handler: Any) -> bytes | None:
    """The response to one request message, or None for a message too short or with a bad checksum."""
    if len(message) < 4 or sum(message) & 0xFF:
        log.warning("VM channel: dropped a malformed request (%d bytes)", len(message))
        return None
    seq, netfn_lun, command, data = message[0], message[1], message[2], message[3:-1]
    request = IpmiRequest(netfn_lun >> 2, command, bytes(data), lun=netfn_lun & 0x03)
    response: IpmiResponse = handler.handle(request, SYSTEM_SESSION)
    return encode_response(seq, netfn_lun, command, response)


class VmChannel(asyncio.Protocol):
    """One QEMU connection: every request answered at once through ``handler`` (``handle(request, session)``)."""

    def __init__(self, handler: Any, name: str = "", on_command: Callable[[bytes], None] | None = None) -> None:
        self.handler = handler
        self.name = name
        self.on_command = on_command
        self.reader = FrameReader()
        self.transport: asyncio.Transport | None = None
        self.requests = 0

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        log.info("%s: in-band IPMI device connected (QEMU ipmi-bmc-extern)", self.name)

    def data_received(self, data: bytes) -> None:
        for kind, frame in self.reader.feed(data):
            if kind == "command":
                if self.on_command is not None:
                    self.on_command(frame)
                continue
            reply = answer(frame, self.handler)
            self.requests += 1
            if reply is not None and self.transport is not None:
                self.transport.write(reply)

    def connection_lost(self, exc) -> None:  # type: ignore[override]
        log.info("%s: in-band IPMI device disconnected after %d request(s)", self.name, self.requests)
        self.transport = None


async def serve_vm_channel(host: str, port: int, handler: Any, name: str = "") -> asyncio.AbstractServer:
    """Listen on TCP ``host:port`` for the VM's QEMU (its chardev connects, and reconnects after a restart)."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: VmChannel(handler, name), host, port, reuse_address=True)
