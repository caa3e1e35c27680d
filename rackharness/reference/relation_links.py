"""Node relations, kept symmetric: a node's ``relations`` is ``[{relationType, targets: [nodeId]}]``
and every link has its mirror on the target (encloses/enclosedBy, contains/containedBy,
powers/poweredBy, manages/managedBy), as on-http's node API keeps them.
"""

from __future__ import annotations

from typing import Any

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import NODES, ApiError, find_node, node_id, now

MIRROR = {
    "encloses": "enclosedBy",
    "enclosedBy": "encloses",
    "contains": "containedBy",
    "containedBy": "contains",
    "powers": "poweredBy",
    "poweredBy": "powers",
    "manages": "managedBy",
    "managedBy": "manages",
}


def with_targets(relations: list[dict[str, Any]], relation_type: str, targets: list[str]) -> list[dict[str, Any]]:
    """``relations`` with ``targets`` added to the ``relation_type`` entry (created if missing)."""
    out = [dict(r, targets=list(r.get("targets") or [])) for r in relations]
    entry = next((r for r in out if r.get("relationType") == relation_type), None)
    if entry is None:
        entry = {"relationType": relation_type, "targets": []}
        out.append(entry)
    for target in targets:
        if target not in entry["targets"]:
            entry["targets"].append(target)
    return out


def without_targets(relations: list[dict[str, Any]], relation_type: str, targets: list[str]) -> list[dict[str, Any]]:
    """``relations`` with ``targets`` removed from ``relation_type``; an emptied entry goes."""
    out = []
    for relation in relations:
        kept = list(relation.get("targets") or [])
        if relation.get("relationType") == relation_type:
            kept = [t for t in kept if t not in targets]
            if not kept:
                continue
        out.append(dict(relation, targets=kept))
    return out


def parse_request(body: Any) -> dict[str, list[str]]:
    """``{"<relationType>": [nodeId, ...]}`` checked: known types, lists of id strings."""
    if not isinstance(body, dict) or not body:
        raise ApiError(400, 'the body must map relation types to lists of node ids, e.g. {"contains": ["<id>"]}')
    for relation_type, targets in body.items():
        if relation_type not in MIRROR:
            raise ApiError(400, f"unknown relation type {relation_type!r}; known: {', '.join(MIRROR)}")
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise ApiError(400, f"{relation_type} must be a list of node ids")
    return body


def _save(ctx: TargetContext, node: dict[str, Any], relations: list[dict[str, Any]]) -> None:
    stamp = now()
    ctx.db[NODES].update_one({"_id": node["_id"]}, {"$set": {"relations": relations, "updatedAt": stamp}})
    node.update(relations=relations, updatedAt=stamp)


def _targets(ctx: TargetContext, node: dict[str, Any], ids: list[str], *, must_exist: bool) -> list[dict[str, Any]]:
    found = []
    for identifier in ids:
        target = find_node(ctx.db, identifier)
        if target is None:
            if must_exist:
                raise ApiError(404, f"Node Not Found: relation target {identifier}")
            continue
        if node_id(target) == node_id(node):
            raise ApiError(400, f"node {identifier} cannot be related to itself")
        found.append(target)
    return found


def link(ctx: TargetContext, node: dict[str, Any], request: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Add the relations in ``request`` and their mirrors; the changed nodes (``node`` first)."""
    changed = {node_id(node): node}
    for relation_type, ids in request.items():
        targets = _targets(ctx, node, ids, must_exist=True)
        _save(ctx, node, with_targets(node.get("relations") or [], relation_type, [node_id(t) for t in targets]))
        for target in targets:
            target = changed.get(node_id(target), target)
            _save(ctx, target, with_targets(target.get("relations") or [], MIRROR[relation_type], [node_id(node)]))
            changed[node_id(target)] = target
    return list(changed.values())


def unlink(ctx: TargetContext, node: dict[str, Any], request: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Remove the relations in ``request`` and their mirrors; the changed nodes (``node`` first).
    A target that no longer exists is still removed from ``node``."""
    changed = {node_id(node): node}
    for relation_type, ids in request.items():
        targets = _targets(ctx, node, ids, must_exist=False)
        _save(
            ctx,
            node,
            without_targets(node.get("relations") or [], relation_type, list(ids) + [node_id(t) for t in targets]),
        )
        for target in targets:
            target = changed.get(node_id(target), target)
            _save(ctx, target, without_targets(target.get("relations") or [], MIRROR[relation_type], [node_id(node)]))
            changed[node_id(target)] = target
    return list(changed.values())


def unlink_all(ctx: TargetContext, node: dict[str, Any]) -> None:
    """Before ``node`` goes: remove its mirrors from every node it is related to."""
    for relation in node.get("relations") or []:
        mirror = MIRROR.get(relation.get("relationType"))
        for identifier in relation.get("targets") or []:
            target = find_node(ctx.db, identifier, by_id_only=True)
            if target is not None and mirror is not None:
                _save(ctx, target, without_targets(target.get("relations") or [], mirror, [node_id(node)]))
