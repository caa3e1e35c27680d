"""KnownDifferenceMarks: the same rule as rackharness.nose2.known, for the pytest plugin."""

from __future__ import annotations

import shutil
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from rackharness.errors import UsageError
from rackharness.pytest_plugin.known import KnownDifferenceMarks

KNOWN = """
version: 1
differences:
  - test: tests.rackhd.test_x.X.differs
    rackhd: ["2.60.7"]
    reason: answers 200 where its spec documents 201
    evidence: POST /x answered 200.
"""


class Target:
    def __init__(self, kind: str, version: str) -> None:
        self.kind, self.version = kind, version

    def what(self) -> str:
        return f"{self.kind} {self.version}"


class KnownDifferenceMarksTest(unittest.TestCase):
    def marks(self, target: Target | None) -> KnownDifferenceMarks:
        directory = Path(tempfile.mkdtemp(prefix="rh-known-"))
        self.addCleanup(shutil.rmtree, directory, True)
        (directory / "known.yaml").write_text(KNOWN, encoding="utf-8")
        marks = KnownDifferenceMarks(str(directory / "known.yaml"))
        marks.load()
        patcher = mock.patch("rackharness.suite.context.identified_target", return_value=target)
        patcher.start()
        self.addCleanup(patcher.stop)
        return marks

    def test_against_a_listed_rackhd_a_failure_is_expected_with_the_label(self):
        marks = self.marks(Target("rackhd", "2.60.7"))
        self.assertEqual(
            marks.expected_failure("tests.rackhd.test_x.X.differs"),
            "known difference of RackHD 2.60.7: answers 200 where its spec documents 201",
        )
        self.assertIsNone(marks.expected_failure("tests.rackhd.test_x.X.other"))
        self.assertEqual(marks.seen, [("tests.rackhd.test_x.X.differs", "answers 200 where its spec documents 201")])
        self.assertIn("1 seen (expected failures, not counted as failed), 0 no longer seen", marks.summary()[0])

    def test_a_listed_test_that_passes_is_no_longer_seen(self):
        marks = self.marks(Target("rackhd", "2.60.7"))
        marks.passed("tests.rackhd.test_x.X.differs")
        self.assertEqual(marks.gone, ["tests.rackhd.test_x.X.differs"])
        self.assertIn("known difference no longer seen: tests.rackhd.test_x.X.differs passes", marks.summary()[-1])

    def test_against_the_reference_or_another_version_nothing_is_marked(self):
        for target in (Target("reference", "0.2.0"), Target("rackhd", "2.61.0"), None):
            marks = self.marks(target)
            self.assertIsNone(marks.expected_failure("tests.rackhd.test_x.X.differs"), target)
            marks.passed("tests.rackhd.test_x.X.differs")
            self.assertEqual(marks.summary(), [], target)

    def test_the_announcement_says_whether_marks_apply(self):
        self.assertIn("its 1 known difference(s)", self.marks(Target("rackhd", "2.60.7")).announcement())
        self.assertIn("no known difference of", self.marks(Target("reference", "0.2.0")).announcement())

    def test_no_file_marks_nothing_and_asks_nothing(self):
        marks = KnownDifferenceMarks("")
        marks.load()
        with mock.patch("rackharness.suite.context.identified_target") as identified:
            self.assertIsNone(marks.announcement())
            self.assertIsNone(marks.expected_failure("tests.rackhd.test_x.X.differs"))
        identified.assert_not_called()

    def test_a_bad_file_is_a_usage_error(self):
        marks = KnownDifferenceMarks("/nonexistent/known.yaml")
        with self.assertRaises(UsageError):
            marks.load()


if __name__ == "__main__":
    unittest.main()
