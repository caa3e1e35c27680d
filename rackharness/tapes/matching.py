"""Matching a request made now against the recorded ones, across values that change from run to run.

Two requests match when they have the same shape and the same text, except for *volatile* values:

* timestamps (ISO-8601) match any timestamp;
* ids (uuids, hex ids of 16-64 digits such as ObjectIds and ``secrets.token_hex``) and MAC addresses
  match when they correspond: the first time a recorded id meets a new id of the same class, the
  two are paired, and from then on, for the whole replay, that recorded id means that id and no other
  (:class:`Correspondence`). Answers replayed to the harness get the pairs substituted back, so a test
  that made up an id sees its own id in the answer.

:func:`compare` does one comparison without changing the pairs; :func:`nearest` and :func:`diff`
explain a miss.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

_CLASSES = (
    ("timestamp", r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"),
    ("uuid", r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    ("mac", r"(?:[0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}"),
    ("hex", r"[0-9a-f]{16,64}"),
)
VOLATILE = re.compile("|".join(f"(?P<{name}>(?<![0-9A-Za-z]){pattern}(?![0-9A-Za-z]))" for name, pattern in _CLASSES))
#: classes that match any value of the class (no pairing)
WILDCARDS = frozenset({"timestamp"})


def tokens(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """``text`` split into its literal parts and its volatile values ``(class, value)``."""
    literals, values, last = [], [], 0
    for found in VOLATILE.finditer(text):
        literals.append(text[last : found.start()])
        values.append((found.lastgroup, found.group()))
        last = found.end()
    literals.append(text[last:])
    return literals, values


@dataclass
class Correspondence:
    """Recorded id → id of this run, one to one, for the whole replay."""

    forward: dict[str, str] = field(default_factory=dict)
    backward: dict[str, str] = field(default_factory=dict)

    def pair(self, pairs: dict[str, str]) -> None:
        for recorded, live in pairs.items():
            self.forward[recorded] = live
            self.backward[live] = recorded

    def to_live(self, value: Any) -> Any:
        """A recorded value with every paired id replaced by this run's."""
        if not self.forward:
            return value
        if isinstance(value, str):
            literals, values = tokens(value)
            if not values:
                return value
            out = [literals[0]]
            for (kind, token), literal in zip(values, literals[1:]):
                out.append(self.forward.get(token, token) if kind not in WILDCARDS else token)
                out.append(literal)
            return "".join(out)
        if isinstance(value, list):
            return [self.to_live(v) for v in value]
        if isinstance(value, dict):
            return {self.to_live(k): self.to_live(v) for k, v in value.items()}
        return value


class Mismatch(Exception):
    """Where two requests differ (a JSON path) and how."""

    def __init__(self, where: str, why: str) -> None:
        super().__init__(f"{where or '(top)'}: {why}")
        self.where, self.why = where, why


def compare(recorded: Any, live: Any, known: Correspondence) -> dict[str, str]:
    """The new id pairs under which ``live`` matches ``recorded``; :class:`Mismatch` if it does not."""
    pairs: dict[str, str] = {}
    _compare(recorded, live, known, pairs, "")
    return pairs


def _compare(recorded: Any, live: Any, known: Correspondence, pairs: dict[str, str], where: str) -> None:
    if isinstance(recorded, dict) and isinstance(live, dict):
        if set(recorded) != set(live):
            missing, extra = sorted(set(recorded) - set(live)), sorted(set(live) - set(recorded))
            raise Mismatch(where, f"keys differ (recorded only: {missing}, now only: {extra})")
        for key in recorded:
            _compare(recorded[key], live[key], known, pairs, f"{where}.{key}")
    elif isinstance(recorded, list) and isinstance(live, list):
        if len(recorded) != len(live):
            raise Mismatch(where, f"{len(recorded)} items recorded, {len(live)} now")
        for index, (then, now) in enumerate(zip(recorded, live)):
            _compare(then, now, known, pairs, f"{where}[{index}]")
    elif isinstance(recorded, str) and isinstance(live, str):
        if recorded != live or known.forward or pairs:  # an unchanged id may be paired to another one
            _compare_text(recorded, live, known, pairs, where)
    elif recorded != live or type(recorded) is not type(live):
        raise Mismatch(where, f"recorded {recorded!r}, now {live!r}")


def _compare_text(recorded: str, live: str, known: Correspondence, pairs: dict[str, str], where: str) -> None:
    r_literals, r_values = tokens(recorded)
    l_literals, l_values = tokens(live)
    if r_literals != l_literals or [k for k, _ in r_values] != [k for k, _ in l_values]:
        raise Mismatch(where, f"recorded {recorded!r}, now {live!r}")
    for (kind, r), (_, now) in zip(r_values, l_values):
        if kind in WILDCARDS:
            continue
        paired = pairs.get(r, known.forward.get(r))
        if paired is not None:
            if paired != now:
                raise Mismatch(where, f"recorded {r} stands for {paired} in this replay, not {now}")
            continue
        if now in known.backward or now in pairs.values():
            raise Mismatch(where, f"{now} already stands for another recorded {kind}")
        if r != now:
            pairs[r] = now


def canonical(value: Any) -> str:
    """The text of a request used to show differences: sorted keys, one value a line."""
    return json.dumps(value, indent=1, sort_keys=True, default=str, ensure_ascii=False)


def diff(recorded: Any, live: Any) -> str:
    """A unified diff from the recorded request to this one."""
    lines = difflib.unified_diff(
        canonical(recorded).splitlines(), canonical(live).splitlines(), "recorded", "now", lineterm="", n=2
    )
    return "\n".join(lines)


def similarity(recorded: Any, live: Any) -> float:
    return difflib.SequenceMatcher(None, canonical(recorded), canonical(live), autojunk=False).ratio()


def nearest(candidates: list[dict[str, Any]], live: Any) -> dict[str, Any] | None:
    """Of ``candidates`` (interactions), the one whose request is most like ``live``."""
    best, score = None, -1.0
    for candidate in candidates:
        ratio = similarity(candidate.get("request"), live)
        if ratio > score:
            best, score = candidate, ratio
    return best
