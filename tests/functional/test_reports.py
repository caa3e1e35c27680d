"""Reports end to end, in isolated mode: what a failed test did shows in the HTML report, and the JUnit XML
carries the plan and the system under test.

A tiny proboscis suite written to a temporary directory runs under nose2 with the root configuration's
plugins against the in-process reference target: one test asks for a node that is not there and asserts
200 (it gets 404), one logs in and then fails on a 404 (the token and the password must not appear in any
report), one publishes and takes an AMQP event and then fails. Then the real suite runs isolated once
with ``--junit-xml`` and ``--html-report``.
"""

import os
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from tests.functional.stack_fixture import REPO

SUITE = textwrap.dedent('''
    """A tiny suite whose failures the reports must explain."""
    import os

    from rackharness.api_paths import API_ROOT
    from rackharness.suite.context import suite_context
    from rackharness.suite.decorators import test


    @test(groups=["probe"])
    class Probe:
        @test
        def config_answers(self):
            """GET /api/2.0/config answers 200."""
            suite_context().api.get(f"{API_ROOT}/config")

        @test
        def missing_node_is_there(self):
            """Asks for a node nobody created and insists it is there."""
            answer = suite_context().api.send("GET", f"{API_ROOT}/nodes/rh-reports-missing", expect=(200, 404))
            assert answer.status_code == 200, f"GET /nodes/rh-reports-missing answered {answer.status_code}"


    @test(groups=["secrets"])
    def logged_in_request_fails():
        """Logs in, then asks for a node that is not there (an HttpStatusError)."""
        client = suite_context().auth_client()
        try:
            token = client.login()
            with open(os.environ["SAMPLE_SECRETS"], "a", encoding="utf-8") as out:
                out.write(token + "\\n" + client._password + "\\n")
            client.get(f"{API_ROOT}/nodes/rh-reports-missing-too")
        finally:
            client.http.close()


    @test(groups=["events"])
    def event_then_failure():
        """Publishes an event, takes it off a queue, then fails."""
        ctx = suite_context()
        with ctx.events() as events, ctx.publisher() as publisher:
            events.expect("rh.reports.probe.#")
            publisher.publish("rh.reports.probe.one", {"probe": "rh-reports", "answer": 42})
            events.wait(timeout=5)
        assert False, "failed after the event on purpose"
''')

CONFIG = textwrap.dedent("""
    [unittest]
    test-file-pattern = suite_*.py
    plugins = rackharness.nose2.summary
              rackharness.nose2.failures
              rackharness.nose2.groups
              rackharness.nose2.known
              rackharness.nose2.tapes
              rackharness.nose2.reports
    [proboscis-groups]
    always-on = True
    final-groups = cleanup
    [known-differences]
    always-on = True
    [failure-summary]
    always-on = True
    path = nose2-failures.log
    [record-replay]
    always-on = True
    [junit-xml]
    path = nose2-junit.xml
    [reports]
    always-on = True
""")


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def page_text(path: Path) -> tuple[str, list[str]]:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return "".join(page.text), page.tags


def isolated_env(root: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    env.update(
        {
            "RACKHARNESS_MODE": "isolated",
            "RACKHARNESS_STATE_DIR": str(root / "no-state"),
            "RACKHARNESS_LOCK_DIR": str(root),
        },
        **extra,
    )
    return env


class TinySuiteReportsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="rh-reports-")
        root = cls.root = Path(cls.tmp.name)
        (root / "suite").mkdir()
        (root / "suite" / "suite_reports.py").write_text(SUITE, encoding="utf-8")
        (root / "nose2.cfg").write_text(CONFIG, encoding="utf-8")
        cls.secrets, cls.junit, cls.html = root / "secrets.txt", root / "junit.xml", root / "report.html"
        cls.result = subprocess.run(
            [
                sys.executable,
                "-m",
                "nose2",
                "-c",
                str(root / "nose2.cfg"),
                "--no-user-config",
                "-s",
                str(root / "suite"),
                "-t",
                str(root / "suite"),
                "--junit-xml-path",
                str(cls.junit),
                "--html-report",
                str(cls.html),
            ],
            cwd=root,
            env=isolated_env(root, SAMPLE_SECRETS=str(cls.secrets)),
            capture_output=True,
            text=True,
            timeout=300,
        )
        cls.text, cls.tags = page_text(cls.html) if cls.html.exists() else ("", [])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_run_fails_and_says_each_group_as_it_completes(self):
        self.assertEqual(self.result.returncode, 1, self.result.stderr[-4000:])
        lines = re.findall(r"^rackharness: (group \w+: .*)$", self.result.stderr, re.MULTILINE)
        self.assertEqual(
            [re.sub(r" in [\d.]+ s$", "", line) for line in lines],
            [
                "group probe: 1 passed, 1 failed, 0 skipped",
                "group secrets: 0 passed, 1 failed, 0 skipped",
                "group events: 0 passed, 1 failed, 0 skipped",
            ],
            self.result.stderr[-4000:],
        )

    def test_the_html_report_shows_the_failed_request_and_its_response(self):
        text = self.text
        self.assertIn("AssertionError: GET /nodes/rh-reports-missing answered 404", text)
        self.assertRegex(text, r"GET http://127\.0\.0\.1:\d+/api/2\.0/nodes/rh-reports-missing(?!-)")
        self.assertIn("HTTP 404", text)
        self.assertIn("Traceback (most recent call last)", text)
        self.assertIn("reference target", text)
        self.assertIn("isolated", text)
        self.assertNotIn("script", self.tags)

    def test_the_html_report_shows_the_events_a_failed_test_saw(self):
        self.assertIn("rh.reports.probe.one", self.text)
        self.assertIn('"answer": 42', self.text)
        self.assertIn("received", self.text)

    def test_no_token_or_password_reaches_a_report(self):
        secrets = [s for s in self.secrets.read_text(encoding="utf-8").split() if s]
        self.assertEqual(len(secrets), 2, "the login test wrote its token and password")
        self.assertIn("HttpStatusError", self.text)
        self.assertIn("rh-reports-missing-too", self.text)
        self.assertIn("authorization: ***", self.text)
        for path in (self.html, self.junit):
            content = path.read_text(encoding="utf-8")
            for secret in secrets:
                self.assertNotIn(secret, content, f"a secret in {path.name}")

    def test_the_junit_xml_carries_groups_descriptions_and_the_system(self):
        root = ET.parse(self.junit).getroot()
        system = {p.get("name"): p.get("value") for p in root.find("properties")}
        self.assertEqual((system["system_kind"], system["mode"]), ("reference", "isolated"))
        self.assertTrue(system["system_under_test"].startswith("reference target "), system)
        self.assertRegex(system["api_url"], r"^http://127\.0\.0\.1:\d+$")
        cases = {case.get("name"): case for case in root.iter("testcase")}
        props = {p.get("name"): p.get("value") for p in cases["missing_node_is_there"].find("properties")}
        self.assertEqual(props["group"], "probe")
        self.assertEqual(props["description"], "Asks for a node nobody created and insists it is there.")
        self.assertRegex(props["source"], r"suite_reports\.py:\d+$")
        self.assertIsNotNone(cases["missing_node_is_there"].find("failure"))
        self.assertIsNotNone(cases["logged_in_request_fails"].find("error"))


class RealSuiteReportsTest(unittest.TestCase):
    def test_the_isolated_suite_writes_both_reports_for_every_test(self):
        with tempfile.TemporaryDirectory(prefix="rh-reports-suite-") as tmp:
            root = Path(tmp)
            junit, html = root / "junit.xml", root / "report.html"
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "nose2",
                    "--junit-xml",
                    "--junit-xml-path",
                    str(junit),
                    "--html-report",
                    str(html),
                ],
                cwd=REPO,
                env=isolated_env(root),
                capture_output=True,
                text=True,
                timeout=600,
            )
            self.assertEqual(run.returncode, 0, run.stderr[-4000:])
            suite = ET.parse(junit).getroot()
            cases = list(suite.iter("testcase"))
            self.assertEqual(len(cases), 198)
            groups = {p.get("value") for case in cases for p in case.find("properties") if p.get("name") == "group"}
            self.assertEqual(len(groups), len(re.findall(r"^rackharness: group ", run.stderr, re.MULTILINE)))
            self.assertTrue(all(any(p.get("name") == "group" for p in case.find("properties")) for case in cases))
            text, _ = page_text(html)
            self.assertIn("198 tests in", text)
            self.assertIn("No test failed.", text)


if __name__ == "__main__":
    unittest.main()
