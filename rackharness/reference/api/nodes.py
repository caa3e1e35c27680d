"""Nodes: /nodes CRUD, a node's OBMs (/nodes/{id}/obm) and its catalogs (/nodes/{id}/catalogs).

Shapes follow on-http 2.60.7: lists and GET by id render the node view, POST and PATCH answer the
raw node (views.py). ``GET /nodes/{id}`` and ``/nodes/{id}/obm`` take the real id only; PATCH,
DELETE and catalogs also resolve a MAC in ``identifiers`` or a lookup's MAC/IP. A node is not
deleted while a graph runs against it (400, in RackHD's words).
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from flask import Blueprint, request

from rackharness.reference.context import TargetContext
from rackharness.reference.contract.body_stages import DEFAULT
from rackharness.reference.documents import (
    CATALOGS,
    IBMS,
    LOOKUPS,
    NODES,
    OBMS,
    WORKITEMS,
    ApiError,
    need_node,
    node_id,
    normalize_mac,
    now,
    refers_to_node,
)
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.obm_settings import (
    settings_by_node,
    settings_of,
    upsert_settings,
    validate_obm,
)
from rackharness.reference.queries import find_listed
from rackharness.reference.relation_links import unlink_all
from rackharness.reference.spec import validate_body, validate_schema
from rackharness.reference.views import catalog_raw, catalog_view, node_raw, node_view, obm_view

#: everything that refers to a node and goes with it
OWNED_COLLECTIONS = (OBMS, IBMS, CATALOGS, WORKITEMS)


def normalized_identifiers(identifiers: list[str]) -> list[str]:
    """MACs in lowercase colon form (``52-54-00-AA-BB-CC`` → ``52:54:00:aa:bb:cc``), others as given."""
    out: list[str] = []
    for identifier in identifiers:
        value = normalize_mac(identifier) or identifier
        if value not in out:
            out.append(value)
    return out


def check_relations(body: dict[str, Any]) -> None:
    """The schema allows any array; a node's relations are ``[{relationType, targets: [ids]}]``."""
    for index, relation in enumerate(body.get("relations") or []):
        if not (
            isinstance(relation, dict)
            and isinstance(relation.get("relationType"), str)
            and isinstance(relation.get("targets", []), list)
        ):
            raise ApiError(
                400,
                f"relations[{index}]: expected {{relationType: string, targets: [node ids]}}",
                errors=[f"relations/{index}: not a relation object"],
            )


def _validated_settings(body: dict[str, Any], key: str, nid: str) -> list[dict[str, Any]]:
    """The inline ``obms``/``ibms`` of a node body, each checked against its service's schema."""
    entries = body.get(key) or []
    for index, entry in enumerate(entries):
        if key == "obms":
            validate_obm(
                "obmsPut", {**entry, "nodeId": nid} if isinstance(entry, dict) else entry, where=f"obms[{index}]"
            )
        elif not (
            isinstance(entry, dict)
            and isinstance(entry.get("service"), str)
            and isinstance(entry.get("config", {}), dict)
        ):
            raise ApiError(400, f"ibms[{index}] must have a service name and a config object")
    return entries


def _store_settings(ctx: TargetContext, node: dict[str, Any], obms: list, ibms: list) -> None:
    for entry in obms:
        upsert_settings(ctx, node, entry["service"], entry.get("config", {}), OBMS)
    for entry in ibms:
        upsert_settings(ctx, node, entry["service"], entry.get("config", {}), IBMS)


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("nodes", __name__)
    nodes = ctx.db[NODES]
    base = ctx.base_path

    def view_of(node: dict[str, Any]) -> dict[str, Any]:
        return node_view(node, settings_of(ctx, node, OBMS), base, settings_of(ctx, node, IBMS))

    @bp.get("/nodes")
    def list_nodes():
        found, headers = find_listed(nodes, request.args, request.path)
        obms, ibms = settings_by_node(ctx, found, OBMS), settings_by_node(ctx, found, IBMS)
        body = [node_view(n, obms[node_id(n)], base, ibms[node_id(n)]) for n in found]
        return json_response(body, headers=headers)

    @bp.post("/nodes")
    def create_node():
        body = request_json()
        validate_body("nodesPost", body)
        check_relations(body)
        oid = ObjectId()
        obms = _validated_settings(body, "obms", str(oid))
        ibms = _validated_settings(body, "ibms", str(oid))
        stamp = now()
        node = {
            "_id": oid,
            "name": body["name"],
            "type": body["type"],
            "identifiers": normalized_identifiers(body.get("identifiers", [])),
            "autoDiscover": body.get("autoDiscover", False),
            "relations": body.get("relations", []),
            "tags": body.get("tags", []),
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        if "bootSettings" in body:
            node["bootSettings"] = body["bootSettings"]
        nodes.insert_one(node)
        nid = str(oid)
        ctx.events.publish_external("node", "added", "information", nid, nid, {"nodeType": node["type"]})
        _store_settings(ctx, node, obms, ibms)
        return json_response(node_raw(node), 201)

    @bp.get("/nodes/<identifier>")
    def get_node(identifier: str):
        return json_response(view_of(need_node(ctx.db, identifier, by_id_only=True, read=True)))

    @bp.patch("/nodes/<identifier>")
    def patch_node(identifier: str):
        body = request_json()
        validate_schema("node.2.0.json#/definitions/PartialNode", body, stage=DEFAULT)  # the body parameter
        check_relations(body)
        node = need_node(ctx.db, identifier)
        nid = node_id(node)
        obms = _validated_settings(body, "obms", nid)
        ibms = _validated_settings(body, "ibms", nid)
        changes = {key: value for key, value in body.items() if key not in ("obms", "ibms")}
        if "identifiers" in changes:
            changes["identifiers"] = normalized_identifiers(changes["identifiers"])
        changes["updatedAt"] = now()
        node.update(changes)
        # The whole document, not $set: nx-27017 0.8.1 stores a datetime given to $set as a string.
        nodes.replace_one({"_id": node["_id"]}, node)
        _store_settings(ctx, node, obms, ibms)
        return json_response(node_raw(node))

    @bp.delete("/nodes/<identifier>")
    def delete_node(identifier: str):
        node = need_node(ctx.db, identifier)
        nid = node_id(node)
        if ctx.engine is not None and ctx.engine.has_active_graph(nid):
            # RackHD 2.60.7's words, HTML-escaped quotes included (its error renders the message escaped)
            raise ApiError(400, f"&#34;Could not remove node {nid}, active workflow is running&#34;")
        unlink_all(ctx, node)
        for collection in OWNED_COLLECTIONS:
            ctx.db[collection].delete_many({"node": refers_to_node(nid)})
        ctx.db[LOOKUPS].update_many({"node": refers_to_node(nid)}, {"$unset": {"node": ""}})
        nodes.delete_one({"_id": node["_id"]})
        ctx.events.publish_external("node", "removed", "information", nid, nid, {"nodeType": node.get("type")})
        return no_content()

    @bp.get("/nodes/<identifier>/obm")
    def node_obms(identifier: str):
        node = need_node(ctx.db, identifier, by_id_only=True, read=True)
        return json_response([obm_view(obm, base) for obm in settings_of(ctx, node, OBMS)])

    @bp.put("/nodes/<identifier>/obm")
    def put_node_obm(identifier: str):
        body = request_json()
        validate_obm("nodesPutObmsByNodeId", body)  # RackHD checks the body (nodeId required) before the node
        node = need_node(ctx.db, identifier, by_id_only=True)
        nid = node_id(node)
        if body["nodeId"] != nid:
            raise ApiError(400, f"body nodeId {body['nodeId']!r} is not the node in the path ({nid})")
        record = upsert_settings(ctx, node, body["service"], body["config"], OBMS)
        return json_response(obm_view(record, base), 201)

    @bp.get("/nodes/<identifier>/catalogs")
    def node_catalogs(identifier: str):
        nid = node_id(need_node(ctx.db, identifier))
        found = ctx.db[CATALOGS].find({"node": refers_to_node(nid)}).sort("createdAt", 1)
        return json_response([catalog_view(catalog, base) for catalog in found])

    @bp.get("/nodes/<identifier>/catalogs/<source>")
    def node_catalog_by_source(identifier: str, source: str):
        nid = node_id(need_node(ctx.db, identifier))
        latest = list(
            ctx.db[CATALOGS].find({"node": refers_to_node(nid), "source": source}).sort("createdAt", -1).limit(1)
        )
        if not latest:
            raise ApiError(404, f"No Catalogs Found for Source ({source}).")
        return json_response(catalog_raw(latest[0]))

    return bp
