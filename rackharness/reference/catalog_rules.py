"""RackHD's catalog rules — the grammar SKUs and tag definitions share — evaluated against a node's
latest catalogs. One engine for both: on-tasks' ``generate-sku.js`` and ``generate-tag.js`` run the
same loop.

A rule is ``{"path": "<source>.<dot.path>", <operator>: <expected>}`` (skus.2.0.json#/SkusRules).
How RackHD 2.60.7 reads it, and what the target does:

* **Path.** Split on ``.``, empty words dropped (``_.compact``); the first word is the catalog
  source, the rest walk into that source's latest catalog data (``{source: data}``, the newest
  ``createdAt`` per source) as ``catalogSearch.getPath`` does, ``obj[word]`` at each step: an
  object's key, a list's (or string's) index (``Memory Device.1.Size``; canonical non-negative
  integers only, as JavaScript reads ``arr["1"]`` but not ``arr["01"]``), or the ``length`` of a
  list or string. Anything else is *missing* (:data:`MISSING`). The number of words is the rule's
  *depth*.
* **Operators** (``anchor(value).to({op: expected})``, anchor 0.10 on validator 3.x): ``equals``,
  ``contains``, ``notContains``, ``in``, ``notIn``, ``regex``, ``notRegex`` compare strings: the value
  is first turned into the string JavaScript would make (:func:`js_string`: ``8`` → ``"8"``, ``true``
  → ``"true"``, a list → its items joined with ``,``, an object → ``"[object Object]"``, null → ``""``),
  and so is ``expected`` (``in``/``notIn``: each item of the list). ``contains`` is a substring test,
  ``regex`` a search with the JavaScript pattern. ``min``, ``max``, ``greaterThan``, ``lessThan`` compare
  numbers: ``>=``, ``<=``, ``>``, ``<``. A rule with several operators needs all of them; a rule with
  only a path has nothing to test and passes; a pattern that does not compile fails (as anchor's
  caught ``new RegExp`` error), and so does an unknown operator (RackHD: the job errors).
* **Deliberately stricter than RackHD** (docs/reference-target.md): a missing value passes no
  operator (RackHD's anchor makes it ``""`` or ``NaN`` for the check, so a missing path passes
  ``notContains``, ``notIn``, ``notRegex``, ``equals: ""`` and every number rule), and a number rule
  needs a number or a string that is entirely one (``" 8 "`` counts; RackHD's ``parseFloat`` reads
  ``"16 GB"`` as 16 and lets a value that is no number at all, like ``true``, pass).

:func:`evaluate` gives ``(matched, depth)`` for a rule list: every rule must pass; an empty list
matches (RackHD's ``_.reduce`` over no rules reports no error — a SKU without rules matches every
node, while ``generate-tag.js`` also demands ``rules.length``: :func:`tag_matches`).
:func:`choose_sku` picks among SKUs as ``generate-sku.js`` does.

Pure functions, except :func:`latest_catalogs`, which reads Mongo when called.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

from pymongo.database import Database

from rackharness.reference.documents import CATALOGS, iso, refers_to_node

#: the operators skus.2.0.json#/SkusRules allows (a rule is ``path`` plus one of them)
OPERATORS = (
    "equals",
    "contains",
    "notContains",
    "in",
    "notIn",
    "regex",
    "notRegex",
    "min",
    "max",
    "greaterThan",
    "lessThan",
)
_STRING_OPERATORS = {"equals", "contains", "notContains", "in", "notIn", "regex", "notRegex"}
_NUMBER_OPERATORS = {
    "min": lambda a, b: a >= b,
    "max": lambda a, b: a <= b,
    "greaterThan": lambda a, b: a > b,
    "lessThan": lambda a, b: a < b,
}


class _Missing:
    """The value of a path that leads nowhere."""

    _instance = None

    def __new__(cls) -> "_Missing":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
_INDEX = re.compile(r"^(0|[1-9][0-9]*)$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_])")


# -- paths ----------------------------------------------------------------------------------------


def path_words(path: Any) -> list[str]:
    """``"dmi..System Information.Product Name"`` → ``["dmi", "System Information", "Product Name"]``;
    [] when ``path`` is not a string."""
    return [word for word in path.split(".") if word] if isinstance(path, str) else []


def sources_of(rules: Iterable[Any]) -> list[str]:
    """The catalog sources the rules read (each path's first word), in first-seen order."""
    sources: list[str] = []
    for rule in rules:
        words = path_words(rule.get("path")) if isinstance(rule, dict) else []
        if words and words[0] not in sources:
            sources.append(words[0])
    return sources


def _step(value: Any, word: str) -> Any:
    if isinstance(value, dict):
        return value[word] if word in value else MISSING
    if isinstance(value, (list, str)):
        if word == "length":
            return len(value)
        if _INDEX.match(word) and int(word) < len(value):
            return value[int(word)]
    return MISSING


def value_at(catalogs: dict[str, Any], path: Any) -> Any:
    """The value at ``<source>.<dot.path>`` in ``{source: catalog data}``, or :data:`MISSING`.

    A null at the end is a value (``None``, the empty string to string rules); a null along the way
    leads nowhere, as in ``getPath``.
    """
    words = path_words(path)
    if not words:
        return MISSING
    value: Any = catalogs
    for word in words:
        if value is None:
            return MISSING
        value = _step(value, word)
        if value is MISSING:
            return MISSING
    return value


# -- values as RackHD's checks see them -----------------------------------------------------------


def _js_number(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    text = repr(number)
    mantissa, _, exponent = text.partition("e")
    if exponent:  # 1e-07 → 1e-7, 1e+25 → 1e+25
        sign, digits = (exponent[0], exponent[1:]) if exponent[0] in "+-" else ("+", exponent)
        text = f"{mantissa}e{sign}{digits.lstrip('0') or '0'}"
    return text


def _js_element(value: Any) -> str:
    """An array item as ``Array.prototype.join`` writes it (null and undefined as nothing)."""
    return "" if value is None or value is MISSING else js_string(value)


def js_string(value: Any) -> str:
    """The string validator 3.x makes of a value (``validator.toString``) before comparing it."""
    if value is None or value is MISSING:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "" if math.isnan(value) else _js_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ",".join(_js_element(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return iso(value) if hasattr(value, "isoformat") else str(value)


def _number(value: Any) -> float | None:
    """A number rule's operand: a number, or a string that is entirely a decimal number; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    if isinstance(value, str) and _DECIMAL.match(value.strip()):
        return float(value.strip())
    return None


def _is_in(text: str, options: Any) -> bool:
    """validator 3.x ``isIn``: an item of a list (compared as strings), a key of an object, or a
    substring of a string."""
    if isinstance(options, list):
        return text in [js_string(option) for option in options]
    if isinstance(options, dict):
        return text in options
    if isinstance(options, str):
        return text in options
    return False


def _pattern(expected: Any) -> re.Pattern[str] | None:
    """``new RegExp(expected)`` in Python terms; None when it does not compile."""
    source = expected if isinstance(expected, str) else js_string(expected)
    try:
        return re.compile(_NAMED_GROUP.sub("(?P<", source))
    except (re.error, RecursionError):
        return None


def _passes(operator: str, expected: Any, value: Any) -> bool:
    if operator in _NUMBER_OPERATORS:
        number, bound = _number(value), _number(expected)
        return number is not None and bound is not None and _NUMBER_OPERATORS[operator](number, bound)
    if operator not in _STRING_OPERATORS:
        return False  # RackHD: anchor throws "Unknown rule"
    text = js_string(value)
    if operator in ("regex", "notRegex"):
        pattern = _pattern(expected)
        if pattern is None:
            return False
        found = pattern.search(text) is not None
        return found if operator == "regex" else not found
    if operator in ("in", "notIn"):
        inside = _is_in(text, expected)
        return inside if operator == "in" else not inside
    wanted = js_string(expected)
    if operator == "equals":
        return text == wanted
    return (wanted in text) if operator == "contains" else (wanted not in text)


def rule_passes(rule: dict[str, Any], value: Any) -> bool:
    """Whether ``value`` (:data:`MISSING` when the path leads nowhere) passes every operator of ``rule``."""
    operators = {key: expected for key, expected in rule.items() if key != "path"}
    if not operators:
        return True  # only a path: nothing to check
    if value is MISSING:
        return False
    return all(_passes(operator, expected, value) for operator, expected in operators.items())


# -- rule lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """A rule list against one node's catalogs."""

    matched: bool  # every rule passed (true for no rules)
    depth: int  # the most words in any rule's path (RackHD's ``maxDepth``)
    failed: tuple[str, ...] = ()  # the paths of the rules that failed


def evaluate(rules: Any, catalogs: dict[str, Any]) -> Evaluation:
    """Every rule of ``rules`` against ``{source: latest catalog data}``; a rule that is not an object
    with a string ``path`` fails."""
    if not isinstance(rules, list):
        return Evaluation(False, 0, ("(rules is not a list)",))
    depth, failed = 0, []
    for rule in rules:
        if not isinstance(rule, dict) or not isinstance(rule.get("path"), str):
            failed.append(repr(rule)[:80])
            continue
        depth = max(depth, len(path_words(rule["path"])))
        if not rule_passes(rule, value_at(catalogs, rule["path"])):
            failed.append(rule["path"])
    return Evaluation(not failed, depth, tuple(failed))


def tag_matches(rules: Any, catalogs: dict[str, Any]) -> bool:
    """A tag definition matches a node when it has rules and the node passes all of them."""
    return bool(rules) and evaluate(rules, catalogs).matched


def choose_sku(skus: list[dict[str, Any]], catalogs: dict[str, Any]) -> dict[str, Any] | None:
    """The SKU ``generate-sku.js`` assigns: of those whose rules all pass, the one with the deepest rule
    path, ties going to the most recently created, then to the later one in ``skus`` (stored order);
    None when none matches. A SKU without rules matches (with depth 0)."""
    matches = [(sku, result) for sku in skus if (result := evaluate(sku.get("rules"), catalogs)).matched]
    matches.sort(key=lambda match: str(iso(match[0].get("createdAt")) or ""))  # stable, as _.sortBy
    matches.sort(key=lambda match: match[1].depth)
    return matches[-1][0] if matches else None


def latest_catalogs(db: Database, node_id: str, sources: Iterable[str]) -> dict[str, Any]:
    """``{source: data}`` of the node's newest catalog of each source that has one
    (``catalogs.findMostRecent``)."""
    found: dict[str, Any] = {}
    for source in sources:
        latest = list(
            db[CATALOGS].find({"node": refers_to_node(node_id), "source": source}).sort("createdAt", -1).limit(1)
        )
        if latest:
            found[source] = latest[0].get("data")
    return found
