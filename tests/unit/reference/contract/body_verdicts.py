"""What a schema says of a body (accept, refuse, or cannot say: a ``$ref`` that names nothing),
and the mutated bodies the agreement tests put to both RackHD's schemas and the project's.

RackHD's schemas are judged as the reference target judges its own: jsonschema draft 4 with the
ajv-like ``uri``/``ipv4`` checks (:mod:`rackharness.reference.contract.formats`).
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Iterator

import jsonschema
from referencing import Registry
from referencing.exceptions import Unresolvable

from rackharness.reference.contract.formats import FORMATS
from rackharness.reference.documents import ApiError
from tests.unit.reference.contract.schema_shapes import BASE

ACCEPT, REFUSE, UNUSABLE = "accept", "refuse", "unusable"
EXTRA_KEY = "unexpectedKey"


def verdict(registry: Registry, relative: str, pointer: str, body: Any) -> str:
    """The verdict of ``relative#pointer`` (a document of ``registry``) on ``body``."""
    uri = BASE + relative
    schema = {"allOf": [{"$ref": f"{uri}#{pointer}"}]} if pointer else {"$ref": uri}
    validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=FORMATS)
    try:
        return REFUSE if any(True for _ in validator.iter_errors(body)) else ACCEPT
    except Unresolvable:
        return UNUSABLE


def target_verdict(check: Callable[..., None], *args: Any) -> str:
    """The reference target's verdict: ``check`` (a :mod:`rackharness.reference.spec` function)
    refuses with a 400, and cannot say with a 500 (a schema that names a missing definition)."""
    try:
        check(*args)
    except ApiError as error:
        return REFUSE if error.status == 400 else UNUSABLE
    return ACCEPT


def _wrong_type(value: Any) -> Any:
    return 12345 if isinstance(value, str) else "not-the-right-type"


def mutations(body: Any, path: tuple = (), depth: int = 3) -> Iterator[tuple[str, Any]]:
    """Bodies derived from ``body`` by one change each: every key (at any depth up to ``depth``)
    dropped or given a value of another type, an unknown key added to every object, a list
    emptied, and the whole body replaced by a string."""
    if not path:
        yield "the body a string", "text"
    if depth == 0:
        return
    if isinstance(body, dict):
        yield _at(path, f"{EXTRA_KEY} added"), {**body, EXTRA_KEY: 1}
        for key, value in body.items():
            yield _at(path + (key,), "dropped"), {k: v for k, v in body.items() if k != key}
            yield _at(path + (key,), "of another type"), {**body, key: _wrong_type(value)}
            for how, changed in mutations(value, path + (key,), depth - 1):
                yield how, {**body, key: changed}
    elif isinstance(body, list) and body:
        yield _at(path, "emptied"), []
        for how, changed in mutations(body[0], path + (0,), depth - 1):
            yield how, [changed, *copy.deepcopy(body[1:])]


def _at(path: tuple, what: str) -> str:
    return f"{'/'.join(map(str, path)) or '(body)'} {what}"
