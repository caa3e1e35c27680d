"""The HTML report: self-contained, escaped, and a failed test shows its request, response and events."""

import tempfile
import unittest
from html.parser import HTMLParser
from pathlib import Path

from rackharness.reports.html_report import render_html, write_html
from rackharness.reports.record import Outcome, TestRecord
from rackharness.reports.redact import Scrubber
from tests.unit.reports.support import SECRETS, sample_run, target


class Page(HTMLParser):
    """Collects text, tags, and anything that would reach out of the page."""

    def __init__(self):
        super().__init__()
        self.text, self.tags, self.external, self.open = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag in ("script", "link", "img", "iframe") or (attrs.get("href") or "#").split("#")[0]:
            self.external.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self):
        return "".join(self.text)


def parse(html):
    page = Page()
    page.feed(html)
    page.close()
    return page


class HtmlReportTest(unittest.TestCase):
    def setUp(self):
        scrub = Scrubber()
        scrub.learn_target(target())
        self.html = render_html(sample_run(), scrub)
        self.page = parse(self.html)

    def test_it_is_one_self_contained_page(self):
        self.assertTrue(self.html.startswith("<!DOCTYPE html>"))
        self.assertIn("style", self.page.tags)
        self.assertEqual(self.page.external, [], "no script, stylesheet, image or link out of the page")

    def test_it_states_the_system_totals_and_groups(self):
        text = self.page.all_text
        self.assertIn("RackHD 2.60.7 at http://127.0.0.1:26080 (live, provider vagrant)", text)
        self.assertIn("1 passed", text)
        self.assertIn("known differences", text)
        for group in ("smoke", "nodes", "tags"):
            self.assertIn(f"{group} (", text)
        self.assertIn("0 passed, 1 failed, 1 skipped, 1 known difference", text)

    def test_a_failed_test_shows_message_traceback_request_response_and_events(self):
        text = self.page.all_text
        self.assertIn("Failures (2)", text)
        self.assertIn("HttpStatusError: answered 404 <expected 200>", text)
        self.assertIn('File "tests/rackhd/test_nodes.py", line 40, in reads', text)
        self.assertIn("GET http://127.0.0.1:26080/api/2.0/nodes/rh-missing?token=***", text)
        self.assertIn("HTTP 404", text)
        self.assertIn('"message": "Not Found: <rh-missing>"', text)
        self.assertIn("node.added.rh-1", text)
        self.assertIn('"nodeId": "rh-1"', text)

    def test_everything_is_escaped(self):
        self.assertIn("answers the node &amp; its &lt;fields&gt;.", self.html)
        self.assertIn("&lt;rh-missing&gt;", self.html)
        run = sample_run()
        run.tests.append(
            TestRecord(
                id="t.X.<script>alert(1)</script>",
                outcome=Outcome.FAILED,
                message="<img src=x onerror=alert(1)>",
                details="<b>bold</b>",
            )
        )
        page = parse(render_html(run, Scrubber()))
        self.assertNotIn("script", page.tags)
        self.assertNotIn("img", page.tags)
        self.assertNotIn("b", page.tags)
        self.assertIn("<img src=x onerror=alert(1)>", page.all_text)

    def test_no_password_or_token_appears(self):
        for secret in SECRETS:
            self.assertNotIn(secret, self.html)
        self.assertIn("authorization: ***", self.page.all_text)

    def test_written_to_a_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = write_html(sample_run(), Path(tmp) / "report.html")
            self.assertIn("reads_a_node", path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    unittest.main()
