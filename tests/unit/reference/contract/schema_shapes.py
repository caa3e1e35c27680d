"""What a JSON schema lets through, reduced to a comparable value: the keywords that judge a
body (types, properties, required, items, combinators, formats, bounds), with ``$ref`` followed,
descriptions and titles dropped.

Draft 4's reading is applied, as both validators (ajv in RackHD, jsonschema here) apply it: a
``$ref``'s siblings are ignored, a keyword of another type than the schema's own (``uniqueItems``
on a string, ``properties`` on an array) judges nothing, and a "property" whose schema is not an
object is not one (snmp-obm-service.json lists ``required`` inside ``properties``). A ``$ref``
that names nothing becomes ``{"unresolvable": ref}``.
"""

from __future__ import annotations

from typing import Any

from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4

BASE = "https://contract.test.invalid/schemas/"
KEYWORDS_OF_TYPE = {
    "array": {"items", "minItems", "maxItems", "uniqueItems"},
    "object": {"properties", "required", "additionalProperties", "minProperties", "maxProperties"},
    "string": {"minLength", "maxLength", "pattern", "format"},
    "number": {"minimum", "maximum"},
    "integer": {"minimum", "maximum"},
}
TYPED_KEYWORDS = set().union(*KEYWORDS_OF_TYPE.values())
ANY_TYPE_KEYWORDS = {"type", "enum", "allOf", "anyOf", "oneOf", "not"}


def registry_of(documents: dict[str, dict[str, Any]]) -> Registry:
    """The documents, by path relative to ``static/schemas`` (``2.0/node.2.0.json``), for $ref."""
    return Registry().with_resources(
        (BASE + relative, Resource.from_contents(document, default_specification=DRAFT4))
        for relative, document in documents.items()
    )


def shape_of(registry: Registry, relative: str, pointer: str = "") -> Any:
    """The shape of ``relative#pointer`` in ``registry``."""
    resolver = registry.resolver(BASE + relative)
    try:
        resolved = resolver.lookup(f"{BASE}{relative}#{pointer}")
    except Unresolvable:
        return {"unresolvable": pointer}
    return _shape(resolved.contents, resolved.resolver)


def _shape(schema: Any, resolver) -> Any:
    if not isinstance(schema, dict):
        return {"not a schema": repr(schema)}
    if "$ref" in schema:
        try:
            resolved = resolver.lookup(schema["$ref"])
        except Unresolvable:
            return {"unresolvable": schema["$ref"].rpartition("#")[2]}
        return _shape(resolved.contents, resolved.resolver)
    kind = schema.get("type")
    allowed = ANY_TYPE_KEYWORDS | (KEYWORDS_OF_TYPE.get(kind, set()) if isinstance(kind, str) else TYPED_KEYWORDS)
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in allowed:
            continue
        if key == "properties":
            out[key] = {name: _shape(sub, resolver) for name, sub in value.items() if isinstance(sub, dict)}
        elif key in ("items", "not") or (key == "additionalProperties" and isinstance(value, dict)):
            out[key] = _shape(value, resolver)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [_shape(sub, resolver) for sub in value]
        elif key in ("required", "enum"):
            out[key] = sorted(value, key=repr)
        else:
            out[key] = value
    return out


def definitions_with_rules(document: dict[str, Any]) -> list[str]:
    """The definitions of ``document`` that say anything (RackHD's noop file has an empty one)."""
    return sorted(name for name, schema in document.get("definitions", {}).items() if schema)
