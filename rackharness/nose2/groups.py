"""nose2 plugin: run proboscis-decorated tests in proboscis order, by group, and refuse a broken plan.

Enabled by ``unittest.cfg`` at the repository root::

    [unittest]
    plugins = rackharness.nose2.groups
    [proboscis-groups]
    always-on = True
    final-groups = cleanup

Options: ``--group NAME`` (repeatable; the named groups plus what they depend on, plus the final
groups), ``--show-plan`` (print the order and exit), ``--rack-config FILE`` (the rack to test, in
the ``rackharness --config`` format; default: the stack state, or ``RACKHARNESS_*``). In isolated
mode (``RACKHARNESS_MODE=isolated``, or the state of ``up --provider isolated``) the rack is started
in this process before the first test and stopped after the last.

nose2's own discovery imports the test modules (which registers their tests with proboscis); the
discovered tests that belong to proboscis are replaced by :class:`~rackharness.suite.plan.SuitePlan`'s
ordered suite. Other tests stay (after the plan) unless groups were selected; import failures always
stay, so a broken module fails the run. A plan error (unknown group, cycle) or a rack that is not
there exits with status 2 before any test runs. When no proboscis test was loaded at all (nose2
reads the root ``unittest.cfg`` on every run, including the harness's own tests), the suite is
left as nose2 built it. A run in which no test passed or failed — nothing
selected, or everything skipped — fails. The reports plugin (:mod:`rackharness.nose2.reports`) reads :attr:`ProboscisGroups.plan`.
"""

from __future__ import annotations

import sys
import unittest
from typing import Any, Iterator

from nose2 import result
from nose2.events import Plugin

from rackharness.errors import RackHarnessError


def _leaves(suite: Any) -> Iterator[unittest.TestCase]:
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _leaves(item)
        else:
            yield item


def _is_proboscis(test: Any) -> bool:
    candidates = [type(test), getattr(test, "_testFunc", None), type(getattr(test, "obj", None))]
    method_name = getattr(test, "_testMethodName", None)
    if method_name:
        candidates.append(getattr(type(test), method_name, None))
    method = getattr(test, "method", None)
    if isinstance(method, str):
        candidates.append(getattr(type(getattr(test, "obj", None)), method, None))
    return any(hasattr(c, "_proboscis_entry_") for c in candidates if c is not None)


def _is_load_failure(test: Any) -> bool:
    return type(test).__name__ in ("ModuleImportFailure", "LoadTestsFailure", "_FailedTest")


class ProboscisGroups(Plugin):
    configSection = "proboscis-groups"
    commandLineSwitch = None

    def __init__(self) -> None:
        self.groups: list[str] = []
        self.show_plan = False
        self.rack_config: str | None = None
        from rackharness.suite.plan import FINAL_GROUPS

        self.final_groups = tuple(self.config.as_list("final-groups", list(FINAL_GROUPS)))
        self.decided = 0  # tests that passed or failed
        self.configured = False
        #: the plan this run follows (None: no proboscis test was loaded); the reports plugin reads it
        self.plan: Any = None
        self.addOption(
            self.groups, None, "group", "run only this proboscis group and what it depends on (repeatable)", nargs=1
        )
        self.addFlag(self._want_plan, None, "show-plan", "print the test order and exit without running")
        self.addArgument(
            self._set_rack_config,
            None,
            "rack-config",
            "YAML file describing the rack to test (default: the stack state, or RACKHARNESS_*)",
        )

    def _want_plan(self, _value: Any) -> None:
        self.show_plan = True

    def _set_rack_config(self, value: Any) -> None:
        self.rack_config = value[0] if isinstance(value, list) else value

    @staticmethod
    def _exit(exc: RackHarnessError) -> None:
        sys.stderr.write(f"nose2: error: {exc}\n")
        sys.stderr.flush()
        raise SystemExit(exc.exit_code)

    def createdTestSuite(self, event: Any) -> unittest.TestSuite:  # noqa: N802 - nose2 hook
        from rackharness.suite.decorators import DEFAULT_REGISTRY
        from rackharness.suite.plan import SuitePlan

        if not DEFAULT_REGISTRY.tests and not self.groups and not self.show_plan:
            return None  # no proboscis test was loaded (e.g. the harness's own tests): leave nose2's suite alone
        discovered = list(_leaves(event.suite))
        others = [t for t in discovered if _is_load_failure(t) or (not self.groups and not _is_proboscis(t))]
        try:
            plan = SuitePlan.build(
                DEFAULT_REGISTRY, groups=self.groups, final_groups=self.final_groups, loader=unittest.TestLoader()
            )
        except RackHarnessError as exc:
            self._exit(exc)
        if self.show_plan:
            print(plan.render())
            extra = [t.id() for t in others]
            if extra:
                print(f"then {len(extra)} test(s) outside proboscis: " + ", ".join(extra))
            sys.stdout.flush()
            raise SystemExit(0)
        self.plan = plan
        if plan.runnable:
            self._configure_target()
        suite = plan.suite()
        suite.addTests(others)
        event.handled = True
        return suite

    def _configure_target(self) -> None:
        from rackharness.suite.context import configure, shutdown

        say = lambda line: sys.stderr.write(f"rackharness: {line}\n")  # noqa: E731
        try:
            target = configure(config_file=self.rack_config, say=say)
        except RackHarnessError as exc:
            shutdown()
            self._exit(exc)
        self.configured = True
        sys.stderr.write(f"rackharness: testing {target.describe()}\n")

    def afterTestRun(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if self.configured:  # an isolated rack started for this run stops with it
            from rackharness.suite.context import shutdown

            shutdown()

    def testOutcome(self, event: Any) -> None:  # noqa: N802
        if event.outcome in (result.PASS, result.FAIL, result.ERROR) or (
            event.outcome == result.SUBTEST and event.exc_info is not None
        ):
            self.decided += 1

    def wasSuccessful(self, event: Any) -> None:  # noqa: N802
        if self.decided == 0:
            event.success = False

    def afterSummaryReport(self, event: Any) -> None:  # noqa: N802
        if self.decided == 0:
            event.stream.writeln(
                "rackharness: no test ran to a pass or fail (nothing selected, or everything "
                "skipped); the run fails. `nose2 --show-plan` lists what would run."
            )
