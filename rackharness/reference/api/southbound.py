"""The node-facing routes (``monorail-2.0-sb.yaml``), served under /api/current and /api/2.0 like the rest.

* ``GET /profiles?macs=..&ips=..`` → 200 ``text/plain`` iPXE script (:mod:`..discovery.profiles`:
  creates unknown nodes and starts discovery);
* ``GET /tasks/bootstrap.js?macAddress=<mac>`` → 200 ``text/plain`` task-runner script for the
  node owning that MAC, 404 ``Node not found`` otherwise;
* ``GET /tasks/<nodeId>`` → 200 ``{identifier, tasks: [{cmd, acceptedResponseCodes?, ...}], exit?}``
  when a job offers commands; 200 with an empty body when the node was already sent its commands
  (RackHD's runOnlyOnce); 404 ``Not Found`` when the node has no active graph or no job offers
  anything within a second (RackHD: no active task, or its requestCommands RPC unanswered);
* ``GET /templates/<name>`` → 200 ``text/plain``: the scripts catalog tasks download (``get_smart.sh``,
  ``get_driveid.js``, ``set_interfaces.py``), 404 for any other name;
* ``POST /tasks/<nodeId>`` (the fetched document with each task's ``stdout``, ``stderr``,
  ``error``) → 201, empty body, whether or not a job was waiting (RackHD publishes it regardless).
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from rackharness.reference.context import TargetContext
from rackharness.reference.discovery import profiles
from rackharness.reference.documents import ApiError, find_node, node_id, normalize_mac, object_id
from rackharness.reference.http import json_response, request_json

TEXT = "text/plain; charset=utf-8"
# The scripts RackHD's catalog tasks download (``downloadUrl``) before running them: the virtual node's agent
# answers them from the node's hardware profile, so each is a stand-in that says so.
NODE_SCRIPTS = {
    name: f"#!/bin/sh\n# {name}: served by the rackharness reference target; a virtual node answers it "
    f"from its hardware profile ({what})\n"
    for name, what in (
        ("get_smart.sh", "smartctl of every disk"),
        ("get_driveid.js", "the drives' ids as JSON"),
        ("set_interfaces.py", "nothing to configure"),
    )
}


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("southbound", __name__)

    @bp.get("/profiles")
    def get_profiles():
        macs = profiles.macs_of(request.args)
        if not macs:
            return Response(profiles.redirect_ipxe(ctx), mimetype=TEXT)
        ips = request.args.getlist("ips") or request.args.getlist("ip")
        profiles.record_addresses(ctx, macs, ips)
        node = profiles.node_for_profile(ctx, macs)
        return Response(profiles.profile_text(ctx, node, macs[0]), mimetype=TEXT)

    @bp.get("/tasks/bootstrap.js")
    def get_bootstrap():
        mac = (request.args.get("macAddress") or "").lower()
        node = find_node(ctx.db, normalize_mac(mac) or mac) if mac else None
        if node is None:
            raise ApiError(
                404,
                "Node not found",
                errors=[
                    f"no node has the MAC {mac!r}: GET /api/current/profiles?macs=<mac> creates it"
                    if mac
                    else "give the node's MAC: /api/current/tasks/bootstrap.js?macAddress=<mac>"
                ],
            )
        return Response(profiles.bootstrap_js(ctx, node_id(node)), mimetype=TEXT)

    @bp.get("/tasks/<identifier>")
    def get_tasks(identifier: str):
        active = (
            object_id(identifier) is not None and ctx.engine is not None and ctx.engine.has_active_graph(identifier)
        )
        if not active:
            raise ApiError(404, "Not Found", errors=[f"node {identifier} has no active task"])
        outcome, document = ctx.southbound.request(identifier)
        if outcome == "commands":
            return json_response(document)
        if outcome == "empty":
            return Response(status=200)
        raise ApiError(404, "Not Found", errors=[f"no task of node {identifier} has commands for it now"])

    @bp.get("/templates/<name>")
    def get_template(name: str):
        text = NODE_SCRIPTS.get(name)
        if text is None:
            raise ApiError(
                404,
                "templates not found",
                errors=[
                    f"this target serves the scripts its catalog tasks download: {', '.join(sorted(NODE_SCRIPTS))}"
                ],
            )
        return Response(text, mimetype=TEXT)

    @bp.post("/tasks/<identifier>")
    def post_tasks(identifier: str):
        body = request_json()
        if not isinstance(body, dict):
            raise ApiError(400, "the body must be the fetched tasks document with each task's stdout, stderr and error")
        ctx.southbound.respond(identifier, body)
        return Response(status=201)

    return bp
