"""SKUs (/skus): named rule lists that sort nodes by their catalogs; a node carries at most one.

Model ``skus`` (uuid4 ``_id``, ``name``, ``rules``, ``discoveryGraphName``, ``discoveryGraphOptions``,
``createdAt``, ``updatedAt``), as on-core's ``sku.js``; on-http's ``sku-pack-service.js`` behind
``lib/api/2.0/skus.js``:

* ``GET /skus`` — the records without their timestamps, as RackHD 2.60.7 lists them (list filters,
  ``$skip``/``$top``, ``sort``);
* ``POST /skus`` — body checked against ``skus.2.0.json#/definitions/SkusUpsert`` (400); a name
  already taken answers 409; 201 with the record;
* ``PUT /skus`` — the same body; upserts by name (a taken name updates that SKU); 201 with the record;
* ``GET /skus/{id}`` — the record without its timestamps, as RackHD 2.60.7 answers it (no ``packInfo``
  either, although sku-pack-service.js would add one: RackHD was seen not to); 404 when unknown;
* ``PATCH /skus/{id}`` — any of SkusUpsert's keys, each checked as SkusUpsert does (400); a name
  another SKU has answers 409; 200 with the record;
* ``DELETE /skus/{id}`` — 204;
* ``GET /skus/{id}/nodes`` — the node views of the nodes carrying the SKU;
* ``DELETE /skus/{id}/pack`` — 204: there is never a pack to remove (the SKU's pack fields are
  cleared); ``POST /skus/pack`` and ``PUT /skus/{id}/pack`` (tar.gz SKU pack uploads) are refused
  with 400, as RackHD refuses an upload it cannot install (the target installs none).

Every create, change and delete re-evaluates every node before answering
(rackharness.reference.skus.regenerate_skus: RackHD starts one ``Graph.GenerateSku`` per node): a node
whose SKU was deleted gets the next SKU it matches, or none.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from flask import Blueprint, request

from rackharness.reference.context import TargetContext
from rackharness.reference.contract.messages import js_type
from rackharness.reference.documents import IBMS, NODES, OBMS, SKUS, ApiError, iso, node_id, now
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.obm_settings import settings_by_node
from rackharness.reference.queries import find_listed
from rackharness.reference.skus import regenerate_skus
from rackharness.reference.spec import validate_body, validate_schema
from rackharness.reference.views import document_id, node_view

UPSERT_SCHEMA = "skus.2.0.json#/definitions/SkusUpsert"
#: the keys a body may set (SkusUpsert's properties)
BODY_KEYS = ("name", "rules", "discoveryGraphName", "discoveryGraphOptions")
#: optional attributes of on-core's SKU model, shown when a record has them (SKU packs set most)
OPTIONAL_KEYS = (
    "discoveryGraphName",
    "discoveryGraphOptions",
    "skuConfig",
    "httpStaticRoot",
    "httpTemplateRoot",
    "httpProfileRoot",
    "workflowRoot",
    "taskRoot",
    "version",
    "description",
)
#: the pack attributes DELETE /skus/{id}/pack clears (sku-pack-service.js ``validConfProperties``)
PACK_KEYS = (
    "httpStaticRoot",
    "httpTemplateRoot",
    "httpProfileRoot",
    "workflowRoot",
    "taskRoot",
    "skuConfig",
    "version",
    "description",
)
PACKS_NOT_SERVED = (
    "SKU pack upload refused: SKU packs (tar.gz files of templates, profiles, workflows and "
    "static files) are not served by the rackharness reference target"
)


def sku_record(sku: dict[str, Any], *, stamps: bool = True) -> dict[str, Any]:
    """The SKU as RackHD answers it (the Waterline record): id, name, rules, the optional attributes
    it has, and (``stamps``: what a write answers) its timestamps."""
    record: dict[str, Any] = {"id": document_id(sku), "name": sku.get("name"), "rules": sku.get("rules")}
    record.update((key, sku[key]) for key in OPTIONAL_KEYS if key in sku)
    if stamps:
        record["createdAt"] = iso(sku.get("createdAt"))
        record["updatedAt"] = iso(sku.get("updatedAt"))
    return record


def check_patch_body(body: Any) -> dict[str, Any]:
    """400 unless ``body`` is an object whose keys are SkusUpsert's, each valid as SkusUpsert says."""
    if not isinstance(body, dict):
        raise ApiError(400, f"ValidationError: Invalid type: {js_type(body)} (expected object)")
    # SkusUpsert with its required keys filled in: what fails is what the body sent
    validate_schema(UPSERT_SCHEMA, {"name": "-", "rules": [], **body})
    return body


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("skus", __name__)
    skus = ctx.db[SKUS]
    base = ctx.base_path
    writing = threading.Lock()  # a name check and the write it guards happen together

    def need_sku(identifier: str) -> dict[str, Any]:
        sku = skus.find_one({"_id": identifier})
        if sku is None:
            raise ApiError(404, f"Could not find skus with identifier {identifier}")
        return sku

    def refuse_taken(name: str, own_id: str | None = None) -> None:
        other = skus.find_one({"name": name})
        if other is not None and document_id(other) != own_id:
            raise ApiError(409, "duplicate name found")  # RackHD's words, all of them

    def create(body: dict[str, Any]) -> dict[str, Any]:
        stamp = now()
        sku = {
            "_id": str(uuid.uuid4()),
            **{key: body[key] for key in BODY_KEYS if key in body},
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        skus.insert_one(sku)
        return sku

    def update(sku: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        sku.update({key: changes[key] for key in BODY_KEYS if key in changes})
        sku["updatedAt"] = now()
        # the whole document, not $set: nx-27017 0.8.1 stores a datetime given to $set as a string
        skus.replace_one({"_id": sku["_id"]}, sku)
        return sku

    @bp.get("/skus")
    def list_skus():
        found, headers = find_listed(skus, request.args, request.path)
        return json_response([sku_record(sku, stamps=False) for sku in found], headers=headers)

    @bp.post("/skus")
    def create_sku():
        body = request_json()
        validate_body("skusPost", body)
        with writing:
            refuse_taken(body["name"])
            sku = create(body)
            regenerate_skus(ctx)
        return json_response(sku_record(sku), 201)

    @bp.put("/skus")
    def upsert_sku():
        body = request_json()
        validate_body("skusPut", body)
        with writing:
            existing = skus.find_one({"name": body["name"]})
            sku = create(body) if existing is None else update(existing, body)
            regenerate_skus(ctx)
        return json_response(sku_record(sku), 201)

    @bp.get("/skus/<identifier>")
    def get_sku(identifier: str):
        return json_response(sku_record(need_sku(identifier), stamps=False))

    @bp.patch("/skus/<identifier>")
    def patch_sku(identifier: str):
        body = request_json()
        with writing:
            sku = need_sku(identifier)
            check_patch_body(body)
            if "name" in body:
                refuse_taken(body["name"], document_id(sku))
            sku = update(sku, body)
            regenerate_skus(ctx)
        return json_response(sku_record(sku))

    @bp.delete("/skus/<identifier>")
    def delete_sku(identifier: str):
        with writing:
            skus.delete_one({"_id": need_sku(identifier)["_id"]})
            regenerate_skus(ctx)
        return no_content()

    @bp.get("/skus/<identifier>/nodes")
    def sku_nodes(identifier: str):
        sku_id = document_id(need_sku(identifier))
        found = list(ctx.db[NODES].find({"sku": sku_id}))
        obms, ibms = settings_by_node(ctx, found, OBMS), settings_by_node(ctx, found, IBMS)
        return json_response([node_view(node, obms[node_id(node)], base, ibms[node_id(node)]) for node in found])

    @bp.delete("/skus/<identifier>/pack")
    def delete_sku_pack(identifier: str):
        with writing:
            sku = need_sku(identifier)
            if any(sku.get(key) is not None for key in PACK_KEYS):
                sku.update({key: None for key in PACK_KEYS if key in sku}, updatedAt=now())
                skus.replace_one({"_id": sku["_id"]}, sku)
        return no_content()

    @bp.put("/skus/<identifier>/pack")
    def put_sku_pack(identifier: str):
        need_sku(identifier)
        raise ApiError(400, PACKS_NOT_SERVED)

    @bp.post("/skus/pack")
    def post_sku_pack():
        raise ApiError(400, PACKS_NOT_SERVED)

    return bp
