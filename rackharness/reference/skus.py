"""The catalog steps of discovery, run in process: a node's SKU (``Task.Catalog.GenerateSku``) and its
tags (``Task.Catalog.GenerateTag``), both from its latest catalogs (rackharness.reference.catalog_rules).

* :func:`assign_sku` — as on-tasks' ``generate-sku.js``: every SKU is evaluated, the deepest
  matching one (ties: most recently created) becomes the node's ``sku``, or null when none matches.
  A change publishes RackHD's node attribute event ``node.sku.assigned|updated|unassigned
  .information.<nodeId>.<nodeId>`` (``publishNodeAttrEvent``, data ``{nodeType}``); whenever a SKU
  matches, the legacy ``sku.assigned.<nodeId>`` ``{sku}`` follows (``publishSkuAssigned``, also when
  the node already had that SKU, as the job publishes it on every run).
* :func:`regenerate_skus` — :func:`assign_sku` for every node: what on-http's ``regenerateSkus``
  starts as one ``Graph.GenerateSku`` per node after a SKU is created, changed or deleted.
* :func:`generate_tags` — as ``generate-tag.js``: every tag definition with rules that the node
  passes adds its name to the node's ``tags`` (names are only ever added).

All are idempotent: run again on unchanged SKUs, tags and catalogs they change nothing (only the
``sku.assigned`` message repeats). They serialize on one lock, so an API change of the SKUs and a
discovery step never interleave their reads and writes.
"""

from __future__ import annotations

import threading
from typing import Any

from rackharness.reference.catalog_rules import choose_sku, latest_catalogs, sources_of, tag_matches
from rackharness.reference.context import TargetContext
from rackharness.reference.documents import NODES, SKUS, TAGS, ApiError, find_node, now
from rackharness.reference.documents import node_id as id_of
from rackharness.reference.views import document_id, reference_id

_LOCK = threading.RLock()


class UnknownNode(ApiError, LookupError):
    """No node has the id given (a 404 to the API, a LookupError to a job)."""


def need_node_by_id(ctx: TargetContext, node_id: str) -> dict[str, Any]:
    """The node with that id, or :class:`UnknownNode`."""
    node = find_node(ctx.db, node_id, by_id_only=True)
    if node is None:
        raise UnknownNode(404, f"Node Not Found: {node_id}")
    return node


def _all_rules(definitions: list[dict[str, Any]]) -> list[Any]:
    return [
        rule for definition in definitions if isinstance(definition.get("rules"), list) for rule in definition["rules"]
    ]


def sku_action(before: str | None, after: str | None) -> str | None:
    """RackHD's ``_getAttrAction`` for ``sku``: assigned, updated, unassigned, or None (no change)."""
    if before and after and before != after:
        return "sku.updated"
    if before and not after:
        return "sku.unassigned"
    if not before and after:
        return "sku.assigned"
    return None


def _assign(ctx: TargetContext, node: dict[str, Any], skus: list[dict[str, Any]], sources: list[str]) -> str | None:
    nid = id_of(node)
    chosen = choose_sku(skus, latest_catalogs(ctx.db, nid, sources))
    after = document_id(chosen) if chosen is not None else None
    before = reference_id(node.get("sku"))
    if before != after or ("sku" not in node and skus):  # with no SKU at all, RackHD leaves the key unset
        ctx.db[NODES].update_one({"_id": node["_id"]}, {"$set": {"sku": after, "updatedAt": now()}})
    action = sku_action(before, after)
    if action is not None:
        ctx.events.publish_external("node", action, "information", nid, nid, {"nodeType": node.get("type")})
    if after is not None:
        ctx.events.publish(f"sku.assigned.{nid}", {"sku": after})
    return after


def assign_sku(ctx: TargetContext, node_id: str) -> str | None:
    """Give the node (by id) the SKU its latest catalogs match, or none; returns the SKU id or None.

    Raises :class:`UnknownNode` (ApiError 404 and LookupError) when no node has that id.
    """
    with _LOCK:
        node = need_node_by_id(ctx, node_id)
        skus = list(ctx.db[SKUS].find({}))
        return _assign(ctx, node, skus, sources_of(_all_rules(skus)))


def regenerate_skus(ctx: TargetContext) -> dict[str, str | None]:
    """:func:`assign_sku` for every node; returns ``{node id: sku id or None}``."""
    with _LOCK:
        skus = list(ctx.db[SKUS].find({}))
        sources = sources_of(_all_rules(skus))
        return {id_of(node): _assign(ctx, node, skus, sources) for node in list(ctx.db[NODES].find({}))}


def add_node_tags(ctx: TargetContext, node: dict[str, Any], names: list[str]) -> list[str]:
    """Append the names the node lacks to its ``tags`` (RackHD's ``nodes.addTags``); returns its tags."""
    current = list(node.get("tags") or [])
    updated = current + [name for name in dict.fromkeys(names) if name not in current]
    if updated != current:
        ctx.db[NODES].update_one({"_id": node["_id"]}, {"$set": {"tags": updated, "updatedAt": now()}})
        node["tags"] = updated
    return updated


def _generate_tags(
    ctx: TargetContext, node: dict[str, Any], tags: list[dict[str, Any]], sources: list[str]
) -> list[str]:
    catalogs = latest_catalogs(ctx.db, id_of(node), sources)
    names = [
        tag["name"] for tag in tags if isinstance(tag.get("name"), str) and tag_matches(tag.get("rules"), catalogs)
    ]
    add_node_tags(ctx, node, names)
    return names


def generate_tags(ctx: TargetContext, node_id: str) -> list[str]:
    """Add to the node (by id) the name of every tag definition whose rules its latest catalogs pass;
    returns those names (already carried or new), in definition order; :class:`UnknownNode` for an unknown node."""
    with _LOCK:
        node = need_node_by_id(ctx, node_id)
        tags = list(ctx.db[TAGS].find({}))
        return _generate_tags(ctx, node, tags, sources_of(_all_rules(tags)))


def regenerate_tags(ctx: TargetContext) -> None:
    """:func:`generate_tags` for every node (one ``Graph.GenerateTags`` per node, as ``POST /tags`` starts)."""
    with _LOCK:
        tags = list(ctx.db[TAGS].find({}))
        sources = sources_of(_all_rules(tags))
        for node in list(ctx.db[NODES].find({})):
            _generate_tags(ctx, node, tags, sources)
