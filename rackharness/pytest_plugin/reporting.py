"""The pytest plugin's side of :mod:`rackharness.reports`: group progress lines, JUnit XML, the HTML report.

:class:`SuiteReports` drives one :class:`rackharness.reports.ReportSession` per run, as
:mod:`rackharness.nose2.reports` does under nose2: the plan's entries and the items' test ids at the
start, the system under test once it is configured, each test's start and finish (outcome, duration,
a one-line message, the traceback), and at the end ``--report-junit FILE`` / ``--html-report FILE``.
When :mod:`rackharness.reports` cannot be imported the bridge does nothing (the suite still runs).

For pytest's own ``--junitxml``, :func:`junit_suite_properties` gives the system under test as testsuite
properties (what ``record_testsuite_property`` records); each item carries its group(s) and description
in ``item.user_properties`` (:mod:`.collection`).
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any, Callable, Iterable

from rackharness.pytest_plugin import case_runner
from rackharness.pytest_plugin.case_runner import CaseOutcome

#: a CaseOutcome's kind as rackharness.reports.Outcome names it
_OUTCOME_WORDS = {
    case_runner.PASSED: "passed",
    case_runner.FAILED: "failed",
    case_runner.ERROR: "error",
    case_runner.SKIPPED: "skipped",
    case_runner.EXPECTED_FAILURE: "known-difference",
    case_runner.UNEXPECTED_SUCCESS: "unexpected-pass",
    case_runner.NOT_RUN: "skipped",
}


def describe(outcome: CaseOutcome, known_label: str | None) -> tuple[str, str, str]:
    """(outcome word, one-line message, details) of a case, as rackharness.reports takes them."""
    details, message = "", ""
    if outcome.exc_info:
        details = "".join(traceback.format_exception(*outcome.exc_info))
        lines = str(outcome.exc_info[1]).strip().splitlines()
        message = f"{outcome.exc_info[0].__name__}: {lines[0] if lines else ''}".rstrip(": ")
    if outcome.failed and known_label is not None:
        return "known-difference", known_label, details
    if outcome.kind in (case_runner.SKIPPED, case_runner.NOT_RUN):
        return "skipped", outcome.reason or "not run", ""
    if outcome.kind == case_runner.UNEXPECTED_SUCCESS:
        return "unexpected-pass", "passed, but was expected to fail", ""
    return _OUTCOME_WORDS[outcome.kind], message, details


class SuiteReports:
    """One run's :class:`~rackharness.reports.ReportSession` (None: the layer is not installed)."""

    def __init__(self, entries: Iterable[Any], test_ids: Iterable[str], say: Callable[[str], None] | None) -> None:
        try:
            from rackharness.reports import ReportSession
        except ImportError:
            self.session: Any = None
        else:
            self.session = ReportSession(list(entries), say=say, test_ids=list(test_ids))

    def system(self, target: Any) -> Any:
        """Tell the session the system under test; returns its summary (None without the layer)."""
        if self.session is None:
            return None
        from rackharness.suite.context import current_deck

        deck = current_deck()
        return self.session.system(target, record_mode=deck.mode.value if deck is not None else None)

    def test_started(self, test_id: str) -> None:
        if self.session is not None:
            self.session.test_started(test_id)

    def test_finished(self, test_id: str, outcome: CaseOutcome, known_label: str | None, duration: float) -> None:
        if self.session is not None:
            word, message, details = describe(outcome, known_label)
            self.session.test_finished(test_id, word, duration=duration, message=message, details=details)

    def write(self, junit_path: str | None, html_path: str | None) -> list[Path]:
        """Finish the run and write what was asked (:class:`~rackharness.errors.RackHarnessError` if it cannot)."""
        if self.session is None:
            return []
        real = [os.path.realpath(p) if p else None for p in (junit_path, html_path)]
        return self.session.write(junit_path=real[0], html_path=real[1])


class NoReports(SuiteReports):
    """The bridge of a run the plugin did not take over."""

    def __init__(self) -> None:  # noqa: D107 - nothing to start
        self.session = None


def junit_suite_properties(summary: Any, target: Any) -> list[tuple[str, str]]:
    """The system under test as (name, value) testsuite properties for pytest's ``--junitxml``."""
    if summary is not None and hasattr(summary, "properties"):
        return list(summary.properties())
    if target is None:
        return []
    pairs = [
        ("system_under_test", target.what()),
        ("system_kind", target.kind or ""),
        ("system_version", target.version or ""),
        ("target_source", getattr(target, "source", "") or ""),
    ]
    return [(name, value) for name, value in pairs if value]


def add_junit_suite_properties(config: Any, properties: Iterable[tuple[str, str]]) -> None:
    """Add testsuite properties to pytest's ``--junitxml`` report, as ``record_testsuite_property`` does."""
    try:
        from _pytest.junitxml import xml_key
    except ImportError:  # a pytest without it: the properties are in rackharness.reports' JUnit XML instead
        return
    xml = config.stash.get(xml_key, None)
    if xml is not None:
        for name, value in properties:
            xml.add_global_property(name, value)
