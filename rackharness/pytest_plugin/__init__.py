"""pytest plugin: run the proboscis-decorated black-box suite exactly as the nose2 plugins do.

Registered as a ``pytest11`` entry point (``setup.py``), so ``.venv/bin/pytest tests/rackhd`` runs the
suite: the same :class:`~rackharness.suite.plan.SuitePlan` (dependencies first, the final group
``cleanup`` last), the same test ids (``tests.rackhd.test_nodes.NodeTests.create``), the same skip
cascade ("prerequisite X failed", from :mod:`rackharness.suite.cases`), the same known differences
(expected failures against a RackHD of a listed version), the same record/replay tapes, and the same
target (``configure()`` before the first test, ``shutdown()`` after the last).

What pytest would collect on its own is kept out: proboscis-decorated functions and classes, and
proboscis's own callables imported into a test module (the ``test`` decorator looks like a test to
pytest). When, after collection, proboscis's registry holds no test (and neither ``--group`` nor
``--show-plan`` was given), the plugin leaves the session exactly as pytest built it.

Options (group "rackharness"): ``--group NAME`` (repeatable), ``--show-plan``, ``--rack-config FILE``,
``--record-mode MODE``, ``--known-differences PATH`` (:mod:`.options`). Selecting with ``-k`` or
``--deselect`` works on the suite's items, but runs exactly what matched: a deselected prerequisite
does not run and does not skip its dependents. ``--group`` is the way to select part of the suite.

Modules, one concept each: :mod:`.options` (command line), :mod:`.collection` (what pytest must not
collect; the plan's items), :mod:`.item` (one unittest case as a pytest item), :mod:`.case_runner` (the
unittest result a case reports to), :mod:`.known` (known differences), :mod:`.target` (the rack and
its tapes), :mod:`.reporting` (the runner-neutral reports of :mod:`rackharness.reports`), and
:mod:`.session` (the plugin object driving a run). Importing this package does no I/O.
"""

from __future__ import annotations

from typing import Any

import pytest

from rackharness.pytest_plugin.collection import is_proboscis_object
from rackharness.pytest_plugin.options import SuiteOptions, add_options

#: the name the per-run plugin object is registered under
SESSION_PLUGIN_NAME = "rackharness-suite"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    from rackharness.pytest_plugin.session import SuiteRun

    # proboscis 1.2.6.0 imports `imp`; on Python 3.11 that warns at every run (nose2 shows nothing)
    config.addinivalue_line("filterwarnings", "ignore:the imp module is deprecated:DeprecationWarning:proboscis")
    options = SuiteOptions.from_config(config)
    options.apply_record_mode()
    config.pluginmanager.register(SuiteRun(config, options), SESSION_PLUGIN_NAME)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: Any, name: str, obj: Any) -> list | None:
    """Nothing of proboscis is a pytest test: the suite's items come from the plan, after collection."""
    if is_proboscis_object(obj):
        return []
    return None
