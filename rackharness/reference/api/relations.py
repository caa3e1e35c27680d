"""A node's relations: GET, PUT (add) and DELETE (remove) /nodes/{id}/relations.

Bodies are ``{"<relationType>": [nodeId, ...]}`` checked against relations.2.0.json#/Relation
(which requires ``contains`` or ``containedBy``); every change keeps the mirror relation on the
target (relation_links.py). PUT and DELETE answer 200 with the changed raw nodes, the node first
(docs samples relations-added.json / relations-deleted.json) — DELETE is 200, not 204, as in
RackHD.
"""

from __future__ import annotations

from flask import Blueprint

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import need_node
from rackharness.reference.http import json_response, request_json
from rackharness.reference.relation_links import link, parse_request, unlink
from rackharness.reference.spec import validate_body
from rackharness.reference.views import node_raw


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("relations", __name__)

    @bp.get("/nodes/<identifier>/relations")
    def get_relations(identifier: str):
        return json_response(node_raw(need_node(ctx.db, identifier))["relations"])

    @bp.put("/nodes/<identifier>/relations")
    def add_relations(identifier: str):
        node = need_node(ctx.db, identifier)
        body = request_json()
        validate_body("nodesAddRelations", body)
        return json_response([node_raw(n) for n in link(ctx, node, parse_request(body))])

    @bp.delete("/nodes/<identifier>/relations")
    def remove_relations(identifier: str):
        node = need_node(ctx.db, identifier)
        body = request_json()
        validate_body("nodesDelRelations", body)
        return json_response([node_raw(n) for n in unlink(ctx, node, parse_request(body))])

    return bp
