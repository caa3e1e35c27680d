"""What every Redfish resource of the target shares: the base path, links and collections.

Paths follow ``redfish.yaml`` (basePath ``/redfish/v1``); a link is ``{"@odata.id": path}`` and a
collection is RackHD's collection view: ``@odata.context``, ``@odata.id``, ``@odata.type``,
``Name``, ``Members@odata.count`` and ``Members`` (links).
"""

from __future__ import annotations

from typing import Any, Iterable

from bson import ObjectId
from pymongo.database import Database

from rackharness.reference.documents import NODES, OBMS, find_node, node_id, refers_to_node
from rackharness.reference.redfish.errors import redfish_not_found

BASE = "/redfish/v1"
#: node types served as Systems (RackHD 2.60.7 lists ``type: compute``; Redfish-discovered nodes are ``redfish``)
SYSTEM_TYPES = ("compute", "redfish")


def link(path: str) -> dict[str, str]:
    return {"@odata.id": path}


def collection(path: str, resource: str, name: str, members: Iterable[str]) -> dict[str, Any]:
    """RackHD's ``<resource>Collection`` view of member paths."""
    links = [link(member) for member in members]
    return {
        "@odata.context": f"{BASE}/$metadata#{resource}Collection.{resource}Collection",
        "@odata.id": path,
        "@odata.type": f"#{resource}Collection.{resource}Collection",
        "Oem": {},
        "Name": name,
        "Members@odata.count": len(links),
        "Members": links,
    }


def nodes_of_type(db: Database, types: Iterable[str]) -> list[dict[str, Any]]:
    """Nodes of ``types``, oldest first (the order RackHD's Waterline find returns them)."""
    return list(db[NODES].find({"type": {"$in": list(types)}}).sort("_id", 1))


def need_system(db: Database, identifier: str) -> dict[str, Any]:
    """The compute node whose id is ``identifier``; 404 in Redfish's shape otherwise."""
    node = find_node(db, identifier, by_id_only=True)
    if node is None or node.get("type") not in SYSTEM_TYPES:
        raise redfish_not_found("System", identifier)
    return node


def has_obm(db: Database, nid: str) -> bool:
    return db[OBMS].find_one({"node": refers_to_node(nid)}, {"_id": 1}) is not None


def nodes_with_obms(db: Database, nodes: list[dict[str, Any]]) -> set[str]:
    """Ids of ``nodes`` that have at least one OBM (one query for all of them)."""
    refs: list[Any] = [node["_id"] for node in nodes] + [node_id(node) for node in nodes]
    return {
        str(obm["node"])
        for obm in db[OBMS].find({"node": {"$in": refs}}, {"node": 1})
        if isinstance(obm.get("node"), (ObjectId, str))
    }


def relation_targets(node: dict[str, Any], relation_type: str) -> list[str]:
    """Every target of the node's ``relation_type`` relations (``enclosedBy``, ``encloses`` ...)."""
    return [
        str(target)
        for relation in node.get("relations") or []
        if relation.get("relationType") == relation_type
        for target in relation.get("targets") or []
    ]
