"""`rackharness matrix --record`: a run's JUnit XML stored as a column of the result matrix."""

import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def rackharness(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    return subprocess.run(
        [sys.executable, "-m", "rackharness", "matrix", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class RecordTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(lambda: [p.unlink() for p in self.tmp.iterdir()] and self.tmp.rmdir())

    def test_a_run_is_counted_per_group_of_the_suite(self):
        junit = self.tmp / "junit.xml"
        junit.write_text(
            '<testsuite><testcase classname="tests.rackhd.test_smoke.Smoke" name="api_serves_config" />'
            '<testcase classname="tests.rackhd.test_tags.Tags" name="gone"><failure>x</failure>'
            "</testcase></testsuite>"
        )
        done = rackharness(
            "--record", "replay", "--junit", str(junit), "--title", "replay", "--runs-dir", str(self.tmp)
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        stored = json.loads((self.tmp / "replay.json").read_text())
        self.assertEqual(stored["groups"]["smoke"]["passed"], 1)
        self.assertGreater(stored["groups"]["smoke"]["missing"], 0)  # the smoke tests the run did not have
        self.assertNotIn("failed", json.dumps(stored["groups"]))  # a test the suite does not have counts nowhere
        self.assertIn("wrote", done.stdout)

    def test_record_without_junit_is_a_usage_error(self):
        done = rackharness("--record", "replay", "--runs-dir", str(self.tmp))
        self.assertEqual(done.returncode, 2)
        self.assertIn("--junit FILE", done.stderr)
        self.assertNotIn("Traceback", done.stderr)
        self.assertEqual(list(self.tmp.iterdir()), [])
