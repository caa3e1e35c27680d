"""MongoDB query semantics evaluated in Python, for the filters nx-27017 0.8.1 gets wrong.

Only what RackHD's drivers send is implemented (see docs/store.md): equality (with array-element
and missing-as-null rules, embedded-document and ObjectId equality on any field), BSON regexes
(also inside ``$in``/``$nin``/``$not``/``$elemMatch``), ``$eq $ne $gt $gte $lt $lte $in $nin
$exists $not $regex $options $elemMatch $size $all $type $mod``, ``$and $or $nor``, dotted paths
through arrays. Anything else raises :class:`Unsupported` (the store answers ``ok: 0``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bson import ObjectId, Regex
from bson.int64 import Int64

MISSING = object()
_RE_TYPE = type(re.compile(""))


class Unsupported(ValueError):
    """A query operator this evaluator does not implement."""


def _regex(value: Any):
    if isinstance(value, Regex):
        return value.try_compile()
    if isinstance(value, _RE_TYPE):
        return value
    return None


def _rank(value: Any) -> int:
    """BSON comparison order of the type (MongoDB's canonical type order)."""
    if value is MISSING or value is None:
        return 1
    if isinstance(value, bool):
        return 8
    if isinstance(value, (int, float, Int64)):
        return 2
    if isinstance(value, str):
        return 3
    if isinstance(value, dict):
        return 4
    if isinstance(value, list):
        return 5
    if isinstance(value, bytes):
        return 6
    if isinstance(value, ObjectId):
        return 7
    if isinstance(value, dt.datetime):
        return 9
    return 10


def _naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def equal(a: Any, b: Any) -> bool:
    """BSON equality: numbers by value, bool apart from numbers, documents in key order."""
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return False
    if ra == 1:
        return True
    if isinstance(a, dict):
        return list(a) == list(b) and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dt.datetime):
        return _naive(a) == _naive(b)
    return a == b


def compare(a: Any, b: Any) -> int:
    """-1/0/1 in MongoDB's sort order (for ``sort``; ``$gt`` etc. compare within a type only)."""
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 1 or equal(a, b):
        return 0
    if isinstance(a, dict):
        a, b = list(a.items()), list(b.items())
    if isinstance(a, list):
        for x, y in zip(a, b):
            c = compare(x, y) if not isinstance(x, tuple) else (compare(x[0], y[0]) or compare(x[1], y[1]))
            if c:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if isinstance(a, dt.datetime):
        a, b = _naive(a), _naive(b)
    try:
        return -1 if a < b else 1
    except TypeError:
        return 0


def resolve(doc: Any, path: list[str]) -> list[Any]:
    """The values a dotted path reaches (arrays traversed); [MISSING] when it reaches none."""
    if not path:
        return [doc]
    key, rest = path[0], path[1:]
    if isinstance(doc, dict):
        return resolve(doc[key], rest) if key in doc else [MISSING]
    if isinstance(doc, list):
        found: list[Any] = []
        if key.isdigit() and int(key) < len(doc):
            found.extend(resolve(doc[int(key)], rest))
        for item in doc:
            if isinstance(item, dict):
                found.extend(v for v in resolve(item, path) if v is not MISSING)
        return found or [MISSING]
    return [MISSING]


def _expanded(values: list[Any]) -> list[Any]:
    """Each value, and the elements of each array value (MongoDB's implicit array matching)."""
    out: list[Any] = []
    for value in values:
        out.append(value)
        if isinstance(value, list):
            out.extend(value)
    return out


def _eq(values: list[Any], target: Any) -> bool:
    pattern = _regex(target)
    if pattern is not None:
        return any(isinstance(v, str) and pattern.search(v) for v in _expanded(values)) or any(
            isinstance(v, (Regex, _RE_TYPE)) and _regex(v).pattern == pattern.pattern for v in values
        )
    if target is None:
        return any(v is MISSING or v is None for v in _expanded(values))
    return any(equal(v, target) for v in _expanded(values))


def _cmp(values: list[Any], target: Any, ok) -> bool:
    for v in _expanded(values):
        if v is MISSING:
            continue
        if _rank(v) == _rank(target) and ok(compare(v, target)):
            return True
    return False


_TYPES = {
    1: float,
    2: str,
    3: dict,
    4: list,
    7: ObjectId,
    8: bool,
    9: dt.datetime,
    10: type(None),
    16: int,
    18: int,
    "double": float,
    "string": str,
    "object": dict,
    "array": list,
    "objectId": ObjectId,
    "bool": bool,
    "date": dt.datetime,
    "null": type(None),
    "int": int,
    "long": int,
}


def _operators(values: list[Any], ops: dict[str, Any]) -> bool:
    for op, arg in ops.items():
        if op == "$eq":
            ok = _eq(values, arg)
        elif op == "$ne":
            ok = not _eq(values, arg)
        elif op == "$gt":
            ok = _cmp(values, arg, lambda c: c > 0)
        elif op == "$gte":
            ok = _cmp(values, arg, lambda c: c >= 0) or (arg is None and _eq(values, None))
        elif op == "$lt":
            ok = _cmp(values, arg, lambda c: c < 0)
        elif op == "$lte":
            ok = _cmp(values, arg, lambda c: c <= 0) or (arg is None and _eq(values, None))
        elif op == "$in":
            ok = any(_eq(values, a) for a in arg)
        elif op == "$nin":
            ok = not any(_eq(values, a) for a in arg)
        elif op == "$exists":
            ok = any(v is not MISSING for v in values) == bool(arg)
        elif op == "$not":
            ok = not (_eq(values, arg) if _regex(arg) is not None else _operators(values, arg))
        elif op == "$regex":
            flags = ops.get("$options", "")
            pattern = arg if _regex(arg) is not None else Regex(arg, flags)
            if isinstance(pattern, Regex) and flags and not pattern.flags:
                pattern = Regex(pattern.pattern, flags)
            ok = _eq(values, pattern)
        elif op == "$options":
            continue
        elif op == "$elemMatch":
            ok = any(isinstance(v, list) and any(_elem_match(e, arg) for e in v) for v in values)
        elif op == "$size":
            ok = any(isinstance(v, list) and len(v) == arg for v in values)
        elif op == "$all":
            ok = bool(arg) and all(_eq(values, a) for a in arg)
        elif op == "$type":
            kinds = arg if isinstance(arg, list) else [arg]
            ok = any(v is not MISSING and any(_is_type(v, k) for k in kinds) for v in _expanded(values))
        elif op == "$mod":
            ok = any(
                isinstance(v, (int, float)) and not isinstance(v, bool) and v % arg[0] == arg[1]
                for v in _expanded(values)
            )
        else:
            raise Unsupported(f"unknown operator: {op}")
        if not ok:
            return False
    return True


def _is_type(value: Any, kind: Any) -> bool:
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    expected = _TYPES.get(kind)
    if expected is None:
        raise Unsupported(f"$type {kind!r}")
    if expected is int or expected is float:
        return isinstance(value, expected) and not isinstance(value, bool)
    return isinstance(value, expected)


def _elem_match(element: Any, spec: Any) -> bool:
    if _regex(spec) is not None:  # waterline sends {$elemMatch: /re/}: an element matching it
        return _eq([element], spec)
    if not isinstance(spec, dict):
        raise Unsupported("$elemMatch needs an Object")
    if spec and all(k.startswith("$") for k in spec) and not set(spec) & {"$and", "$or", "$nor"}:
        return _operators([element], spec)
    return isinstance(element, dict) and matches(element, spec)


def _is_operator_doc(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and next(iter(value)).startswith("$")


def matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    """True when ``doc`` matches the MongoDB ``query``."""
    for key, cond in query.items():
        if key == "$and":
            ok = all(matches(doc, q) for q in cond)
        elif key == "$or":
            ok = any(matches(doc, q) for q in cond)
        elif key == "$nor":
            ok = not any(matches(doc, q) for q in cond)
        elif key == "$comment":
            continue
        elif key == "$expr":
            ok = bool(_truthy(evaluate(doc, cond)))
        elif key.startswith("$"):
            raise Unsupported(f"unknown top level operator: {key}")
        else:
            values = resolve(doc, key.split("."))
            ok = _operators(values, cond) if _is_operator_doc(cond) else _eq(values, cond)
        if not ok:
            return False
    return True


def _truthy(value: Any) -> bool:
    return not (
        value is MISSING
        or value is None
        or value is False
        or (isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0)
    )


_AGG_COMPARE = {
    "$eq": lambda c: c == 0,
    "$ne": lambda c: c != 0,
    "$gt": lambda c: c > 0,
    "$gte": lambda c: c >= 0,
    "$lt": lambda c: c < 0,
    "$lte": lambda c: c <= 0,
}


def _agg_compare(a: Any, b: Any) -> int:
    """Aggregation comparison: whole values, a missing field below null."""
    if a is MISSING or b is MISSING:
        return 0 if a is b else (-1 if a is MISSING else 1)
    return compare(a, b)


def evaluate(doc: dict[str, Any], expr: Any) -> Any:
    """An aggregation expression (the part of ``$expr`` RackHD uses): ``"$field"`` paths, literals,
    comparisons, ``$and $or $not $in $size $literal``."""
    if isinstance(expr, str) and expr.startswith("$") and not expr.startswith("$$"):
        values = resolve(doc, expr[1:].split("."))
        return values[0] if len(values) == 1 else values
    if isinstance(expr, list):
        return [evaluate(doc, e) for e in expr]
    if not _is_operator_doc(expr):
        return {k: evaluate(doc, v) for k, v in expr.items()} if isinstance(expr, dict) else expr
    ((op, arg),) = expr.items() if len(expr) == 1 else (_unsupported(expr),)
    if op == "$literal":
        return arg
    args = arg if isinstance(arg, list) else [arg]
    if op in _AGG_COMPARE:
        a, b = (evaluate(doc, x) for x in args)
        return _AGG_COMPARE[op](_agg_compare(a, b))
    if op == "$and":
        return all(_truthy(evaluate(doc, x)) for x in args)
    if op == "$or":
        return any(_truthy(evaluate(doc, x)) for x in args)
    if op == "$not":
        return not _truthy(evaluate(doc, args[0]))
    if op == "$in":
        needle, hay = (evaluate(doc, x) for x in args)
        return any(equal(needle, h) for h in hay)
    if op == "$size":
        return len(evaluate(doc, args[0]))
    raise Unsupported(f"unknown aggregation expression operator: {op}")


def _unsupported(expr):
    raise Unsupported(f"an expression object must have exactly one field: {list(expr)}")


def sort_key_compare(spec: list[tuple[str, int]]):
    """A cmp function ordering documents by a ``sort`` spec (arrays by their min/max element)."""

    def pick(doc, field, direction):
        values = [v for v in _expanded(resolve(doc, field.split("."))) if not isinstance(v, list)] or [None]
        values = [None if v is MISSING else v for v in values]
        best = values[0]
        for v in values[1:]:
            c = compare(v, best)
            if (direction > 0 and c < 0) or (direction < 0 and c > 0):
                best = v
        return best

    def cmp(a, b):
        for field, direction in spec:
            c = compare(pick(a, field, direction), pick(b, field, direction))
            if c:
                return c * (1 if direction >= 0 else -1)
        return 0

    return cmp
