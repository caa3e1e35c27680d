"""A node's tags (names): GET/PATCH /nodes/{id}/tags, DELETE /nodes/{id}/tags/{tag}, and
DELETE /nodes/tags/{tag} (from every node). Tag definitions (/tags) are not served yet.

PATCH takes ``{"tags": [...]}`` (checked against node.2.0.json#/PartialNode, as on-http does),
adds the names the node lacks and answers 200 with the node's tags.
"""
from __future__ import annotations

from flask import Blueprint

from rackharness.target.context import TargetContext
from rackharness.target.documents import NODES, ApiError, need_node, now
from rackharness.target.http import json_response, no_content, request_json
from rackharness.target.spec import validate_body


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("tags", __name__)
    nodes = ctx.db[NODES]

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
        tags = list(node.get("tags") or [])
        tags += [tag for tag in dict.fromkeys(body["tags"]) if tag not in tags]
        nodes.update_one({"_id": node["_id"]}, {"$set": {"tags": tags, "updatedAt": now()}})
        return json_response(tags)

    @bp.delete("/nodes/<identifier>/tags/<tag>")
    def remove_node_tag(identifier: str, tag: str):
        node = need_node(ctx.db, identifier)
        tags = [t for t in node.get("tags") or [] if t != tag]
        nodes.update_one({"_id": node["_id"]}, {"$set": {"tags": tags, "updatedAt": now()}})
        return no_content()

    @bp.delete("/nodes/tags/<tag>")
    def remove_tag_everywhere(tag: str):
        stamp = now()
        for node in nodes.find({"tags": tag}, {"tags": 1}):
            nodes.update_one({"_id": node["_id"]},
                             {"$set": {"tags": [t for t in node["tags"] if t != tag], "updatedAt": stamp}})
        return no_content()

    return bp
