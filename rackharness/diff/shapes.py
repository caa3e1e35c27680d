"""What of an answer is compared, and how run-specific values are taken out.

A request's *endpoint* is its method and path template: ids (uuids, hex ids, MACs) become ``{id}``/
``{mac}``, the suite's generated names (``rh-suite-<run>-...``) ``{name}``. In an answer: the status;
the headers clients rely on (Content-Type, Location, Allow, WWW-Authenticate); the JSON body's shape
(keys, types, nesting); and its string and boolean values once run-specific parts are masked
(timestamps, ids, MACs, IP addresses, generated names, tokens, the host and port of a URL). Numbers are compared by type only
(counters, readings and durations are the run's own).
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any, Iterator

from rackharness.tapes.matching import tokens

HEADERS = ("content-type", "location", "allow", "www-authenticate")
_NAME = re.compile(r"rh-suite[-.][0-9a-f]{6}(?:-[A-Za-z0-9_.]+)*")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_HOST = re.compile(r"(?<=://)[^/\s\"']+")
_IP = re.compile(
    r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?|[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}(?:%\w+)?)(?![\w.:])",
    re.IGNORECASE,
)
_MASKS = {"uuid": "{id}", "hex": "{id}", "mac": "{mac}", "timestamp": "{time}"}


def mask(text: str) -> str:
    """``text`` with every run-specific part replaced by its kind."""
    text = _HOST.sub("{host}", _NAME.sub("{name}", _JWT.sub("{token}", text)))
    literals, values = tokens(text)
    out = [literals[0]]
    for (kind, _value), literal in zip(values, literals[1:]):
        out.append(_MASKS.get(kind, "{value}"))
        out.append(literal)
    return _IP.sub("{ip}", "".join(out))


def template(path: str) -> str:
    """A path as an endpoint template: ``/api/2.0/nodes/5f.../obm`` → ``/api/2.0/nodes/{id}/obm``."""
    return mask(path)


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def header(headers: dict[str, str], name: str) -> str | None:
    found = next((v for k, v in headers.items() if k.lower() == name), None)
    if found is None:
        return None
    if name == "content-type":  # the media type and charset, spelled either way
        return ";".join(part.strip().lower().replace('"', "") for part in found.split(";"))
    return mask(found)


def body_differences(
    rackhd: Any, reference: Any, where: str = "body", *, values: bool = True
) -> Iterator[tuple[str, str, Any, Any]]:
    """(where, kind, RackHD's, the reference's) for every way the two bodies differ. Inside an array only the
    shape counts (``values=False``): which item comes first, and what it holds, is the run's own."""
    a, b = kind_of(rackhd), kind_of(reference)
    if a != b:
        yield where, "type", _short(rackhd), _short(reference)
        return
    if (
        a == "object"
        and (_keyed_by_ids(rackhd) or _keyed_by_ids(reference))
        and all(_keyed_by_ids(side) or not side for side in (rackhd, reference))
    ):  # a map by id (one may be empty)
        if rackhd and reference:  # like an array: how many is the run's own; its items are compared
            yield from _item_differences(list(rackhd.values()), list(reference.values()), f"{where}{{id}}")
    elif a == "object":
        for key in sorted(set(rackhd) | set(reference)):
            if key not in reference:
                yield f"{where}.{key}", "missing key", _short(rackhd[key]), "(absent)"
            elif key not in rackhd:
                yield f"{where}.{key}", "extra key", "(absent)", _short(reference[key])
            else:
                yield from body_differences(rackhd[key], reference[key], f"{where}.{key}", values=values)
    elif a == "array":
        if rackhd and reference:  # how many is the run's own; what an item is like is compared
            yield from _item_differences(rackhd, reference, f"{where}[]")
    elif a in ("string", "boolean") and values:
        left, right = (mask(rackhd), mask(reference)) if a == "string" else (rackhd, reference)
        if left != right:
            yield where, "value", _short(rackhd), _short(reference)


def with_renames(found: list[tuple[str, str, Any, Any]]) -> list[tuple[str, str, Any, Any]]:
    """A key missing on one side and another extra on the other, of the same type under the same parent, as one
    ``renamed key`` difference (``body[].name → body[].nodeName``): one change, one line. Where a parent has
    several of a type, a pair is made only of names alike (difflib ratio ≥ 0.6), the most alike first."""
    missing: dict[tuple[str, str], list[int]] = {}
    extra: dict[tuple[str, str], list[int]] = {}
    for index, (where, kind, rackhd, reference) in enumerate(found):
        if kind in ("missing key", "extra key") and "." in where:
            side, shown = (missing, rackhd) if kind == "missing key" else (extra, reference)
            side.setdefault((where.rsplit(".", 1)[0], kind_words(shown)), []).append(index)
    merged: dict[int, tuple[str, str, Any, Any] | None] = {}
    for key, gone in missing.items():
        come = extra.get(key, [])
        alike = sorted(
            (
                (difflib.SequenceMatcher(None, _key(found[m][0]), _key(found[e][0])).ratio(), m, e)
                for m in gone
                for e in come
            ),
            reverse=True,
        )
        for ratio, m, e in alike:
            if m in merged or e in merged or (ratio < 0.6 and (len(gone), len(come)) != (1, 1)):
                continue
            merged[m] = (f"{found[m][0]} → {found[e][0]}", "renamed key", found[m][2], found[e][3])
            merged[e] = None
    return [merged.get(i, item) for i, item in enumerate(found) if merged.get(i, item) is not None]


def _key(where: str) -> str:
    return where.rsplit(".", 1)[-1]


def kind_words(shown: Any) -> str:
    """The kind a shown side holds: the type names a path has (``string | null``), or a value's JSON type."""
    if (
        isinstance(shown, str)
        and shown
        and all(w in ("object", "array", "string", "number", "boolean", "null") for w in shown.split(" | "))
    ):
        return shown
    try:
        return kind_of(json.loads(shown))
    except (TypeError, ValueError):
        return "string"


def _item_differences(rackhd: list, reference: list, where: str) -> Iterator[tuple[str, str, Any, Any]]:
    """Two collections of items by shape: the typed paths any item has on one side and none has on the other
    (so which items a run holds, and in what order, does not count)."""
    a, b = _paths(rackhd, where), _paths(reference, where)
    reported: list[str] = []
    for path in sorted(set(a) | set(b)):
        if any(
            path.startswith(done + ".") or path.startswith(done + "[") or path.startswith(done + "{")
            for done in reported
        ):
            continue  # under a path reported already
        if path not in b:
            yield path, "missing key", " | ".join(sorted(a[path])), "(absent)"
        elif path not in a:
            yield path, "extra key", "(absent)", " | ".join(sorted(b[path]))
        elif a[path] != b[path] and "null" not in a[path] | b[path]:
            yield path, "type", " | ".join(sorted(a[path])), " | ".join(sorted(b[path]))
        else:
            continue
        reported.append(path)


def _paths(items: list, where: str) -> dict[str, set[str]]:
    """Every path in ``items`` (nested keys; ``[]`` for array items, ``{id}`` for the values of a map by id) → its kinds."""
    found: dict[str, set[str]] = {}

    def walk(value: Any, path: str) -> None:
        found.setdefault(path, set()).add(kind_of(value))
        if isinstance(value, dict):
            if _keyed_by_ids(value):
                for item in value.values():
                    walk(item, f"{path}{{id}}")
            else:
                for key, item in value.items():
                    walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for item in value:
                walk(item, f"{path}[]")

    for item in items:
        walk(item, where)  # ``where`` itself: the kinds of the items
    return found


def _keyed_by_ids(value: dict) -> bool:
    """An object whose keys are all ids (a graph's ``tasks`` by instance id): a map, not a record."""
    return bool(value) and all(mask(str(key)) in ("{id}", "{mac}", "{ip}") for key in value)


def _short(value: Any, limit: int = 80) -> str:
    """The value as JSON (so "404" and 404 read differently), cut to ``limit`` characters."""
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."
