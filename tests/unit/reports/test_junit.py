"""The JUnit XML: nose2's layout and counts, properties for the system and each test, no secret."""

import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

from rackharness.reports.junit import ReportWriteError, write_junit
from rackharness.reports.redact import Scrubber
from rackharness.suite.run_results import read_junit
from tests.unit.reports.support import SECRETS, sample_run, target


def properties(element):
    return {p.get("name"): p.get("value") for p in element.find("properties")}


class JunitTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="rh-junit-"))
        self.path = self.dir / "junit.xml"
        scrub = Scrubber()
        scrub.learn_target(target())
        write_junit(sample_run(), self.path, scrub)
        self.root = ET.parse(self.path).getroot()
        self.cases = {case.get("name"): case for case in self.root.iter("testcase")}

    def tearDown(self):
        for path in self.dir.iterdir():
            path.unlink()
        self.dir.rmdir()

    def test_one_testsuite_counted_as_nose2_counts(self):
        self.assertEqual(self.root.tag, "testsuite")
        self.assertEqual(
            {k: self.root.get(k) for k in ("name", "tests", "failures", "errors", "skipped")},
            {"name": "nose2-junit", "tests": "5", "failures": "1", "errors": "1", "skipped": "2"},
        )

    def test_the_testsuite_states_the_system_under_test(self):
        props = properties(self.root)
        self.assertEqual(props["system_under_test"], "RackHD 2.60.7")
        self.assertEqual((props["system_kind"], props["system_version"]), ("rackhd", "2.60.7"))
        self.assertEqual(
            (props["mode"], props["provider"], props["api_url"]), ("live", "vagrant", "http://127.0.0.1:26080")
        )

    def test_each_testcase_has_nose2s_split_and_its_plan_properties(self):
        case = self.cases["reads_a_node"]
        self.assertEqual(case.get("classname"), "tests.rackhd.test_nodes.Nodes")
        self.assertEqual(case.get("time"), "0.250000")
        props = properties(case)
        self.assertEqual(props["group"], "nodes")
        self.assertEqual(props["groups"], "nodes, api")
        self.assertEqual(props["source"], "tests/rackhd/test_nodes.py:40")
        self.assertEqual(props["description"], "GET /nodes/<id> answers the node & its <fields>.")
        self.assertEqual(props["test_id"], "tests.rackhd.test_nodes.Nodes.reads_a_node")

    def test_failures_errors_and_skips_carry_message_and_text(self):
        failure = self.cases["reads_a_node"].find("failure")
        self.assertEqual(failure.get("message"), "HttpStatusError: answered 404 <expected 200>")
        self.assertIn("Traceback (most recent call last)", failure.text)
        self.assertIn("KeyError: 'id'", self.cases["errs"].find("error").text)
        skipped = self.cases["deletes"].find("skipped")
        self.assertIn("prerequisite tests.rackhd.test_nodes.Nodes.reads_a_node failed", skipped.get("message"))
        known = self.cases["patches"].find("skipped")
        self.assertTrue(known.get("message").startswith("known difference of RackHD 2.60.7"))

    def test_the_matrix_reads_it_as_it_read_nose2s(self):
        self.assertEqual(
            read_junit(self.path),
            {
                "tests.rackhd.test_smoke.Smoke.api_serves_config": "passed",
                "tests.rackhd.test_nodes.Nodes.reads_a_node": "failed",
                "tests.rackhd.test_nodes.Nodes.deletes": "skipped",
                "tests.rackhd.test_nodes.Nodes.patches": "known",
                "tests.rackhd.test_tags.Tags.errs": "failed",
            },
        )

    def test_no_secret_is_written(self):
        text = self.path.read_text(encoding="utf-8")
        for secret in SECRETS:
            self.assertNotIn(secret, text)

    def test_an_unwritable_path_is_a_harness_error(self):
        with self.assertRaises(ReportWriteError) as caught:
            write_junit(sample_run(), self.dir / "missing" / "junit.xml")
        self.assertIn("junit.xml", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
