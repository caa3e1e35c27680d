"""OBM settings: /obms (list, PUT upsert), /obms/{id} (GET, PATCH, DELETE) and the OBM service
schemas under /obms/definitions. Every answer is the OBM view, without secrets — but PATCH's, which
the spec gives no view: the raw record (node as the node id, nodeId, createdAt, updatedAt), as
RackHD 2.60.7 answers it; without secrets too.

PUT bodies ``{nodeId, service, config}`` are checked against
``schemas/obms/<service>.json#/definitions/Obm`` (PATCH: ``ObmPatch``, the stored service when the
body names none). One OBM per (node, service): PUT replaces the config of an existing one.
"""

from __future__ import annotations

from flask import Blueprint, request

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import OBMS, ApiError, find_node, need_node, now, refers_to_node
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.obm_settings import (
    delete_obm,
    find_obm,
    publish_obms_change,
    upsert_settings,
    validate_obm,
)
from rackharness.reference.queries import find_listed
from rackharness.reference.spec import obm_schema, obm_services
from rackharness.reference.views import obm_raw, obm_view

SCHEMA_SUFFIX = ".json"


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("obms", __name__)
    obms = ctx.db[OBMS]
    base = ctx.base_path

    @bp.get("/obms")
    def list_obms():
        found, headers = find_listed(obms, request.args, request.path)
        return json_response([obm_view(obm, base) for obm in found], headers=headers)

    @bp.put("/obms")
    def put_obm():
        body = request_json()
        validate_obm("obmsPut", body)
        node = need_node(ctx.db, body["nodeId"], by_id_only=True)
        return json_response(obm_view(upsert_settings(ctx, node, body["service"], body["config"]), base), 201)

    @bp.get("/obms/definitions")
    def list_definitions():
        return json_response([f"{base}/obms/definitions/{service}{SCHEMA_SUFFIX}" for service in obm_services()])

    @bp.get("/obms/definitions/<name>")
    def get_definition(name: str):
        service = name[: -len(SCHEMA_SUFFIX)] if name.endswith(SCHEMA_SUFFIX) else name
        return json_response(obm_schema(service))

    @bp.get("/obms/<identifier>")
    def get_obm(identifier: str):
        return json_response(obm_view(find_obm(ctx, identifier), base))

    @bp.patch("/obms/<identifier>")
    def patch_obm(identifier: str):
        record = find_obm(ctx, identifier)
        body = request_json()
        if not isinstance(body, dict):
            raise ApiError(400, "the body must be an object with any of nodeId, service, config")
        validate_obm("obmsPatchById", {"service": record.get("service"), **body})
        changes = {key: body[key] for key in ("service", "config") if key in body}
        if "config" in changes:
            changes["config"] = ctx.sealer.seal(changes["config"])
        if "nodeId" in body:
            changes["node"] = need_node(ctx.db, body["nodeId"], by_id_only=True)["_id"]
        node_ref, service = changes.get("node", record.get("node")), changes.get("service", record.get("service"))
        clash = obms.find_one(
            {"node": refers_to_node(str(node_ref)), "service": service, "_id": {"$ne": record["_id"]}}
        )
        if clash is not None:
            raise ApiError(409, f"node {node_ref} already has a {service} OBM ({clash['_id']}); one per service")
        changes["updatedAt"] = now()
        obms.update_one({"_id": record["_id"]}, {"$set": changes})
        record.update(changes)
        node = find_node(ctx.db, str(record.get("node")), by_id_only=True)
        if node is not None:
            publish_obms_change(ctx, node, True, True)
        return json_response(obm_raw(record))  # no x-view in the spec: the raw record, as RackHD answers

    @bp.delete("/obms/<identifier>")
    def remove_obm(identifier: str):
        delete_obm(ctx, find_obm(ctx, identifier))
        return no_content()

    return bp
