"""Bounded pyghmi calls: one login per BMC key, overruns and failures dropped, passwords never shown."""
import threading
import time
import unittest

from rackharness.clients.ipmi_session import BmcAddress, BmcCaller, BmcError

SECRET = "s3cret-Pw"


class FakeCommand:
    logins = 0

    def __init__(self, bmc, port, userid, password):
        type(self).logins += 1
        if password != SECRET:
            raise RuntimeError(None)  # pyghmi's IpmiException(None) on a refused login
        self.ipmi_session = None


class BmcCallerTest(unittest.TestCase):
    def setUp(self):
        FakeCommand.logins = 0
        self.caller = BmcCaller(timeout=0.3, command_factory=FakeCommand)
        self.address = BmcAddress("127.0.0.1", 6230, "admin", SECRET)

    def test_one_login_is_shared_by_calls_to_the_same_bmc(self):
        for _ in range(3):
            self.assertEqual(self.caller.call(self.address, "Get Chassis Status", lambda c: "on"), "on")
        self.assertEqual(FakeCommand.logins, 1)
        self.caller.call(BmcAddress("127.0.0.1", 6231, "admin", SECRET), "x", lambda c: None)
        self.assertEqual(FakeCommand.logins, 2)

    def test_an_overdue_call_fails_in_time_and_the_next_call_logs_in_afresh(self):
        hang = threading.Event()
        self.addCleanup(hang.set)
        began = time.monotonic()
        with self.assertRaises(BmcError) as caught:
            self.caller.call(self.address, "Chassis Control powerOn", lambda c: hang.wait(5))
        self.assertLess(time.monotonic() - began, 3.0, "the call waited for the hang (5 s) instead of giving up")
        self.assertIn("BMC 127.0.0.1:6230 (user 'admin') did not complete Chassis Control powerOn within 0.3 s",
                      str(caught.exception))
        # the hung thread still holds the old link's lock: a new call must not wait for it
        self.assertEqual(self.caller.call(self.address, "Get Chassis Status", lambda c: "off"), "off")
        self.assertEqual(FakeCommand.logins, 2)

    def test_a_refused_login_says_what_to_check_without_the_password(self):
        with self.assertRaises(BmcError) as caught:
            self.caller.call(BmcAddress("127.0.0.1", 6230, "admin", "wrong-Pw"), "Get Chassis Status", lambda c: 1)
        message = str(caught.exception)
        self.assertIn("wrong user or password", message)
        self.assertNotIn("wrong-Pw", message + repr(BmcAddress("h", 1, "u", "wrong-Pw")))

    def test_a_command_error_drops_the_session(self):
        def fail(command):
            raise RuntimeError("completion code 0xd5")
        with self.assertRaisesRegex(BmcError, "Chassis Control reboot failed: completion code 0xd5"):
            self.caller.call(self.address, "Chassis Control reboot", fail)
        self.caller.call(self.address, "x", lambda c: None)
        self.assertEqual(FakeCommand.logins, 2)
