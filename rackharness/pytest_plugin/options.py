"""The pytest plugin's command line (group "rackharness"), the same options the nose2 plugins give.

``--group NAME`` (repeatable), ``--show-plan`` and ``--rack-config FILE`` are
:mod:`rackharness.nose2.groups`'s; ``--record-mode MODE`` is :mod:`rackharness.nose2.tapes`'s (parsed
the same way; ``RACKHARNESS_RECORD_MODE`` when absent); ``--known-differences PATH`` is the file
:mod:`rackharness.nose2.known` reads (default: ``RACKHARNESS_KNOWN_DIFFERENCES``, else
``tests/rackhd/known_differences.yaml`` under pytest's rootdir when it exists). ``--html-report FILE``
and ``--report-junit FILE`` are written by :mod:`rackharness.reports` when it is installed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from rackharness.errors import UsageError

#: the known-differences file of the project, relative to pytest's rootdir
DEFAULT_KNOWN_DIFFERENCES = Path("tests/rackhd/known_differences.yaml")
#: overrides the default known-differences file (the nose2 plugin reads it too)
KNOWN_DIFFERENCES_ENV = "RACKHARNESS_KNOWN_DIFFERENCES"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("rackharness", "rackharness black-box suite (proboscis order, as nose2 runs it)")
    group.addoption(
        "--group",
        action="append",
        default=[],
        dest="rackharness_groups",
        metavar="NAME",
        help="run only this proboscis group and what it depends on, plus the final groups "
        "(repeatable); the way to select part of the suite",
    )
    group.addoption(
        "--show-plan",
        action="store_true",
        default=False,
        dest="rackharness_show_plan",
        help="print the suite's test order and exit without running anything",
    )
    group.addoption(
        "--rack-config",
        default=None,
        dest="rackharness_rack_config",
        metavar="FILE",
        help="YAML file describing the rack to test (default: the stack state, or RACKHARNESS_*)",
    )
    group.addoption(
        "--record-mode",
        default=None,
        dest="rackharness_record_mode",
        metavar="MODE",
        help="record/replay the suite on tapes: none (replay only), once, new_episodes, all "
        "(default: RACKHARNESS_RECORD_MODE; unset: live)",
    )
    group.addoption(
        "--known-differences",
        default=None,
        dest="rackharness_known_differences",
        metavar="PATH",
        help=f"known differences of RackHD versions (default: {KNOWN_DIFFERENCES_ENV}, else "
        f"{DEFAULT_KNOWN_DIFFERENCES} under the rootdir when it exists)",
    )
    group.addoption(
        "--html-report",
        default=None,
        dest="rackharness_html_report",
        metavar="FILE",
        help="write the suite's self-contained HTML report to FILE (rackharness.reports)",
    )
    group.addoption(
        "--report-junit",
        default=None,
        dest="rackharness_report_junit",
        metavar="FILE",
        help="write rackharness.reports' JUnit XML (with each test's exchanges) to FILE; "
        "pytest's own --junitxml is unchanged",
    )


@dataclass(frozen=True)
class SuiteOptions:
    """What the command line asked of the suite."""

    groups: tuple[str, ...]
    show_plan: bool
    rack_config: str | None
    record_mode: str | None
    known_differences: str  # "" : no file
    html_report: str | None
    report_junit: str | None

    @classmethod
    def from_config(cls, config: pytest.Config) -> "SuiteOptions":
        get = config.getoption
        return cls(
            groups=tuple(get("rackharness_groups") or ()),
            show_plan=bool(get("rackharness_show_plan")),
            rack_config=get("rackharness_rack_config"),
            record_mode=get("rackharness_record_mode"),
            known_differences=known_differences_path(get("rackharness_known_differences"), config.rootpath),
            html_report=get("rackharness_html_report"),
            report_junit=get("rackharness_report_junit"),
        )

    def apply_record_mode(self) -> None:
        """``--record-mode`` as ``nose2 --record-mode`` takes it: it wins over RACKHARNESS_RECORD_MODE; a bad
        value ends the run (exit 2) before anything is collected."""
        if self.record_mode is None:
            return
        from rackharness.suite import context
        from rackharness.tapes.modes import parse

        try:
            context.request_record_mode(parse(self.record_mode, source="--record-mode") or "live")
        except UsageError as exc:
            pytest.exit(f"rackharness: error: {exc}", returncode=exc.exit_code)


def known_differences_path(option: str | None, rootpath: Path, environ: dict | None = None) -> str:
    """The option, else the environment variable, else the project's file under ``rootpath`` if it exists ("")."""
    environ = os.environ if environ is None else environ
    if option:
        return option
    if environ.get(KNOWN_DIFFERENCES_ENV):
        return environ[KNOWN_DIFFERENCES_ENV]
    default = rootpath / DEFAULT_KNOWN_DIFFERENCES
    if default.is_file():
        try:
            return str(default.relative_to(Path.cwd()))
        except ValueError:
            return str(default)
    return ""
