"""Group lines: said as soon as a group's last test finishes, counted in a test's first group."""

import unittest

from rackharness.reports.session import ReportSession
from rackharness.reports.witness import Journal
from tests.unit.reports.support import Entry

PLAN = [
    Entry("t.Smoke.a", ("smoke",)),
    Entry("t.Smoke.b", ("smoke",)),
    Entry("t.Nodes.a", ("nodes", "api")),
    Entry("t.Nodes.b", ("nodes",)),
    Entry("t.Nodes.c", ("nodes",)),
    Entry("t.Api.only", ("api",)),
]


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class ProgressTest(unittest.TestCase):
    def setUp(self):
        self.lines = []
        self.clock = FakeClock()
        self.session = ReportSession(PLAN, say=self.lines.append, journal=Journal(), clock=self.clock)

    def run_test(self, test_id, outcome, seconds=0.5, **kwargs):
        self.session.test_started(test_id)
        self.clock.now += seconds
        self.session.test_finished(test_id, outcome, **kwargs)

    def test_a_group_is_said_when_its_last_test_finishes_not_before(self):
        self.run_test("t.Smoke.a", "passed")
        self.assertEqual(self.lines, [])
        self.run_test("t.Smoke.b", "passed", seconds=1.2)
        self.assertEqual(self.lines, ["group smoke: 2 passed, 0 failed, 0 skipped in 1.7 s"])

    def test_a_test_in_several_groups_counts_in_its_first(self):
        self.run_test("t.Nodes.a", "failed")
        self.run_test("t.Nodes.b", "skipped")
        self.run_test("t.Api.only", "passed")
        self.assertEqual(self.lines, ["group api: 1 passed, 0 failed, 0 skipped in 0.5 s"])
        self.run_test("t.Nodes.c", "known-difference", duration=0.25)
        self.assertEqual(self.lines[-1], "group nodes: 0 passed, 1 failed, 1 skipped, 1 known difference in 1.2 s")

    def test_the_end_says_groups_with_tests_that_did_not_run_and_tests_outside_the_plan(self):
        self.run_test("t.Nodes.a", "passed")
        self.run_test("elsewhere.Test.plain", "error")
        self.session.finish()
        self.assertEqual(
            self.lines,
            [
                "group nodes: 1 passed, 0 failed, 0 skipped in 0.5 s (2 did not run)",
                "group (no group): 0 passed, 1 failed, 0 skipped in 0.5 s",
            ],
        )
        self.session.finish()
        self.assertEqual(len(self.lines), 2, "finishing twice says nothing twice")

    def test_methods_of_a_unittest_style_class_wait_for_every_expected_id(self):
        lines = []
        session = ReportSession(
            [Entry("t.Style", ("style",))],
            say=lines.append,
            journal=Journal(),
            test_ids=["t.Style.test_one", "t.Style.test_two"],
        )
        session.test_finished("t.Style.test_one", "passed", duration=0.1)
        self.assertEqual(lines, [])
        session.test_finished("t.Style.test_two", "passed", duration=0.1)
        self.assertEqual(lines, ["group style: 2 passed, 0 failed, 0 skipped in 0.2 s"])


if __name__ == "__main__":
    unittest.main()
