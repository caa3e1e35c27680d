"""A node's management settings: OBM (``obms``) and IBM (``ibms``) records, one per (node, service).

PUT upserts by (node, service), as RackHD's ``upsertByNode`` does. Every change of a node's OBMs
publishes RackHD's node attribute event (``publishNodeAttrEvent``), type ``node`` with action
``obms.assigned`` (the node had none), ``obms.updated`` or ``obms.unassigned`` (none left).

Configs are stored as given (RackHD AES-encrypts secret keys at rest; the target does not, see
docs/reference-target.md); every rendering strips them (views.redact_config).
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import (
    OBMS,
    ApiError,
    find_node,
    node_id,
    node_reference,
    now,
    refers_to_node,
)
from rackharness.reference.spec import validate_body


def settings_of(ctx: TargetContext, node: dict[str, Any], collection: str = OBMS) -> list[dict[str, Any]]:
    return list(ctx.db[collection].find({"node": refers_to_node(node_id(node))}))


def settings_by_node(
    ctx: TargetContext, nodes: list[dict[str, Any]], collection: str = OBMS
) -> dict[str, list[dict[str, Any]]]:
    """node id → that node's records, for a page of nodes in one query."""
    ids = [node_id(node) for node in nodes]
    wanted = [ref for nid in ids for ref in (ObjectId(nid), nid) if ObjectId.is_valid(nid)]
    grouped: dict[str, list[dict[str, Any]]] = {nid: [] for nid in ids}
    if wanted:
        for record in ctx.db[collection].find({"node": {"$in": wanted}}):
            grouped.setdefault(str(record["node"]), []).append(record)
    return grouped


def validate_obm(operation_id: str, body: Any, *, where: str = "") -> None:
    """The OBM schema check of ``operation_id`` (service-specific), with ``where`` naming the
    body part in the error (e.g. ``obms[0]``)."""
    if not isinstance(body, dict):
        raise ApiError(400, f"{where or 'the request body'} must be an object with service and config")
    try:
        validate_body(operation_id, body)
    except ApiError as exc:
        if not where:
            raise
        raise ApiError(exc.status, f"{where}: {exc.message}", errors=exc.errors) from None


def publish_obms_change(ctx: TargetContext, node: dict[str, Any], had_before: bool, has_now: bool) -> None:
    action = "obms.assigned" if not had_before else ("obms.updated" if has_now else "obms.unassigned")
    nid = node_id(node)
    ctx.events.publish_external("node", action, "information", nid, nid, {"nodeType": node.get("type")})


def upsert_settings(
    ctx: TargetContext, node: dict[str, Any], service: str, config: dict[str, Any], collection: str = OBMS
) -> dict[str, Any]:
    """Create or replace the node's record for ``service``; the stored record is returned."""
    nid = node_id(node)
    records = ctx.db[collection]
    had_obms = collection == OBMS and records.count_documents({"node": refers_to_node(nid)}) > 0
    stamp = now()
    config = ctx.sealer.seal(config)  # secrets encrypted at rest, as RackHD does
    existing = records.find_one({"node": refers_to_node(nid), "service": service})
    if existing is not None:
        records.update_one({"_id": existing["_id"]}, {"$set": {"config": config, "updatedAt": stamp}})
        record = {**existing, "config": config, "updatedAt": stamp}
    else:
        record = {
            "_id": ObjectId(),
            "node": node_reference(nid),
            "service": service,
            "config": config,
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        records.insert_one(record)
    if collection == OBMS:
        publish_obms_change(ctx, node, had_obms, True)
    return record


def find_obm(ctx: TargetContext, identifier: str) -> dict[str, Any]:
    oid = ObjectId(identifier) if ObjectId.is_valid(identifier) else None
    record = ctx.db[OBMS].find_one({"_id": oid}) if oid is not None else None
    if record is None:
        raise ApiError(404, f"Could not find obm with identifier {identifier}")
    return record


def delete_obm(ctx: TargetContext, record: dict[str, Any]) -> None:
    ctx.db[OBMS].delete_one({"_id": record["_id"]})
    node = find_node(ctx.db, str(record["node"]), by_id_only=True) if record.get("node") is not None else None
    if node is not None:
        remaining = ctx.db[OBMS].count_documents({"node": refers_to_node(node_id(node))})
        publish_obms_change(ctx, node, True, remaining > 0)
