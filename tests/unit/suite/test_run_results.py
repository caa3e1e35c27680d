"""Recorded runs counted per group: JUnit outcomes, summaries on disk, the matrix rows."""

import tempfile
import unittest
from pathlib import Path
from types import SimpleNamespace

from rackharness.suite.run_results import RunResultsError, load_runs, read_junit, render_results, summarize

JUNIT = """<testsuite name="nose2-junit" tests="5">
  <testcase classname="tests.rackhd.test_smoke.Smoke" name="api_answers" time="0.1"><system-out /></testcase>
  <testcase classname="tests.rackhd.test_nodes.Nodes" name="create" time="0.1">
    <failure message="test failure">AssertionError: 404 != 201</failure></testcase>
  <testcase classname="tests.rackhd.test_nodes.Nodes" name="delete" time="0">
    <skipped message="test skipped: prerequisite tests.rackhd.test_nodes.Nodes.create failed" /></testcase>
  <testcase classname="tests.rackhd.test_nodes.Nodes" name="patch" time="0.1">
    <skipped message="expected test failure">known difference of RackHD 2.60.7</skipped></testcase>
  <testcase classname="x" name="y" time="0.1">
    <properties><property name="test_id" value="tests.rackhd.test_tags.Tags.add" /></properties>
    <error message="test failure">boom</error></testcase>
</testsuite>
"""


def entry(test_id, *groups, enabled=True):
    return SimpleNamespace(id=test_id, groups=groups, enabled=enabled)


class ReadJunitTest(unittest.TestCase):
    def write(self, text):
        handle = tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False)
        self.addCleanup(Path(handle.name).unlink)
        handle.write(text)
        handle.close()
        return handle.name

    def test_outcomes_by_test_id(self):
        self.assertEqual(
            read_junit(self.write(JUNIT)),
            {
                "tests.rackhd.test_smoke.Smoke.api_answers": "passed",
                "tests.rackhd.test_nodes.Nodes.create": "failed",
                "tests.rackhd.test_nodes.Nodes.delete": "skipped",
                "tests.rackhd.test_nodes.Nodes.patch": "known",
                "tests.rackhd.test_tags.Tags.add": "failed",
            },
        )

    def test_pytest_xfail_is_a_known_difference(self):
        text = (
            '<testsuites><testsuite><testcase classname="a.B" name="c">'
            '<skipped type="pytest.xfail" message="known difference" /></testcase></testsuite></testsuites>'
        )
        self.assertEqual(read_junit(self.write(text)), {"a.B.c": "known"})

    def test_a_file_with_an_unescaped_angle_bracket_is_still_read(self):
        broken = JUNIT.replace("boom", "boom <urlopen error")
        self.assertEqual(read_junit(self.write(broken)), read_junit(self.write(JUNIT)))

    def test_missing_or_empty_files_are_usage_errors(self):
        with self.assertRaises(RunResultsError) as caught:
            read_junit("/nonexistent/junit.xml")
        self.assertIn("/nonexistent/junit.xml", str(caught.exception))
        self.assertEqual(caught.exception.exit_code, 2)
        with self.assertRaises(RunResultsError):
            read_junit(self.write("<testsuite />"))


class SummaryTest(unittest.TestCase):
    entries = [
        entry("t.smoke", "smoke"),
        entry("t.create", "nodes"),
        entry("t.delete", "nodes"),
        entry("t.patch", "nodes", "obms"),
        entry("t.new", "nodes"),
        entry("t.off", "nodes", enabled=False),
    ]
    outcomes = {"t.smoke": "passed", "t.create": "failed", "t.delete": "skipped", "t.patch": "known"}

    def summary(self, column="isolated", title="isolated"):
        return summarize(self.entries, self.outcomes, column=column, title=title, source="a run", recorded="2026-12-03")

    def test_counts_each_test_in_its_first_group_and_the_missing_ones(self):
        summary = self.summary()
        self.assertEqual(
            summary.groups, {"smoke": {"passed": 1}, "nodes": {"failed": 1, "skipped": 1, "known": 1, "missing": 1}}
        )
        self.assertEqual(summary.cell("nodes"), "1 failed, 1 skipped, 1 known diff., 1 missing")
        self.assertEqual(summary.cell("tags"), "not run")
        self.assertEqual(summary.totals(), {"passed": 1, "failed": 1, "skipped": 1, "known": 1, "missing": 1})

    def test_summaries_round_trip_and_load_in_column_order(self):
        with tempfile.TemporaryDirectory() as directory:
            for column in ("replay", "zeta", "reference"):
                (Path(directory) / f"{column}.json").write_text(self.summary(column, column).to_json())
            runs = load_runs(directory)
        self.assertEqual([run.column for run in runs], ["reference", "replay", "zeta"])
        self.assertEqual(runs[0].groups, self.summary().groups)

    def test_a_broken_summary_names_its_file(self):
        with tempfile.TemporaryDirectory() as directory:
            (Path(directory) / "reference.json").write_text("{not json")
            with self.assertRaises(RunResultsError) as caught:
                load_runs(directory)
        self.assertIn("reference.json", str(caught.exception))

    def test_rows_per_group_and_a_total(self):
        lines = render_results(["smoke", "nodes"], [self.summary("reference", "reference target")])
        table = [line for line in lines if line.startswith("|")]
        self.assertEqual(table[0], "| group | reference target |")
        self.assertEqual(table[2], "| `smoke` | 1 passed |")
        self.assertTrue(table[-1].startswith("| **all** | **1 passed, 1 failed"))
        self.assertIn("No run recorded", "\n".join(render_results(["smoke"], [])))
