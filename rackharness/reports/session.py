"""One run's report: :class:`ReportSession`, what a test runner's plugin calls (API in the package docstring).

The runner tells the session which tests the plan has (:class:`~rackharness.suite.plan.PlanEntry` or
anything with ``id``, ``groups``, ``description``, ``source``), the system under test, and each test's
start and finish; the session keeps the :class:`~rackharness.reports.record.RunRecord`, says each
group's progress line as the group completes, takes the witness journal's exchanges and events into
the test's record, and writes the JUnit XML and the HTML report at the end.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rackharness.reports.html_report import write_html
from rackharness.reports.junit import write_junit
from rackharness.reports.progress import GroupProgress
from rackharness.reports.record import NO_GROUP, Outcome, RunRecord, TestRecord
from rackharness.reports.redact import Scrubber
from rackharness.reports.system import SystemSummary, summarize_system
from rackharness.reports.witness import JOURNAL, Journal


class ReportSession:
    """The report of one run; see :mod:`rackharness.reports` for how a runner drives it.

    ``entries``: the plan's tests in run order; ``say``: where group progress lines go (None: nowhere);
    ``test_ids``: the ids of the tests the run will have, when they are not the entries' own (a unittest-style
    class is one entry and several tests; :meth:`expect` can say them later);
    ``journal``: the witness journal the suite's transports write to (the process's by default);
    ``clock``: seconds, for durations a runner does not give.
    """

    def __init__(
        self,
        entries: Iterable[Any] = (),
        *,
        say: Callable[[str], None] | None = None,
        test_ids: Iterable[str] | None = None,
        journal: Journal = JOURNAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.entries = {entry.id: entry for entry in entries}
        self.run = RunRecord(started=datetime.datetime.now(datetime.timezone.utc))
        self.scrubber = Scrubber()
        self.journal = journal
        self.progress = GroupProgress(self.group_of, self.entries if test_ids is None else test_ids, say)
        self._clock = clock
        self._started_at = clock()
        self._test_started: dict[str, float] = {}
        self._finished = False
        journal.start()

    # -- what the runner tells ------------------------------------------------------------------
    def system(self, target: Any, *, record_mode: str | None = None) -> SystemSummary:
        """The system under test (a :class:`~rackharness.suite.sut.SystemUnderTest`, best identified);
        ``record_mode``: the tape deck's mode (``none`` is a replay; ``once``/``new_episodes``/``all`` record)."""
        self.run.system = summarize_system(target, record_mode=record_mode)
        self.scrubber.learn_target(target)
        return self.run.system

    def test_started(self, test_id: str) -> None:
        """``test_id`` starts now: its clock starts and the witness journal is emptied for it."""
        self._test_started[test_id] = self._clock()
        self.journal.begin()

    def test_finished(
        self, test_id: str, outcome: Outcome | str, duration: float | None = None, message: str = "", details: str = ""
    ) -> TestRecord:
        """Record ``test_id``'s outcome (an :class:`Outcome` or its value); returns the record. The exchanges
        and events the journal saw since :meth:`test_started` go with it. A group whose last test this was
        has its progress line said."""
        started = self._test_started.pop(test_id, None)
        if duration is None:
            duration = self._clock() - started if started is not None else 0.0
        exchanges, events = self.journal.take()
        entry = self.entry_of(test_id)
        record = TestRecord(
            id=test_id,
            outcome=Outcome.parse(outcome),
            duration=max(0.0, float(duration)),
            groups=tuple(getattr(entry, "groups", ()) or ()),
            description=getattr(entry, "description", "") or "",
            source=getattr(entry, "source", "") or "",
            message=message or "",
            details=details or "",
            exchanges=exchanges,
            events=events,
        )
        self.run.tests.append(record)
        for exchange in exchanges:
            self.scrubber.learn_exchange(exchange)
        self.progress.finished(record)
        return record

    def expect(self, test_ids: Iterable[str]) -> None:
        """The ids of the tests the run has (before the first finishes): a group's line waits for all of its."""
        self.progress.expect(test_ids)

    def entry_of(self, test_id: str) -> Any:
        """The plan entry of ``test_id``: its own, or (a method of a unittest-style class) its class's."""
        entry = self.entries.get(test_id)
        while entry is None and "." in test_id:
            test_id = test_id.rpartition(".")[0]
            entry = self.entries.get(test_id)
        return entry

    def add_secrets(self, *values: str | None) -> None:
        """Strings never to appear in a report (they are masked wherever they occur)."""
        self.scrubber.learn(*values)

    # -- the end --------------------------------------------------------------------------------
    def finish(self) -> RunRecord:
        """Close the run (idempotent): its duration, the lines of groups some of whose tests did not run,
        and the journal stops recording."""
        if not self._finished:
            self._finished = True
            self.run.duration = self._clock() - self._started_at
            self.progress.close()
            self.journal.stop()
        return self.run

    def write(self, junit_path: str | Path | None = None, html_path: str | Path | None = None) -> list[Path]:
        """Finish the run and write the reports asked for; returns the paths written."""
        run = self.finish()
        written = []
        if junit_path:
            written.append(write_junit(run, Path(junit_path), self.scrubber))
        if html_path:
            written.append(write_html(run, Path(html_path), self.scrubber))
        return written

    @property
    def record(self) -> RunRecord:
        return self.run

    def group_of(self, test_id: str) -> str:
        entry = self.entry_of(test_id)
        groups = getattr(entry, "groups", ()) or ()
        return groups[0] if groups else NO_GROUP
