"""How stored documents are rendered: RackHD's views (``x-view`` templates) versus raw records.

Operations with an ``x-view`` render through on-http's EJS templates (``data/views/*.2.0.json``);
the others answer the Waterline record (``toJSON``). The two differ, and clients rely on the
difference: the node view links its catalogs, tags, pollers and workflows by URL while the raw node
carries its tags as names; catalog lists link the node by URL while the by-source catalog carries
the node id. Renderers accept what RackHD stores (``_id`` ObjectId, datetime timestamps, node
references as ObjectId or string), so documents seeded with pymongo are served as they are.

Secrets never leave: OBM config keys matching /password/i, ``community`` and ``productkey`` are
removed from every OBM rendering.
"""

from __future__ import annotations

import re
from typing import Any

from rackharness.reference.documents import iso

SECRET_CONFIG_KEY = re.compile(r"password|^community$|^productkey$", re.IGNORECASE)


def document_id(document: dict[str, Any]) -> str:
    """The id RackHD shows: ``_id`` (ObjectId or uuid string) as a string."""
    return str(document["_id"] if "_id" in document else document["id"])


def reference_id(value: Any) -> str | None:
    """A stored reference (ObjectId or string) as the id string; None stays None."""
    return None if value is None else str(value)


def redact_config(config: dict[str, Any] | None) -> dict[str, Any]:
    """An OBM/IBM config without its secrets (password*, community, productkey)."""
    return {key: value for key, value in (config or {}).items() if not SECRET_CONFIG_KEY.search(key)}


def _relations(node: dict[str, Any]) -> list[dict[str, Any]]:
    # A document seeded by hand may hold anything: render it as stored rather than fail the request.
    return [dict(relation) if isinstance(relation, dict) else relation for relation in node.get("relations") or []]


def node_raw(node: dict[str, Any]) -> dict[str, Any]:
    """The raw node (POST/PATCH responses, relations and tags/{t}/nodes answers)."""
    raw = {
        "id": document_id(node),
        "name": node.get("name"),
        "type": node.get("type", "compute"),
        "identifiers": list(node.get("identifiers") or []),
        "autoDiscover": bool(node.get("autoDiscover", False)),
        "relations": _relations(node),
        "tags": list(node.get("tags") or []),
    }
    if "sku" in node:  # as RackHD 2.60.7: no sku key until SKU matching ran for the node (then an id or null)
        raw["sku"] = reference_id(node["sku"])
    if node.get("bootSettings") is not None:
        raw["bootSettings"] = node["bootSettings"]
    raw["createdAt"] = iso(node.get("createdAt"))
    raw["updatedAt"] = iso(node.get("updatedAt"))
    return raw


def _links(base_path: str, kind: str, documents: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"service": doc.get("service"), "ref": f"{base_path}/{kind}/{document_id(doc)}"} for doc in documents]


def _relation_view(relation: Any) -> Any:
    """``{relationType, info, targets}`` as the contract's node view lists it (``info`` null when unset)."""
    if not isinstance(relation, dict):
        return relation
    return {
        "relationType": relation.get("relationType"),
        "info": relation.get("info"),
        "targets": list(relation.get("targets") or []),
    }


def node_view(
    node: dict[str, Any], obms: list[dict[str, Any]], base_path: str, ibms: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The node view (``node.2.0.json``: GET /nodes, GET /nodes/{id}); ``obms`` and ``ibms`` are the
    node's documents from their collections."""
    nid = document_id(node)
    url = f"{base_path}/nodes/{nid}"
    view: dict[str, Any] = {
        "autoDiscover": bool(node.get("autoDiscover", False)),
        "catalogs": f"{url}/catalogs",
        "id": nid,
        "identifiers": list(node.get("identifiers") or []),
        "name": node.get("name"),
        "obms": _links(base_path, "obms", obms),
        "tags": f"{url}/tags",
        "pollers": f"{url}/pollers",
        "relations": [_relation_view(r) for r in _relations(node)],
    }
    if "sku" in node:  # as the raw node: absent until SKU matching ran for the node, then a link or null
        view["sku"] = f"{base_path}/skus/{node['sku']}" if node["sku"] is not None else None
    view["type"] = node.get("type", "compute")
    view["workflows"] = f"{url}/workflows"
    view["ibms"] = _links(base_path, "ibms", ibms or [])
    return view


def obm_view(obm: dict[str, Any], base_path: str) -> dict[str, Any]:
    """The OBM view (``obm.2.0.json``); the config comes without secrets."""
    node = reference_id(obm.get("node"))
    return {
        "id": document_id(obm),
        "node": f"{base_path}/nodes/{node}" if node is not None else None,
        "service": obm.get("service"),
        "config": redact_config(obm.get("config")),
    }


def obm_raw(obm: dict[str, Any]) -> dict[str, Any]:
    """The raw OBM record, as PATCH /obms/{id} answers it (the spec gives that operation no ``x-view``;
    RackHD 2.60.7 answers ``{config, createdAt, id, node: <node id>, nodeId, service, updatedAt}``),
    the config without secrets."""
    node = reference_id(obm.get("node"))
    return {
        "config": redact_config(obm.get("config")),
        "createdAt": iso(obm.get("createdAt")),
        "id": document_id(obm),
        "node": node,
        "nodeId": node,
        "service": obm.get("service"),
        "updatedAt": iso(obm.get("updatedAt")),
    }


def catalog_view(catalog: dict[str, Any], base_path: str) -> dict[str, Any]:
    """A catalog in lists (``catalogs.2.0.json``): ``node`` is the node's URL."""
    return {
        "id": document_id(catalog),
        "node": f"{base_path}/nodes/{reference_id(catalog.get('node'))}",
        "createdAt": iso(catalog.get("createdAt")),
        "updatedAt": iso(catalog.get("updatedAt")),
        "source": catalog.get("source"),
        "data": catalog.get("data"),
    }


def catalog_raw(catalog: dict[str, Any]) -> dict[str, Any]:
    """The raw catalog (GET /nodes/{id}/catalogs/{source}): ``node`` is the node id."""
    return {
        "id": document_id(catalog),
        "node": reference_id(catalog.get("node")),
        "source": catalog.get("source"),
        "data": catalog.get("data"),
        "createdAt": iso(catalog.get("createdAt")),
        "updatedAt": iso(catalog.get("updatedAt")),
    }
