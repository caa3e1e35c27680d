"""SessionManager without sockets: a scripted remote console drives it datagram by datagram."""

import os
import struct
import unittest

from rackharness.bmc import crypto, wire
from rackharness.bmc.message import IpmiResponse, Privilege
from rackharness.bmc.session import SessionManager
from rackharness.bmc.session_table import SequenceWindow, SeqVerdict
from rackharness.bmc.users import BmcUser, UserTable

GUID = bytes(range(16))
PEER = ("127.0.0.1", 40000)


class RecordingHandler:
    def __init__(self):
        self.calls = []

    def handle(self, request, session):
        self.calls.append((request, session))
        if request.command == 0x99:
            raise RuntimeError("handler bug")
        return IpmiResponse(data=b"\x42")


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def users():
    return UserTable(
        [
            BmcUser(2, "admin", "secret"),
            BmcUser(3, "operator", "oppw", Privilege.OPERATOR),
            BmcUser(4, "viewer", "viewpw", Privilege.USER),
        ]
    )


def proposal(auth, integrity, confidentiality):
    return bytes((0, 0, 0, 8, auth, 0, 0, 0, 1, 0, 0, 8, integrity, 0, 0, 0, 2, 0, 0, 8, confidentiality, 0, 0, 0))


class Console:
    """Just enough of an RMCP+ client to log in and send requests."""

    def __init__(self, manager, suite=crypto.SUITE_17):
        self.manager = manager
        self.suite = suite
        self.console_sid = struct.unpack("<I", os.urandom(4))[0] | 1
        self.seq = 0
        self.rq_seq = 0

    def send(self, payload_type, payload):
        reply = self.manager.handle_datagram(wire.encode_ipmi20(payload_type, payload), PEER)
        return None if reply is None else wire.parse_datagram(reply).payload

    def open(self, algorithms=None, privilege=0):
        algorithms = algorithms or (
            self.suite.auth_algorithm,
            self.suite.integrity_algorithm,
            self.suite.confidentiality_algorithm,
        )
        reply = self.send(
            wire.PayloadType.OPEN_SESSION_REQUEST,
            bytes((7, privilege, 0, 0)) + struct.pack("<I", self.console_sid) + proposal(*algorithms),
        )
        if reply[1] == 0:
            self.bmc_sid = struct.unpack_from("<I", reply, 8)[0]
        return reply

    def rakp1(self, name, role=0x14):
        self.name, self.role = name.encode(), role
        self.rm = os.urandom(16)
        reply = self.send(
            wire.PayloadType.RAKP1,
            bytes((8, 0, 0, 0))
            + struct.pack("<I", self.bmc_sid)
            + self.rm
            + bytes((role, 0, 0, len(self.name)))
            + self.name,
        )
        if reply[1] == 0:
            self.rc = reply[8:24]
        return reply

    def rakp3(self, password):
        kuid = password.encode().ljust(20, b"\0")
        code = crypto.rakp3_auth_code(self.suite, kuid, self.rc, self.console_sid, self.role, self.name)
        reply = self.send(wire.PayloadType.RAKP3, bytes((9, 0, 0, 0)) + struct.pack("<I", self.bmc_sid) + code)
        sik = crypto.session_integrity_key(self.suite, kuid, self.rm, self.rc, self.role, self.name)
        self.keys = crypto.derive_keys(self.suite, sik)
        return reply

    def login(self, name="admin", password="secret", role=0x14):
        self.open()
        self.rakp1(name, role)
        return self.rakp3(password)

    def packet(self, netfn, command, data=b"", seq=None):
        if seq is None:
            self.seq += 1
            seq = self.seq
        self.rq_seq = (self.rq_seq + 1) % 64
        message = wire.LanRequest(0x20, netfn, 0, 0x81, self.rq_seq, 0, command, data).encode()
        body = crypto.aes_encrypt(self.keys.aes_key, message)
        header = wire.encode_ipmi20_header(0, self.bmc_sid, seq, len(body), encrypted=True, authenticated=True)
        return header + body + crypto.integrity_trailer(self.suite, self.keys.k1, header[4:] + body)

    def request(self, netfn, command, data=b"", seq=None):
        reply = self.manager.handle_datagram(self.packet(netfn, command, data, seq), PEER)
        return None if reply is None else self.read(reply)

    def read(self, reply):
        assert crypto.check_integrity(self.suite, self.keys.k1, reply[4:])
        packet = wire.parse_datagram(reply)
        assert packet.session_id == self.console_sid
        return wire.decode_lan_response(crypto.aes_decrypt(self.keys.aes_key, packet.payload))


class ManagerTestCase(unittest.TestCase):
    def setUp(self):
        self.handler = RecordingHandler()
        self.clock = FakeClock()
        self.manager = SessionManager(users(), self.handler, GUID, clock=self.clock, max_sessions=4, idle_timeout=60)

    def sessionless(self, command, data, ipmi20=False):
        message = wire.LanRequest(0x20, 6, 0, 0x81, 5, 0, command, data).encode()
        datagram = wire.encode_ipmi20(0, message) if ipmi20 else wire.encode_ipmi15(message)
        reply = self.manager.handle_datagram(datagram, PEER)
        return wire.decode_lan_response(wire.parse_datagram(reply).payload)


class SessionlessTest(ManagerTestCase):
    def test_presence_ping(self):
        reply = self.manager.handle_datagram(wire.encode_asf_ping(3), PEER)
        self.assertEqual(reply, wire.encode_asf_pong(3))

    def test_auth_capabilities_v20(self):
        for ipmi20 in (False, True):
            response = self.sessionless(0x38, b"\x8e\x04", ipmi20)
            self.assertEqual(response.completion_code, 0)
            self.assertEqual(response.data, bytes((1, 0x80, 0x04, 0x02, 0, 0, 0, 0)))

    def test_auth_capabilities_bad_channel(self):
        self.assertEqual(self.sessionless(0x38, b"\x85\x04").completion_code, 0xCC)

    def test_cipher_suite_pages(self):
        first = self.sessionless(0x54, b"\x0e\x00\x80")
        self.assertEqual(first.data, bytes.fromhex("01c011034481c003014181"))
        self.assertEqual(self.sessionless(0x54, b"\x0e\x00\x81").data, b"\x01")

    def test_other_commands_need_a_session(self):
        self.assertEqual(self.sessionless(0x01, b"").completion_code, 0xD4)
        self.assertEqual(self.handler.calls, [])


class OpenSessionTest(ManagerTestCase):
    def test_both_suites_accepted(self):
        for suite in crypto.SUPPORTED_SUITES:
            reply = Console(self.manager, suite).open()
            self.assertEqual(reply[1], 0)
            self.assertEqual(reply[2], Privilege.ADMINISTRATOR)
            self.assertEqual(
                reply[12:], proposal(suite.auth_algorithm, suite.integrity_algorithm, suite.confidentiality_algorithm)
            )

    def test_refused_algorithms_get_their_status(self):
        cases = {(2, 1, 1): 0x04, (1, 0, 0): 0x05, (1, 1, 0): 0x10, (1, 4, 1): 0x11, (3, 1, 1): 0x11}
        for algorithms, status in cases.items():
            reply = Console(self.manager).open(algorithms)
            self.assertEqual(reply[1], status, algorithms)
        self.assertEqual(len(self.manager.table), 0)


class RakpTest(ManagerTestCase):
    def test_login_suite_3_and_17(self):
        for suite in crypto.SUPPORTED_SUITES:
            console = Console(self.manager, suite)
            rakp4 = console.login()
            self.assertEqual(rakp4[1], 0)
            sik = crypto.session_integrity_key(
                suite, b"secret".ljust(20, b"\0"), console.rm, console.rc, 0x14, b"admin"
            )
            self.assertEqual(rakp4[8:], crypto.rakp4_integrity_check(suite, sik, console.rm, console.bmc_sid, GUID))
            self.assertEqual(console.request(6, 0x01).data, b"\x42")

    def test_rakp2_auth_code_proves_the_password(self):
        console = Console(self.manager)
        console.open()
        reply = console.rakp1("admin")
        expected = crypto.rakp2_auth_code(
            crypto.SUITE_17,
            b"secret".ljust(20, b"\0"),
            console.console_sid,
            console.bmc_sid,
            console.rm,
            console.rc,
            GUID,
            0x14,
            b"admin",
        )
        self.assertEqual(reply[24:40], GUID)
        self.assertEqual(reply[40:], expected)

    def test_unknown_user_is_refused_at_once(self):
        console = Console(self.manager)
        console.open()
        self.assertEqual(console.rakp1("nobody")[1], 0x0D)
        self.assertEqual(console.rakp1("")[1], 0x0D)  # the null user is disabled

    def test_role_above_user_limit(self):
        console = Console(self.manager)
        console.open()
        self.assertEqual(console.rakp1("viewer", role=0x14)[1], 0x09)
        self.assertEqual(console.rakp1("viewer", role=0x12)[1], 0x00)

    def test_name_too_long(self):
        console = Console(self.manager)
        console.open()
        self.assertEqual(console.rakp1("x" * 17)[1], 0x0C)

    def test_unknown_session_id(self):
        console = Console(self.manager)
        console.bmc_sid = 12345
        self.assertEqual(console.rakp1("admin")[1], 0x02)

    def test_wrong_password_gets_rakp4_0f_and_no_session(self):
        console = Console(self.manager)
        console.open()
        console.rakp1("admin")
        self.assertEqual(console.rakp3("wrong")[1], 0x0F)
        self.assertEqual(len(self.manager.table), 0)
        self.assertIsNone(console.request(6, 0x01))

    def test_retransmitted_rakp3_gets_the_same_rakp4(self):
        console = Console(self.manager)
        first = console.login()
        self.assertEqual(console.rakp3("secret"), first)


class InSessionTest(ManagerTestCase):
    def setUp(self):
        super().setUp()
        self.console = Console(self.manager)
        self.assertEqual(self.console.login()[1], 0)

    def test_session_starts_at_user_and_can_be_raised(self):
        self.console.request(0, 0x01)
        self.assertEqual(self.handler.calls[-1][1].privilege, Privilege.USER)
        response = self.console.request(6, 0x3B, b"\x04")
        self.assertEqual((response.completion_code, response.data), (0, b"\x04"))
        self.console.request(0, 0x01)
        context = self.handler.calls[-1][1]
        self.assertEqual(
            (context.privilege, context.username, context.sessionless), (Privilege.ADMINISTRATOR, "admin", False)
        )

    def test_privilege_limited_by_rakp1_request_and_user(self):
        operator = Console(self.manager)
        operator.login("operator", "oppw", role=0x13)
        self.assertEqual(operator.request(6, 0x3B, b"\x04").completion_code, 0x81)
        self.assertEqual(operator.request(6, 0x3B, b"\x03").completion_code, 0)
        modest = Console(self.manager)
        modest.login(role=0x12)  # admin asked for User only in RAKP 1
        self.assertEqual(modest.request(6, 0x3B, b"\x04").completion_code, 0x80)
        self.assertEqual(modest.request(6, 0x3B, b"\x00").data, b"\x02")

    def test_retransmission_is_answered_from_cache(self):
        packet = self.console.packet(0, 0x02, b"\x01")
        first = self.manager.handle_datagram(packet, PEER)
        again = self.manager.handle_datagram(packet, PEER)
        self.assertEqual(first, again)
        self.assertEqual(len(self.handler.calls), 1)

    def test_sequence_window(self):
        self.console.request(6, 0x01, seq=100)
        self.assertIsNone(self.console.request(6, 0x01, seq=200))  # too far ahead
        self.assertIsNone(self.console.request(6, 0x01, seq=50))  # too far behind
        self.assertIsNotNone(self.console.request(6, 0x01, seq=95))  # late but in window
        self.assertIsNone(self.console.request(6, 0x01, seq=0))

    def test_tampered_or_plain_packets_are_dropped(self):
        packet = bytearray(self.console.packet(6, 0x01))
        packet[-1] ^= 1
        self.assertIsNone(self.manager.handle_datagram(bytes(packet), PEER))
        self.assertEqual(self.handler.calls, [])

    def test_handler_exception_becomes_ff(self):
        with self.assertLogs("rackharness.bmc", "ERROR"):
            response = self.console.request(6, 0x99)
        self.assertEqual(response.completion_code, 0xFF)
        self.assertEqual(self.console.request(6, 0x01).completion_code, 0)

    def test_capabilities_inside_session(self):
        response = self.console.request(6, 0x54, b"\x0e\x00\x80")
        self.assertEqual(response.data[1:3], b"\xc0\x11")
        self.assertEqual(self.handler.calls, [])

    def test_close_session(self):
        response = self.console.request(6, 0x3C, struct.pack("<I", self.console.bmc_sid))
        self.assertEqual(response.completion_code, 0)
        self.assertIsNone(self.console.request(6, 0x01))
        self.assertEqual(len(self.manager.table), 0)

    def test_close_other_session_needs_admin(self):
        other = Console(self.manager)
        other.login()
        target = struct.pack("<I", other.bmc_sid)
        self.assertEqual(self.console.request(6, 0x3C, target).completion_code, 0xD4)
        self.console.request(6, 0x3B, b"\x04")
        self.assertEqual(self.console.request(6, 0x3C, target).completion_code, 0)
        self.assertIsNone(other.request(6, 0x01))
        self.assertEqual(self.console.request(6, 0x3C, target).completion_code, 0x87)

    def test_session_info(self):
        response = self.console.request(6, 0x3D, b"\x00")
        self.assertEqual(response.data[1:6], bytes((4, 1, 2, Privilege.USER, 0x11)))
        self.assertEqual(response.data[6:10], bytes((127, 0, 0, 1)))

    def test_idle_timeout(self):
        self.clock.now += 30
        self.assertIsNotNone(self.console.request(6, 0x01))
        self.clock.now += 59
        self.assertIsNotNone(self.console.request(6, 0x01))
        self.clock.now += 61
        self.assertIsNone(self.console.request(6, 0x01))
        self.assertEqual(len(self.manager.table), 0)

    def test_full_table_evicts_least_recently_active(self):
        others = []
        for _ in range(3):
            self.clock.now += 1
            console = Console(self.manager)
            console.login()
            others.append(console)
        self.clock.now += 1
        self.console.request(6, 0x01)  # the first session is now the most recently active
        newcomer = Console(self.manager)
        self.assertEqual(newcomer.login()[1], 0)
        self.assertEqual(len(self.manager.table), 4)
        self.assertIsNone(others[0].request(6, 0x01))
        self.assertIsNotNone(self.console.request(6, 0x01))
        self.assertIsNotNone(newcomer.request(6, 0x01))


class SequenceWindowTest(unittest.TestCase):
    def test_window(self):
        window = SequenceWindow(16)
        self.assertIs(window.check(0), SeqVerdict.REJECT)
        self.assertIs(window.check(10), SeqVerdict.ACCEPT)
        self.assertIs(window.check(10), SeqVerdict.DUPLICATE)
        self.assertIs(window.check(12), SeqVerdict.ACCEPT)
        self.assertIs(window.check(11), SeqVerdict.ACCEPT)
        self.assertIs(window.check(11), SeqVerdict.DUPLICATE)
        self.assertIs(window.check(12 + 17), SeqVerdict.REJECT)
        self.assertIs(window.check(12 - 16), SeqVerdict.REJECT)

    def test_wraps_around(self):
        window = SequenceWindow(16)
        window.check(0xFFFFFFFE)
        self.assertIs(window.check(3), SeqVerdict.ACCEPT)
        self.assertIs(window.check(0xFFFFFFFF), SeqVerdict.ACCEPT)


if __name__ == "__main__":
    unittest.main()
