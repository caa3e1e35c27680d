"""One line per group, said as soon as the group's last test finishes.

``group nodes: 14 passed, 0 failed, 1 skipped in 3.2 s`` (with ``, 2 known differences`` when the
RackHD under test showed some). The plan says which tests each group has: a test counts in its first
group, like everywhere else in the reports. A test the plan does not list counts under
:data:`~rackharness.reports.record.NO_GROUP`, said at the end; a group some of whose tests never
finished (the run was stopped, a test was not collected) is said at the end with how many did not run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rackharness.reports.record import NO_GROUP, TestRecord, Totals


def group_line(group: str, totals: Totals, not_run: int = 0) -> str:
    """``group nodes: 14 passed, 0 failed, 1 skipped in 3.2 s``."""
    line = f"group {group}: {totals.phrase()} in {totals.duration:.1f} s"
    return line + (f" ({not_run} did not run)" if not_run else "")


class GroupProgress:
    """Counts finished tests per group and says a group's line when the last of its expected tests finishes.

    ``group_of`` maps a test id to the group it counts in; ``expected`` are the ids the run will have
    (:meth:`expect` may replace them before the first test finishes)."""

    def __init__(
        self, group_of: Callable[[str], str], expected: Iterable[str], say: Callable[[str], None] | None
    ) -> None:
        self.say, self.group_of = say, group_of
        self.expected: dict[str, set[str]] = {}
        self.expect(expected)
        self.totals: dict[str, Totals] = {}
        self.said: set[str] = set()
        self.lines: list[str] = []

    def expect(self, test_ids: Iterable[str]) -> None:
        """The ids of the tests the run has, each counted in its group."""
        self.expected = {}
        for test_id in test_ids:
            self.expected.setdefault(self.group_of(test_id), set()).add(test_id)

    def finished(self, record: TestRecord) -> str | None:
        """Count ``record``; returns its group's line if this completed the group."""
        group = record.group
        self.totals.setdefault(group, Totals()).add(record)
        waiting = self.expected.get(group)
        if waiting is None or group in self.said or group == NO_GROUP:
            return None
        waiting.discard(record.id)
        return self._say(group) if not waiting else None

    def close(self) -> list[str]:
        """The lines of groups not said yet (unplanned tests; groups some of whose tests did not run)."""
        return [
            self._say(group, len(self.expected.get(group) or ()) if group != NO_GROUP else 0)
            for group in list(self.totals)
            if group not in self.said
        ]

    def _say(self, group: str, not_run: int = 0) -> str:
        self.said.add(group)
        line = group_line(group, self.totals[group], not_run)
        self.lines.append(line)
        if self.say is not None:
            self.say(line)
        return line
