"""The order a suite runs in, checked before anything runs.

:meth:`SuitePlan.build` reads a proboscis registry and refuses, with a :class:`PlanError` naming
the file and line, what proboscis would silently get wrong:

* a group named in ``depends_on_groups`` / ``runs_after_groups`` that no test belongs to — including
  two names glued by a missing comma (``["nodes" "obms"]`` is the one group ``"nodesobms"``);
* a ``--group`` selection that names no group;
* a dependency cycle.

Then it orders the tests (dependencies first, otherwise in registration order), keeps the
selected groups plus what they depend on, and appends the *final* groups (``cleanup``), which are
always included and always last. :meth:`SuitePlan.render` is what ``--show-plan`` prints;
:meth:`SuitePlan.suite` is the unittest suite to run.
"""

from __future__ import annotations

import difflib
import heapq
import inspect
import os
import unittest
from dataclasses import dataclass
from typing import Any, Iterable

from rackharness.errors import UsageError
from rackharness.suite.cases import PlannedTest, unittest_class_tests
from rackharness.suite.decorators import TestPlan

#: the groups every plan ends with, whatever was selected (both runners' plugins read this: nose2's
#: ``[proboscis-groups] final-groups`` in ``unittest.cfg`` defaults to it, the pytest plugin uses it)
FINAL_GROUPS: tuple[str, ...] = ("cleanup",)


class PlanError(UsageError):
    """The suite's ordering is wrong (unknown group, cycle) or the selection names no group."""


@dataclass
class PlanEntry:
    """One test in plan order."""

    id: str
    groups: tuple[str, ...]
    depends_on_groups: tuple[str, ...]
    depends_on: tuple[str, ...]
    description: str
    source: str
    enabled: bool
    always_run: bool
    case: Any  # the proboscis TestCase


def where(home: Any) -> str:
    """``tests/rackhd/test_nodes.py:42`` for a test function or class (path relative to the cwd)."""
    target = getattr(home, "__func__", home)
    try:
        path = inspect.getsourcefile(target) or "?"
        line = target.__code__.co_firstlineno if hasattr(target, "__code__") else inspect.getsourcelines(target)[1]
    except (TypeError, OSError):
        return getattr(target, "__module__", "?")
    try:
        path = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        pass
    return f"{path}:{line}"


def _line(entry: Any) -> int:
    code = getattr(entry.home, "__code__", None)
    return code.co_firstlineno if code is not None else 0


def home_id(home: Any) -> str:
    return f"{home.__module__}.{home.__qualname__}"


def _suggest(name: str, known: Iterable[str]) -> str:
    known = sorted(known)
    for first in known:
        if name.startswith(first) and name[len(first) :] in known:
            return (
                f' (two names glued together? a missing comma makes ["{first}" "{name[len(first) :]}"] '
                f'one string "{name}")'
            )
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_registry(registry: Any, selected: Iterable[str] = (), final_groups: Iterable[str] = ()) -> None:
    """Raise :class:`PlanError` listing every unknown group a test or the selection names."""
    defined = {name for name, group in registry.groups.items() if group.entries}
    problems = []
    for entry in registry.tests:
        for kind in ("depends_on_groups", "runs_after_groups"):
            for name in getattr(entry.info, kind):
                if name not in defined:
                    what = home_id(entry.home) if entry.home is not None else "a register() call"
                    at = where(entry.home) if entry.home is not None else "?"
                    problems.append(
                        f"{at}: {what}: {kind} names group {name!r}, which no test belongs to{_suggest(name, defined)}"
                    )
    for name in selected:
        if name not in defined:
            problems.append(f"--group {name}: no such group{_suggest(name, defined)}")
    if problems:
        known = ", ".join(sorted(defined)) or "none"
        raise PlanError(
            "the suite's plan is wrong:\n  " + "\n  ".join(problems) + f"\n  groups defined: {known}",
            hint="fix the group name in the test file (or the --group option); "
            "`nose2 --show-plan` prints the order once it is right",
        )
    del final_groups  # final groups may legitimately be absent from a suite


def _stable_order(cases: list[Any], registry: Any) -> list[Any]:
    """Dependencies first; otherwise by file (A-Z), then line, then registration order.

    proboscis's own sort is a valid order but shuffles independent tests (and nose2 imports files
    in directory order); this is Kahn's algorithm over the same edges (each case's ``dependents``),
    always taking the ready test that comes first in the source.
    """
    registered: dict[int, int] = {}
    for entry in registry.tests:
        if not entry.is_child:
            for item in getattr(entry, "children", None) or [entry]:
                registered[id(item)] = len(registered)
    position = {id(case): index for index, case in enumerate(cases)}

    def key(case: Any) -> tuple:
        home = case.entry.home
        source = where(home) if home is not None else ""
        path, _, line = source.rpartition(":")
        return (path, int(line) if line.isdigit() else 0, registered.get(id(case.entry), 0), position[id(case)])

    waiting = {id(case): 0 for case in cases}
    for case in cases:
        for dependent in case.dependents:
            waiting[id(dependent.case)] += 1
    ready = [(key(c), c) for c in cases if not waiting[id(c)]]
    heapq.heapify(ready)
    ordered = []
    while ready:
        _, case = heapq.heappop(ready)
        ordered.append(case)
        for dependent in case.dependents:
            waiting[id(dependent.case)] -= 1
            if not waiting[id(dependent.case)]:
                heapq.heappush(ready, (key(dependent.case), dependent.case))
    return ordered


class SuitePlan:
    """Tests in run order; build with :meth:`build`."""

    def __init__(self, entries: list[PlanEntry], selected: tuple[str, ...], loader: unittest.TestLoader) -> None:
        self.entries, self.selected, self._loader = entries, selected, loader

    @classmethod
    def build(
        cls,
        registry: Any,
        *,
        groups: Iterable[str] = (),
        final_groups: Iterable[str] = (),
        loader: unittest.TestLoader | None = None,
    ) -> "SuitePlan":
        groups, final_groups = tuple(groups), tuple(final_groups)
        check_registry(registry, groups, final_groups)
        for entry in registry.tests:  # a class's tests run in the order they are written, not A-Z
            if hasattr(entry, "children"):
                entry.children.sort(key=_line)
        try:
            plan = TestPlan.create_from_registry(registry)
        except RuntimeError as exc:  # proboscis: "Cycle found on node ..." and decorator misuse
            raise PlanError(
                f"proboscis cannot order the suite: {exc}",
                hint="a test depends (through its groups) on itself; `depends_on_groups` must form a chain, not a loop",
            ) from exc
        plan.tests = _stable_order(plan.tests, registry)
        everything = list(plan.tests)  # filter() empties plan.tests as it goes
        if groups:
            plan.filter(group_names=list(groups))
        finals = [case for case in everything if case.entry.contains(list(final_groups), [])]
        ordered = [case for case in plan.tests if case not in finals] + finals
        entries = [cls._entry(case) for case in ordered if case.entry.home is not None]
        seen: dict[str, int] = {}
        for entry in entries:  # factory instances share a test: number them
            count = seen[entry.id] = seen.get(entry.id, 0) + 1
            if count > 1 or any(e.id == entry.id for e in entries if e is not entry):
                label = getattr(entry.case.state.instance if entry.case.state else None, "case_id", None)
                entry.id = f"{entry.id}[{label or count}]"
            entry.case.rh_id = entry.id
        return cls(entries, groups, loader or unittest.TestLoader())

    @staticmethod
    def _entry(case: Any) -> PlanEntry:
        entry, info = case.entry, case.entry.info
        doc = inspect.getdoc(entry.home) or ""
        depends_on = tuple(sorted(home_id(h) for h in info.depends_on))
        return PlanEntry(
            id=home_id(entry.home),
            groups=tuple(info.groups),
            depends_on_groups=tuple(info.depends_on_groups),
            depends_on=depends_on,
            description=doc.strip().splitlines()[0] if doc.strip() else "",
            source=where(entry.home),
            enabled=bool(info.enabled),
            always_run=bool(info.always_run),
            case=case,
        )

    @property
    def runnable(self) -> list[PlanEntry]:
        return [e for e in self.entries if e.enabled]

    def suite(self) -> unittest.TestSuite:
        suite = unittest.TestSuite()
        for entry in self.runnable:
            if isinstance(entry.case.entry.home, type) and issubclass(entry.case.entry.home, unittest.TestCase):
                suite.addTests(unittest_class_tests(entry.case, self._loader))
            else:
                suite.addTest(PlannedTest(entry.case, entry.id, entry.description or None))
        return suite

    def render(self) -> str:
        """The plan as ``--show-plan`` prints it: number, groups, test, what it needs, what it verifies."""
        scope = "groups " + ", ".join(self.selected) + " and what they depend on" if self.selected else "every group"
        lines = [f"Test plan: {len(self.runnable)} test(s), {scope}, in run order:"]
        for number, entry in enumerate(self.entries, 1):
            flags = "" if entry.enabled else "  [disabled]"
            flags += "  [always runs]" if entry.always_run else ""
            lines.append(f"{number:4}. [{', '.join(entry.groups) or '-'}] {entry.id}{flags}")
            if entry.description:
                lines.append(f"        {entry.description}")
            if entry.depends_on_groups:
                lines.append(f"        needs groups: {', '.join(entry.depends_on_groups)}")
        return "\n".join(lines)
