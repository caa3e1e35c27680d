"""The 2.60.7 contract as the target enforces it: request bodies checked against the schema each
operation names in ``x-swagger-schema`` (on-http ``lib/fittings/rackhd_validator.js``).

The operations and schemas are the project's own definitions (:mod:`rackharness.reference.contract`).
``x-swagger-schema: obm`` means ``obms/<body.service>.json#/definitions/Obm`` (PATCH: ``ObmPatch``),
with ``noop-obm-service`` when no service is given; ``ibm`` is not checked. A body that breaks its
schema is answered 400 in RackHD's words: ``Validation errors`` with every error its swagger validator
would find, else ``ValidationError: <the first error>`` as its model words it (:mod:`.contract.body_stages`,
:mod:`.contract.messages`), secrets masked; a schema RackHD cannot resolve
(``vmrun-obm-service``, a PATCH of ``dell-wsman-obm-service``) fails with 500, as it does in RackHD.
The ``uri`` and ``ipv4`` formats are checked as RackHD's ajv checks them (:mod:`.contract.formats`).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4

from rackharness.reference.contract.body_schemas import BODY_DOCUMENTS, body_document
from rackharness.reference.contract.body_stages import SwaggerStage, swagger_stage
from rackharness.reference.contract.formats import FORMATS
from rackharness.reference.contract.messages import swagger_message, zschema_message
from rackharness.reference.contract.obm_services import obm_document, obm_service_names
from rackharness.reference.contract.operations import api_operation
from rackharness.reference.documents import ApiError

__all__ = ["FORMATS", "obm_schema", "obm_services", "validate_body", "validate_schema"]

PATCH_OPERATIONS = {"obmsPatchById"}
DEFAULT_OBM_SERVICE = "noop-obm-service"
SCHEMA_BASE = "https://contract.rackharness.invalid/schemas/"  # where the documents sit for $ref


def obm_services() -> list[str]:
    return obm_service_names()


def obm_schema(service: str) -> dict[str, Any]:
    """The JSON schema served at /obms/definitions/<service>.json (404 if unknown)."""
    if service not in obm_services():
        raise ApiError(404, f"OBM schema Not Found: {service}")
    return obm_document(service)


def validate_body(operation_id: str, body: Any, *, parameter: bool = True) -> None:
    """Raise ApiError(400) if ``body`` breaks the schema the operation names; no schema, no check.
    ``parameter=False``: the schema's check alone, without the body parameter's (:mod:`.contract.body_stages`)."""
    operation = api_operation(operation_id)
    ref = operation.body if operation is not None else None
    if ref is None or ref == "ibm":
        return
    if ref == "obm":
        service = body.get("service", DEFAULT_OBM_SERVICE) if isinstance(body, dict) else DEFAULT_OBM_SERVICE
        if service not in obm_services():
            raise ApiError(
                400, f"unknown OBM service {service!r}", errors=[f"service must be one of: {', '.join(obm_services())}"]
            )
        relative = f"obms/{service}.json"
        pointer = "/definitions/" + ("ObmPatch" if operation_id in PATCH_OPERATIONS else "Obm")
        _validate(relative, pointer, body, stage=swagger_stage(operation_id) if parameter else None)
    else:
        validate_schema(ref, body, stage=swagger_stage(operation_id) if parameter else None)


def validate_schema(ref: str, body: Any, *, stage: SwaggerStage | None = None) -> None:
    """Raise ApiError(400) if ``body`` breaks ``ref`` (``node.2.0.json#/definitions/PartialNode``, an
    API 2.0 body schema): for operations the spec gives a body schema but no x-swagger-schema."""
    name, _, fragment = ref.partition("#")
    _validate(f"2.0/{name}", fragment, body, stage=stage)


@functools.lru_cache(maxsize=1)
def _registry() -> Registry:
    documents = {f"2.0/{name}": body_document(name) for name in BODY_DOCUMENTS}
    documents.update({f"obms/{service}.json": obm_document(service) for service in obm_services()})
    return Registry().with_resources(
        (SCHEMA_BASE + relative, Resource.from_contents(document, default_specification=DRAFT4))
        for relative, document in documents.items()
    )


def _validate(relative: str, pointer: str, body: Any, *, stage: SwaggerStage | None) -> None:
    """``stage``: what RackHD's swagger validator checks first (None: only the model's schema check)."""
    uri = SCHEMA_BASE + relative
    resolver_schema = {"allOf": [{"$ref": f"{uri}#{pointer}"}]} if pointer else {"$ref": uri}
    validator = jsonschema.Draft4Validator(resolver_schema, registry=_registry(), format_checker=FORMATS)
    try:
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    except Unresolvable as exc:  # RackHD's own schema refers to a definition it does not have
        raise ApiError(
            500, f"schema {relative}#{pointer} cannot be resolved: {getattr(exc, 'ref', '?')} is not defined"
        ) from None
    secrets = _secret_values(body)
    first = [f"Missing required property: {name}" for name in stage.missing(body)] if stage else []
    first += [swagger_message(e) for e in errors if stage is not None and stage.catches(e)]
    if first:
        raise ApiError(400, "Validation errors", errors=[_masked(message, secrets) for message in first])
    if errors:
        raise ApiError(400, f"ValidationError: {_masked(zschema_message(errors[0]), secrets)}")


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
