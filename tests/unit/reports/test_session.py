"""ReportSession end to end: the plan's entries, the witness journal per test, both reports written."""

import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

from rackharness.reports import JOURNAL, Outcome, ReportSession
from rackharness.reports.witness import Journal, WitnessedHttpOut
from rackharness.transports.http_out.in_process import InProcessHttpOut
from tests.unit.reports.support import LOGIN_PASSWORD, Entry, target

PLAN = [
    Entry("t.Nodes.create", ("nodes",), "POST /nodes answers 201.", "tests/rackhd/test_nodes.py:10"),
    Entry("t.Nodes.read", ("nodes",), "GET /nodes/<id> answers 200.", "tests/rackhd/test_nodes.py:20"),
    Entry("t.Style", ("style",), "A unittest-style class.", "tests/rackhd/test_style.py:5"),
]


def handler(call):
    return (201, {"id": "n1"}) if call.method == "POST" else (404, {"message": "no such node"})


class ReportSessionTest(unittest.TestCase):
    def setUp(self):
        self.journal = Journal()
        self.lines = []
        self.session = ReportSession(
            PLAN,
            say=self.lines.append,
            journal=self.journal,
            test_ids=["t.Nodes.create", "t.Nodes.read", "t.Style.test_a"],
        )
        self.session.system(target())
        self.http = WitnessedHttpOut(InProcessHttpOut(handler, "inprocess://rh-session"), self.journal)

    def test_each_test_gets_the_exchanges_made_while_it_ran(self):
        self.http.request("GET", "/before-any-test")
        self.session.test_started("t.Nodes.create")
        self.http.request("POST", "/api/2.0/nodes", json={"name": "n", "password": LOGIN_PASSWORD})
        created = self.session.test_finished("t.Nodes.create", Outcome.PASSED, duration=0.1)
        self.session.test_started("t.Nodes.read")
        self.http.request("GET", "/api/2.0/nodes/n1")
        read = self.session.test_finished(
            "t.Nodes.read",
            "failed",
            duration=0.2,
            message="AssertionError: 404 != 200",
            details="Traceback ...\nAssertionError: 404 != 200",
        )
        self.assertEqual([x.request_line for x in created.exchanges], ["POST inprocess://rh-session/api/2.0/nodes"])
        self.assertEqual(
            [(x.request_line, x.status) for x in read.exchanges], [("GET inprocess://rh-session/api/2.0/nodes/n1", 404)]
        )
        self.assertEqual(
            (read.group, read.description, read.source),
            ("nodes", "GET /nodes/<id> answers 200.", "tests/rackhd/test_nodes.py:20"),
        )
        self.assertEqual(self.lines, ["group nodes: 1 passed, 1 failed, 0 skipped in 0.3 s"])

    def test_a_method_of_a_unittest_style_class_takes_its_class_entry(self):
        record = self.session.test_finished("t.Style.test_a", "skipped", message="not today")
        self.assertEqual((record.group, record.source), ("style", "tests/rackhd/test_style.py:5"))
        self.assertEqual(self.lines[-1], f"group style: 0 passed, 0 failed, 1 skipped in {record.duration:.1f} s")

    def test_write_produces_both_reports_and_stops_the_journal(self):
        self.session.test_started("t.Nodes.read")
        self.http.request("GET", "/api/2.0/nodes/n1")
        self.session.test_finished("t.Nodes.read", "error", message="KeyError: 'id'")
        with tempfile.TemporaryDirectory() as tmp:
            junit, html = Path(tmp) / "junit.xml", Path(tmp) / "report.html"
            self.assertEqual(self.session.write(junit_path=junit, html_path=html), [junit, html])
            self.assertEqual(ET.parse(junit).getroot().get("errors"), "1")
            self.assertIn("HTTP 404", html.read_text(encoding="utf-8"))
        self.assertFalse(self.journal.recording)
        self.assertEqual(self.lines[-1], "group nodes: 0 passed, 1 failed, 0 skipped in 0.0 s (1 did not run)")

    def test_the_process_journal_is_the_default(self):
        session = ReportSession([])
        self.addCleanup(session.finish)
        self.assertIs(session.journal, JOURNAL)
        self.assertTrue(JOURNAL.recording)


if __name__ == "__main__":
    unittest.main()
