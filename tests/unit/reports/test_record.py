"""Outcomes, records and the counts every report shares."""

import unittest

from rackharness.errors import RackHarnessError
from rackharness.reports.record import NO_GROUP, Outcome, TestRecord, Totals
from tests.unit.reports.support import sample_run


class OutcomeTest(unittest.TestCase):
    def test_values_and_runner_words_parse(self):
        self.assertIs(Outcome.parse("failed"), Outcome.FAILED)
        self.assertIs(Outcome.parse(Outcome.ERROR), Outcome.ERROR)
        self.assertIs(Outcome.parse("errored"), Outcome.ERROR)
        self.assertIs(Outcome.parse("xfail"), Outcome.KNOWN_DIFFERENCE)
        self.assertIs(Outcome.parse("expected_failure"), Outcome.KNOWN_DIFFERENCE)
        self.assertIs(Outcome.parse("XPASS"), Outcome.UNEXPECTED_PASS)

    def test_an_unknown_word_is_refused_listing_the_outcomes(self):
        with self.assertRaises(RackHarnessError) as caught:
            Outcome.parse("exploded")
        self.assertIn("known-difference", str(caught.exception))

    def test_an_unexpected_pass_counts_as_failed_and_a_known_difference_apart(self):
        self.assertEqual(Outcome.UNEXPECTED_PASS.tally, "failed")
        self.assertTrue(Outcome.UNEXPECTED_PASS.bad)
        self.assertEqual(Outcome.KNOWN_DIFFERENCE.tally, "known")
        self.assertFalse(Outcome.KNOWN_DIFFERENCE.bad)


class TestRecordTest(unittest.TestCase):
    def test_id_splits_like_nose2s_junitxml(self):
        record = TestRecord(id="tests.rackhd.test_nodes.Nodes.create", outcome=Outcome.PASSED)
        self.assertEqual((record.classname, record.name), ("tests.rackhd.test_nodes.Nodes", "create"))

    def test_counts_in_its_first_group_or_none(self):
        self.assertEqual(TestRecord(id="a.b", outcome=Outcome.PASSED, groups=("nodes", "api")).group, "nodes")
        self.assertEqual(TestRecord(id="a.b", outcome=Outcome.PASSED).group, NO_GROUP)


class RunRecordTest(unittest.TestCase):
    def test_totals_and_groups_in_finishing_order(self):
        run = sample_run()
        self.assertEqual(list(run.by_group()), ["smoke", "nodes", "tags"])
        nodes = run.by_group()["nodes"]
        self.assertEqual(nodes.phrase(), "0 passed, 1 failed, 1 skipped, 1 known difference")
        self.assertEqual(run.totals().phrase(), "1 passed, 2 failed, 1 skipped, 1 known difference")
        self.assertEqual([r.outcome for r in run.problems], [Outcome.FAILED, Outcome.ERROR])

    def test_no_known_differences_are_not_mentioned(self):
        totals = Totals()
        totals.add(TestRecord(id="a.b", outcome=Outcome.PASSED, duration=1.0))
        self.assertEqual(totals.phrase(), "1 passed, 0 failed, 0 skipped")
        self.assertEqual(totals.duration, 1.0)


if __name__ == "__main__":
    unittest.main()
