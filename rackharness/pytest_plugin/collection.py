"""What pytest must not collect, and the pytest items a suite plan becomes.

pytest collects every module attribute whose name looks like a test: the ``test`` decorator a suite
module imports from :mod:`rackharness.suite.decorators` is one ("18 passed" for a suite that never ran),
and a proboscis-decorated class or function may be another. :func:`is_proboscis_object` says which
objects belong to proboscis: the plan runs those, in its own order.

:func:`plan_items` makes one :class:`~rackharness.pytest_plugin.item.SuiteItem` per unittest case of
:meth:`SuitePlan.suite() <rackharness.suite.plan.SuitePlan.suite>`, in plan order, named by the test's
id as nose2 prints it (``tests.rackhd.test_nodes.NodeTests.create``; a method of a unittest-style
class by its unittest id). The item's node id spells the same id the pytest way,
``tests/rackhd/test_nodes.py::NodeTests::create``, so pytest's JUnit XML (classname
``tests.rackhd.test_nodes.NodeTests``, name ``create``) names each test as nose2's does.
"""

from __future__ import annotations

import sys
import types
import unittest
from pathlib import Path
from typing import Any, Iterator

#: the attribute proboscis sets on a function or class it registered
PROBOSCIS_MARK = "_proboscis_entry_"


def is_proboscis_object(obj: Any) -> bool:
    """A proboscis-registered function or class, or one of proboscis's own functions and classes
    (``test``, ``before_class``, ``TestRegistry`` ...) imported into a test module."""
    if not isinstance(obj, (type, types.FunctionType)):
        return False
    module = getattr(obj, "__module__", None) or ""
    if module == "proboscis" or module.startswith("proboscis."):
        return True
    try:
        return getattr(obj, PROBOSCIS_MARK, None) is not None
    except Exception:  # noqa: BLE001 - a class with a hostile __getattr__ is not ours
        return False


def loaded_registry() -> Any | None:
    """proboscis's registry, if a suite module imported the decorators (None: no suite in this run).

    Looked up in ``sys.modules`` so that a pytest run of other tests imports nothing of proboscis."""
    decorators = sys.modules.get("rackharness.suite.decorators")
    return getattr(decorators, "DEFAULT_REGISTRY", None) if decorators is not None else None


def leaves(suite: Any) -> Iterator[unittest.TestCase]:
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from leaves(test)
        else:
            yield test


def node_id(test_id: str, module: str) -> str:
    """``tests.rackhd.test_nodes.NodeTests.create`` of module ``tests.rackhd.test_nodes`` ->
    ``tests/rackhd/test_nodes.py::NodeTests::create`` (a numbered factory instance keeps its ``[label]``)."""
    rest = test_id[len(module) + 1 :] if test_id.startswith(module + ".") else test_id
    names, bracket, label = rest.partition("[")
    return module.replace(".", "/") + ".py::" + "::".join(names.split(".")) + bracket + label


def _source(entry: Any) -> tuple[Path | None, int]:
    path, _, line = entry.source.rpartition(":")
    return (Path(path) if path else None), (int(line) if line.isdigit() else 0)


def plan_items(session: Any, plan: Any, item_class: Any, **shared: Any) -> list[Any]:
    """One ``item_class`` per unittest case of ``plan.suite()``, in plan order; ``shared`` goes to each."""
    by_case = {id(entry.case): entry for entry in plan.runnable}
    items = []
    for plan_index, case in enumerate(leaves(plan.suite())):
        entry = by_case[id(case._case)]  # PlannedTest and the unittest-style wrapper both carry it
        test_id = case.id()
        module = getattr(entry.case.entry.home, "__module__", "") or ""
        path, line = _source(entry)
        path = (Path.cwd() / path).resolve() if path is not None else session.path
        item = item_class.from_parent(
            session,
            name=test_id,
            nodeid=node_id(test_id, module),
            path=path,
            case=case,
            entry=entry,
            line=line,
            plan_index=plan_index,
            **shared,
        )
        item.extra_keyword_matches.update(entry.groups)  # `-k nodes` matches the group's tests (not their dependencies)
        item.user_properties.append(("group", ", ".join(entry.groups)))
        if entry.description:
            item.user_properties.append(("description", entry.description))
        items.append(item)
    return items
