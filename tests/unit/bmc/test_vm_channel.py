"""The VM's in-band IPMI device end (OpenIPMI's VM protocol, as QEMU's ipmi-bmc-extern speaks it)."""

import asyncio
import unittest

from rackharness.bmc.message import IpmiResponse
from rackharness.bmc.vm_channel import (
    CMD_END,
    ESCAPE,
    MSG_END,
    SYSTEM_SESSION,
    FrameReader,
    VmChannel,
    answer,
    checksum,
    encode_response,
    escape,
    serve_vm_channel,
)


def request(seq, netfn, command, data=b"", lun=0):
    """What QEMU's ipmi_bmc_extern_handle_command writes for one KCS request."""
    body = bytes((seq, netfn << 2 | lun, command)) + data
    return escape(body + bytes((checksum(body),))) + bytes((MSG_END,))


class Recorder:
    def __init__(self, response=IpmiResponse(0, b"\x20\x81")):
        self.requests, self.response = [], response

    def handle(self, req, session):
        self.requests.append((req, session))
        return self.response


class CodecTest(unittest.TestCase):
    def test_the_three_special_bytes_are_escaped_with_bit_4_and_come_back(self):
        data = bytes((0x01, MSG_END, CMD_END, ESCAPE, 0xB0))
        self.assertEqual(escape(data), bytes((0x01, ESCAPE, 0xB0, ESCAPE, 0xB1, ESCAPE, 0xBA, 0xB0)))
        self.assertEqual(FrameReader().feed(escape(data) + bytes((MSG_END,))), [("message", data)])

    def test_commands_and_messages_are_told_apart_and_split_across_reads(self):
        reader = FrameReader()
        stream = bytes((0xFF, 0x01, CMD_END, 0x08, 0x15, CMD_END)) + request(7, 0x06, 0x01)
        frames = reader.feed(stream[:5]) + reader.feed(stream[5:9]) + reader.feed(stream[9:])
        self.assertEqual([kind for kind, _ in frames], ["command", "command", "message"])
        self.assertEqual(frames[0][1], b"\xff\x01")

    def test_a_response_carries_the_seq_the_netfn_plus_one_and_sums_to_zero(self):
        wire = encode_response(7, 0x06 << 2, 0x01, IpmiResponse(0, b"\x20\xa0"))
        ((kind, frame),) = FrameReader().feed(wire)
        self.assertEqual(frame[:4], bytes((7, 0x07 << 2, 0x01, 0x00)))
        self.assertEqual(frame[4:6], b"\x20\xa0")
        self.assertEqual(sum(frame) & 0xFF, 0)
        self.assertIn(bytes((ESCAPE, 0xB0)), wire)  # the data byte A0h went out escaped

    def test_a_request_goes_to_the_handler_with_the_system_interface_session(self):
        handler = Recorder()
        ((_, frame),) = FrameReader().feed(request(3, 0x00, 0x08, b"\x05\x04\x00\x00\x00"))
        reply = answer(frame, handler)
        ((req, session),) = handler.requests
        self.assertEqual((req.netfn, req.command, req.data, req.lun), (0x00, 0x08, b"\x05\x04\x00\x00\x00", 0))
        self.assertIs(session, SYSTEM_SESSION)
        self.assertEqual(session.channel, 0x0F)
        self.assertEqual(FrameReader().feed(reply)[0][1][:4], bytes((3, 0x01 << 2, 0x08, 0x00)))

    def test_a_bad_checksum_or_a_short_message_is_dropped(self):
        handler = Recorder()
        self.assertIsNone(answer(bytes((1, 0x18, 0x01, 0x00)), handler))
        self.assertIsNone(answer(bytes((1, 0x18)), handler))
        self.assertEqual(handler.requests, [])


class ServedChannelTest(unittest.TestCase):
    def test_qemus_greeting_then_a_request_over_tcp_gets_its_answer(self):
        async def scenario():
            handler = Recorder(IpmiResponse(0, b"\x20\x81\x01\x02"))
            server = await serve_vm_channel("127.0.0.1", 0, handler, "node-01")
            port = server.sockets[0].getsockname()[1]
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(bytes((0xFF, 0x01, CMD_END, 0x08, 0x15, CMD_END)) + request(9, 0x06, 0x01))
            await writer.drain()
            raw = await asyncio.wait_for(reader.readuntil(bytes((MSG_END,))), 5)
            writer.close()
            server.close()
            await server.wait_closed()
            return handler, raw

        handler, raw = asyncio.run(scenario())
        ((_, frame),) = FrameReader().feed(raw)
        self.assertEqual(frame[:-1], bytes((9, 0x07 << 2, 0x01, 0x00, 0x20, 0x81, 0x01, 0x02)))
        self.assertEqual(len(handler.requests), 1)

    def test_commands_reach_the_on_command_hook_and_get_no_answer(self):
        seen = []
        channel = VmChannel(Recorder(), "n", on_command=seen.append)
        channel.data_received(bytes((0xFF, 0x01, CMD_END)))
        self.assertEqual(seen, [b"\xff\x01"])
