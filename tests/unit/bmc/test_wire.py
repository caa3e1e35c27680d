"""RMCP / IPMI 1.5 / IPMI 2.0 framing and the IPMI LAN message, against bytes real clients send."""

import unittest

from rackharness.bmc import wire

# ipmitool 1.8.19 -I lanplus: sessionless Get Channel Auth Capabilities (v2 data, Admin)
IPMITOOL_AUTH_CAPS = bytes.fromhex("0600ff07000000000000000000092018c88100388e04b5")
# ipmitool's RMCP presence ping layout (lanplus.c ipmiv2_lan_ping comment), tag 0x2a
ASF_PING = bytes.fromhex("0600ff06000011be802a0000")
# ipmitool -C 17: first in-session request (encrypted + authenticated)
IPMITOOL_SESSION_REQUEST = bytes.fromhex(
    "0600ff0706c0f3bb53520300000020001f21dcb5879e469740b69a7b05b5cb877224f733c95c7351"
    "54dd4df3232ca7a6ffff02071e3acd8c034250e06c0d8e483751a600"
)


class ChecksumTest(unittest.TestCase):
    def test_twos_complement(self):
        self.assertEqual(wire.checksum(bytes((0x20, 0x18))), 0xC8)
        self.assertEqual(wire.checksum(b""), 0)
        self.assertEqual((sum(b"\x81\x00\x38\x8e\x04") + wire.checksum(b"\x81\x00\x38\x8e\x04")) % 256, 0)


class AsfTest(unittest.TestCase):
    def test_ping_is_recognised(self):
        self.assertEqual(wire.parse_datagram(ASF_PING), wire.AsfPing(0x2A))
        self.assertEqual(wire.encode_asf_ping(0x2A), ASF_PING)

    def test_pong_layout(self):
        pong = wire.encode_asf_pong(0x2A)
        self.assertEqual(pong[:12], bytes.fromhex("0600ff06000011be402a0010"))
        self.assertEqual(len(pong), 12 + 16)
        self.assertEqual(pong[12:16], bytes.fromhex("000011be"))
        self.assertEqual(pong[20], 0x81)  # IPMI supported, ASF 1.0

    def test_other_asf_messages_are_rejected(self):
        with self.assertRaises(wire.MalformedPacket):
            wire.parse_datagram(wire.encode_asf_pong(1))


class Ipmi15Test(unittest.TestCase):
    def test_decode_ipmitool_request(self):
        packet = wire.parse_datagram(IPMITOOL_AUTH_CAPS)
        self.assertIsInstance(packet, wire.Ipmi15Packet)
        self.assertEqual((packet.session_seq, packet.session_id), (0, 0))
        request = wire.decode_lan_request(packet.payload)
        self.assertEqual((request.netfn, request.command, request.data), (6, 0x38, b"\x8e\x04"))
        self.assertEqual((request.rs_addr, request.rq_addr), (0x20, 0x81))

    def test_encode_round_trip(self):
        self.assertEqual(wire.encode_ipmi15(wire.parse_datagram(IPMITOOL_AUTH_CAPS).payload), IPMITOOL_AUTH_CAPS)

    def test_legacy_pad_on_listed_lengths(self):
        # 4 + 10 + payload + 34 == 56  ->  payload of 8 bytes gets one pad byte
        self.assertEqual(len(wire.encode_ipmi15(bytes(8))), 4 + 10 + 8 + 1)
        self.assertEqual(len(wire.encode_ipmi15(bytes(9))), 4 + 10 + 9)

    def test_authenticated_ipmi15_is_not_supported(self):
        md5 = bytearray(IPMITOOL_AUTH_CAPS)
        md5[4] = wire.AuthType.MD5
        with self.assertRaises(wire.MalformedPacket):
            wire.parse_datagram(bytes(md5))

    def test_truncated_payload(self):
        with self.assertRaises(wire.MalformedPacket):
            wire.parse_datagram(IPMITOOL_AUTH_CAPS[:-1])


class Ipmi20Test(unittest.TestCase):
    def test_decode_session_packet(self):
        packet = wire.parse_datagram(IPMITOOL_SESSION_REQUEST)
        self.assertIsInstance(packet, wire.Ipmi20Packet)
        self.assertEqual(packet.payload_type, wire.PayloadType.IPMI)
        self.assertTrue(packet.encrypted and packet.authenticated)
        self.assertEqual(packet.session_id, 0x5253BBF3)
        self.assertEqual(packet.session_seq, 3)
        self.assertEqual(len(packet.payload), 32)
        self.assertEqual(packet.trailer[:4], b"\xff\xff\x02\x07")
        self.assertEqual(packet.signed_length, len(IPMITOOL_SESSION_REQUEST) - 4)

    def test_header_round_trip(self):
        header = wire.encode_ipmi20_header(wire.PayloadType.IPMI, 0x5253BBF3, 3, 32, encrypted=True, authenticated=True)
        self.assertEqual(header, IPMITOOL_SESSION_REQUEST[:16])

    def test_unauthenticated_round_trip(self):
        datagram = wire.encode_ipmi20(wire.PayloadType.RAKP4, b"abc", 7, 9)
        packet = wire.parse_datagram(datagram)
        self.assertEqual(
            (packet.payload_type, packet.session_id, packet.session_seq, packet.payload, packet.encrypted),
            (0x15, 7, 9, b"abc", False),
        )

    def test_garbage(self):
        for junk in (b"", b"\x06", b"\x05\x00\xff\x07", b"\x06\x00\xff\x07\x06\x00"):
            with self.assertRaises(wire.MalformedPacket):
                wire.parse_datagram(junk)


class LanMessageTest(unittest.TestCase):
    def test_response_mirrors_request(self):
        request = wire.LanRequest(0x20, 0x06, 0, 0x81, 17, 0, 0x01)
        response = wire.decode_lan_response(request.response(0xC1, b"\x01\x02"))
        self.assertEqual(
            (response.netfn, response.rq_seq, response.command, response.completion_code, response.data),
            (7, 17, 1, 0xC1, b"\x01\x02"),
        )

    def test_encode_decode(self):
        request = wire.LanRequest(0x20, 0x00, 0, 0x81, 63, 2, 0x02, b"\x01")
        self.assertEqual(wire.decode_lan_request(request.encode()), request)

    def test_bad_checksums(self):
        good = wire.LanRequest(0x20, 0x06, 0, 0x81, 1, 0, 0x01).encode()
        for index in (2, len(good) - 1):
            bad = bytearray(good)
            bad[index] ^= 1
            with self.assertRaises(wire.MalformedPacket):
                wire.decode_lan_request(bytes(bad))


if __name__ == "__main__":
    unittest.main()
