"""A schema error in RackHD's words: the messages of z-schema, the validator on-http 2.60.7 checks bodies with.

RackHD answers a body its model refuses with ``{"message": "ValidationError: <the first error>"}`` and
a body its swagger validator refuses with ``{"message": "Validation errors", "errors": [<every error>]}``
(observed against RackHD 2.60.7: ``ValidationError: Missing required property: type`` for ``POST
/nodes`` without ``type``, ``Additional properties not allowed`` for an unknown poller key,
``Invalid type: string (expected array)`` for ``tags`` given a string). :func:`zschema_message` turns
one :class:`jsonschema.ValidationError` into that wording; keywords z-schema words differently than
listed here fall back to jsonschema's own message.
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema import ValidationError


def js_type(value: Any) -> str:
    """The JSON type z-schema names for ``value`` (``integer`` for a whole number, as it does)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _expected(types: Any) -> str:
    return ",".join(types) if isinstance(types, list) else str(types)


def zschema_message(error: ValidationError) -> str:
    """``Missing required property: url``, ``Invalid type: string (expected array)``, ... for one error."""
    keyword, value, schema = error.validator, error.instance, error.validator_value
    if keyword == "required":
        missing = [name for name in schema if isinstance(value, dict) and name not in value]
        return f"Missing required property: {missing[0] if missing else schema[0]}"
    if keyword == "additionalProperties":
        return "Additional properties not allowed"
    if keyword == "type":
        return f"Invalid type: {js_type(value)} (expected {_expected(schema)})"
    if keyword == "enum":
        return f"No enum match for: {json.dumps(value)}"
    if keyword == "pattern":
        return f"String does not match pattern {schema}: {value}"
    if keyword == "format":
        return f"Object didn't pass validation for format {schema}: {value}"
    if keyword == "minLength":
        return f"String is too short ({len(value)} chars), minimum {schema}"
    if keyword == "maxLength":
        return f"String is too long ({len(value)} chars), maximum {schema}"
    if keyword == "minItems":
        return f"Array is too short ({len(value)}), minimum {schema}"
    if keyword == "maxItems":
        return f"Array is too long ({len(value)}), maximum {schema}"
    if keyword == "uniqueItems":
        return "Array items are not unique"
    if keyword == "minimum":
        return f"Value {value} is less than minimum {schema}"
    if keyword == "maximum":
        return f"Value {value} is greater than maximum {schema}"
    if keyword in ("anyOf", "oneOf"):
        return f"Data does not match any schemas from '{keyword}'"
    return error.message


def swagger_message(error: ValidationError) -> str:
    """The swagger validator's wording: ``Expected type array but found type string``, ``No enum match for:
    toaster`` (the value as text), else z-schema's."""
    if error.validator == "type":
        return f"Expected type {_expected(error.validator_value)} but found type {js_type(error.instance)}"
    if error.validator == "enum":
        return f"No enum match for: {error.instance}"
    return zschema_message(error)
