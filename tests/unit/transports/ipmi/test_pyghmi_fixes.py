"""The pyghmi lost-wake-up fix: a wait on a BMC whose session already holds a filed reply returns at
once; every other wait reaches pyghmi's own _io_wait unchanged; installing twice wraps once."""

import unittest

from rackharness.transports.ipmi import pyghmi_fixes


class FakeSession:
    def __init__(self, queued=()):
        self.pktqueue = list(queued)


class SkipWaitTest(unittest.TestCase):
    def setUp(self):
        self.calls = []
        self.handlers = {("10.0.0.1", 623): {0: FakeSession(["reply"])}, ("10.0.0.2", 623): {0: FakeSession()}}
        self.wait = pyghmi_fixes.skip_wait_when_filed(lambda *args: self.calls.append(args), lambda: self.handlers)

    def test_a_filed_reply_skips_the_wait(self):
        self.assertIsNone(self.wait(0.8, ("10.0.0.1", 623)))
        self.assertEqual(self.calls, [])

    def test_other_waits_reach_pyghmi(self):
        self.wait(0.8, ("10.0.0.2", 623))  # nothing filed
        self.wait(0.8, ("10.0.0.9", 623))  # no session
        self.wait(0.8)  # the event loop's own wait
        self.wait(0.8, ("10.0.0.1", 623), ["evq"])  # _cmdwait: another command in progress
        self.assertEqual(
            self.calls,
            [
                (0.8, ("10.0.0.2", 623), None),
                (0.8, ("10.0.0.9", 623), None),
                (0.8, None, None),
                (0.8, ("10.0.0.1", 623), ["evq"]),
            ],
        )

    def test_install_wraps_pyghmi_once(self):
        from pyghmi.ipmi.private import session

        pyghmi_fixes.install()
        wrapped = session._io_wait
        self.assertTrue(getattr(wrapped, "rackharness_fix", False))
        self.assertFalse(pyghmi_fixes.install())
        self.assertIs(session._io_wait, wrapped)


if __name__ == "__main__":
    unittest.main()
