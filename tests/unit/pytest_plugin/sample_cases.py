"""unittest cases with every outcome, for test_case_runner.py (not a test module: the runner must not run them)."""

from __future__ import annotations

import unittest

#: what the cases did, in order
EVENTS: list[str] = []


class Cases(unittest.TestCase):
    def test_passes(self):
        EVENTS.append("passes")

    def test_fails(self):
        self.fail("fails on purpose")

    def test_errors(self):
        raise RuntimeError("errors on purpose")

    def test_skips(self):
        self.skipTest("skips on purpose")

    @unittest.expectedFailure
    def test_expected_failure(self):
        self.fail("expected")

    @unittest.expectedFailure
    def test_unexpected_success(self):
        pass

    def test_subtest_fails(self):
        with self.subTest(n=1):
            self.assertEqual(1, 2)

    def test_fails_then_tear_down_errors(self):
        self.addCleanup(lambda: (_ for _ in ()).throw(OSError("cleanup errors too")))
        self.fail("first problem")


class WithClassFixture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        EVENTS.append("setUpClass")

    @classmethod
    def tearDownClass(cls):
        EVENTS.append("tearDownClass")

    def test_one(self):
        EVENTS.append("one")

    def test_two(self):
        EVENTS.append("two")


class BrokenTearDownClass(unittest.TestCase):
    @classmethod
    def tearDownClass(cls):
        raise RuntimeError("tearDownClass fails")

    def test_only(self):
        pass
