"""Pollers: /pollers (list, create), /pollers/{id} (get, patch, delete), their cached data, and a node's pollers.

Contract §1.4, §6 (on-http ``lib/api/2.0/pollers.js``, ``pollers-api-service.js``):

* ``GET /pollers`` - the poller views (``?type=ipmi`` filters by type, other Waterline filters,
  ``$skip``/``$top``, ``sort`` as for every list);
* ``POST /pollers`` ``{type, pollInterval, config, node?, paused?}`` (``poller.2.0.json#/definitions/Poller``)
  - 201 with the view; ``type`` is stored as the work item name (``ipmi`` -> ``Pollers.IPMI``);
* ``GET|PATCH|DELETE /pollers/{id}`` - the view / the changed view (``PartialPoller``) / 204;
* ``GET /pollers/{id}/data`` - the cached results, oldest first, and ``/data/current`` the latest
  alone (a one-element array); both 204 while there is none;
* ``GET /nodes/{id}/pollers`` - the node's raw work items (the node by id, MAC or lookup).

A body breaking its schema, or a ``pollInterval`` that is not a whole number >= 0 (the model's
integer rule), answers 400; an unknown poller or node 404. ``paused: true`` stops a poller running,
``paused: false`` runs it at once if it is due.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import WORKITEMS, ApiError, find_node, need_node, node_id
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.pollers.store import POLLER_NAMES, WorkitemStore
from rackharness.reference.pollers.views import poller_view, workitem_raw
from rackharness.reference.queries import find_listed
from rackharness.reference.spec import validate_body


def _poll_interval(value: Any) -> int:
    """The model's integer rule: a whole number (1000.0 counts), not negative."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 0:
        raise ApiError(
            400,
            f"pollInterval must be a whole number of milliseconds >= 0, got {value!r}",
            errors=[f"pollInterval: {value!r} is not a non-negative integer"],
        )
    return int(value)


def _changes(ctx: TargetContext, body: dict[str, Any]) -> dict[str, Any]:
    """Body fields (already schema-checked) as stored fields: type -> name, node -> the node's id."""
    changes: dict[str, Any] = {}
    if "type" in body:
        changes["name"] = POLLER_NAMES[body["type"]]
    if "pollInterval" in body:
        changes["pollInterval"] = _poll_interval(body["pollInterval"])
    if "config" in body:
        changes["config"] = body["config"]
    if "paused" in body:
        changes["paused"] = body["paused"]
    if "node" in body:
        node = find_node(ctx.db, body["node"])
        if node is None:
            raise ApiError(404, f"Node Not Found: {body['node']}")
        changes["node"] = node["_id"]
    return changes


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("pollers", __name__)
    store = WorkitemStore(ctx.db)
    base = ctx.base_path

    def need_poller(identifier: str) -> dict[str, Any]:
        doc = store.get(identifier)
        if doc is None:
            raise ApiError(404, f"Could not find workitem with identifier {identifier}")
        return doc

    def notify(poller_id: str) -> None:
        if ctx.pollers is not None:
            ctx.pollers.changed(poller_id)

    def data(identifier: str, latest_only: bool):
        poller_id = str(need_poller(identifier)["_id"])
        entries = ctx.pollers.data(poller_id, latest_only=latest_only) if ctx.pollers is not None else []
        return json_response(entries) if entries else no_content()

    @bp.get("/pollers")
    def list_pollers():
        args = request.args.copy()
        if "type" in args:
            wanted = args.pop("type")
            args["name"] = POLLER_NAMES.get(wanted.lower(), f"Pollers.{wanted.upper()}")
        found, headers = find_listed(ctx.db[WORKITEMS], args, request.path)
        return json_response([poller_view(doc, base) for doc in found], headers=headers)

    @bp.post("/pollers")
    def create_poller():
        body = request_json()
        validate_body("pollersPost", body)
        fields = _changes(ctx, body)
        doc = store.create(
            fields["name"],
            fields["pollInterval"],
            str(fields["node"]) if fields.get("node") else None,
            fields["config"],
            bool(fields.get("paused", False)),
        )
        notify(str(doc["_id"]))
        return json_response(poller_view(doc, base), 201)

    @bp.get("/pollers/<identifier>")
    def get_poller(identifier: str):
        return json_response(poller_view(need_poller(identifier), base))

    @bp.patch("/pollers/<identifier>")
    def patch_poller(identifier: str):
        poller_id = str(need_poller(identifier)["_id"])
        body = request_json()
        validate_body("pollersPatch", body)
        doc = store.update(poller_id, _changes(ctx, body))
        if doc is None:  # deleted meanwhile
            raise ApiError(404, f"Could not find workitem with identifier {identifier}")
        notify(poller_id)
        return json_response(poller_view(doc, base))

    @bp.delete("/pollers/<identifier>")
    def delete_poller(identifier: str):
        poller_id = str(need_poller(identifier)["_id"])
        store.delete(poller_id)
        if ctx.pollers is not None:
            ctx.pollers.removed(poller_id)
        return no_content()

    @bp.get("/pollers/<identifier>/data")
    def poller_data(identifier: str):
        return data(identifier, latest_only=False)

    @bp.get("/pollers/<identifier>/data/current")
    def poller_current_data(identifier: str):
        return data(identifier, latest_only=True)

    @bp.get("/nodes/<identifier>/pollers")
    def node_pollers(identifier: str):
        node = need_node(ctx.db, identifier)
        return json_response([workitem_raw(doc) for doc in store.for_node(node_id(node))])

    return bp
