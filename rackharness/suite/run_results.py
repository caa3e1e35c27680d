"""The results of recorded suite runs, per group: what docs/tested-matrix.md's result matrix is made of.

A run's JUnit XML (``nose2 --junit-xml``, ``pytest --junitxml``) says, test by test, what happened
against one system. :func:`read_junit` reads it into outcomes by test id; :func:`summarize` counts
them per group of the suite's plan (a test counts in its first group) and keeps what is needed to
print one cell per group: passed, failed, skipped, known differences (expected failures), and tests
of the plan the run does not have (it was recorded before they were written). :class:`RunSummary`
is stored as one small JSON file per column in ``fixtures/runs/`` (``rackharness matrix --record
COLUMN --junit FILE``), so the page can be regenerated without running anything.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from rackharness.errors import UsageError
from rackharness.invocation import named

#: where the run summaries live, relative to the project root
RUNS_DIR = Path("fixtures") / "runs"
#: the columns of the matrix, in this order (others follow, A-Z)
COLUMNS = ("reference", "rackhd-2.60.7", "isolated", "replay")
OUTCOMES = ("passed", "failed", "skipped", "known", "missing")


class RunResultsError(UsageError):
    """A JUnit file or a stored run summary that cannot be read."""


def _outcome(case: ET.Element) -> str:
    for child in case:  # <properties>, <system-out> and the like say nothing of the outcome
        if child.tag in ("failure", "error"):
            return "failed"
        if child.tag == "skipped":
            message = (child.get("message") or "").lower()
            kind = (child.get("type") or "").lower()
            if "expected test failure" in message or "xfail" in kind or message.startswith("known difference"):
                return "known"
            if "passes unexpectedly" in message:
                return "failed"
            return "skipped"
    return "passed"


def _test_id(case: ET.Element) -> str:
    for prop in case.iter("property"):
        if prop.get("name") in ("test_id", "id") and prop.get("value"):
            return prop.get("value", "")
    classname, name = case.get("classname") or "", case.get("name") or ""
    return f"{classname}.{name}" if classname else name


_CASE = re.compile(
    r"<testcase\b([^>]*?)(/?)>\s*(?:<properties>(.*?)</properties>\s*)?"
    r"(?:<(failure|error|skipped)\b([^>]*)>)?",
    re.S,
)
_PROPERTY = re.compile(r"<property\b([^>]*)/?>")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def _scan(text: str) -> dict[str, str]:
    """The outcomes of a JUnit file that is not well-formed XML (an unescaped ``<`` in a traceback):
    each ``<testcase>``'s outcome is the element right after its opening tag."""
    outcomes = {}
    for match in _CASE.finditer(text):
        attributes = {k: html.unescape(v) for k, v in _ATTRIBUTE.findall(match.group(1))}
        case = ET.Element("testcase", attributes)
        properties = ET.SubElement(case, "properties")
        for prop in _PROPERTY.findall(match.group(3) or ""):
            ET.SubElement(properties, "property", {k: html.unescape(v) for k, v in _ATTRIBUTE.findall(prop)})
        if match.group(4) and not match.group(2):
            ET.SubElement(case, match.group(4), {k: html.unescape(v) for k, v in _ATTRIBUTE.findall(match.group(5))})
        outcomes[_test_id(case)] = _outcome(case)
    return outcomes


def read_junit(path: str | Path) -> dict[str, str]:
    """``{test id: passed|failed|skipped|known}`` of every ``<testcase>`` in a JUnit XML file."""
    hint = "pass the XML a run wrote with `nose2 --junit-xml` or `pytest --junitxml=FILE`"
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise RunResultsError(f"JUnit file {path}: {exc.strerror or exc}", hint=hint) from exc
    try:
        outcomes = {_test_id(case): _outcome(case) for case in ET.fromstring(text).iter("testcase")}
    except ET.ParseError:
        outcomes = _scan(text)
    if not outcomes:
        raise RunResultsError(f"JUnit file {path}: no <testcase> in it", hint="was the run empty?")
    return outcomes


@dataclass
class RunSummary:
    """One column of the matrix: a recorded run's outcomes counted per group."""

    column: str
    title: str
    source: str
    recorded: str
    groups: dict[str, dict[str, int]] = field(default_factory=dict)

    def cell(self, group: str) -> str:
        counts = self.groups.get(group)
        if not counts:
            return "not run"
        parts = [f"{counts[k]} {k if k != 'known' else 'known diff.'}" for k in OUTCOMES if counts.get(k)]
        return ", ".join(parts) if parts else "not run"

    def totals(self) -> dict[str, int]:
        total: Counter = Counter()
        for counts in self.groups.values():
            total.update(counts)
        return {k: total[k] for k in OUTCOMES if total[k]}

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_file(cls, path: Path) -> "RunSummary":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**{k: data[k] for k in ("column", "title", "source", "recorded", "groups")})
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RunResultsError(
                f"run summary {path}: cannot read it ({exc})",
                hint=named("record it again with `rackharness matrix --record COLUMN --junit FILE`"),
            ) from exc


def summarize(
    entries: Iterable[Any], outcomes: Mapping[str, str], *, column: str, title: str, source: str, recorded: str
) -> RunSummary:
    """Count ``outcomes`` per group of the plan ``entries`` (PlanEntry: id, groups, enabled)."""
    groups: dict[str, Counter] = {}
    for entry in entries:
        if not entry.enabled:
            continue
        group = entry.groups[0] if entry.groups else "-"
        groups.setdefault(group, Counter())[outcomes.get(entry.id, "missing")] += 1
    return RunSummary(
        column=column,
        title=title,
        source=source,
        recorded=recorded,
        groups={g: {k: c[k] for k in OUTCOMES if c[k]} for g, c in groups.items()},
    )


def load_runs(directory: str | Path) -> list[RunSummary]:
    """The stored summaries of ``directory``, in matrix column order."""
    directory = Path(directory)
    runs = [RunSummary.from_file(path) for path in sorted(directory.glob("*.json"))] if directory.is_dir() else []
    order = {name: index for index, name in enumerate(COLUMNS)}
    return sorted(runs, key=lambda run: (order.get(run.column, len(order)), run.column))


def render_results(group_names: Iterable[str], runs: list[RunSummary]) -> list[str]:
    """The markdown lines of the result matrix: one row per group, one column per recorded run."""
    if not runs:
        return ["## Results of the last recorded runs", "", "No run recorded (`rackharness matrix --record`).", ""]
    lines = [
        "## Results of the last recorded runs",
        "",
        "Each column is the last recorded run against one system (`rackharness matrix --record COLUMN "
        "--junit FILE` stores it in `fixtures/runs/`); *known diff.* are RackHD's known differences "
        "(expected failures), *missing* are tests the run did not have (written after it).",
        "",
    ]
    lines += ["| group | " + " | ".join(run.title for run in runs) + " |", "|---|" + "---|" * len(runs)]
    for group in group_names:
        lines.append(f"| `{group}` | " + " | ".join(run.cell(group) for run in runs) + " |")
    totals = [", ".join(f"{n} {k if k != 'known' else 'known diff.'}" for k, n in run.totals().items()) for run in runs]
    lines += ["| **all** | " + " | ".join(f"**{t}**" for t in totals) + " |", ""]
    lines += [f"- **{run.title}**: {run.source}; recorded {run.recorded}." for run in runs]
    return lines + [""]
