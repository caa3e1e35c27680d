"""raise_as_pytest: each outcome of a case becomes what pytest reports."""

from __future__ import annotations

import sys
import unittest

import pytest

from rackharness.pytest_plugin import case_runner
from rackharness.pytest_plugin.case_runner import CaseOutcome
from rackharness.pytest_plugin.item import raise_as_pytest


def _exc_info(exc: BaseException) -> tuple:
    try:
        raise exc
    except BaseException:  # noqa: BLE001 - any exception, as unittest keeps it
        return sys.exc_info()


class RaiseAsPytestTest(unittest.TestCase):
    def test_a_pass_raises_nothing(self):
        self.assertIsNone(raise_as_pytest(CaseOutcome(kind=case_runner.PASSED)))

    def test_a_failure_raises_the_tests_own_exception(self):
        outcome = CaseOutcome()
        outcome.record_problem(case_runner.FAILED, _exc_info(AssertionError("the answer was 500")))
        with self.assertRaises(AssertionError) as raised:
            raise_as_pytest(outcome)
        self.assertEqual(str(raised.exception), "the answer was 500")

    def test_a_known_difference_is_an_xfail_with_its_label(self):
        outcome = CaseOutcome()
        outcome.record_problem(case_runner.ERROR, _exc_info(RuntimeError("200, not 201")))
        with self.assertRaises(pytest.xfail.Exception) as raised:
            raise_as_pytest(outcome, "known difference of RackHD 2.60.7: answers 200")
        self.assertEqual(raised.exception.msg, "known difference of RackHD 2.60.7: answers 200")

    def test_a_skip_keeps_its_reason(self):
        outcome = CaseOutcome(kind=case_runner.SKIPPED, reason="prerequisite tests.rackhd.test_smoke.Smoke.up failed")
        with self.assertRaises(pytest.skip.Exception) as raised:
            raise_as_pytest(outcome)
        self.assertEqual(raised.exception.msg, "prerequisite tests.rackhd.test_smoke.Smoke.up failed")

    def test_unittest_expectations(self):
        with self.assertRaises(pytest.xfail.Exception):
            raise_as_pytest(CaseOutcome(kind=case_runner.EXPECTED_FAILURE))
        with self.assertRaises(pytest.fail.Exception) as raised:
            raise_as_pytest(CaseOutcome(kind=case_runner.UNEXPECTED_SUCCESS))
        self.assertIn("unexpected success", raised.exception.msg)

    def test_a_case_that_never_ran_is_a_skip_saying_why(self):
        with self.assertRaises(pytest.skip.Exception) as raised:
            raise_as_pytest(CaseOutcome())
        self.assertIn("set-up did not pass", raised.exception.msg)


if __name__ == "__main__":
    unittest.main()
