"""`rackharness diff` end to end, on real tapes: the committed reference set, and RackHD 2.60.7's captured answers.

* the reference's set against itself: no difference, exit 0;
* a deliberate change (a key of GET /nodes renamed in a copy of the set): one clear line per side of it,
  under that endpoint, exit 1, and the JSON report says the same;
* against RackHD's captures (../shared/rackhd-captures, skipped with the path when absent), with the
  reference recorded on the spot: the report compares the suite's requests and events and lists the
  known differences as intended.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from rackharness.diff.generated import generate
from tests.functional.stack_fixture import BMC_PASSWORD, REPO

SET = REPO / "fixtures" / "tapes" / "reference"
CAPTURE = (
    Path(os.environ.get("RACKHARNESS_RACKHD_CAPTURES", REPO.parent / "shared" / "rackhd-captures"))
    / "suite-run.jsonl.gz"
)


#: a deliberate change in the reference target, loaded into every Python process of the run (sitecustomize):
#: GET /api/2.0/nodes answers each node's ``name`` as ``nodeName``
RENAME_IN_THE_TARGET = """
import rackharness.reference.http as http

_original = http.json_response


def json_response(body, *args, **kwargs):
    from flask import request
    if request.method == "GET" and request.path == "/api/2.0/nodes" and isinstance(body, list):
        body = [{("nodeName" if key == "name" else key): value for key, value in item.items()}
                if isinstance(item, dict) else item for item in body]
    return _original(body, *args, **kwargs)


http.json_response = json_response
"""


def diff(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run(
        [sys.executable, "-m", "rackharness", "diff", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


class DiffTest(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="rh-diff-test-"))
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_the_reference_set_against_itself_has_no_difference(self):
        done = diff("--against-tapes", str(SET), "--reference-tapes", str(SET), "--report", str(self.dir / "r.json"))
        self.assertEqual(done.returncode, 0, done.stdout[-2000:] + done.stderr)
        report = json.loads((self.dir / "r.json").read_text())
        self.assertGreater(report["operations"], 500)
        self.assertEqual(report["differences"], [])

    def test_a_renamed_key_in_get_nodes_is_one_clear_difference(self):
        changed = self.dir / "reference"
        shutil.copytree(SET, changed)
        renamed = 0
        for path in changed.glob("tests.*.json"):
            tape = json.loads(path.read_text())
            for i in tape["interactions"]:
                body = (i.get("response") or {}).get("body") or {}
                if (
                    i["seam"] == "http_out"
                    and i["request"]["method"] == "GET"
                    and i["request"]["path"] == "/api/2.0/nodes"
                    and isinstance(body.get("json"), list)
                ):
                    for node in body["json"]:
                        if "name" in node:
                            node["nodeName"] = node.pop("name")
                            renamed += 1
            path.write_text(json.dumps(tape, indent=2, sort_keys=True))
        self.assertGreater(renamed, 0, "the set has no GET /api/2.0/nodes answer to change")
        done = diff(
            "--against-tapes", str(SET), "--reference-tapes", str(changed), "--report", str(self.dir / "r.json")
        )
        self.assertEqual(done.returncode, 1, done.stdout[-2000:] + done.stderr)
        lines = done.stdout.splitlines()
        at = lines.index("  GET /api/2.0/nodes")
        self.assertRegex(
            lines[at + 1],
            r"^    body\[\]\.name → body\[\]\.nodeName: renamed key \(\d+x\): RackHD string, "
            r"reference string$",
        )
        self.assertFalse(lines[at + 2].startswith("    "), "one line for the change")
        report = json.loads((self.dir / "r.json").read_text())
        self.assertEqual(
            [(d["endpoint"], d["where"], d["kind"]) for d in report["differences"]],
            [("GET /api/2.0/nodes", "body[].name → body[].nodeName", "renamed key")],
        )

    def test_a_renamed_key_in_the_reference_target_fails_the_gate_in_one_line(self):
        """The Done-when of the differential report: the reference target changed (not its tapes), the diff against
        RackHD's answers recorded anew: one clear line under GET /api/2.0/nodes, exit 1."""
        if not CAPTURE.is_file():
            self.skipTest(f"RackHD's captured answers are not at {CAPTURE} (set RACKHARNESS_RACKHD_CAPTURES)")
        (self.dir / "sitecustomize.py").write_text(RENAME_IN_THE_TARGET)
        done = diff(
            "--against-tapes", str(CAPTURE), "--report", str(self.dir / "r.json"), "--suite-only", pythonpath=self.dir
        )
        self.assertEqual(done.returncode, 1, done.stdout[-3000:] + done.stderr[-2000:])
        report = json.loads((self.dir / "r.json").read_text())
        self.assertEqual(
            [(d["endpoint"], d["where"], d["kind"]) for d in report["differences"]],
            [("GET /api/2.0/nodes", "body[].name → body[].nodeName", "renamed key")],
        )
        lines = done.stdout.splitlines()
        at = lines.index("  GET /api/2.0/nodes")
        self.assertTrue(lines[at + 1].startswith("    body[].name → body[].nodeName: renamed key"), lines[at + 1])
        self.assertFalse(lines[at + 2].startswith("    "), "one line for the change")

    def test_against_rackhds_captured_answers(self):
        if not CAPTURE.is_file():
            self.skipTest(f"RackHD's captured answers are not at {CAPTURE} (set RACKHARNESS_RACKHD_CAPTURES)")
        done = diff("--against-tapes", str(CAPTURE), "--report", str(self.dir / "r.json"), "--show", "0")
        self.assertNotIn("Traceback", done.stderr)
        report = json.loads((self.dir / "r.json").read_text())
        self.assertGreater(report["suite_requests"], 400)
        self.assertEqual(report["generated"]["compared"] + report["generated"]["skipped"], len(generate()))
        self.assertGreater(report["event_routing_keys"], 5)
        self.assertTrue(
            any(d["endpoint"] == "GET /api/2.0/config" and d["right"] == "reference" for d in report["intended"]),
            "the known differences of GET /config are intended",
        )
        # the gate: every difference from RackHD 2.60.7's answers is known (tests/rackhd/known_differences.yaml)
        self.assertEqual((done.returncode, report["differences"]), (0, []), done.stdout[-4000:])


class LiveDiffTest(unittest.TestCase):
    """``--against URL``: a live server's answers recorded now (here a local reference stack stands in for the
    RackHD a user runs): the suite against it and every generated request safe at a RackHD, compared."""

    def test_against_a_live_target(self):
        from tests.functional.stack_fixture import PrivateStack

        stack = PrivateStack(nodes=2)
        self.addCleanup(stack.cleanup)
        up = stack.up()
        self.assertEqual(up.returncode, 0, up.stdout[-2000:] + up.stderr[-2000:])
        url = stack.info().api_url
        report = Path(stack.tmp.name) / "r.json"
        done = subprocess.run(
            [sys.executable, "-m", "rackharness", "diff", "--against", url, "--report", str(report), "--show", "0"],
            cwd=REPO,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        self.assertIn(done.returncode, (0, 1), done.stdout[-2000:] + done.stderr[-3000:])
        self.assertIn(f"recording the answers of the RackHD at {url}", done.stderr)
        data = json.loads(report.read_text())
        self.assertGreater(data["suite_requests"], 400)
        generated_total = len(generate())
        self.assertEqual((data["generated"]["against"], data["generated"]["compared"]), ("rackhd", generated_total))
        # the same server code on both sides: no generated request answers differently
        self.assertEqual([d for d in data["differences"] if any(t.startswith("generated ") for t in d["tests"])], [])
        self.assertNotIn(BMC_PASSWORD, done.stdout + done.stderr + report.read_text())
        bad = diff("--against", "not-a-url")
        self.assertEqual(bad.returncode, 2, bad.stdout + bad.stderr)
        self.assertIn("expected the RackHD API's URL", bad.stderr)
