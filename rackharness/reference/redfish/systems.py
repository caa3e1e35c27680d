"""Systems: ``/redfish/v1/Systems`` — the compute nodes, one ComputerSystem each, and their reset.

``POST /Systems/{id}/Actions/ComputerSystem.Reset {"ResetType": ...}`` runs the power graph of
systems.js's table against the node, as ``POST /api/2.0/nodes/{id}/workflows`` would, and answers
202 with ``{"@odata.id": "/redfish/v1/TaskService/Tasks/<graph instanceId>"}`` and the same path in
``Location``; the TaskService reports the graph (:mod:`.tasks`). A node that is running a graph
refuses the reset with the engine's 400 ("Unable to run multiple task graphs against a single
target."). ``GET`` on the action answers RackHD's ``#RackHD.ResetAction`` with the allowable values.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import ApiError, node_id
from rackharness.reference.http import json_response, request_json
from rackharness.reference.redfish.computer_system import RESET_TARGET, computer_system
from rackharness.reference.redfish.errors import RedfishError
from rackharness.reference.redfish.resources import BASE, SYSTEM_TYPES, collection, need_system, nodes_of_type

#: systems.js doReset: ResetType → the graph it runs
RESET_GRAPHS = {
    "On": "Graph.PowerOn.Node",
    "ForceOff": "Graph.PowerOff.Node",
    "GracefulRestart": "Graph.Reset.Soft.Node",
    "ForceRestart": "Graph.Reboot.Node",
    "ForceOn": "Graph.PowerOn.Node",
    "PushPowerButton": "Graph.Reset.Soft.Node",
}
#: the schema's enum (RackHD.ResetAction); GracefulShutdown and Nmi have no graph in RackHD
SCHEMA_RESET_TYPES = (
    "On",
    "ForceOff",
    "GracefulShutdown",
    "GracefulRestart",
    "ForceRestart",
    "Nmi",
    "ForceOn",
    "PushPowerButton",
)
#: redfish.1.0.0.rackhd.reset.actions.json
ALLOWABLE_RESET_TYPES = ("On", "ForceOff", "GracefulRestart", "ForceRestart", "ForceOn", "PushPowerButton")


def reset_graph(body: Any) -> str:
    """The graph a reset body asks for; 400 naming the allowed values when it asks for none."""
    allowed = ", ".join(ALLOWABLE_RESET_TYPES)
    if not isinstance(body, dict) or "ResetType" not in body:
        raise RedfishError(400, f'the body must be {{"ResetType": <one of {allowed}>}}, got {body!r:.200}')
    reset_type = body["ResetType"]
    if reset_type not in RESET_GRAPHS:
        why = "has no power graph in RackHD" if reset_type in SCHEMA_RESET_TYPES else "is not a ResetType"
        raise RedfishError(400, f"ResetType {reset_type!r:.100} {why}; use one of {allowed}")
    return RESET_GRAPHS[reset_type]


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_systems", __name__)

    @bp.get("/Systems")
    def list_systems():
        members = [f"{BASE}/Systems/{node_id(node)}" for node in nodes_of_type(ctx.db, SYSTEM_TYPES)]
        return json_response(collection(f"{BASE}/Systems", "ComputerSystem", "Computer System Collection", members))

    @bp.get("/Systems/<identifier>")
    def get_system(identifier: str):
        return json_response(computer_system(ctx, need_system(ctx.db, identifier)))

    @bp.get(f"/Systems/<identifier>/{RESET_TARGET}")
    def list_reset_types(identifier: str):
        need_system(ctx.db, identifier)
        return json_response(
            {"@odata.type": "#RackHD.ResetAction", "ResetType@Redfish.AllowableValues": list(ALLOWABLE_RESET_TYPES)}
        )

    @bp.post(f"/Systems/<identifier>/{RESET_TARGET}")
    def do_reset(identifier: str):
        nid = node_id(need_system(ctx.db, identifier))
        try:
            graph_name = reset_graph(request_json())
            if ctx.engine is None:
                raise RedfishError(503, "the workflow engine is not running in this target")
            graph = ctx.engine.run_graph(graph_name, None, nid)  # type: ignore[attr-defined]
        except RedfishError:
            raise
        except ApiError as exc:  # a bad JSON body, an active graph (400), a graph missing from the library
            raise RedfishError(exc.status, exc.message) from None
        task = f"{BASE}/TaskService/Tasks/{graph['instanceId']}"
        return json_response({"@odata.id": task}, 202, headers={"Location": task})

    return bp
