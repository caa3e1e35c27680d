"""Tags: tag definitions (/tags) whose rules are matched against nodes' catalogs, and a node's tags.

Definitions (model ``tags``: uuid4 id, ``name``, ``rules``): ``GET /tags`` and ``GET /tags/{name}``
answer the view ``{id, name, rules}``; ``POST /tags`` answers 201 with the raw record (plus
``createdAt``/``updatedAt``), 409 when the name is taken; ``DELETE /tags/{name}`` 204. A body must
be ``{name, rules}`` (tags.2.0.json#/TagsPost, rules as skus.2.0.json#/SkusRules: ``{"path":
"<source>.<dot.path>", <one rule>}``), else 400. Creating a tag runs, for every node and at once,
what on-http starts one Graph.GenerateTags per node for (rackharness.reference.skus.generate_tags):
every definition whose rules the node's latest catalogs all pass (rackharness.reference.catalog_rules,
the grammar SKUs share) adds its name to the node's ``tags`` (a tag without rules matches nothing);
names are only ever added, and deleting a definition leaves the nodes' tags alone.
``GET /tags/{name}/nodes`` answers the raw nodes carrying the name.

A node's tags (names): GET/PATCH /nodes/{id}/tags, DELETE /nodes/{id}/tags/{tag}, and
DELETE /nodes/tags/{tag} (from every node). PATCH takes ``{"tags": [...]}`` (checked against
node.2.0.json#/PartialNode, as on-http does), adds the names the node lacks and answers 200 with
the node's tags.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, request

from rackharness.reference.catalog_rules import MISSING, OPERATORS, rule_passes, sources_of, value_at
from rackharness.reference.catalog_rules import tag_matches as rules_match
from rackharness.reference.context import TargetContext
from rackharness.reference.contract.body_stages import RULES
from rackharness.reference.contract.messages import js_type
from rackharness.reference.documents import NODES, TAGS, ApiError, iso, need_node, now
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.queries import find_listed
from rackharness.reference.skus import add_node_tags as add_names
from rackharness.reference.skus import regenerate_tags
from rackharness.reference.spec import validate_body, validate_schema
from rackharness.reference.views import document_id, node_raw

#: the rule grammar (rackharness.reference.catalog_rules, shared with SKUs); re-exported for callers
__all__ = [
    "MISSING",
    "OPERATORS",
    "blueprint",
    "check_tag_body",
    "rule_passes",
    "rules_match",
    "sources_of",
    "tag_raw",
    "tag_view",
    "value_at",
]


# -- bodies ---------------------------------------------------------------------------------------


def check_tag_body(body: Any) -> None:
    """400 unless ``body`` is ``{name: non-empty string, rules: SkusRules}`` (tags.2.0.json#/TagsPost), refused
    as RackHD refuses it (:mod:`..contract.body_stages`): the body parameter's types first (``Validation
    errors``), then the schema's required and unknown keys (``ValidationError: ...``)."""
    if not isinstance(body, dict):
        raise ApiError(400, "Validation errors", errors=[f"Expected type object but found type {js_type(body)}"])
    if "name" in body and not isinstance(body["name"], str):
        raise ApiError(
            400, "Validation errors", errors=[f"Expected type string but found type {js_type(body['name'])}"]
        )
    if body.get("name") == "":
        raise ApiError(400, "Validation errors", errors=["String is too short (0 chars), minimum 1"])
    if "rules" in body:
        validate_schema("skus.2.0.json#/definitions/SkusRules", body["rules"], stage=RULES)
    missing = [key for key in ("name", "rules") if key not in body]
    if missing:
        raise ApiError(400, f"ValidationError: Missing required property: {missing[0]}")
    if set(body) - {"name", "rules"}:
        raise ApiError(400, "ValidationError: Additional properties not allowed")


# -- the API --------------------------------------------------------------------------------------


def tag_view(tag: dict[str, Any]) -> dict[str, Any]:
    return {"id": document_id(tag), "name": tag.get("name"), "rules": list(tag.get("rules") or [])}


def tag_raw(tag: dict[str, Any]) -> dict[str, Any]:
    return {**tag_view(tag), "createdAt": iso(tag.get("createdAt")), "updatedAt": iso(tag.get("updatedAt"))}


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("tags", __name__)
    nodes = ctx.db[NODES]
    tags = ctx.db[TAGS]

    def need_tag(name: str) -> dict[str, Any]:
        tag = tags.find_one({"name": name})
        if tag is None:
            raise ApiError(404, f"name {name} was not found")
        return tag

    @bp.get("/tags")
    def list_tags():
        found, headers = find_listed(tags, request.args, request.path)
        return json_response([tag_view(tag) for tag in found], headers=headers)

    @bp.post("/tags")
    def create_tag():
        body = request_json()
        check_tag_body(body)  # createTag names tags.2.0.json, whose root constrains nothing: TagsPost
        if tags.find_one({"name": body["name"]}) is not None:
            raise ApiError(409, "tag name already exists")  # RackHD's words, all of them
        stamp = now()
        tag = {
            "_id": str(uuid.uuid4()),
            "name": body["name"],
            "rules": body["rules"],
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        tags.insert_one(tag)
        regenerate_tags(ctx)  # Graph.GenerateTags for every node, done at once
        return json_response(tag_raw(tag), 201)

    @bp.get("/tags/<name>")
    def get_tag(name: str):
        return json_response(tag_view(need_tag(name)))

    @bp.delete("/tags/<name>")
    def delete_tag(name: str):
        tags.delete_many({"name": name})  # on-http destroys the tags of that name: none is nothing to do (204)
        return no_content()

    @bp.get("/tags/<name>/nodes")
    def nodes_by_tag(name: str):
        # on-http's nodes.findByTag: the nodes carrying the name, whether or not a definition exists
        return json_response([node_raw(node) for node in nodes.find({"tags": name})])

    @bp.get("/nodes/<identifier>/tags")
    def node_tags(identifier: str):
        return json_response(list(need_node(ctx.db, identifier).get("tags") or []))

    @bp.patch("/nodes/<identifier>/tags")
    def add_node_tags(identifier: str):
        node = need_node(ctx.db, identifier)
        body = request_json()
        validate_body("nodesPatchTagById", body)
        if "tags" not in body:
            raise ApiError(400, 'the body must be {"tags": ["<name>", ...]}')
        return json_response(add_names(ctx, node, body["tags"]))

    @bp.delete("/nodes/<identifier>/tags/<tag>")
    def remove_node_tag(identifier: str, tag: str):
        node = need_node(ctx.db, identifier)
        tags_left = [t for t in node.get("tags") or [] if t != tag]
        nodes.update_one({"_id": node["_id"]}, {"$set": {"tags": tags_left, "updatedAt": now()}})
        return no_content()

    @bp.delete("/nodes/tags/<tag>")
    def remove_tag_everywhere(tag: str):
        stamp = now()
        for node in nodes.find({"tags": tag}, {"tags": 1}):
            nodes.update_one(
                {"_id": node["_id"]}, {"$set": {"tags": [t for t in node["tags"] if t != tag], "updatedAt": stamp}}
            )
        return no_content()

    return bp
