"""The reports nose2 plugin, run for real on the sample suites: group lines, JUnit XML, the HTML page."""

from __future__ import annotations

import re
import unittest
import xml.etree.ElementTree as ET

from tests.unit.nose2 import test_known
from tests.unit.nose2.test_groups import SAMPLES, PluginTestCase

CONFIG = SAMPLES / "nose2-reports.cfg"


def properties(element):
    return {p.get("name"): p.get("value") for p in element.find("properties")}


class GroupLinesTest(PluginTestCase):
    def test_each_group_is_said_when_its_last_test_finished(self):
        run = self.nose2("chain", config=CONFIG, extra_env={"SAMPLE_FAIL": "second.function"})
        self.assertEqual(run.code, 1, run)
        lines = re.findall(r"^rackharness: (group .*)$", run.err, re.MULTILINE)
        self.assertEqual(
            [re.sub(r" in [\d.]+ s$", "", line) for line in lines],
            [
                "group first: 2 passed, 0 failed, 0 skipped",
                "group second: 0 passed, 1 failed, 0 skipped",
                "group third: 0 passed, 0 failed, 1 skipped",
                "group unrelated: 1 passed, 0 failed, 0 skipped",
                "group cleanup: 1 passed, 0 failed, 0 skipped",
            ],
            run,
        )

    def test_a_line_comes_as_soon_as_the_group_is_done_not_at_the_end(self):
        run = self.nose2("chain", "-v", config=CONFIG)
        self.assertEqual(run.code, 0, run)
        first_done = run.err.index("rackharness: group first:")
        self.assertLess(first_done, run.err.index("second_function"), run)


class JunitXmlTest(PluginTestCase):
    def test_junit_xml_goes_to_the_configured_default_path_with_group_properties(self):
        run = self.nose2("chain", "--junit-xml", config=CONFIG, extra_env={"SAMPLE_SKIP": "unrelated"})
        self.assertEqual(run.code, 0, run)
        root = ET.parse(self.workdir / "nose2-junit.xml").getroot()
        self.assertEqual((root.get("tests"), root.get("failures"), root.get("skipped")), ("6", "0", "1"))
        cases = {case.get("name"): case for case in root.iter("testcase")}
        self.assertEqual(cases["write_b"].get("classname"), "suite_chain.First")
        props = properties(cases["write_b"])
        self.assertEqual(props["group"], "first")
        self.assertTrue(props["source"].endswith("samples/chain/suite_chain.py:30"), props)
        self.assertEqual(props["description"], "Written before write_a: runs before it (written order, not A-Z).")
        self.assertIn("unrelated skips on purpose", cases["unrelated"].find("skipped").get("message"))
        system = properties(root)
        self.assertEqual((system["api_url"], system["mode"]), ("http://127.0.0.1:9", "live"))
        self.assertEqual(system["system_under_test"], "unknown target", "nothing answers on port 9")

    def test_junit_xml_path_and_html_report(self):
        junit, html = self.workdir / "out.xml", self.workdir / "report.html"
        run = self.nose2(
            "chain",
            "--junit-xml-path",
            str(junit),
            "--html-report",
            str(html),
            config=CONFIG,
            extra_env={"SAMPLE_FAIL": "second.function"},
        )
        self.assertEqual(run.code, 1, run)
        failure = [c for c in ET.parse(junit).getroot().iter("testcase") if c.find("failure") is not None]
        self.assertEqual([c.get("name") for c in failure], ["second_function"])
        self.assertIn("AssertionError: second.function fails on purpose", failure[0].find("failure").text)
        page = html.read_text(encoding="utf-8")
        self.assertIn("suite_chain.second_function", page)
        self.assertIn("AssertionError: second.function fails on purpose", page)
        self.assertIn(f"rackharness: HTML report: {html}", run.err)
        self.assertFalse((self.workdir / "nose2-junit.xml").exists(), "--junit-xml-path alone writes only there")

    def test_an_unwritable_report_fails_the_run_saying_why(self):
        run = self.nose2("chain", "--html-report", str(self.workdir / "no" / "such" / "dir.html"), config=CONFIG)
        self.assertEqual(run.code, 1, run)
        self.assertIn("nose2: error: HTML report", run.err)


class KnownDifferenceTest(PluginTestCase):
    """Known differences are counted as such in the group line and marked in the JUnit XML."""

    target = test_known.KnownDifferencesPluginTest.target  # a stub RackHD that says nothing of itself

    def test_known_difference_counted_apart_and_marked(self):
        env = {
            "RACKHARNESS_TARGET_URL": self.target(None),
            "RACKHARNESS_KNOWN_DIFFERENCES": str(test_known.KNOWN),
            "RACKHARNESS_LOCK_DIR": str(self.workdir),
            "RACKHARNESS_SUITE_RACKHD_VERSION": "2.60.7",
        }
        run = self.nose2("known", "--junit-xml", config=CONFIG, extra_env=env)
        self.assertEqual(run.code, 0, run)
        self.assertIn("rackharness: group known: 1 passed, 0 failed, 0 skipped, 2 known differences", run.err, run)
        root = ET.parse(self.workdir / "nose2-junit.xml").getroot()
        self.assertEqual(properties(root)["system_under_test"], "RackHD 2.60.7")
        cases = {case.get("name"): case for case in root.iter("testcase")}
        self.assertTrue(cases["differs"].find("skipped").get("message").startswith("known difference of RackHD 2.60.7"))


if __name__ == "__main__":
    unittest.main()
