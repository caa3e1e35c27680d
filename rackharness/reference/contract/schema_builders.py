"""The small vocabulary the project's body definitions are written in: each function returns a
JSON Schema (draft 4) fragment, the form on-http's validator and :mod:`jsonschema` read.

Keywords left out are not emitted, so a definition says only what it constrains. ``closed``
objects refuse properties they do not list (``additionalProperties: false``), as most of
RackHD's 2.0 body schemas do.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def _with(schema: Schema, description: str | None, **keywords: Any) -> Schema:
    if description is not None:
        schema["description"] = description
    schema.update({key: value for key, value in keywords.items() if value is not None})
    return schema


def string(
    description: str | None = None,
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    enum: list[str] | None = None,
    format: str | None = None,
    pattern: str | None = None,
) -> Schema:
    return _with(
        {"type": "string"},
        description,
        minLength=min_length,
        maxLength=max_length,
        enum=enum,
        format=format,
        pattern=pattern,
    )


def integer(description: str | None = None) -> Schema:
    return _with({"type": "integer"}, description)


def number(description: str | None = None) -> Schema:
    return _with({"type": "number"}, description)


def boolean(description: str | None = None) -> Schema:
    return _with({"type": "boolean"}, description)


def array(
    description: str | None = None,
    *,
    items: Schema | None = None,
    min_items: int | None = None,
    unique: bool | None = None,
    **keywords: Any,
) -> Schema:
    """An array; ``keywords`` pass further draft-4 keywords through as they are."""
    return _with({"type": "array"}, description, items=items, minItems=min_items, uniqueItems=unique, **keywords)


def obj(
    description: str | None = None,
    properties: dict[str, Schema] | None = None,
    *,
    required: list[str] | None = None,
    closed: bool = False,
    **keywords: Any,
) -> Schema:
    """An object with the given properties; ``closed`` refuses any other property."""
    schema = _with({"type": "object"}, description, properties=properties, required=required, **keywords)
    if closed:
        schema["additionalProperties"] = False
    return schema


def ref(definition: str, document: str = "") -> Schema:
    """A reference to ``#/definitions/<definition>`` of this document (or of ``document``)."""
    return {"$ref": f"{document}#/definitions/{definition}"}


def requiring(definition: str, *names: str) -> Schema:
    """``definition`` with ``names`` required too (RackHD's ``allOf: [$ref, {required}]`` idiom)."""
    return {"allOf": [ref(definition), {"required": list(names)}]}


def document(title: str, definitions: dict[str, Schema]) -> Schema:
    """A schema document: a title and named definitions, which bodies are checked against."""
    return {"title": title, "definitions": definitions}
