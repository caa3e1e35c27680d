"""The bridge to rackharness.reports: outcomes as the report layer names them; the system as JUnit properties."""

from __future__ import annotations

import sys
import unittest
from types import SimpleNamespace

from rackharness.pytest_plugin import case_runner
from rackharness.pytest_plugin.case_runner import CaseOutcome
from rackharness.pytest_plugin.reporting import NoReports, add_junit_suite_properties, describe, junit_suite_properties


def failed(kind: str, exc: BaseException) -> CaseOutcome:
    outcome = CaseOutcome()
    try:
        raise exc
    except BaseException:  # noqa: BLE001
        outcome.record_problem(kind, sys.exc_info())
    return outcome


class DescribeTest(unittest.TestCase):
    def test_a_failure_has_a_one_line_message_and_the_traceback(self):
        word, message, details = describe(failed(case_runner.FAILED, AssertionError("status 500\nbody ...")), None)
        self.assertEqual((word, message), ("failed", "AssertionError: status 500"))
        self.assertIn("Traceback (most recent call last)", details)

    def test_an_error_and_a_known_difference(self):
        self.assertEqual(describe(failed(case_runner.ERROR, RuntimeError("x")), None)[0], "error")
        word, message, _ = describe(
            failed(case_runner.ERROR, RuntimeError("x")), "known difference of RackHD 2.60.7: y"
        )
        self.assertEqual((word, message), ("known-difference", "known difference of RackHD 2.60.7: y"))

    def test_passes_skips_and_unittest_expectations(self):
        self.assertEqual(describe(CaseOutcome(kind=case_runner.PASSED), None), ("passed", "", ""))
        self.assertEqual(
            describe(CaseOutcome(kind=case_runner.SKIPPED, reason="prerequisite X failed"), None),
            ("skipped", "prerequisite X failed", ""),
        )
        self.assertEqual(describe(CaseOutcome(kind=case_runner.UNEXPECTED_SUCCESS), None)[0], "unexpected-pass")


class JunitPropertiesTest(unittest.TestCase):
    def test_the_report_layers_summary_wins(self):
        summary = SimpleNamespace(properties=lambda: [("system_under_test", "RackHD 2.60.7")])
        self.assertEqual(junit_suite_properties(summary, None), [("system_under_test", "RackHD 2.60.7")])

    def test_without_it_the_target_says_what_it_is(self):
        target = SimpleNamespace(
            what=lambda: "reference target 0.2.0",
            kind="reference",
            version="0.2.0",
            source="isolated rack in this process",
        )
        self.assertEqual(
            junit_suite_properties(None, target),
            [
                ("system_under_test", "reference target 0.2.0"),
                ("system_kind", "reference"),
                ("system_version", "0.2.0"),
                ("target_source", "isolated rack in this process"),
            ],
        )
        self.assertEqual(junit_suite_properties(None, None), [])

    def test_properties_go_to_pytests_junit_xml_when_it_is_written(self):
        from _pytest.junitxml import xml_key
        from _pytest.stash import Stash

        added = []
        config = SimpleNamespace(stash=Stash())
        add_junit_suite_properties(config, [("system_kind", "rackhd")])  # no --junitxml: nothing to do
        config.stash[xml_key] = SimpleNamespace(add_global_property=lambda n, v: added.append((n, v)))
        add_junit_suite_properties(config, [("system_kind", "rackhd")])
        self.assertEqual(added, [("system_kind", "rackhd")])


class NoReportsTest(unittest.TestCase):
    def test_a_run_not_taken_over_reports_nothing(self):
        reports = NoReports()
        reports.test_started("a.b")
        reports.test_finished("a.b", CaseOutcome(kind=case_runner.PASSED), None, 0.1)
        self.assertEqual(reports.write("junit.xml", "report.html"), [])


if __name__ == "__main__":
    unittest.main()
