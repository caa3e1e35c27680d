"""In-band management (IBM) settings: /ibms, /ibms/{id} and the IBM service schemas under /ibms/definitions.

The records are the ones the node API stores (``POST|PATCH /nodes`` with ``ibms``: collection ``ibms``,
one per (node, service), secrets encrypted at rest, rackharness.reference.obm_settings). Served
(on-http ``ibms.js``):

* ``GET /ibms`` → every record in the view ``{id, node: "/api/2.0/nodes/<id>", service, config}``
  (list filters, sort, ``$skip``/``$top`` as for the other lists); ``GET /ibms/{id}`` → one, 404 unknown.
* ``PUT /ibms {nodeId, service, config}`` → 201 and the view: upserts the node's record for the
  service. ``PATCH /ibms/{id}`` → 200 and the raw record ``{id, node: <node id>, service, config,
  createdAt, updatedAt}`` (no ``x-view`` in the spec); ``DELETE /ibms/{id}`` → 204.
* ``GET /ibms/definitions`` → the schema ids ``/api/2.0/ibms/definitions/<service>.json``;
  ``GET /ibms/definitions/{name}`` → that schema (``<service>`` or ``<service>.json``), 404 otherwise.

PUT and PATCH bodies are checked as on-http checks ``x-swagger-schema: ibm``: against the ``Ibm``
definition of the body's service (default ``ssh-ibm-service``, the spec's body schema), refused with
400 ``ValidationError: <first error>``. The two schemas are the project's own definitions of RackHD's
``static/schemas/ibms`` files, quirk kept: ``snmp-ibm-service`` lists its required keys inside
``properties``, so it requires nothing. Configs are shown without secrets (password*, community,
productkey, privateKey). Left out: the ``node.ibms.*`` attribute events RackHD publishes on a change
(the node API does not publish them either).
"""

from __future__ import annotations

import functools
from typing import Any

import jsonschema
from flask import Blueprint, request

from rackharness.reference.context import TargetContext
from rackharness.reference.contract.messages import zschema_message
from rackharness.reference.contract.schema_builders import Schema, document, obj, string
from rackharness.reference.documents import (
    IBMS,
    ApiError,
    iso,
    need_node,
    not_found,
    now,
    object_id,
    refers_to_node,
)
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.obm_settings import upsert_settings
from rackharness.reference.queries import find_listed
from rackharness.reference.views import document_id, redact_config, reference_id

SCHEMA_SUFFIX = ".json"
DEFAULT_SERVICE = "ssh-ibm-service"


def _ibm(config: Schema) -> Schema:
    return obj("IBM settings", {"nodeId": string(), "service": string(), "config": config})


def _ssh() -> Schema:
    config = obj(
        properties={
            "host": string("The IP address to SSH into"),
            "user": string("username"),
            "password": string("password"),
            "publicKey": string("publicKey"),
            "privateKey": string("privateKey"),
        },
        anyOf=[{"required": ["host", "user", "password"]}, {"required": ["host", "user", "privateKey"]}],
    )
    return document("ssh-ibm-service", {"Ibm": {**_ibm(config), "required": ["service", "config"]}})


def _snmp() -> Schema:
    # RackHD's file puts both "required" lists inside "properties": neither the body nor config requires a key
    config = obj(properties={"host": string("The IP address"), "community": string("community")})
    return document("snmp-ibm-service", {"Ibm": _ibm(config)})


IBM_SERVICES = {"snmp-ibm-service": _snmp, "ssh-ibm-service": _ssh}


@functools.cache
def ibm_document(service: str) -> Schema:
    """The schema document of an IBM service; KeyError if RackHD has no such service."""
    return IBM_SERVICES[service]()


def validate_ibm(body: Any) -> str:
    """400 unless ``body`` passes its service's ``Ibm`` definition; the service's name otherwise."""
    service = body.get("service", DEFAULT_SERVICE) if isinstance(body, dict) else DEFAULT_SERVICE
    if not isinstance(service, str) or service not in IBM_SERVICES:
        raise ApiError(
            400,
            f"unknown IBM service {service!r}",
            errors=[f"service must be one of: {', '.join(sorted(IBM_SERVICES))}"],
        )
    schema = {**ibm_document(service), "$ref": "#/definitions/Ibm"}
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        raise ApiError(400, f"ValidationError: {zschema_message(errors[0])}")
    return service


def ibm_config(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in redact_config(record.get("config")).items() if key.lower() != "privatekey"}


def ibm_view(record: dict[str, Any], base: str) -> dict[str, Any]:
    node = reference_id(record.get("node"))
    return {
        "id": document_id(record),
        "node": f"{base}/nodes/{node}" if node is not None else None,
        "service": record.get("service"),
        "config": ibm_config(record),
    }


def ibm_raw(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": document_id(record),
        "node": reference_id(record.get("node")),
        "service": record.get("service"),
        "config": ibm_config(record),
        "createdAt": iso(record.get("createdAt")),
        "updatedAt": iso(record.get("updatedAt")),
    }


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("ibms", __name__)
    ibms = ctx.db[IBMS]
    base = ctx.base_path.rstrip("/")

    def need_ibm(identifier: str) -> dict[str, Any]:
        oid = object_id(identifier)
        record = ibms.find_one({"_id": oid}) if oid is not None else None
        if record is None:
            raise not_found("ibm", identifier)  # on-core's words: the singular of the model's identity
        return record

    @bp.get("/ibms")
    def list_ibms():
        found, headers = find_listed(ibms, request.args, request.path)
        return json_response([ibm_view(record, base) for record in found], headers=headers)

    @bp.put("/ibms")
    def put_ibm():
        body = request_json()
        service = validate_ibm(body)
        if not isinstance(body.get("nodeId"), str):
            raise ApiError(400, "nodeId is required: the node the IBM settings are for")
        node = need_node(ctx.db, body["nodeId"], by_id_only=True)
        return json_response(ibm_view(upsert_settings(ctx, node, service, body["config"], IBMS), base), 201)

    @bp.get("/ibms/definitions")
    def list_definitions():
        return json_response([f"{base}/ibms/definitions/{service}{SCHEMA_SUFFIX}" for service in sorted(IBM_SERVICES)])

    @bp.get("/ibms/definitions/<name>")
    def get_definition(name: str):
        service = name.removesuffix(SCHEMA_SUFFIX)
        if not isinstance(service, str) or service not in IBM_SERVICES:
            raise ApiError(404, f"{base}/ibms/definitions/{name} Not Found")  # RackHD's words
        return json_response(ibm_document(service))

    @bp.get("/ibms/<identifier>")
    def get_ibm(identifier: str):
        return json_response(ibm_view(need_ibm(identifier), base))

    @bp.patch("/ibms/<identifier>")
    def patch_ibm(identifier: str):
        body = request_json()
        service = validate_ibm(body)  # on-http checks the body before it looks the record up
        record = need_ibm(identifier)
        changes: dict[str, Any] = {"service": service, "config": ctx.sealer.seal(body["config"]), "updatedAt": now()}
        if "nodeId" in body:
            changes["node"] = need_node(ctx.db, body["nodeId"], by_id_only=True)["_id"]
        node_ref = changes.get("node", record.get("node"))
        clash = ibms.find_one(
            {"node": refers_to_node(str(node_ref)), "service": service, "_id": {"$ne": record["_id"]}}
        )
        if clash is not None:
            raise ApiError(409, f"that node already has {service} settings ({clash['_id']}); one per service")
        ibms.update_one({"_id": record["_id"]}, {"$set": changes})
        return json_response(ibm_raw({**record, **changes}))

    @bp.delete("/ibms/<identifier>")
    def delete_ibm(identifier: str):
        ibms.delete_one({"_id": need_ibm(identifier)["_id"]})
        return no_content()

    return bp
