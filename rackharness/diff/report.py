"""The diff's output: a readable report grouped by endpoint, and the JSON report (``--report FILE``).

JSON: ``{"operations": N (pairs of requests compared), "endpoints": N, "event_routing_keys": N (AMQP routing
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
        entry = known.answer(difference.endpoint, difference.where, version) if known is not None else None
        if entry is None:
            new.append(difference)
        else:
            difference.known = {"right": entry.right, "reason": entry.reason}
            intended.append(difference)
    return new, intended


def render(comparison: Comparison, new: list[Difference], intended: list[Difference], *, against: str,
           limit: int | None = None) -> str:
    """The text report: new differences by endpoint, one line each with both answers; then the totals."""
    lines = [f"rackharness diff: the reference against {against}"]
    shown = new if limit is None else new[:limit]
    for name, group in itertools.groupby(shown, key=lambda d: d.endpoint):
        lines.append(f"  {name}")
        lines.extend(f"    {difference.line()}" for difference in group)
    if limit is not None and len(new) > limit:
        lines.append(f"  ... and {len(new) - limit} more (--report FILE has them all)")
    lines.append(f"{comparison.operations} request(s) compared on {len(comparison.endpoints)} endpoint(s) "
                 f"({comparison.unpaired_rackhd} of RackHD's and {comparison.unpaired_reference} of the reference's "
                 f"unpaired), events of {comparison.event_kinds} routing key(s); {len(new)} difference(s), "
                 f"{len(intended)} known")
    return "\n".join(lines)


def write_json(path: Path, comparison: Comparison, new: list[Difference], intended: list[Difference]) -> None:
    data = {"operations": comparison.operations, "endpoints": len(comparison.endpoints),
            "event_routing_keys": comparison.event_kinds,
            "unpaired": {"rackhd": comparison.unpaired_rackhd, "reference": comparison.unpaired_reference},
            "differences": [d.to_json() for d in new], "intended": [d.to_json() for d in intended]}
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
