"""nose2 plugin: reports people read — group progress lines, JUnit XML, an HTML page.

Enabled by ``unittest.cfg`` at the repository root (it replaces ``nose2.plugins.junitxml``)::

    [unittest]
    plugins = rackharness.nose2.reports
    [reports]
    always-on = True
    [junit-xml]
    path = nose2-junit.xml

Always: one line per proboscis group on stderr as soon as its last test finishes
(``rackharness: group nodes: 14 passed, 0 failed, 1 skipped in 3.2 s``). ``--junit-xml`` (``-X``) writes
the JUnit XML to ``[junit-xml] path`` (default ``nose2-junit.xml``) or ``--junit-xml-path FILE``, in
nose2's layout plus properties: the system under test per testsuite, group(s), description and source
per testcase. ``--html-report FILE`` writes a self-contained HTML page: totals, groups, every test,
and each failure with its traceback, the HTTP exchanges and AMQP events the test caused (secrets
masked). The layer below is :mod:`rackharness.reports`; the pytest plugin drives the same session.

A test's outcomes are gathered from ``testOutcome`` (after :mod:`rackharness.nose2.known` turned a known
difference into an expected failure) and reported at ``stopTest``: a test that failed and then errored
in its tear-down is one failed test.
"""

from __future__ import annotations

import os
import sys
import traceback
import unittest
from typing import Any

from nose2 import result
from nose2.events import Plugin

from rackharness.errors import RackHarnessError

#: outcome words, worst last: a test with several outcomes (a failure, then an error in tear-down) is its worst
_SEVERITY = ("passed", "skipped", "known-difference", "unexpected-pass", "failed", "error")
#: the key rackharness.nose2.known marks a known difference with in event.metadata
KNOWN_KEY = "known_difference"


def _leaf_ids(suite: Any) -> list[str]:
    ids = []
    for item in suite or ():
        if isinstance(item, unittest.TestSuite):
            ids.extend(_leaf_ids(item))
        elif hasattr(item, "id"):
            ids.append(item.id())
    return ids


def describe_outcome(event: Any) -> tuple[str, str, str]:
    """(outcome, short message, details) of one nose2 ``testOutcome`` event."""
    exc_info = event.exc_info
    details = "".join(traceback.format_exception(*exc_info)) if exc_info else ""
    message = ""
    if exc_info:
        lines = str(exc_info[1]).strip().splitlines()
        message = f"{exc_info[0].__name__}: {lines[0] if lines else ''}".rstrip(": ")
    if event.outcome == result.PASS:
        return (
            ("passed" if event.expected else "unexpected-pass"),
            ("" if event.expected else "passed, but was expected to fail"),
            "",
        )
    if event.outcome == result.SKIP:
        return "skipped", str(event.reason or "skipped"), ""
    if event.outcome == result.FAIL and event.expected:
        label = event.metadata.get(KNOWN_KEY) if event.metadata else None
        return "known-difference", str(label or event.reason or f"expected failure ({message})"), details
    if event.outcome == result.SUBTEST:
        failed = exc_info is not None and issubclass(
            exc_info[0], getattr(event.test, "failureException", AssertionError)
        )
        return ("failed" if failed else "error"), message, details
    return ("error" if event.outcome == result.ERROR else "failed"), message, details


class ReportsPlugin(Plugin):
    configSection = "reports"
    alwaysOn = True

    def __init__(self) -> None:
        junit = self.session.get("junit-xml") if self.session is not None else None
        self.junit_default = junit.as_str("path", "nose2-junit.xml") if junit is not None else "nose2-junit.xml"
        self.junit_path: str | None = None
        self.html_path: str | None = self.config.as_str("html-report", "") or None
        self.session_report: Any = None
        self.outcomes: dict[str, list[tuple[str, str, str]]] = {}
        self.write_failed = False
        self.addFlag(
            self._want_junit,
            "X",
            "junit-xml",
            "write the JUnit XML ([junit-xml] path, default nose2-junit.xml; --junit-xml-path FILE)",
        )
        self.addArgument(self._set_junit_path, None, "junit-xml-path", "write the JUnit XML to FILE")
        self.addArgument(
            self._set_html_path,
            None,
            "html-report",
            "write a self-contained HTML report to FILE (failures with their HTTP exchanges and AMQP events)",
        )

    @staticmethod
    def _value(value: Any) -> str:
        return value[0] if isinstance(value, list) else value

    def _want_junit(self, _value: Any) -> None:
        self.junit_path = self.junit_path or self.junit_default

    def _set_junit_path(self, value: Any) -> None:
        self.junit_path = self._value(value)

    def _set_html_path(self, value: Any) -> None:
        self.html_path = self._value(value)

    # -- the run --------------------------------------------------------------------------------
    def _plan(self) -> Any:
        from rackharness.nose2.groups import ProboscisGroups

        for plugin in getattr(self.session, "plugins", ()):
            if isinstance(plugin, ProboscisGroups):
                return plugin.plan
        return None

    def _say(self, line: str) -> None:
        lead = "\n" if getattr(self.session, "verbosity", 1) == 1 else ""  # after a row of dots
        sys.stderr.write(f"{lead}rackharness: {line}\n")
        sys.stderr.flush()

    def startTestRun(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        from rackharness.reports import ReportSession

        plan = self._plan()
        entries = plan.runnable if plan is not None else []
        self.session_report = ReportSession(
            entries, say=self._say if plan is not None else None, test_ids=_leaf_ids(getattr(event, "suite", None))
        )
        self._describe_system()

    def _describe_system(self) -> None:
        from rackharness.suite.context import current_deck, identified_target

        try:
            target = identified_target()
        except RackHarnessError:
            target = None
        deck = current_deck()
        self.session_report.system(target, record_mode=deck.mode.value if deck is not None else None)

    def startTest(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if self.session_report is not None:
            test_id = event.test.id()
            self.outcomes[test_id] = []
            self.session_report.test_started(test_id)

    def testOutcome(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if self.session_report is None or (event.outcome == result.SUBTEST and event.exc_info is None):
            return
        self.outcomes.setdefault(event.test.id(), []).append(describe_outcome(event))

    def stopTest(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if self.session_report is None:
            return
        test_id = event.test.id()
        outcomes = self.outcomes.pop(test_id, None) or [("error", "the test reported no outcome", "")]
        worst = max(outcomes, key=lambda o: _SEVERITY.index(o[0]))
        details = "\n".join(o[2] for o in outcomes if o[2])
        self.session_report.test_finished(test_id, worst[0], message=worst[1], details=details)

    def stopTestRun(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if self.session_report is None:
            return
        try:
            written = self.session_report.write(
                junit_path=self._path(self.junit_path), html_path=self._path(self.html_path)
            )
        except RackHarnessError as exc:
            self.write_failed = True
            sys.stderr.write(f"nose2: error: {exc}\n")
            return
        for path in written:
            if str(path) == self._path(self.html_path):
                sys.stderr.write(f"rackharness: HTML report: {path}\n")

    @staticmethod
    def _path(path: str | None) -> str | None:
        return os.path.realpath(path) if path else None

    def wasSuccessful(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if self.write_failed:
            event.success = False
