"""Run one unittest case of the plan and keep what came of it: the small result adapter under pytest.

nose2 runs the plan's ``unittest.TestSuite`` in one go; pytest runs one item at a time. Each item runs
its case in a one-test suite against the run's one :class:`CaseResult`, which keeps what
``unittest.TestSuite`` keeps between tests (the class and module fixtures' state), so ``setUpClass``
and ``tearDownClass`` of a unittest-style class run once, as under nose2; :meth:`CaseRunner.finish`
tears down the last class and module after the last item.

The result is what the case reports to (through :mod:`rackharness.suite.cases`' prerequisite
bookkeeping, which is what skips a failed test's dependents); its ``startTest``/``stopTest`` are where
the tape deck begins and ends the test's tape, exactly where :mod:`rackharness.nose2.tapes` does.
"""

from __future__ import annotations

import unittest
from dataclasses import dataclass, field
from typing import Any, Callable

PASSED = "passed"
FAILED = "failed"
ERROR = "error"
SKIPPED = "skipped"
EXPECTED_FAILURE = "expected-failure"
UNEXPECTED_SUCCESS = "unexpected-success"
NOT_RUN = "not-run"


@dataclass
class CaseOutcome:
    """What one case did: ``kind`` (the first failure or error wins over a later pass or skip)."""

    kind: str = NOT_RUN
    exc_info: tuple | None = None
    reason: str = ""
    problems: list[tuple[str, tuple]] = field(default_factory=list)  # every failure and error, in order

    @property
    def failed(self) -> bool:
        return self.kind in (FAILED, ERROR)

    def record_problem(self, kind: str, exc_info: tuple) -> None:
        self.problems.append((kind, exc_info))
        if not self.failed:
            self.kind, self.exc_info = kind, exc_info


def _is_fixture_holder(test: Any) -> bool:
    """unittest reports a failed setUpClass/tearDownModule ... against an ``_ErrorHolder``, not a test."""
    return type(test).__name__ == "_ErrorHolder"


class CaseResult:
    """The unittest result protocol, for the case running now (:attr:`outcome`); see the module docstring."""

    failfast = False
    buffer = False
    tb_locals = False
    shouldStop = False

    def __init__(self, on_start: Callable[[str], None], on_stop: Callable[[], None]) -> None:
        self._on_start, self._on_stop = on_start, on_stop
        # kept by unittest.TestSuite on the result between tests
        self._previousTestClass: type | None = None
        self._moduleSetUpFailed = False
        self._testRunEntered = True  # every one-test suite is nested in this run: none tears down on its own
        self.outcome = CaseOutcome()
        #: failures of a class or module tear-down: they belong to no item (description, exc_info)
        self.stray: list[tuple[str, tuple]] = []

    def begin(self) -> None:
        self.outcome = CaseOutcome()

    # -- unittest's result protocol -----------------------------------------------------------------
    def startTest(self, test: Any) -> None:  # noqa: N802 - unittest's names
        self._on_start(test.id())

    def stopTest(self, test: Any) -> None:  # noqa: N802
        self._on_stop()

    def addSuccess(self, test: Any) -> None:  # noqa: N802
        if self.outcome.kind == NOT_RUN:
            self.outcome.kind = PASSED

    def addFailure(self, test: Any, err: tuple) -> None:  # noqa: N802
        self._problem(test, FAILED, err)

    def addError(self, test: Any, err: tuple) -> None:  # noqa: N802
        self._problem(test, ERROR, err)

    def _problem(self, test: Any, kind: str, err: tuple) -> None:
        if _is_fixture_holder(test) and "tearDown" in str(test):
            self.stray.append((str(test), err))
        else:
            self.outcome.record_problem(kind, err)

    def addSkip(self, test: Any, reason: str) -> None:  # noqa: N802
        if self.outcome.kind == NOT_RUN:
            self.outcome.kind, self.outcome.reason = SKIPPED, reason

    def addExpectedFailure(self, test: Any, err: tuple) -> None:  # noqa: N802
        if not self.outcome.failed:
            self.outcome.kind, self.outcome.exc_info = EXPECTED_FAILURE, err

    def addUnexpectedSuccess(self, test: Any) -> None:  # noqa: N802
        if not self.outcome.failed:
            self.outcome.kind = UNEXPECTED_SUCCESS

    def addSubTest(self, test: Any, subtest: Any, err: tuple | None) -> None:  # noqa: N802
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self.outcome.record_problem(FAILED if failed else ERROR, err)

    def addDuration(self, test: Any, elapsed: float) -> None:  # noqa: N802 - Python 3.12+
        pass


class CaseRunner:
    """Runs the plan's cases one at a time against one :class:`CaseResult`."""

    def __init__(self, on_start: Callable[[str], None], on_stop: Callable[[], None]) -> None:
        self.result = CaseResult(on_start, on_stop)
        self._finished = False

    def run(self, case: unittest.TestCase) -> CaseOutcome:
        self.result.begin()
        unittest.TestSuite([case]).run(self.result)  # type: ignore[arg-type]
        return self.result.outcome

    def finish(self) -> None:
        """Tear down the last unittest-style class and module (what a top-level suite does at its end)."""
        if self._finished:
            return
        self._finished = True
        self.result.begin()
        closing = unittest.TestSuite()
        closing._tearDownPreviousClass(None, self.result)  # type: ignore[attr-defined]
        closing._handleModuleTearDown(self.result)  # type: ignore[attr-defined]

    @property
    def stray(self) -> list[tuple[str, tuple]]:
        return self.result.stray
