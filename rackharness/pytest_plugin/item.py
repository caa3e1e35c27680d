"""One unittest case of the suite plan as a pytest item, its outcome told the pytest way.

``runtest`` runs the case (:mod:`.case_runner`) and says what happened as pytest understands it:

* passed: a pass (a known difference that passes stays a pass; the run's summary says "no longer seen");
* failed or errored: the case's own exception is raised again, so pytest shows its traceback (short by
  default, without unittest's, proboscis's and this plugin's frames; ``--tb`` chooses), unless it is a
  known difference of the system under test: then an xfail with the difference's label;
* skipped (a ``SkipTest``, or "prerequisite X failed" from :mod:`rackharness.suite.cases`): a skip with
  the same reason;
* unittest's expected failure: an xfail; an unexpected success: a failure.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from rackharness.pytest_plugin import case_runner
from rackharness.pytest_plugin.case_runner import CaseOutcome

#: frames of the test machinery, not of the test (as rackharness.nose2.failures leaves them out), and pytest's
MACHINERY = (
    "/unittest/",
    "/proboscis/",
    "/rackharness/suite/decorators.py",
    "/rackharness/suite/cases.py",
    "/rackharness/pytest_plugin/",
    "/_pytest/",
    "/pluggy/",
)


class SuiteItem(pytest.Item):
    """``name`` is the test's id; ``case`` the unittest case; ``entry`` its plan entry; ``line`` where it is
    written; ``plan_index`` its place in the plan; ``run`` the
    :class:`~rackharness.pytest_plugin.session.SuiteRun` it belongs to."""

    def __init__(self, *, case: Any, entry: Any, line: int, plan_index: int, run: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case, self.entry, self.line, self.plan_index, self.run = case, entry, line, plan_index, run
        self.case_outcome: CaseOutcome | None = None

    def runtest(self) -> None:
        self.run.reports.test_started(self.name)
        started = time.monotonic()
        outcome = self.case_outcome = self.run.runner.run(self.case)
        label = self.run.known.expected_failure(self.name) if outcome.failed else None
        if outcome.kind == case_runner.PASSED:
            self.run.known.passed(self.name)
        self.run.reports.test_finished(self.name, outcome, label, time.monotonic() - started)
        raise_as_pytest(outcome, label)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.line - 1, 0), self.name

    def _traceback_filter(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:
        traceback = excinfo.traceback
        own = traceback.filter(lambda entry: not any(part in str(entry.path) for part in MACHINERY))
        return own or traceback

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if style is None:
            chosen = self.config.getoption("tbstyle", "auto")
            style = "short" if chosen == "auto" else chosen
        return self._repr_failure_py(excinfo, style=style)


def raise_as_pytest(outcome: CaseOutcome, known_label: str | None = None) -> None:
    """Return for a pass; otherwise raise what makes pytest report ``outcome`` (see the module docstring)."""
    kind = outcome.kind
    if kind == case_runner.PASSED:
        return
    if outcome.failed:
        if known_label is not None:
            pytest.xfail(known_label)
        _kind, value, traceback = outcome.exc_info  # type: ignore[misc]
        raise value.with_traceback(traceback)
    if kind == case_runner.SKIPPED:
        pytest.skip(outcome.reason or "skipped")
    if kind == case_runner.EXPECTED_FAILURE:
        pytest.xfail("expected failure (unittest.expectedFailure)")
    if kind == case_runner.UNEXPECTED_SUCCESS:
        pytest.fail("unexpected success: the test is marked unittest.expectedFailure and passed", pytrace=False)
    pytest.skip("not run: its unittest class or module set-up did not pass")
