"""The `answers:` section of the known-differences file: the differences of answers `rackharness diff` knows."""

from __future__ import annotations

import tempfile
import textwrap
import unittest
from pathlib import Path

from rackharness.suite.known_differences import (
    DEFAULT_PATH,
    KnownAnswer,
    KnownDifferences,
    KnownDifferencesError,
    load,
    parse,
)

ROOT = Path(__file__).resolve().parents[3]
ANSWER = {
    "endpoint": "auth: POST /redfish/v1/SessionService/Sessions",
    "where": "status",
    "rackhd": ["2.60.7"],
    "right": "contract",
    "reason": "RackHD answers 200 where its redfish.yaml documents 201",
}


def answers(*items):
    return {"version": 1, "differences": [], "answers": list(items)}


def answer(**changes):
    item = {**ANSWER, **changes}
    return answers({k: v for k, v in item.items() if v is not ...})


class ParseTest(unittest.TestCase):
    def test_a_valid_entry(self):
        known = parse(
            answers(
                {
                    **ANSWER,
                    "endpoint": "  GET /api/2.0/nodes ",
                    "where": " body[].name ",
                    "reason": "renamed\n   in the\treference",
                },
                {**ANSWER, "rackhd": "2.60.8", "right": "reference"},
            ),
            "known.yaml",
        )
        self.assertEqual(
            known.answers,
            (
                KnownAnswer("GET /api/2.0/nodes", "body[].name", ("2.60.7",), "contract", "renamed in the reference"),
                KnownAnswer(ANSWER["endpoint"], "status", ("2.60.8",), "reference", ANSWER["reason"]),
            ),
        )
        self.assertEqual(len(known), 0, "answers are not test entries")

    def test_each_side_may_be_right(self):
        for side in ("rackhd", "reference", "contract", "run"):
            with self.subTest(side):
                self.assertEqual(parse(answer(right=side), "k").answers[0].right, side)

    def test_no_answers_section(self):
        self.assertEqual(parse({"version": 1, "differences": []}, "k").answers, ())
        self.assertEqual(parse({"version": 1, "answers": None}, "k").answers, ())
        self.assertEqual(parse(None, "k").answers, ())

    def test_bad_entries_are_clear_errors_with_exit_2(self):
        cases = {
            "not a list": ({"version": 1, "answers": {"endpoint": "x"}}, "`answers` must be a list"),
            "not a mapping": (
                answers("GET /x"),
                "answers[0] must be a mapping with endpoint, where, rackhd, right, reason",
            ),
            "missing where": (answer(where=...), "answers[0]: missing where"),
            "missing two": (answer(right=..., reason=...), "answers[0]: missing right, reason"),
            "unknown field": (answer(evidence="e"), "answers[0]: unknown key(s) evidence"),
            "empty endpoint": (answer(endpoint="  "), "answers[0].endpoint must be a non-empty string"),
            "where not a string": (answer(where=3), "answers[0].where must be a non-empty string"),
            "empty reason": (answer(reason=""), "answers[0].reason must be a non-empty string"),
            "bad right": (
                answer(right="both"),
                "answers[0].right must be one of rackhd, reference, contract, run, found 'both'",
            ),
            "right not a string": (answer(right=["rackhd"]), "answers[0].right must be one of"),
            "no versions": (
                answer(rackhd=[]),
                "answers[0].rackhd must be a non-empty list of RackHD versions, found []",
            ),
            "bad version": (answer(rackhd=["latest"]), "answers[0].rackhd must be a non-empty list of RackHD versions"),
            "version a number": (answer(rackhd=[2.6]), "answers[0].rackhd must be a non-empty list"),
            "versions a mapping": (answer(rackhd={"2.60.7": 1}), "answers[0].rackhd must be a non-empty list"),
            "second entry": (answers(ANSWER, {**ANSWER, "right": "nobody"}), "answers[1].right must be one of"),
        }
        for what, (data, message) in cases.items():
            with self.subTest(what), self.assertRaises(KnownDifferencesError) as caught:
                parse(data, "known.yaml")
            self.assertIn(message, str(caught.exception))
            self.assertTrue(caught.exception.message.startswith("known differences known.yaml: "))
            self.assertEqual(caught.exception.exit_code, 2)


class LookupTest(unittest.TestCase):
    known = KnownDifferences(
        (),
        "k",
        (
            KnownAnswer("GET /x", "status", ("2.60.7",), "rackhd", "first"),
            KnownAnswer("GET /x", "body.a", ("2.60.7", "2.60.8"), "reference", "second"),
        ),
    )

    def test_endpoint_where_and_version(self):
        self.assertEqual(self.known.answer("GET /x", "status", "2.60.7").reason, "first")
        self.assertEqual(self.known.answer("GET /x", "body.a", "2.60.8").reason, "second")
        self.assertIsNone(self.known.answer("GET /x", "status", "2.60.8"))
        self.assertIsNone(self.known.answer("GET /y", "status", "2.60.7"))
        self.assertIsNone(self.known.answer("GET /x", "body.b", "2.60.7"))
        self.assertEqual(self.known.answer("GET /x", "status", None).reason, "first", "no version: any entry")

    def test_an_empty_list(self):
        self.assertIsNone(KnownDifferences().answer("GET /x", "status", "2.60.7"))

    def test_where_may_be_a_pattern_and_the_first_entry_wins(self):
        known = KnownDifferences(
            (),
            "k",
            (
                KnownAnswer("GET /c", "body.secret", ("2.60.7",), "reference", "secret"),
                KnownAnswer("GET /c", "body.*", ("2.60.7",), "contract", "the rest"),
            ),
        )
        self.assertEqual(known.answer("GET /c", "body.secret", "2.60.7").reason, "secret")
        self.assertEqual(known.answer("GET /c", "body.port", "2.60.7").reason, "the rest")
        self.assertIsNone(known.answer("GET /c", "status", "2.60.7"), "a pattern covers only what it matches")


class FileTest(unittest.TestCase):
    def test_a_file_with_answers_loads(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        path = Path(directory.name) / "known.yaml"
        path.write_text(
            textwrap.dedent("""
            version: 1
            differences:
              - test: tests.rackhd.test_x.Case.method
                rackhd: ["2.60.7"]
                reason: answers 200
                evidence: seen
            answers:
              - endpoint: "auth: POST /redfish/v1/SessionService/Sessions"
                where: status
                rackhd: "2.60.7"
                right: contract
                reason: >-
                  RackHD answers 200
                  where its redfish.yaml documents 201
        """),
            encoding="utf-8",
        )
        known = load(path)
        self.assertEqual(len(known), 1)
        self.assertEqual(
            known.answers, (KnownAnswer(ANSWER["endpoint"], "status", ("2.60.7",), "contract", ANSWER["reason"]),)
        )
        path.write_text("version: 1\nanswers:\n  - endpoint: GET /x\n", encoding="utf-8")
        with self.assertRaises(KnownDifferencesError) as caught:
            load(path)
        self.assertIn(
            f"known differences {path}: answers[0]: missing where, rackhd, right, reason", str(caught.exception)
        )

    def test_the_projects_file_still_loads(self):
        known = load(ROOT / DEFAULT_PATH)
        self.assertGreater(len(known), 0)
        self.assertIsInstance(known.answers, tuple)
        self.assertTrue(all(isinstance(entry, KnownAnswer) for entry in known.answers))


if __name__ == "__main__":
    unittest.main()


class PatternTest(unittest.TestCase):
    def test_star_and_question_mark_match_brackets_are_plain(self):
        known = parse(
            answers(
                {
                    "endpoint": "GET /api/2.0/nodes/{id}/catalogs",
                    "where": "body[].data.?",
                    "rackhd": ["2.60.7"],
                    "right": "run",
                    "reason": "r",
                },
                {
                    "endpoint": "*",
                    "where": "body.tasks{id}.jobOptionsSchema",
                    "rackhd": ["2.60.7"],
                    "right": "rackhd",
                    "reason": "r",
                },
            ),
            "k",
        )
        self.assertIsNotNone(known.answer("GET /api/2.0/nodes/{id}/catalogs", "body[].data.3", "2.60.7"))
        self.assertIsNone(known.answer("GET /api/2.0/nodes/{id}/catalogs", "body[].data.10", "2.60.7"))
        self.assertIsNone(known.answer("GET /api/2.0/nodes/{id}/catalogs", "bodyX.data.3", "2.60.7"))
        self.assertIsNotNone(known.answer("PUT /x", "body.tasks{id}.jobOptionsSchema", "2.60.7"))
        self.assertIsNone(known.answer("PUT /x", "body.tasks{id}.jobOptionsSchema", "2.61.0"))
