"""The diff's output: a readable report grouped by endpoint, and the JSON report (``--report FILE``).

JSON: ``{"operations": N (requests compared: the suite's pairs and the generated ones), "suite_requests": N,
"generated": {"compared": N, "against": "rackhd" | "contract", "private": N (sent only to the private
reference rack), "skipped": N}, "endpoints": N, "event_routing_keys": N (AMQP routing
keys whose messages were compared), "unpaired": {"rackhd": N,
"reference": N}, "differences": [...] (not in the known-differences file), "intended": [...] (in it,
with which side is right and why)}``; each item ``{endpoint, where, kind, rackhd, reference, count,
tests}``. Exit status: 0 when every difference is known, 1 otherwise.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from rackharness.diff.compare import Comparison, Difference


def classify(comparison: Comparison, known: Any, version: str | None) -> tuple[list[Difference], list[Difference]]:
    """(new, intended): the differences the known-differences file does not name, and those it does."""
    new, intended = [], []
    for difference in sorted(comparison.differences.values(), key=lambda d: (d.endpoint, d.where)):
        entry = None
        if known is not None:  # a renamed key is known when its whole line is, or either of its two sides
            names = [difference.where] + (difference.where.split(" → ") if difference.kind == "renamed key" else [])
            entry = next((e for e in (known.answer(difference.endpoint, where, version) for where in names) if e), None)
        if entry is None:
            new.append(difference)
        else:
            difference.known = {"right": entry.right, "reason": entry.reason}
            intended.append(difference)
    return new, intended


def render(
    comparison: Comparison, new: list[Difference], intended: list[Difference], *, against: str, limit: int | None = None
) -> str:
    """The text report: new differences by endpoint, one line each with both answers; then the totals."""
    lines = [f"rackharness diff: the reference against {against}"]
    shown = new if limit is None else new[:limit]
    for name, group in itertools.groupby(shown, key=lambda d: d.endpoint):
        lines.append(f"  {name}")
        lines.extend(f"    {difference.line()}" for difference in group)
    if limit is not None and len(new) > limit:
        lines.append(f"  ... and {len(new) - limit} more (--report FILE has them all)")
    generated = (
        (
            f"{comparison.generated} generated request(s) compared with {_against(comparison)} "
            f"({comparison.generated_private} of them sent only to the private reference rack, "
            f"{comparison.generated_skipped} not sent)"
        )
        if comparison.generated_against
        else "no generated requests (--suite-only)"
    )
    lines.append(
        f"{comparison.operations} request(s) of the suite compared ({comparison.unpaired_rackhd} of "
        f"RackHD's and {comparison.unpaired_reference} of the reference's unpaired), {generated}, on "
        f"{len(comparison.endpoints)} endpoint(s); events of {comparison.event_kinds} routing key(s); "
        f"{len(new)} difference(s), {len(intended)} known"
    )
    return "\n".join(lines)


def _against(comparison: Comparison) -> str:
    return (
        "RackHD's answers"
        if comparison.generated_against == "rackhd"
        else "the contract (RackHD's answers to them not recorded)"
    )


def write_json(path: Path, comparison: Comparison, new: list[Difference], intended: list[Difference]) -> None:
    data = {
        "operations": comparison.operations + comparison.generated,
        "endpoints": len(comparison.endpoints),
        "suite_requests": comparison.operations,
        "generated": {
            "compared": comparison.generated,
            "against": comparison.generated_against or None,
            "private": comparison.generated_private,
            "skipped": comparison.generated_skipped,
        },
        "event_routing_keys": comparison.event_kinds,
        "unpaired": {"rackhd": comparison.unpaired_rackhd, "reference": comparison.unpaired_reference},
        "differences": [d.to_json() for d in new],
        "intended": [d.to_json() for d in intended],
    }
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
