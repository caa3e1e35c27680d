"""CaseRunner / CaseResult: what a unittest case did, told from unittest's own result calls."""

from __future__ import annotations

import unittest

from rackharness.pytest_plugin import case_runner
from rackharness.pytest_plugin.case_runner import CaseRunner
from tests.unit.pytest_plugin import sample_cases  # as a module: a loader runs every TestCase class named here
from tests.unit.pytest_plugin.sample_cases import EVENTS


class CaseRunnerTest(unittest.TestCase):
    def setUp(self) -> None:
        EVENTS.clear()
        self.tapes: list[str] = []
        self.runner = CaseRunner(
            on_start=lambda test_id: self.tapes.append(f"begin {test_id}"), on_stop=lambda: self.tapes.append("end")
        )

    def outcome(self, name: str, case_class: type = sample_cases.Cases):
        return self.runner.run(case_class(name))

    def test_each_unittest_outcome_is_kept(self):
        kinds = {
            name: self.outcome(name).kind
            for name in (
                "test_passes",
                "test_fails",
                "test_errors",
                "test_skips",
                "test_expected_failure",
                "test_unexpected_success",
                "test_subtest_fails",
            )
        }
        self.assertEqual(
            kinds,
            {
                "test_passes": case_runner.PASSED,
                "test_fails": case_runner.FAILED,
                "test_errors": case_runner.ERROR,
                "test_skips": case_runner.SKIPPED,
                "test_expected_failure": case_runner.EXPECTED_FAILURE,
                "test_unexpected_success": case_runner.UNEXPECTED_SUCCESS,
                "test_subtest_fails": case_runner.FAILED,
            },
        )

    def test_the_skip_reason_and_the_exception_are_kept(self):
        self.assertEqual(self.outcome("test_skips").reason, "skips on purpose")
        failed = self.outcome("test_errors")
        self.assertIsInstance(failed.exc_info[1], RuntimeError)
        self.assertTrue(failed.failed)

    def test_the_first_problem_wins_and_every_one_is_kept(self):
        outcome = self.outcome("test_fails_then_tear_down_errors")
        self.assertEqual(outcome.kind, case_runner.FAILED)
        self.assertEqual(str(outcome.exc_info[1]), "first problem")
        self.assertEqual([kind for kind, _ in outcome.problems], [case_runner.FAILED, case_runner.ERROR])

    def test_each_case_begins_and_ends_its_tape(self):
        self.outcome("test_passes")
        self.outcome("test_fails")
        self.assertEqual(
            self.tapes,
            [
                f"begin {sample_cases.Cases('test_passes').id()}",
                "end",
                f"begin {sample_cases.Cases('test_fails').id()}",
                "end",
            ],
        )

    def test_a_class_fixture_runs_once_and_is_torn_down_at_the_end(self):
        self.outcome("test_one", sample_cases.WithClassFixture)
        self.outcome("test_two", sample_cases.WithClassFixture)
        self.assertEqual(EVENTS, ["setUpClass", "one", "two"])
        self.runner.finish()
        self.assertEqual(EVENTS, ["setUpClass", "one", "two", "tearDownClass"])
        self.runner.finish()  # idempotent
        self.assertEqual(EVENTS.count("tearDownClass"), 1)

    def test_the_next_class_tears_the_previous_one_down(self):
        self.outcome("test_one", sample_cases.WithClassFixture)
        self.outcome("test_passes")
        self.assertEqual(EVENTS, ["setUpClass", "one", "tearDownClass", "passes"])

    def test_a_failed_tear_down_class_belongs_to_no_test(self):
        self.outcome("test_only", sample_cases.BrokenTearDownClass)
        passing = self.outcome("test_passes")
        self.assertEqual(passing.kind, case_runner.PASSED)
        self.assertEqual(len(self.runner.stray), 1)
        description, exc_info = self.runner.stray[0]
        self.assertIn("tearDownClass", description)
        self.assertEqual(str(exc_info[1]), "tearDownClass fails")


if __name__ == "__main__":
    unittest.main()
