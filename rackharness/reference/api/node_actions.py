"""Two actions on nodes that their resources' modules do not serve: the identify LED and a graph for a tag.

* ``POST /obms/led {nodeId, value?}`` (on-http ``obms.js``, ``nodes-api-service.postNodeObmIdById``):
  400 ``Must specify nodeId in body`` without a ``nodeId``; 404 ``No IPMI OBM Settings Found (<id>).``
  when the node has no ``ipmi-obm-service`` OBM; otherwise the BMC's Chassis Identify (what
  ``ipmitool chassis identify force`` sends when ``value`` is true, ``chassis identify 0`` otherwise)
  and 201 with no body. The BMC is reached with the engine's IPMI caller (the one power tasks use);
  a BMC that does not answer is a 500, as an ipmitool failure is in RackHD. The rule is more specific
  than api/obms.py's ``/obms/<identifier>``, so it wins.
* ``POST /tags/{tagName}/nodes/workflows[?name=G] {name?, options?}`` (on-http ``tags.js``): runs the
  graph on every node carrying the tag, as ``POST /nodes/{id}/workflows`` would, and answers 202 with
  the graphs started (each as that route answers it). No node carries it: 202 ``[]`` and nothing runs,
  whatever the body. One node refused (an active graph, an unknown graph): that error, after the
  graphs already started for the nodes before it — RackHD does the same.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from rackharness.errors import BmcError
from rackharness.reference.api.workflows import created_graph
from rackharness.reference.context import TargetContext
from rackharness.reference.documents import NODES, OBMS, ApiError, node_id, refers_to_node
from rackharness.reference.http import json_response, request_json
from rackharness.transports.ipmi.base import BmcAddress

IPMI_SERVICE = "ipmi-obm-service"
#: IPMI 2.0 §28.5 Chassis Identify (NetFn Chassis 0x00, command 0x04): [interval], [interval, force on]
IDENTIFY_ON, IDENTIFY_OFF = [0, 1], [0]


def _identify(ctx: TargetContext, nid: str, config: dict[str, Any], on: bool) -> None:
    service = getattr(getattr(ctx.engine, "obms", None), "services", {}).get(IPMI_SERVICE)
    caller = getattr(service, "caller", None)
    if caller is None:
        raise ApiError(503, "this target has no IPMI caller to reach the BMC with (no workflow engine)")
    address = BmcAddress(
        str(config.get("host")), int(config.get("port") or 623), str(config.get("user")), str(config.get("password"))
    )

    def identify(command: Any) -> None:
        response = command.raw_command(netfn=0x00, command=0x04, data=IDENTIFY_ON if on else IDENTIFY_OFF)
        if response.get("error") or response.get("code"):
            raise RuntimeError(response.get("error") or f"completion code 0x{response['code']:02x}")

    try:
        caller.call(address, "Chassis Identify", identify)
    except BmcError as exc:
        raise ApiError(500, f"identify {'on' if on else 'off'} failed for node {nid}: {exc}") from None


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("node_actions", __name__)

    @bp.post("/obms/led")
    def post_led():
        body = request_json(required=False)
        if not isinstance(body, dict) or "nodeId" not in body:
            raise ApiError(400, "Must specify nodeId in body")  # RackHD's words
        nid = str(body["nodeId"])
        obm = ctx.db[OBMS].find_one({"node": refers_to_node(nid), "service": IPMI_SERVICE})
        if obm is None:
            raise ApiError(404, f"No IPMI OBM Settings Found ({nid}).")  # RackHD's words
        _identify(ctx, nid, ctx.sealer.unseal(obm.get("config") or {}), bool(body.get("value")))
        response = Response(status=201)
        del response.headers["Content-Type"]
        return response

    @bp.post("/tags/<tag_name>/nodes/workflows")
    def post_workflow_by_tag(tag_name: str):
        tagged = list(ctx.db[NODES].find({"tags": tag_name}).sort("_id", 1))
        if not tagged:
            return json_response([], 202)
        body = request_json(required=False) or {}
        if not isinstance(body, dict):
            raise ApiError(400, 'the body must be an object like {"name": "Graph.PowerOn.Node", "options": {}}')
        if ctx.engine is None:
            raise ApiError(503, "the workflow engine is not running in this target")
        name = request.args.get("name") or body.get("name")
        started = [
            created_graph(ctx.engine.run_graph(name, body.get("options"), node_id(node)))  # type: ignore[attr-defined]
            for node in tagged
        ]
        return json_response(started, 202)

    return bp
