"""diagnose_login against a virtual BMC over loopback UDP, a socket that never answers, a closed port,
and a UDP service that is no BMC: each failure gets its own verdict, quickly."""

import socket
import threading
import time
import unittest
import uuid

from rackharness.bmc.login_diagnosis import Verdict, diagnose_login
from rackharness.bmc.server import BmcEndpoint, BmcServer
from tests.functional.bmc.test_session_clients import HOST, LoopThread, ToyChassis, user_table


def closed_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class LoginDiagnosisTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.loop = LoopThread()
        cls.server = BmcServer()
        cls.port = cls.loop.run(
            cls.server.add(BmcEndpoint(HOST, 0, user_table(), ToyChassis(), uuid.uuid4().bytes, "node-1"))
        ).port
        cls.silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # bound, never read: no answer
        cls.silent.bind((HOST, 0))
        cls.echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # answers garbage: not a BMC
        cls.echo.bind((HOST, 0))
        threading.Thread(target=cls._echo, daemon=True).start()

    @classmethod
    def _echo(cls):
        while True:
            try:
                _data, peer = cls.echo.recvfrom(4096)
                cls.echo.sendto(b"hello", peer)
            except OSError:
                return

    @classmethod
    def tearDownClass(cls):
        cls.silent.close()
        cls.echo.close()
        cls.loop.call(cls.server.close)
        cls.loop.stop()

    def diagnose(self, port, user="admin", password="secret"):
        began = time.monotonic()
        result = diagnose_login(HOST, port, user, password, timeout=1.0)
        return result, time.monotonic() - began

    def test_right_credentials_are_ok(self):
        result, took = self.diagnose(self.port)
        self.assertEqual(result.verdict, Verdict.OK, result)
        self.assertLess(took, 1.0)

    def test_wrong_password_and_unknown_user_are_told_apart(self):
        self.assertEqual(self.diagnose(self.port, password="nope")[0].verdict, Verdict.WRONG_PASSWORD)
        unknown = self.diagnose(self.port, user="nobody")[0]
        self.assertEqual(unknown.verdict, Verdict.UNKNOWN_USER)
        self.assertIn("'nobody'", str(unknown))

    def test_a_role_the_user_lacks(self):
        self.assertEqual(self.diagnose(self.port, user="viewer", password="viewpw")[0].verdict, Verdict.ROLE)

    def test_refused_is_immediate_and_silent_takes_the_timeout(self):
        refused, took = self.diagnose(closed_udp_port())
        self.assertEqual(refused.verdict, Verdict.REFUSED, refused)
        self.assertLess(took, 0.5)
        silent, took = self.diagnose(self.silent.getsockname()[1])
        self.assertEqual(silent.verdict, Verdict.SILENT, silent)
        self.assertGreaterEqual(took, 0.9)

    def test_a_udp_service_that_is_no_bmc(self):
        self.assertEqual(self.diagnose(self.echo.getsockname()[1])[0].verdict, Verdict.NOT_A_BMC)

    def test_the_probe_leaves_no_session_behind(self):
        for _ in range(40):  # more than the session table holds
            self.assertEqual(self.diagnose(self.port)[0].verdict, Verdict.OK)
