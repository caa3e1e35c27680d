"""The known-differences file: the loader's validation, the project's own file, and which targets the marks apply to."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

from rackharness.suite.known_differences import (
    DEFAULT_PATH,
    KnownDifference,
    KnownDifferences,
    KnownDifferencesError,
    load,
    parse,
)
from rackharness.suite.sut import SystemUnderTest, identity_from_answer

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "version": 1,
    "differences": [
        {
            "test": "tests.rackhd.test_x.Case.method",
            "rackhd": ["2.60.7"],
            "reason": "answers 200 where its spec documents 201",
            "evidence": "POST /x answered 200.",
        }
    ],
}


def entry(**changes):
    return {"version": 1, "differences": [{**GOOD["differences"][0], **changes}]}


class LoaderTest(unittest.TestCase):
    def write(self, text: str) -> Path:
        directory = Path(tempfile.mkdtemp(prefix="rh-known-"))
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", str(directory)], check=False))
        path = directory / "known.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def test_a_good_file_loads(self):
        known = load(
            self.write("""
            version: 1
            differences:
              - test: tests.rackhd.test_x.Case.method
                rackhd: ["2.60.7", "2.60.8"]
                reason: >-
                  answers 200 where
                  its spec documents 201
                evidence: POST /x answered 200.
        """)
        )
        self.assertEqual(len(known), 1)
        difference = known.get("tests.rackhd.test_x.Case.method")
        self.assertEqual(difference.rackhd, ("2.60.7", "2.60.8"))
        self.assertEqual(difference.reason, "answers 200 where its spec documents 201")
        self.assertEqual(known.versions(), ["2.60.7", "2.60.8"])
        self.assertIsNone(known.get("tests.rackhd.test_x.Case.other"))

    def test_an_empty_file_lists_nothing(self):
        self.assertEqual(len(load(self.write(""))), 0)

    def test_bad_content_is_a_clear_error_with_exit_2(self):
        cases = {
            "not a mapping": (["a"], "expected a mapping"),
            "no version": ({"differences": []}, "`version` must be 1"),
            "extra key": ({**GOOD, "notes": 1}, "unknown top-level key"),
            "differences not a list": ({"version": 1, "differences": {}}, "must be a list"),
            "missing reason": (
                {"version": 1, "differences": [{"test": "a.b", "rackhd": ["1"], "evidence": "e"}]},
                "missing reason",
            ),
            "unknown field": (entry(severity="high"), "unknown key(s) severity"),
            "bad test id": (entry(test="not an id"), "dotted test id"),
            "no version listed": (entry(rackhd=[]), "non-empty list of RackHD versions"),
            "bad version": (entry(rackhd=["latest"]), "non-empty list of RackHD versions"),
            "empty reason": (entry(reason="  "), "reason must be a non-empty string"),
            "listed twice": ({"version": 1, "differences": GOOD["differences"] * 2}, "listed twice"),
        }
        for what, (data, message) in cases.items():
            with self.subTest(what), self.assertRaises(KnownDifferencesError) as caught:
                parse(data, "known.yaml")
            self.assertIn(message, str(caught.exception))
            self.assertEqual(caught.exception.exit_code, 2)

    def test_unreadable_files_are_the_same_error(self):
        with self.assertRaises(KnownDifferencesError) as caught:
            load("/nonexistent/known.yaml")
        self.assertIn("does not exist", str(caught.exception))
        with self.assertRaises(KnownDifferencesError):
            load(self.write("differences: [\n"))
        with self.assertRaises(KnownDifferencesError) as caught:
            load(self.write("version: 1\nversion: 1\n"))
        self.assertEqual(caught.exception.exit_code, 2)


class AppliesTest(unittest.TestCase):
    known = KnownDifferences((KnownDifference("a.b.c", ("2.60.7",), "why", "seen"),))

    def test_only_a_rackhd_of_a_listed_version(self):
        self.assertIsNotNone(self.known.applying("a.b.c", "rackhd", "2.60.7"))
        self.assertIsNone(self.known.applying("a.b.c", "rackhd", "2.60.8"))
        self.assertIsNone(self.known.applying("a.b.c", "rackhd", None), "a RackHD of unknown version")
        self.assertIsNone(self.known.applying("a.b.c", "reference", "2.60.7"))
        self.assertIsNone(self.known.applying("a.b.c", "unknown", "2.60.7"))
        self.assertIsNone(self.known.applying("a.b.other", "rackhd", "2.60.7"))
        self.assertEqual(self.known.get("a.b.c").label("2.60.7"), "known difference of RackHD 2.60.7: why")

    def test_the_target_says_what_it_is(self):
        base = SystemUnderTest(api_url="http://x", amqp_url=None, mongo_url=None, rackhd_version="2.60.7")
        reference = identity_from_answer(base, 200, {"x-rackharness-target": "reference/0.1.0"})
        self.assertEqual((reference.kind, reference.version), ("reference", "0.1.0"))
        rackhd = identity_from_answer(base, 200, {"Content-Type": "application/json", "X-Powered-By": "Express"})
        self.assertEqual((rackhd.kind, rackhd.version), ("rackhd", "2.60.7"))
        self.assertEqual(rackhd.what(), "RackHD 2.60.7")
        unversioned = identity_from_answer(SystemUnderTest(api_url="http://x", amqp_url=None, mongo_url=None), 200, {})
        # RackHD tells no version and none is configured: the version the suite was checked against, said assumed
        self.assertEqual(
            (unversioned.kind, unversioned.version, unversioned.version_assumed), ("rackhd", "2.60.7", True)
        )
        self.assertIn("assumed: RackHD's API tells no version; set suite.rackhd_version", unversioned.what())
        self.assertEqual(identity_from_answer(base, None, {}).kind, "unknown")


class ProjectFileTest(unittest.TestCase):
    def test_every_entry_names_a_test_of_the_suite(self):
        known = load(ROOT / DEFAULT_PATH)
        self.assertGreater(len(known), 0)
        code = (
            "import sys; from rackharness.suite.matrix import load_suite; "
            "from rackharness.suite.decorators import DEFAULT_REGISTRY; from rackharness.suite.plan import SuitePlan; "
            "load_suite('tests/rackhd', '.'); "
            "print('\\n'.join(e.id for e in SuitePlan.build(DEFAULT_REGISTRY, final_groups=('cleanup',)).entries))"
        )
        ids = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
        ).stdout.split()
        self.assertEqual(known.unknown_tests(ids), [])


if __name__ == "__main__":
    unittest.main()
