"""Bounded pyghmi calls: one login per BMC key, overruns and failures dropped, passwords never shown."""

import threading
import time
import unittest

from rackharness.errors import BmcError
from rackharness.transports.ipmi.base import BmcAddress
from rackharness.transports.ipmi.pyghmi_caller import BmcCaller

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
        self.assertIn(
            "BMC 127.0.0.1:6230 (user 'admin') did not complete Chassis Control powerOn within 0.3 s",
            str(caught.exception),
        )
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


class FakeSession:
    """pyghmi 1.6.19's cache quirk: filed under the password as given, deleted under the encoded one."""

    initting_sessions = {}
    bmc_handlers = {}

    def __init__(self, password, port=623):
        self.password, self.port = password.encode("utf-8"), port
        self.logged, self.broken, self.logout_sent = 1, False, False
        type(self).initting_sessions[("127.0.0.1", "admin", password, port, None)] = self
        type(self).bmc_handlers.setdefault(("::ffff:127.0.0.1", port, 0, 0), {})[40000 + port] = self

    def _mark_broken(self, error=None):
        self.logout_sent = bool(self.logged)  # pyghmi's logout talks to the BMC only while logged in
        self.broken, self.logged = True, 0
        type(self).initting_sessions.pop(("127.0.0.1", b"admin", self.password, self.port, None), None)


class SessionCommand(FakeCommand):
    def __init__(self, bmc, port, userid, password):
        super().__init__(bmc, port, userid, password)
        self.ipmi_session = FakeSession(password, port)


def cached():
    return list(FakeSession.initting_sessions.values()) + [
        session for routes in FakeSession.bmc_handlers.values() for session in routes.values()
    ]


class IdleLoginTest(unittest.TestCase):
    """A BMC closes an idle session (60 s in IPMI's default): a login unused for IDLE_RELOGIN is replaced."""

    def setUp(self):
        SessionCommand.logins = 0
        FakeSession.initting_sessions.clear()
        FakeSession.bmc_handlers.clear()
        self.now = 1000.0
        self.caller = BmcCaller(timeout=0.3, command_factory=SessionCommand, idle_relogin=20.0, clock=lambda: self.now)
        self.address = BmcAddress("127.0.0.1", 6230, "admin", SECRET)

    def test_a_login_used_recently_is_kept(self):
        self.caller.call(self.address, "x", lambda c: None)
        self.now += 19.0
        self.caller.call(self.address, "x", lambda c: None)
        self.now += 19.0  # idle time counts from the last call, not from the login
        self.caller.call(self.address, "x", lambda c: None)
        self.assertEqual(SessionCommand.logins, 1)

    def test_an_idle_login_is_replaced_without_a_word_to_the_bmc(self):
        first = self.caller.call(self.address, "x", lambda c: c)
        self.now += 21.0
        second = self.caller.call(self.address, "x", lambda c: c)
        self.assertEqual(SessionCommand.logins, 2)
        self.assertIsNot(first, second)
        self.assertTrue(first.ipmi_session.broken)
        self.assertFalse(first.ipmi_session.logout_sent, "a logout into a closed session stalls pyghmi's loop")
        self.assertEqual(cached(), [second.ipmi_session, second.ipmi_session])

    def test_a_call_to_one_bmc_first_forgets_idle_logins_to_others(self):
        other = self.caller.call(BmcAddress("127.0.0.1", 6231, "admin", SECRET), "x", lambda c: c)
        self.now += 21.0
        self.caller.call(self.address, "x", lambda c: None)
        self.assertTrue(
            other.ipmi_session.broken,
            "pyghmi's event loop would send keepalives into the idle session and wait for them",
        )
        self.assertNotIn(other.ipmi_session, cached())


class ForgetSessionTest(unittest.TestCase):
    def test_a_dropped_session_leaves_pyghmis_caches(self):
        from rackharness.transports.ipmi.pyghmi_caller import _forget_session

        FakeSession.initting_sessions.clear()
        FakeSession.bmc_handlers.clear()
        other = FakeSession("other-Pw", port=624)
        command = type("Command", (), {})()
        command.ipmi_session = FakeSession(SECRET)
        _forget_session(command)
        self.assertTrue(command.ipmi_session.broken)
        self.assertEqual(
            cached(), [other, other], "the broken session is still cached: the next Command() would get it back"
        )
