"""rackharness.diff.report: known differences set apart, the text report, the JSON report."""

from __future__ import annotations

import json
import tempfile
import unittest
from pathlib import Path

from rackharness.diff.compare import Comparison, Difference
from rackharness.diff.report import classify, render, write_json
from rackharness.suite.known_differences import KnownAnswer, KnownDifferences

SESSIONS = "auth: POST /redfish/v1/SessionService/Sessions"


def comparison() -> Comparison:
    result = Comparison(
        operations=7,
        endpoints={"GET /api/2.0/nodes", SESSIONS, "GET /api/2.0/nodes/{id}"},
        unpaired_rackhd=2,
        unpaired_reference=1,
    )
    for difference in (
        Difference(
            "GET /api/2.0/nodes/{id}", "body.name", "missing key", '"n"', "(absent)", count=3, tests=["t.a.A.b"]
        ),
        Difference(SESSIONS, "status", "status", "200", "201", tests=["t.r.R.s"]),
        Difference("GET /api/2.0/nodes", "body[].nodeName", "extra key", "(absent)", '"n"'),
        Difference("GET /api/2.0/nodes", "body[].name", "missing key", '"n"', "(absent)"),
    ):
        result.add(difference)
    return result


KNOWN = KnownDifferences(
    (),
    "known.yaml",
    (
        KnownAnswer(
            SESSIONS, "status", ("2.60.7",), "contract", "RackHD answers 200 where its redfish.yaml documents 201"
        ),
    ),
)


class ClassifyTest(unittest.TestCase):
    def test_a_listed_answer_is_intended_with_its_side_and_reason(self):
        new, intended = classify(comparison(), KNOWN, "2.60.7")
        self.assertEqual([(d.endpoint, d.where) for d in intended], [(SESSIONS, "status")])
        self.assertEqual(
            intended[0].known,
            {"right": "contract", "reason": "RackHD answers 200 where its redfish.yaml documents 201"},
        )
        self.assertEqual(
            [(d.endpoint, d.where) for d in new],
            [
                ("GET /api/2.0/nodes", "body[].name"),
                ("GET /api/2.0/nodes", "body[].nodeName"),
                ("GET /api/2.0/nodes/{id}", "body.name"),
            ],
        )
        self.assertTrue(all(d.known is None for d in new))

    def test_only_for_a_listed_version(self):
        new, intended = classify(comparison(), KNOWN, "2.60.8")
        self.assertEqual(intended, [])
        self.assertEqual(len(new), 4)
        _new, intended = classify(comparison(), KNOWN, None)  # version unknown: the entry names it
        self.assertEqual(len(intended), 1)

    def test_the_endpoint_and_where_must_both_match(self):
        known = KnownDifferences(
            (),
            "k",
            (
                KnownAnswer("POST /redfish/v1/SessionService/Sessions", "status", ("2.60.7",), "contract", "r"),
                KnownAnswer(SESSIONS, "header content-type", ("2.60.7",), "rackhd", "r"),
            ),
        )
        new, intended = classify(comparison(), known, "2.60.7")
        self.assertEqual((len(new), intended), (4, []))

    def test_no_known_file(self):
        new, intended = classify(comparison(), None, "2.60.7")
        self.assertEqual((len(new), intended), (4, []))


class RenderTest(unittest.TestCase):
    def test_grouped_by_endpoint_then_the_totals(self):
        result = comparison()
        new, intended = classify(result, KNOWN, "2.60.7")
        text = render(result, new, intended, against="RackHD 2.60.7 (run.jsonl)")
        self.assertEqual(
            text.splitlines(),
            [
                "rackharness diff: the reference against RackHD 2.60.7 (run.jsonl)",
                "  GET /api/2.0/nodes",
                '    body[].name: missing key: RackHD "n", reference (absent)',
                '    body[].nodeName: extra key: RackHD (absent), reference "n"',
                "  GET /api/2.0/nodes/{id}",
                '    body.name: missing key (3x): RackHD "n", reference (absent)',
                (
                    "7 request(s) of the suite compared (2 of RackHD's and 1 of the reference's unpaired), no generated requests "
                    "(--suite-only), on 3 endpoint(s); events of 0 routing key(s); "
                    "3 difference(s), 1 known"
                ),
            ],
        )
        self.assertNotIn("SessionService", text, "a known difference is not listed")

    def test_limit(self):
        result = comparison()
        new, intended = classify(result, None, None)
        lines = render(result, new, intended, against="x", limit=1).splitlines()
        self.assertEqual(
            lines[1:4],
            [
                "  GET /api/2.0/nodes",
                '    body[].name: missing key: RackHD "n", reference (absent)',
                "  ... and 3 more (--report FILE has them all)",
            ],
        )
        self.assertTrue(lines[-1].endswith("; 4 difference(s), 0 known"))

    def test_nothing_to_say(self):
        text = render(Comparison(operations=2, endpoints={"GET /x"}), [], [], against="x")
        self.assertEqual(
            text.splitlines()[1:],
            [
                (
                    "2 request(s) of the suite compared (0 of RackHD's and 0 of the "
                    "reference's unpaired), no generated requests (--suite-only), on 1 "
                    "endpoint(s); events of 0 routing key(s); 0 difference(s), 0 known"
                )
            ],
        )


class JsonTest(unittest.TestCase):
    def test_the_report(self):
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        path = Path(temp.name) / "report.json"
        result = comparison()
        new, intended = classify(result, KNOWN, "2.60.7")
        write_json(path, result, new, intended)
        data = json.loads(path.read_text(encoding="utf-8"))
        self.assertEqual(
            sorted(data),
            [
                "differences",
                "endpoints",
                "event_routing_keys",
                "generated",
                "intended",
                "operations",
                "suite_requests",
                "unpaired",
            ],
        )
        self.assertEqual(
            (data["operations"], data["endpoints"], data["unpaired"]), (7, 3, {"rackhd": 2, "reference": 1})
        )
        self.assertEqual(
            data["differences"][2],
            {
                "endpoint": "GET /api/2.0/nodes/{id}",
                "where": "body.name",
                "kind": "missing key",
                "rackhd": '"n"',
                "reference": "(absent)",
                "count": 3,
                "tests": ["t.a.A.b"],
            },
        )
        self.assertEqual([d["where"] for d in data["differences"]], ["body[].name", "body[].nodeName", "body.name"])
        self.assertEqual(
            data["intended"],
            [
                {
                    "endpoint": SESSIONS,
                    "where": "status",
                    "kind": "status",
                    "rackhd": "200",
                    "reference": "201",
                    "count": 1,
                    "tests": ["t.r.R.s"],
                    "right": "contract",
                    "reason": "RackHD answers 200 where its redfish.yaml documents 201",
                }
            ],
        )


if __name__ == "__main__":
    unittest.main()
