"""The plugin object of one pytest run: takes the suite over after collection and drives it to the end.

:class:`SuiteRun` is registered by :func:`rackharness.pytest_plugin.pytest_configure` for every pytest
run and does nothing unless, after collection, proboscis's registry holds tests (or ``--group`` /
``--show-plan`` was given). Then, as :mod:`rackharness.nose2.groups` does under nose2:

* the collected items become the plan's items (:func:`~rackharness.pytest_plugin.collection.plan_items`),
  in plan order, followed by pytest's other items (dropped when ``--group`` selects); a plan error
  (unknown group, cycle) or a bad known-differences file ends the run before any test, exit status 2;
* ``--show-plan`` prints :meth:`SuitePlan.render() <rackharness.suite.plan.SuitePlan.render>`, runs
  nothing, exit status 0;
* before the first suite test the target is configured (:mod:`.target`); a
  :class:`~rackharness.errors.RackHarnessError` ends the run with ``rackharness: error: <message and
  hint>`` and the error's exit status, before any test;
* after the last, the last unittest class is torn down, the reports are written, the target is shut
  down and the tapes' report printed;
* a run in which no test passed or failed (everything skipped or deselected) fails, saying why.
"""

from __future__ import annotations

import sys
import unittest
from contextlib import nullcontext
from typing import Any, Generator

import pytest

from rackharness.errors import RackHarnessError
from rackharness.pytest_plugin.case_runner import CaseRunner
from rackharness.pytest_plugin.collection import loaded_registry, plan_items
from rackharness.pytest_plugin.item import SuiteItem
from rackharness.pytest_plugin.options import SuiteOptions
from rackharness.pytest_plugin.reporting import (
    NoReports,
    SuiteReports,
    add_junit_suite_properties,
    junit_suite_properties,
)
from rackharness.pytest_plugin.target import SuiteTarget

#: what a run in which no test passed or failed says (and fails)
NOTHING_DECIDED = (
    "rackharness: no test ran to a pass or fail (nothing selected, or everything skipped); "
    "the run fails. `pytest --show-plan` lists what would run."
)


class SuiteRun:
    """See the module docstring; ``active`` says whether this run took the suite over."""

    def __init__(self, config: pytest.Config, options: SuiteOptions) -> None:
        self.config, self.options = config, options
        self.active = False
        self.plan: Any = None
        self.outside: list[Any] = []  # pytest's own items, after the plan's
        self.known: Any = None
        self.reports: SuiteReports = NoReports()
        self.target = SuiteTarget(options.rack_config, say=self.say)
        self.runner = CaseRunner(on_start=self.target.begin_tape, on_stop=self.target.end_tape)
        self.decided: set[str] = set()  # node ids that passed or failed (an expected failure counts: it failed)
        self.nothing_decided = False
        self.written: list[Any] = []
        self._inside_test = False
        self._held: list[str] = []

    # -- saying ---------------------------------------------------------------------------------------
    def say(self, line: str) -> None:
        """``rackharness: <line>`` on the terminal; said during a test (a group's progress line), after its result."""
        if self._inside_test:
            self._held.append(line)
            return
        capture = self.config.pluginmanager.get_plugin("capturemanager")
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        with capture.global_and_fixture_disabled() if capture is not None else nullcontext():
            if reporter is not None:
                reporter.write_line(f"rackharness: {line}")
            else:
                sys.stderr.write(f"rackharness: {line}\n")

    @staticmethod
    def _exit(exc: RackHarnessError) -> None:
        """End the run before any test with the whole message (``str(exc)`` carries the hint) and the error's
        exit status; pytest prints it as the run's last line."""
        pytest.exit(f"rackharness: error: {exc}", returncode=exc.exit_code)

    # -- collection -----------------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)  # before -k / -m deselect: they apply to the plan's items
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        registry = loaded_registry()
        if not (registry is not None and registry.tests) and not self.options.groups and not self.options.show_plan:
            return  # no suite in this run: pytest's session stays as pytest built it
        from rackharness.pytest_plugin.known import KnownDifferenceMarks
        from rackharness.suite.decorators import DEFAULT_REGISTRY
        from rackharness.suite.plan import FINAL_GROUPS, SuitePlan

        try:
            plan = SuitePlan.build(
                DEFAULT_REGISTRY, groups=self.options.groups, final_groups=FINAL_GROUPS, loader=unittest.TestLoader()
            )
            known = KnownDifferenceMarks(self.options.known_differences)
            known.load()
        except RackHarnessError as exc:
            self._exit(exc)
        self.active, self.plan, self.known = True, plan, known
        suite_items = plan_items(session, plan, SuiteItem, run=self)
        self.outside = [] if self.options.groups else list(items)
        if self.options.groups and items:
            config.hook.pytest_deselected(items=list(items))
        items[:] = suite_items + self.outside
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and hasattr(reporter, "_numcollected"):  # "collected N items" counts the plan's
            reporter._numcollected += len(suite_items)

    @pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_keep_plan_order(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Whatever another plugin reordered (``--failed-first``, a shuffler), the suite runs in plan order:
        its dependencies are in that order. What they deselected stays deselected."""
        if self.active:
            suite = sorted((item for item in items if isinstance(item, SuiteItem)), key=lambda item: item.plan_index)
            items[:] = suite + [item for item in items if not isinstance(item, SuiteItem)]

    # -- the run --------------------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True, specname="pytest_runtestloop")
    def pytest_runtestloop_show_plan(self, session: pytest.Session) -> bool | None:
        if not (self.active and self.options.show_plan) or self._collection_failed(session):
            return None
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        text = self.plan.render()
        if self.outside:
            text += f"\nthen {len(self.outside)} test(s) outside proboscis: " + ", ".join(
                i.nodeid for i in self.outside
            )
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write(text + "\n")
        else:
            print(text)
        return True

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, Any, Any]:
        if self._runs_suite_tests(session):
            self._start(session)
        try:
            return (yield)
        finally:
            if self.active:
                self.runner.finish()

    def _collection_failed(self, session: pytest.Session) -> bool:
        return bool(session.testsfailed) and not self.config.option.continue_on_collection_errors

    def _runs_suite_tests(self, session: pytest.Session) -> bool:
        return (
            self.active
            and not self.options.show_plan
            and not self.config.option.collectonly
            and not self._collection_failed(session)
            and any(isinstance(item, SuiteItem) for item in session.items)
        )

    def _start(self, session: pytest.Session) -> None:
        try:
            target = self.target.start()
        except RackHarnessError as exc:
            self._exit(exc)
        self.say(f"testing {target.describe()}")
        announcement = self.known.announcement()
        if announcement:
            self.say(announcement)
        suite_ids = [item.name for item in session.items if isinstance(item, SuiteItem)]
        self.reports = SuiteReports(self.plan.runnable, suite_ids, say=self.say)
        if self.reports.session is not None:
            identified = self.target.identified()
            summary = self.reports.system(identified)
            add_junit_suite_properties(self.config, junit_suite_properties(summary, identified))

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        self._inside_test = self.active

    @pytest.hookimpl(trylast=True)  # after the terminal reporter wrote the test's result
    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        self._inside_test = False
        held, self._held = self._held, []
        for line in held:
            self.say(line)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.active and (
            report.failed or (report.when == "call" and (report.passed or hasattr(report, "wasxfail")))
        ):
            self.decided.add(report.nodeid)

    # -- the end --------------------------------------------------------------------------------------
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.active:
            return
        self.runner.finish()
        try:
            self.written = self.reports.write(self.options.report_junit, self.options.html_report)
        except RackHarnessError as exc:
            self.say(f"error: {exc}")
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        self.target.stop()
        unfinished = exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
        if self.options.show_plan or self.config.option.collectonly:
            if unfinished and self.options.show_plan:
                session.exitstatus = pytest.ExitCode.OK
        elif unfinished and (not self.decided or self.runner.stray):
            self.nothing_decided = not self.decided
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.active:
            return
        for description, exc_info in self.runner.stray:
            terminalreporter.write_sep("-", f"rackharness: {description} failed (outside any test)")
            terminalreporter.write_line(f"{exc_info[0].__name__}: {exc_info[1]}")
        for line in self.known.summary() if self.known is not None else ():
            terminalreporter.write_line(line)
        report = self.target.deck_report() if self.target.started else ""
        if report:
            terminalreporter.write_line(f"rackharness: {report}")
        for path in self.written:
            terminalreporter.write_line(f"rackharness: report written: {path}")
        if self.nothing_decided:
            terminalreporter.write_line(NOTHING_DECIDED, red=True)
