"""Which hooks an event goes to: RackHD's filter semantics (on-core ``lib/common/hook.js``).

A hook's ``filters`` is a list of objects ``{field: regex}``. An event goes to the hook when the
list is empty (or missing) or when **any** filter matches; a filter matches when **every** field
it names is present in the event envelope (``type``, ``action``, ``severity``, ``typeId``,
``nodeId``, ``data``, ``version``, ``createdAt``) and ``new RegExp(value).test(event[field])``
holds. JavaScript semantics, kept on purpose:

* ``test`` searches (``"added"`` matches ``"node.added"``-like text anywhere); anchor with ``^…$``;
* the event value is converted as JavaScript's ``String()`` does: ``null`` → ``"null"`` (so
  ``{"nodeId": "null"}`` matches node-less events such as heartbeats), ``true`` → ``"true"``,
  an object → ``"[object Object]"``, a list → its items joined with commas;
* the pattern is JavaScript syntax: ``$`` is the very end of the text, ``\\d``/``\\w``/``\\b`` are
  ASCII, ``(?<name>…)``, ``\\k<name>``, ``[^]`` and ``[]`` work, an escaped letter that means
  nothing (``\\A``, ``\\Z``, ``\\e``) is that letter.

:func:`js_regex` raises ``ValueError`` for a pattern it cannot compile (the API answers 400; a
stored filter that does not compile matches nothing and is logged).
"""

from __future__ import annotations

import functools
import logging
import math
import re
from typing import Any

log = logging.getLogger(__name__)

#: escapes with a meaning in a JavaScript (non-unicode) regex; any other escaped letter is the letter
_JS_ESCAPES = set("dDwWsSbBfnrtv0cxuk123456789")


def js_string(value: Any) -> str:
    """``String(value)`` as JavaScript computes it for JSON values."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, (list, tuple)):
        return ",".join("" if item is None else js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _translate(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "k" and not in_class and pattern.startswith("<", i + 2):
                end = pattern.index(">", i + 3)
                out.append(f"(?P={pattern[i + 3 : end]})")
                i = end + 1
                continue
            if nxt.isascii() and nxt.isalpha() and nxt not in _JS_ESCAPES:
                out.append(re.escape(nxt))
            else:
                out.append(char + nxt)
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif char == "[":
                char = "\\["  # literal in JS; Python warns about nested sets
            out.append(char)
        elif char == "[":
            if pattern.startswith("[^]", i):
                out.append("[\\s\\S]")
                i += 3
                continue
            if pattern.startswith("[]", i):
                out.append("(?!)")
                i += 2
                continue
            in_class = True
            out.append(char)
            if pattern.startswith("[^", i):
                out.append("^")
                i += 1
        elif char == "$":
            out.append("\\Z")  # the end of the text only (Python's $ also matches before a final newline)
        elif char == "(" and pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def js_regex(pattern: str) -> re.Pattern[str]:
    """``new RegExp(pattern)`` as a Python pattern; ValueError saying why when it does not compile."""
    try:
        return re.compile(_translate(pattern), re.ASCII)
    except (re.error, ValueError) as exc:
        raise ValueError(f"{pattern!r} is not a regular expression RackHD accepts: {exc}") from None


def check_filters(filters: Any) -> list[str]:
    """Problems with a hook's ``filters`` (each saying which filter and field), [] when usable."""
    if filters is None:
        return []
    if not isinstance(filters, list):
        return [f"filters must be a list of {{field: regex}} objects, got {type(filters).__name__}"]
    problems = []
    for index, item in enumerate(filters):
        if not isinstance(item, dict):
            problems.append(f"filters/{index}: expected an object {{field: regex}}, got {item!r:.80}")
            continue
        for field, value in item.items():
            try:
                js_regex(js_string(value))
            except ValueError as exc:
                problems.append(f"filters/{index}/{field}: {exc}")
    return problems


def filter_matches(event: dict[str, Any], condition: Any) -> bool:
    """One filter: every field it names is in the event and its regex finds the event's value."""
    if not isinstance(condition, dict):
        return False
    for field, value in condition.items():
        if field not in event:
            return False
        try:
            pattern = js_regex(js_string(value))
        except ValueError as exc:
            log.warning("hook filter on %s skipped: %s", field, exc)
            return False
        if pattern.search(js_string(event[field])) is None:
            return False
    return True


def hook_matches(event: dict[str, Any], filters: Any) -> bool:
    """RackHD's rule: no filters → every event; otherwise any matching filter suffices."""
    if not filters:
        return True
    if isinstance(filters, dict):  # lodash iterates an object's values as it does a list
        filters = list(filters.values())
    if not isinstance(filters, list):
        return False
    return any(filter_matches(event, condition) for condition in filters)
