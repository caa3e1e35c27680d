"""``rackharness diff`` through the CLI's entry (rackharness.cli.main.main), on small synthetic answers.

Only ``--reference-tapes`` is exercised: the default records the reference by running the whole suite.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import textwrap
import unittest
from pathlib import Path
from unittest import mock

from rackharness.cli.main import main
from rackharness.diff import generated
from rackharness.tapes.tape import SESSION, Tape, file_name

JSON_UTF8 = {"Content-Type": "application/json; charset=utf-8"}
RACKHD_NODE = "5f1c9a3b2e4d6f7a8b9c0d1e"
REFERENCE_NODE = "58e6b2f1a2b3c4d5e6f70809"
LIST_TEST = "tests.rackhd.test_nodes.Nodes.list"
EMPTY_KNOWN = "version: 1\ndifferences: []\n"


def node(node_id: str, name_key: str = "name") -> dict:
    return {
        "id": node_id,
        name_key: "rh-suite-0a1b2c-node-1",
        "type": "compute",
        "obms": [],
        "createdAt": "2026-12-03T12:00:00.000Z",
    }


class DiffCommandTest(unittest.TestCase):
    def setUp(self):
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.dir = Path(temp.name)
        self.report = self.dir / "report.json"
        patcher = mock.patch.dict(os.environ, {})  # no RACKHARNESS_* setting of the caller's leaks in
        patcher.start()
        self.addCleanup(patcher.stop)
        for name in [n for n in os.environ if n.startswith("RACKHARNESS_")]:
            del os.environ[name]

    # -- inputs -------------------------------------------------------------------------------------
    def capture(self) -> Path:
        """RackHD's side: a capture with the suite's API calls, the southbound API's and AMQP's left out."""
        lines = [
            {
                "kind": "http",
                "via": "24080",
                "method": "GET",
                "path": "/api/2.0/nodes?sort=name",
                "request": {"headers": {}, "body": None},
                "response": {"status": 200, "headers": JSON_UTF8, "body": [node(RACKHD_NODE)]},
            },
            {"kind": "amqp", "exchange": "on.events", "routing_key": "node.added", "body": {}},
            {
                "kind": "http",
                "via": "24030",
                "method": "GET",
                "path": "/api/current/profiles",
                "request": {"headers": {}, "body": None},
                "response": {"status": 200, "headers": {}, "body": "#!ipxe"},
            },
            {
                "kind": "http",
                "via": "24080",
                "method": "GET",
                "path": f"/api/2.0/nodes/{RACKHD_NODE}",
                "request": {"headers": {}, "body": None},
                "response": {"status": 200, "headers": JSON_UTF8, "body": node(RACKHD_NODE)},
            },
        ]
        path = self.dir / "suite-run.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        return path

    def reference(self, list_key: str = "name") -> Path:
        """The reference's side: a tape set answering the same requests (``list_key`` names the list's name key)."""
        tapes = self.dir / "reference"
        Tape({"test": SESSION, "session": {"system_under_test": {"kind": "reference", "version": "0.1.0"}}}).save(
            tapes / file_name(SESSION)
        )

        def call(path, body, query=()):
            return {
                "seam": "http_out",
                "kind": "call",
                "channel": "api",
                "request": {"method": "GET", "path": path, "query": [list(q) for q in query], "body": None},
                "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"json": body}},
            }

        Tape(
            {"test": LIST_TEST, "recorded_at": "2026-12-03T12:00:00+00:00"},
            [call("/api/2.0/nodes", [node(REFERENCE_NODE, list_key)], [("sort", "name")])],
        ).save(tapes / file_name(LIST_TEST))
        Tape(
            {"test": "tests.rackhd.test_nodes.Nodes.get", "recorded_at": "2026-12-03T12:00:01+00:00"},
            [call(f"/api/2.0/nodes/{REFERENCE_NODE}", node(REFERENCE_NODE))],
        ).save(tapes / file_name("tests.rackhd.test_nodes.Nodes.get"))
        return tapes

    def known(self, text: str = EMPTY_KNOWN) -> Path:
        path = self.dir / "known.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def diff(
        self,
        *extra: str,
        against: Path | None = None,
        reference: Path | None = None,
        known: Path | None = None,
        generated: bool = False,
    ) -> tuple[int, str, str]:
        argv = [
            "diff",
            "--against-tapes",
            str(against or self.capture()),
            "--reference-tapes",
            str(reference or self.reference()),
            "--report",
            str(self.report),
            "--known",
            str(known or self.known()),
            *extra,
            *([] if generated else ["--suite-only"]),
        ]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        return code, out.getvalue(), err.getvalue()

    def read_report(self) -> dict:
        return json.loads(self.report.read_text(encoding="utf-8"))

    # -- tests --------------------------------------------------------------------------------------
    def test_the_same_answers_no_difference(self):
        code, out, err = self.diff()
        self.assertEqual(code, 0, out + err)
        self.assertIn(
            "2 request(s) of the suite compared (0 of RackHD's and 0 of the reference's unpaired), no generated "
            "requests (--suite-only), on 2 endpoint(s); events of 0 routing key(s); 0 difference(s), 0 known",
            out,
        )
        self.assertIn(f"wrote {self.report}", out)
        report = self.read_report()
        self.assertEqual(
            (report["operations"], report["endpoints"], report["differences"], report["intended"]), (2, 2, [], [])
        )
        self.assertEqual(report["unpaired"], {"rackhd": 0, "reference": 0})

    def test_one_generated_request_per_spec_operation_is_compared_with_the_contract(self):
        code, out, err = self.diff(generated=True)
        report = self.read_report()
        total = len(generated.generate())
        self.assertEqual(report["generated"]["compared"] + report["generated"]["skipped"], total)
        self.assertEqual((code, report["generated"]["against"]), (0, "contract"), out + err)
        self.assertEqual(report["operations"], report["suite_requests"] + report["generated"]["compared"])
        self.assertIn(f"{report['generated']['compared']} generated request(s) compared with the contract", out)

    def test_a_renamed_key_is_reported(self):
        code, out, err = self.diff(reference=self.reference(list_key="nodeName"))
        self.assertEqual(code, 1, out + err)
        lines = out.splitlines()
        self.assertIn("  GET /api/2.0/nodes", lines)
        at = lines.index("  GET /api/2.0/nodes")
        self.assertEqual(
            lines[at + 1 : at + 3],
            ["    body[].name → body[].nodeName: renamed key: RackHD string, reference string", lines[at + 2]],
        )  # one line for the change
        self.assertFalse(lines[at + 2].startswith("    "), lines[at + 2])
        self.assertNotIn("GET /api/2.0/nodes/{id}", out, "the node's own answer is the same")
        self.assertIn("; 1 difference(s), 0 known", out)
        report = self.read_report()
        self.assertEqual(
            [(d["endpoint"], d["where"], d["kind"], d["tests"]) for d in report["differences"]],
            [
                ("GET /api/2.0/nodes", "body[].name → body[].nodeName", "renamed key", [LIST_TEST]),
            ],
        )
        self.assertEqual(report["intended"], [])

    def test_a_known_difference_is_intended(self):
        known = self.known("""
            version: 1
            differences: []
            answers:
              - endpoint: GET /api/2.0/nodes
                where: body[].name
                rackhd: ["2.60.7"]
                right: rackhd
                reason: the reference renamed name to nodeName
              - endpoint: GET /api/2.0/nodes
                where: body[].nodeName
                rackhd: ["2.60.7"]
                right: rackhd
                reason: the reference renamed name to nodeName
        """)
        code, out, err = self.diff(reference=self.reference(list_key="nodeName"), known=known)
        self.assertEqual(code, 0, out + err)
        self.assertIn("; 0 difference(s), 1 known", out)  # the rename is known by either of its sides
        self.assertNotIn("body[].name", out)
        report = self.read_report()
        self.assertEqual(report["differences"], [])
        self.assertEqual(
            [(d["where"], d["right"], d["reason"]) for d in report["intended"]],
            [
                ("body[].name → body[].nodeName", "rackhd", "the reference renamed name to nodeName"),
            ],
        )

    def test_a_known_difference_of_another_version_is_not(self):
        known = self.known("""
            version: 1
            answers:
              - {endpoint: GET /api/2.0/nodes, where: "body[].name", rackhd: ["2.60.7"], right: rackhd, reason: r}
              - {endpoint: GET /api/2.0/nodes, where: "body[].nodeName", rackhd: ["2.60.7"], right: rackhd, reason: r}
        """)
        code, out, _err = self.diff(
            "--rackhd-version", "2.61.0", reference=self.reference(list_key="nodeName"), known=known
        )
        self.assertEqual(code, 1)
        self.assertIn("the reference against RackHD 2.61.0", out)
        self.assertIn("; 1 difference(s), 0 known", out)

    def test_a_missing_against_path_is_a_usage_error(self):
        missing = self.dir / "nowhere" / "suite-run.jsonl.gz"
        code, _out, err = self.diff(against=missing)
        self.assertEqual(code, 2)
        self.assertIn(f"rackharness: error: {missing}: no such tape set or capture file", err)
        self.assertNotIn("Traceback", err)
        self.assertFalse(self.report.exists())

    def test_a_bad_known_file_is_a_usage_error(self):
        code, _out, err = self.diff(known=self.known("version: 1\nanswers:\n  - endpoint: GET /x\n"))
        self.assertEqual(code, 2)
        self.assertIn("answers[0]: missing where, rackhd, right, reason", err)


if __name__ == "__main__":
    unittest.main()
