"""A closing line any CI can read: ``nose2: N passed, N failed, N skipped``.

nose2's own summary ("Ran 12 tests ... FAILED (failures=1)") is meant for people; this line is
for tools that look for the plain ``passed, failed`` form. Errors and failed subTests count as failed.
A known difference of the RackHD under test (:mod:`rackharness.nose2.known`) counts in none of the three:
that plugin reports it on a line of its own.
"""

from __future__ import annotations

from nose2 import result
from nose2.events import Plugin


class PlainSummary(Plugin):
    configSection = "plain-summary"
    alwaysOn = True

    def __init__(self) -> None:
        self.counts = {"passed": 0, "failed": 0, "skipped": 0}

    def testOutcome(self, event) -> None:
        if event.metadata.get("known_difference"):  # rackharness.nose2.known prints these on their own line
            return
        if event.outcome == result.PASS and event.expected:
            self.counts["passed"] += 1
        elif event.outcome == result.SKIP:
            self.counts["skipped"] += 1
        elif event.outcome in (result.FAIL, result.ERROR) and not event.expected:
            self.counts["failed"] += 1
        elif event.outcome == result.SUBTEST and event.exc_info is not None:  # a failed subTest
            self.counts["failed"] += 1
        elif event.outcome == result.PASS:  # unexpected success
            self.counts["failed"] += 1
        elif event.outcome == result.FAIL:  # expected failure
            self.counts["passed"] += 1

    def afterSummaryReport(self, event) -> None:
        c = self.counts
        event.stream.writeln(f"nose2: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped")
