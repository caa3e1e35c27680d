"""The 2.60.7 contract as the target enforces it: request bodies checked against the schema each
operation names in ``x-swagger-schema`` (on-http ``lib/fittings/rackhd_validator.js``).

``x-swagger-schema: obm`` means ``schemas/obms/<body.service>.json#/definitions/Obm`` (PATCH:
``ObmPatch``), with ``noop-obm-service`` when no service is given. A body that breaks its schema
is answered 400 with the schema errors. The two formats the schemas use are checked as RackHD's
ajv checks them: ``uri`` (a scheme, then no whitespace) and ``ipv4`` (dotted quad). The spec and schemas are the verbatim upstream files in
``fixtures/rackhd/on-http/static`` (see fixtures/rackhd/MANIFEST.md).
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from rackharness.reference.documents import ApiError

STATIC = Path(__file__).resolve().parents[2] / "fixtures" / "rackhd" / "on-http" / "static"
SPEC_FILE = STATIC / "monorail-2.0.yaml"
PATCH_OPERATIONS = {"obmsPatchById"}

#: ajv's "fast" format checks (RackHD validates with ajv's defaults)
FORMATS = jsonschema.FormatChecker(formats=())
_URI = re.compile(r"^[a-z][a-z0-9+\-.]*:(//)?\S*$", re.IGNORECASE)
_IPV4 = re.compile(r"^((25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(25[0-5]|2[0-4]\d|[01]?\d\d?)$")


@FORMATS.checks("uri")
def _is_uri(value: Any) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


@FORMATS.checks("ipv4")
def _is_ipv4(value: Any) -> bool:
    return not isinstance(value, str) or bool(_IPV4.match(value))


@functools.lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    """monorail-2.0.yaml, parsed once."""
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def operations() -> dict[str, dict[str, Any]]:
    """operationId → {method, path, operation}."""
    out = {}
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                out[operation["operationId"]] = {"method": method.upper(), "path": path, "operation": operation}
    return out


def obm_services() -> list[str]:
    return sorted(p.stem for p in (STATIC / "schemas" / "obms").glob("*.json"))


@functools.lru_cache(maxsize=64)
def _schema_file(relative: str) -> dict[str, Any]:
    return json.loads((STATIC / "schemas" / relative).read_text(encoding="utf-8"))


def obm_schema(service: str) -> dict[str, Any]:
    """The JSON schema served at /obms/definitions/<service>.json (404 if unknown)."""
    if service not in obm_services():
        raise ApiError(404, f"OBM schema Not Found: {service}")
    return _schema_file(f"obms/{service}.json")


def validate_body(operation_id: str, body: Any) -> None:
    """Raise ApiError(400) if ``body`` breaks the schema the operation names; no schema, no check."""
    ref = operations().get(operation_id, {}).get("operation", {}).get("x-swagger-schema")
    if ref is None or ref == "ibm":
        return
    if ref == "obm":
        service = body.get("service", "noop-obm-service") if isinstance(body, dict) else "noop-obm-service"
        if service not in obm_services():
            raise ApiError(400, f"unknown OBM service {service!r}",
                           errors=[f"service must be one of: {', '.join(obm_services())}"])
        relative = f"obms/{service}.json"
        pointer = "/definitions/" + ("ObmPatch" if operation_id in PATCH_OPERATIONS else "Obm")
        _validate(relative, pointer, body, label=relative)
    else:
        validate_schema(ref, body)


def validate_schema(ref: str, body: Any) -> None:
    """Raise ApiError(400) if ``body`` breaks ``ref`` (``node.2.0.json#/definitions/PartialNode``, a
    file under schemas/2.0): for operations the spec gives a body schema but no x-swagger-schema."""
    name, _, fragment = ref.partition("#")
    _validate(f"2.0/{name}", fragment, body, label=ref)


def _validate(relative: str, pointer: str, body: Any, *, label: str) -> None:
    document = _schema_file(relative)
    uri = f"urn:rackhd-schema:{relative}"
    registry = Registry().with_resource(uri, Resource.from_contents(document, default_specification=DRAFT4))
    resolver_schema = {"allOf": [{"$ref": f"{uri}#{pointer}"}]} if pointer else {"$ref": uri}
    validator = jsonschema.Draft4Validator(resolver_schema, registry=registry, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        secrets = _secret_values(body)
        details = [_masked(f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}", secrets)
                   for e in errors]
        raise ApiError(400, f"request body breaks schema {label}: {details[0]}", errors=details)


SECRET_KEY = re.compile(r"password|^community$|^productkey$", re.IGNORECASE)


def _secret_values(value: Any) -> set[str]:
    """Every value under a secret key (password*, community, productkey) in ``value``, as text."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and SECRET_KEY.search(key) and item not in (None, ""):
                found |= {str(item), repr(item)}
            found |= _secret_values(item)
    elif isinstance(value, list):
        for item in value:
            found |= _secret_values(item)
    return found


def _masked(message: str, secrets: set[str]) -> str:
    """Schema messages quote offending values; a secret is never quoted back."""
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message
