"""What a run's report is made of: each test's :class:`TestRecord` in a :class:`RunRecord`.

A record keeps what a reader needs and no more: the test's id, groups, description and source
(``file:line``), its :class:`Outcome`, duration, a one-line message and the full details (the
traceback), and the HTTP exchanges and AMQP events the witness saw while it ran. Counting is here
too, so the progress lines, the JUnit XML and the HTML page agree.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from rackharness.errors import UsageError

#: the group of a test the plan does not list
NO_GROUP = "(no group)"


class Outcome(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"
    #: an expected failure: a known difference of the RackHD under test
    KNOWN_DIFFERENCE = "known-difference"
    #: a test expected to fail passed (counted as failed: the expectation is wrong now)
    UNEXPECTED_PASS = "unexpected-pass"

    @classmethod
    def parse(cls, value: "Outcome | str") -> "Outcome":
        """An :class:`Outcome` from itself, its value, or a runner's word for it (``errored``, ``xfail``...)."""
        if isinstance(value, Outcome):
            return value
        word = str(value).strip().lower().replace("_", "-")
        word = _ALIASES.get(word, word)
        try:
            return cls(word)
        except ValueError:
            raise UsageError(
                f"unknown test outcome {value!r}", hint="one of " + ", ".join(o.value for o in cls)
            ) from None

    @property
    def tally(self) -> str:
        """The column it is counted in: passed, failed, skipped or known."""
        return _TALLY[self]

    @property
    def bad(self) -> bool:
        """Whether the report shows it as a problem (failed, error, unexpected pass)."""
        return self.tally == "failed"


_ALIASES = {
    "pass": "passed",
    "ok": "passed",
    "fail": "failed",
    "failure": "failed",
    "errored": "error",
    "skip": "skipped",
    "expected-failure": "known-difference",
    "xfail": "known-difference",
    "xfailed": "known-difference",
    "known": "known-difference",
    "xpass": "unexpected-pass",
    "xpassed": "unexpected-pass",
    "unexpected-success": "unexpected-pass",
}
_TALLY = {
    Outcome.PASSED: "passed",
    Outcome.FAILED: "failed",
    Outcome.ERROR: "failed",
    Outcome.UNEXPECTED_PASS: "failed",
    Outcome.SKIPPED: "skipped",
    Outcome.KNOWN_DIFFERENCE: "known",
}
#: the columns counts are kept in, in the order they are shown
TALLIES = ("passed", "failed", "skipped", "known")


@dataclass
class TestRecord:
    """One test's result as reported."""

    __test__ = False  # not a test class (pytest would collect the name)

    id: str
    outcome: Outcome
    duration: float = 0.0
    groups: tuple[str, ...] = ()
    description: str = ""
    source: str = ""
    message: str = ""
    details: str = ""
    exchanges: list[Any] = field(default_factory=list)  # witness.Exchange, oldest first
    events: list[Any] = field(default_factory=list)  # witness.SeenEvent, oldest first

    @property
    def group(self) -> str:
        """The group it counts in: its first."""
        return self.groups[0] if self.groups else NO_GROUP

    @property
    def classname(self) -> str:
        """nose2's JUnit split of the id: everything before the last dot (``tests.rackhd.test_nodes.Nodes``)."""
        first = self.id.split("\n", 1)[0]
        return first.rpartition(".")[0]

    @property
    def name(self) -> str:
        """The last part of the id (``create_node``; a factory instance keeps its ``[label]``)."""
        first = self.id.split("\n", 1)[0]
        return first.rpartition(".")[2]


@dataclass
class Totals:
    """Counts by tally and the summed duration of some tests."""

    counts: Counter = field(default_factory=Counter)
    duration: float = 0.0
    tests: int = 0

    def add(self, record: TestRecord) -> None:
        self.counts[record.outcome.tally] += 1
        self.duration += record.duration
        self.tests += 1

    def phrase(self) -> str:
        """``14 passed, 0 failed, 1 skipped`` (and ``, 2 known differences`` when there are any)."""
        text = f"{self.counts['passed']} passed, {self.counts['failed']} failed, {self.counts['skipped']} skipped"
        known = self.counts["known"]
        if known:
            text += f", {known} known difference{'s' if known != 1 else ''}"
        return text


@dataclass
class RunRecord:
    """Every test of one run in the order they finished, and the system they ran against."""

    tests: list[TestRecord] = field(default_factory=list)
    system: Any = None  # system.SystemSummary
    started: datetime.datetime | None = None
    duration: float = 0.0

    def totals(self) -> Totals:
        totals = Totals()
        for record in self.tests:
            totals.add(record)
        return totals

    def by_group(self) -> dict[str, Totals]:
        """Totals per group, groups in the order their first test finished."""
        groups: dict[str, Totals] = {}
        for record in self.tests:
            groups.setdefault(record.group, Totals()).add(record)
        return groups

    def in_group(self, group: str) -> list[TestRecord]:
        return [record for record in self.tests if record.group == group]

    @property
    def problems(self) -> list[TestRecord]:
        """The tests the report shows in full: failed, errored, passed unexpectedly."""
        return [record for record in self.tests if record.outcome.bad]
