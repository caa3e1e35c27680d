"""JSON for the values a tape holds: what JSON has, plus bytes, tuples, ObjectIds, datetimes, objects.

Tapes are JSON a person can read and edit, never pickles. Values JSON cannot say are tagged with a
one-key object:

* ``{"$base64": "..."}`` bytes / bytearray;
* ``{"$tuple": [...]}`` a tuple (so ``(1, 2)`` replays as a tuple, not a list);
* ``{"$oid": "24 hex"}`` a ``bson.ObjectId``; ``{"$date": "ISO-8601"}`` a datetime (UTC kept);
* ``{"$object": "ClassName", "attrs": {...}}`` any other object, by its public attributes; it comes
  back as a :class:`RecordedObject` with the same attributes (pyghmi's sensor readings, say);
* ``{"$error": "Type", "message": "..."}`` an exception a call raised (:func:`error_value`).

A mapping whose keys are not all strings is ``{"$map": [[key, value], ...]}``.
"""

from __future__ import annotations

import base64
import datetime as dt
from types import SimpleNamespace
from typing import Any

TAGS = ("$base64", "$tuple", "$oid", "$date", "$object", "$error", "$map")


class RecordedObject(SimpleNamespace):
    """An object replayed from a tape: the recorded attributes, and the recorded class name in repr."""

    def __init__(self, class_name: str, **attrs: Any) -> None:
        super().__init__(**attrs)
        object.__setattr__(self, "_recorded_class", class_name)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"<recorded {self._recorded_class} {shown}>"


class RecordedError(Exception):
    """An exception replayed from a tape, when its type cannot be rebuilt: the type's name and the message."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name

    def __str__(self) -> str:
        return self.args[0]


def encode(value: Any) -> Any:
    """``value`` as plain JSON (tagged where JSON cannot say it)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and not _looks_tagged(value):
            return {k: encode(v) for k, v in value.items()}
        return {"$map": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, dt.datetime):
        return {"$date": value.isoformat()}
    if type(value).__name__ == "ObjectId":
        return {"$oid": str(value)}
    if isinstance(value, BaseException):
        return error_value(value)
    if isinstance(value, (set, frozenset)):
        return [encode(v) for v in sorted(value, key=repr)]
    attrs = {k: v for k, v in vars(value).items() if not k.startswith("_")} if hasattr(value, "__dict__") else {}
    return {"$object": type(value).__name__, "attrs": {k: encode(v) for k, v in attrs.items()}}


def decode(value: Any) -> Any:
    """The inverse of :func:`encode` (objects come back as :class:`RecordedObject`)."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 or (len(value) == 2 and ("$object" in value or "$error" in value)):
        tag = next((t for t in TAGS if t in value), None)
        if tag == "$base64":
            return base64.b64decode(value["$base64"])
        if tag == "$tuple":
            return tuple(decode(v) for v in value["$tuple"])
        if tag == "$oid":
            from bson import ObjectId

            return ObjectId(value["$oid"])
        if tag == "$date":
            return dt.datetime.fromisoformat(value["$date"])
        if tag == "$map":
            return {_hashable(decode(k)): decode(v) for k, v in value["$map"]}
        if tag == "$object":
            return RecordedObject(value["$object"], **{k: decode(v) for k, v in value.get("attrs", {}).items()})
        if tag == "$error":
            return RecordedError(value["$error"], value.get("message", ""))
    return {k: decode(v) for k, v in value.items()}


def _looks_tagged(value: dict) -> bool:
    """Whether :func:`decode` would read this plain dict as a tag (it then goes as a ``$map``)."""
    return (len(value) == 1 and next(iter(value)) in TAGS) or (
        len(value) == 2 and ("$object" in value or "$error" in value)
    )


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def error_value(exc: BaseException) -> dict[str, Any]:
    """An exception as a tape keeps it: its type's name and its message."""
    return {"$error": type(exc).__name__, "message": str(exc)}


def is_error(value: Any) -> bool:
    return isinstance(value, dict) and "$error" in value
