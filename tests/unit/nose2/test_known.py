"""The known-differences nose2 plugin, run for real on samples/known/ against a stub target that says what it is.

The stub answers ``GET /api/2.0/config`` as RackHD does (no X-Rackharness-Target header) or as the
reference does (``X-Rackharness-Target: reference/...``); ``RACKHARNESS_SUITE_RACKHD_VERSION`` gives
RackHD's version. A listed failure is an expected failure only against a RackHD of a listed version.
"""

from __future__ import annotations

import http.server
import threading
import unittest
from pathlib import Path

from tests.unit.nose2.test_groups import SAMPLES, PluginTestCase

KNOWN = SAMPLES / "known" / "known.yaml"


class _Stub(http.server.BaseHTTPRequestHandler):
    header: str | None = None

    def do_GET(self):  # noqa: N802 - http.server's name
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.server.target_header:
            self.send_header("X-Rackharness-Target", self.server.target_header)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class KnownDifferencesPluginTest(PluginTestCase):
    def target(self, header: str | None) -> str:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
        server.target_header = header
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def run_known(
        self, header: str | None, version: str | None = "2.60.7", *, fixed: bool = False, known: Path = KNOWN
    ):
        env = {
            "RACKHARNESS_TARGET_URL": self.target(header),
            "RACKHARNESS_KNOWN_DIFFERENCES": str(known),
            "RACKHARNESS_LOCK_DIR": str(self.workdir),
        }
        if version:
            env["RACKHARNESS_SUITE_RACKHD_VERSION"] = version
        if fixed:
            env["SAMPLE_FIXED"] = "1"
        return self.nose2("known", "-v", extra_env=env, config=SAMPLES / "nose2-known.cfg")

    def test_against_rackhd_of_a_listed_version_a_known_difference_does_not_fail_the_run(self):
        run = self.run_known(None)
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.order, ["known.differs", "known.fixed", "known.plain"], run)
        self.assertIn(
            "expected failure (known difference of RackHD 2.60.7: answers 200 where its spec documents 201)",
            run.err,
            run,
        )
        self.assertIn("nose2: 1 passed, 0 failed, 0 skipped", run.err, run)
        self.assertIn(
            "nose2: known differences of RackHD 2.60.7: 2 seen (expected failures, not counted as failed), "
            "0 no longer seen",
            run.err,
            run,
        )
        self.assertIn("known difference: suite_known.Known.differs: answers 200 where its spec documents 201", run.err)

    def test_a_known_difference_that_passes_is_a_pass_and_said(self):
        run = self.run_known(None, fixed=True)
        self.assertEqual(run.code, 0, run)
        self.assertIn("nose2: 2 passed, 0 failed, 0 skipped", run.err, run)
        self.assertIn("1 seen (expected failures, not counted as failed), 1 no longer seen", run.err, run)
        self.assertIn("known difference no longer seen: suite_known.Known.fixed passes", run.err, run)

    def test_against_the_reference_the_marks_do_not_apply(self):
        run = self.run_known("reference/0.1.0")
        self.assertEqual(run.code, 1, run)
        self.assertIn("nose2: 1 passed, 2 failed, 0 skipped", run.err, run)
        self.assertIn("the system under test is reference target 0.1.0; no known difference", run.err, run)
        self.assertNotIn("expected failure", run.err, run)
        self.assertNotIn("nose2: known differences", run.err, run)

    def test_another_rackhd_version_is_not_marked(self):
        run = self.run_known(None, "2.61.0")
        self.assertEqual(run.code, 1, run)
        self.assertIn("nose2: 1 passed, 2 failed, 0 skipped", run.err, run)
        self.assertNotIn("expected failure", run.err, run)

    def test_a_rackhd_that_tells_no_version_is_taken_as_the_checked_one_and_said_so(self):
        run = self.run_known(None, None)
        self.assertIn("RackHD 2.60.7 (assumed: RackHD's API tells no version", run.err, run)
        self.assertIn("expected failure (known difference of RackHD 2.60.7", run.err, run)

    def test_a_bad_file_stops_the_run_with_exit_2(self):
        bad = self.workdir / "bad.yaml"
        bad.write_text(
            "version: 1\ndifferences:\n  - test: suite_known.Known.differs\n    rackhd: []\n", encoding="utf-8"
        )
        run = self.run_known(None, known=bad)
        self.assertEqual(run.code, 2, run)
        self.assertIn("known differences", run.err)
        self.assertEqual(run.order, [], "no test may run with a bad file")


if __name__ == "__main__":
    unittest.main()
