"""The unittest cases a plan runs: one per proboscis test, skipped with a reason when a prerequisite did not pass.

proboscis keeps, per test, the first prerequisite that failed (``dependency_failure``) and a list of
dependents to tell. These wrappers feed that bookkeeping from the test's own outcome — failed,
errored or skipped all count as "did not pass" — and, before a test runs, skip it naming the
prerequisite (``prerequisite tests.rackhd.test_smoke.SmokeTests.api_answers failed``) unless it is
``always_run``. It works under any unittest-compatible runner: nothing depends on nose2.
"""

from __future__ import annotations

import unittest
from typing import Any, Callable

from rackharness.suite.decorators import load_proboscis

_ProboscisSkip = load_proboscis().SkipTest


class _OutcomeListener:
    """Passes every call to ``result``; tells ``on_not_passed`` when the test failed, errored or skipped."""

    def __init__(self, result: Any, on_not_passed: Callable[[str], None]) -> None:
        self._result, self._on_not_passed = result, on_not_passed

    def addFailure(self, test, err):  # noqa: N802 - unittest's names
        self._on_not_passed("failed")
        self._result.addFailure(test, err)

    def addError(self, test, err):  # noqa: N802
        self._on_not_passed("failed")
        self._result.addError(test, err)

    def addSkip(self, test, reason):  # noqa: N802
        self._on_not_passed(f"was skipped ({reason})")
        self._result.addSkip(test, reason)

    def addSubTest(self, test, subtest, err):  # noqa: N802
        if err is not None:
            self._on_not_passed("failed")
        self._result.addSubTest(test, subtest, err)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)


class PrerequisiteTracking:
    """Mixin: ``_case`` is the proboscis TestCase; ``_case.rh_id`` / ``rh_outcome`` name it in skip reasons."""

    _case: Any

    def _skip_if_prerequisite_did_not_pass(self) -> None:
        cause = self._case.dependency_failure
        if cause is None or cause is self._case or self._case.entry.info.always_run:
            return
        what = getattr(cause, "rh_id", str(cause.entry.home))
        outcome = getattr(cause, "rh_outcome", "failed")
        raise unittest.SkipTest(f"prerequisite {what} {outcome}")

    def _not_passed(self, outcome: str) -> None:
        if getattr(self._case, "rh_outcome", None) is None:
            self._case.rh_outcome = outcome
        self._case.fail_test()

    def run(self, result=None):
        if result is None:
            return super().run(result)  # type: ignore[misc]
        return super().run(_OutcomeListener(result, self._not_passed))  # type: ignore[misc]


class PlannedTest(PrerequisiteTracking, unittest.TestCase):
    """A proboscis test function, or a test method of a proboscis test class, as a unittest case."""

    def __init__(self, case: Any, test_id: str, description: str | None) -> None:
        super().__init__("runTest")
        self._case, self._id, self._description = case, test_id, description

    def id(self) -> str:
        return self._id

    def __str__(self) -> str:
        return self._id

    def __repr__(self) -> str:
        return f"PlannedTest({self._id!r})"

    def shortDescription(self) -> str | None:  # noqa: N802
        return self._description

    def setUp(self) -> None:  # noqa: N802
        self._skip_if_prerequisite_did_not_pass()

    def runTest(self) -> None:  # noqa: N802
        home = self._case.entry.home
        try:
            if self._case.state is not None:  # a method: one instance of its class per plan
                home(self._case.state.get_state())
            else:
                home()
        except _ProboscisSkip as exc:
            raise unittest.SkipTest(getattr(exc, "message", str(exc))) from None


def unittest_class_tests(case: Any, loader: unittest.TestLoader) -> list[unittest.TestCase]:
    """The test methods of a proboscis-registered ``unittest.TestCase`` subclass, prerequisite-aware."""
    original = case.entry.home

    def setUp(self):  # noqa: N802
        self._skip_if_prerequisite_did_not_pass()
        original.setUp(self)

    wrapped = type(
        original.__name__,
        (PrerequisiteTracking, original),
        {
            "setUp": setUp,
            "_case": case,
            "__module__": original.__module__,
            "__qualname__": original.__qualname__,
            "__doc__": original.__doc__,
        },
    )
    names = loader.getTestCaseNames(original) or (["runTest"] if hasattr(original, "runTest") else [])
    return [wrapped(name) for name in names]
