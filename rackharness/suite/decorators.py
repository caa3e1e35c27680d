"""proboscis, loaded so that it works on every Python we support; the only place that imports it.

proboscis 1.2.6.0 has three import-time hazards:

* on Python 3 it runs ``import imp`` for ``imp.reload``; ``imp`` is gone in Python 3.12;
* without nose it subclasses ``unittest._TextTestResult``, an alias also gone in Python 3.12;
* if nose 1.x is importable it builds on nose, which does not import on Python 3.10+.

:func:`load_proboscis` imports it with a stand-in ``imp`` (only ``reload``, which is
``importlib.reload``) when the real one is missing, with ``unittest._TextTestResult`` pointing at
``unittest.TextTestResult`` when it is missing, and with ``nose`` hidden so proboscis takes its
plain-unittest path. All are undone as soon as proboscis is imported: nothing else in the process
sees a fake ``imp``, the old alias, or loses ``nose``.

Test modules use the names re-exported here::

    from rackharness.suite.decorators import asserts, test

    @test(groups=["nodes"], depends_on_groups=["smoke"])
    class NodeTests:
        @test
        def create(self): ...
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
import unittest
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def _import_guard() -> Iterator[None]:
    saved = {name: sys.modules.get(name, _MISSING) for name in ("imp", "nose")}
    add_alias = not hasattr(unittest, "_TextTestResult")  # present up to 3.11
    try:
        try:
            has_imp = importlib.util.find_spec("imp") is not None  # present up to 3.11
        except ImportError:
            has_imp = False
        if not has_imp:
            stand_in = types.ModuleType("imp", "stand-in for proboscis: reload only")
            stand_in.reload = importlib.reload
            sys.modules["imp"] = stand_in
        sys.modules["nose"] = None  # type: ignore[assignment] - `import nose...` raises ImportError
        if add_alias:
            unittest._TextTestResult = unittest.TextTestResult  # type: ignore[attr-defined]
        yield
    finally:
        if add_alias:
            del unittest._TextTestResult  # type: ignore[attr-defined]
        for name, module in saved.items():
            if module is _MISSING:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


_MISSING = object()


def load_proboscis() -> types.ModuleType:
    """Import (once) and return the ``proboscis`` package."""
    if "proboscis" in sys.modules:
        return sys.modules["proboscis"]
    with _import_guard():
        import proboscis
        import proboscis.asserts  # noqa: F401 - imported under the guard too
    return proboscis


_proboscis = load_proboscis()

from proboscis import asserts  # noqa: E402 - after the guarded import
from proboscis.decorators import DEFAULT_REGISTRY  # noqa: E402

test = _proboscis.test
before_class = _proboscis.before_class
after_class = _proboscis.after_class
register = _proboscis.register
factory = _proboscis.factory
#: raise to skip a test (unittest's own; proboscis's SkipTest is converted too)
SkipTest = unittest.SkipTest
TestRegistry = _proboscis.TestRegistry
TestPlan = _proboscis.TestPlan

__all__ = [
    "DEFAULT_REGISTRY",
    "SkipTest",
    "TestPlan",
    "TestRegistry",
    "after_class",
    "asserts",
    "before_class",
    "factory",
    "load_proboscis",
    "register",
    "test",
]
