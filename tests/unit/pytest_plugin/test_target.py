"""SuiteTarget's tapes: each test begins and ends its own tape on the run's deck, as rackharness.nose2.tapes does."""

from __future__ import annotations

import unittest
from unittest import mock

from rackharness.pytest_plugin.target import SuiteTarget


class FakeDeck:
    def __init__(self) -> None:
        self.session = object()
        self.reel = self.session
        self.calls: list[str] = []

    def begin(self, test_id: str) -> None:
        self.calls.append(f"begin {test_id}")
        self.reel = object()

    def end(self) -> str:
        self.calls.append("end")
        self.reel = self.session
        return "saved"


class TapesTest(unittest.TestCase):
    def test_a_test_begins_and_ends_its_tape(self):
        deck, target = FakeDeck(), SuiteTarget(None, say=print)
        with mock.patch("rackharness.suite.context.current_deck", return_value=deck):
            target.begin_tape("tests.rackhd.test_nodes.NodeTests.create")
            target.end_tape()
            target.end_tape()  # back on the session's reel: nothing to end
        self.assertEqual(deck.calls, ["begin tests.rackhd.test_nodes.NodeTests.create", "end"])
        self.assertEqual(target.saved_tapes, 1)

    def test_a_live_run_has_no_deck(self):
        target = SuiteTarget(None, say=print)
        with mock.patch("rackharness.suite.context.current_deck", return_value=None):
            target.begin_tape("a.b")
            target.end_tape()
        self.assertEqual(target.saved_tapes, 0)

    def test_stop_shuts_down_only_what_start_configured(self):
        target = SuiteTarget("rack.yaml", say=print)
        with (
            mock.patch("rackharness.suite.context.shutdown") as shutdown,
            mock.patch("rackharness.suite.context.configure", return_value="the target") as configure,
        ):
            target.stop()
            shutdown.assert_not_called()
            self.assertEqual(target.start(), "the target")
            configure.assert_called_once_with(config_file="rack.yaml", say=print)
            target.stop()
            target.stop()
        shutdown.assert_called_once_with()
        self.assertTrue(target.started)

    def test_a_failed_start_is_shut_down_and_raised(self):
        from rackharness.errors import UsageError

        target = SuiteTarget(None, say=print)
        with (
            mock.patch("rackharness.suite.context.shutdown") as shutdown,
            mock.patch("rackharness.suite.context.configure", side_effect=UsageError("no rack is up")),
        ):
            with self.assertRaises(UsageError):
                target.start()
        shutdown.assert_called_once_with()
        self.assertFalse(target.started)


if __name__ == "__main__":
    unittest.main()
