"""Workflows: graph instances, node workflows, and the graph and task library (contract §1.3, §1.4).

Shapes: operations with ``x-view: workflows.2.0.json`` (GET /workflows, GET /workflows/{id})
answer the *view* — ``status`` instead of ``_status``, ``definition`` as
``/api/2.0/workflows/graphs/<injectableName>``, ``tasks`` as an array; every other graph answer is
the *raw* record (``_status``, full definition, tasks keyed by task id). Graph definitions are
served as the workflowGraphs view (``taskName`` as ``/api/2.0/workflows/tasks/<name>``), task
definitions as ``{friendlyName, injectableName, implementsTask, options, properties}``.

Status codes follow RackHD's workflow-api-service: unknown graph 404 ("Graph definition not found
for <name>"), missing name 400, second graph on a node 400 ("Unable to run multiple task graphs
against a single target."), cancel of a finished graph 400, DELETE of an active graph 403.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, Response, request

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import ApiError, iso, need_node, node_id, object_id
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.spec import validate_body
from rackharness.reference.workflows.instance import ACTIVE_GRAPH_STATES, check_run_options
from rackharness.reference.workflows.library import TASK_FIELDS


def raw_graph(graph: dict[str, Any]) -> dict[str, Any]:
    body = {"id": str(graph["_id"]), **{k: v for k, v in copy.deepcopy(graph).items() if k != "_id"}}
    for key in ("createdAt", "updatedAt"):
        body[key] = iso(body.get(key))
    for task in body.get("tasks", {}).values():
        for key in ("taskStartTime", "taskEndTime"):
            if key in task:
                task[key] = iso(task[key])
    return body


def created_graph(graph: dict[str, Any]) -> dict[str, Any]:
    """The answer to a graph run: the raw record as RackHD 2.60.7 answers it before storing it (no ``id``,
    no ``serviceGraph``)."""
    return {key: value for key, value in raw_graph(graph).items() if key not in ("id", "serviceGraph")}


#: what the graph view (``graphobjects.2.0.json``) shows of each task
VIEW_TASK_KEYS = (
    "instanceId",
    "label",
    "options",
    "runJob",
    "state",
    "taskStartTime",
    "terminalOnStates",
    "waitingOn",
    "error",
)


def view_graph(graph: dict[str, Any], base: str) -> dict[str, Any]:
    """RackHD's graph view: ``status``, the definition as a link, ``tasks`` as a list of
    :data:`VIEW_TASK_KEYS`, ``serviceGraph`` as text ("" unless true), no timestamps."""
    body: dict[str, Any] = {}
    for key, value in raw_graph(graph).items():
        if key == "_status":
            body["status"] = value
        elif key == "definition":
            body["definition"] = f"{base}/workflows/graphs/{graph['injectableName']}"
        elif key == "tasks":
            body["tasks"] = [{k: task[k] for k in VIEW_TASK_KEYS if k in task} for task in value.values()]
        elif key == "serviceGraph":
            body["serviceGraph"] = "true" if value else ""
        elif key not in ("createdAt", "updatedAt", "parentGraphId", "parentTaskId"):
            body[key] = value
    return body


def view_graph_definition(definition: dict[str, Any], base: str) -> dict[str, Any]:
    tasks = []
    for entry in definition.get("tasks", []):
        entry = dict(entry)
        if "taskName" in entry:
            entry["taskName"] = f"{base}/workflows/tasks/{entry['taskName']}"
        tasks.append(entry)
    return {
        "friendlyName": definition.get("friendlyName"),
        "injectableName": definition.get("injectableName"),
        "options": definition.get("options", {}),
        "tasks": tasks,
    }


def view_task(task: dict[str, Any]) -> dict[str, Any]:
    return {key: task.get(key, {}) for key in TASK_FIELDS}


def _active_filter() -> dict[str, Any]:
    active = request.args.get("active")
    if active is None:
        return {}
    if active.lower() not in ("true", "false"):
        raise ApiError(400, f"query 'active' must be true or false, got {active!r}")
    states = list(ACTIVE_GRAPH_STATES)
    return {"_status": {"$in": states}} if active.lower() == "true" else {"_status": {"$nin": states}}


def _paged(cursor) -> list[dict[str, Any]]:
    graphs = list(cursor.sort("createdAt", 1))
    try:
        skip = int(request.args.get("$skip", 0))
        top = int(request.args["$top"]) if "$top" in request.args else None
    except ValueError:
        raise ApiError(400, "$skip and $top must be integers") from None
    return graphs[skip : skip + top if top is not None else None]


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("workflows", __name__)
    base = ctx.base_path.rstrip("/")

    def engine():
        if ctx.engine is None:
            raise ApiError(503, "the workflow engine is not running in this target")
        return ctx.engine

    def need_graph_instance(identifier: str) -> dict[str, Any]:
        graph = engine().get(identifier)
        if graph is None and object_id(identifier) is not None:
            graph = engine().graphs.find_one({"_id": object_id(identifier)})
        if graph is None:
            raise ApiError(404, f"Graph instance not found for {identifier}")
        return graph

    def run_config() -> tuple[str, dict[str, Any] | None]:
        body = request_json(required=False) or {}
        if not isinstance(body, dict):
            raise ApiError(400, 'the body must be an object like {"name": "Graph.PowerOn.Node", "options": {}}')
        return request.args.get("name") or body.get("name"), body.get("options")

    def command_is_cancel() -> None:
        body = request_json()
        if not isinstance(body, dict) or body.get("command") != "cancel":
            raise ApiError(400, 'the only workflow action is {"command": "cancel"}', errors=[f"got {body!r}"])

    # -- graph instances ------------------------------------------------------------------------
    @bp.get("/workflows")
    def workflows_get():
        return json_response([view_graph(g, base) for g in _paged(engine().graphs.find(_active_filter()))])

    @bp.post("/workflows")
    def workflows_post():
        name, options = run_config()
        defaults = check_run_options(options).get("defaults") or {}
        graph_options = defaults.get("graphOptions") or {}
        if not isinstance(graph_options, dict):
            raise ApiError(400, 'options.defaults.graphOptions must be an object like {"target": "<nodeId>"}')
        target = graph_options.get("target") or defaults.get("nodeId")
        if target is not None:
            target = node_id(need_node(ctx.db, str(target)))
        return json_response(created_graph(engine().run_graph(name, options, target)), 201)

    @bp.get("/workflows/<identifier>")
    def workflows_get_by_instance_id(identifier: str):
        return json_response(view_graph(need_graph_instance(identifier), base))

    @bp.delete("/workflows/<identifier>")
    def workflows_delete_by_instance_id(identifier: str):
        graph = need_graph_instance(identifier)
        if graph.get("_status") in ACTIVE_GRAPH_STATES:
            raise ApiError(
                403,
                f"Forbidden to delete an active workflow {graph['instanceId']}",
                errors=['cancel it first: PUT .../workflows/<id>/action {"command": "cancel"}'],
            )
        engine().graphs.delete_one({"_id": graph["_id"]})
        return no_content()

    @bp.put("/workflows/<identifier>/action")
    def workflows_action(identifier: str):
        command_is_cancel()
        graph = need_graph_instance(identifier)
        cancelled = engine().cancel(graph["instanceId"])
        if cancelled is None:
            raise ApiError(400, f"{graph['instanceId']} is not an active workflow (status {graph.get('_status')})")
        # RackHD 2.60.7 answers the bare instance id, as text
        return Response(cancelled["instanceId"], status=202, mimetype="text/plain")

    # -- node workflows -------------------------------------------------------------------------
    @bp.get("/nodes/<identifier>/workflows")
    def nodes_get_workflow_by_id(identifier: str):
        nid = node_id(need_node(ctx.db, identifier))
        query = {"node": nid, **_active_filter()}
        return json_response([raw_graph(g) for g in _paged(engine().graphs.find(query))])

    @bp.post("/nodes/<identifier>/workflows")
    def nodes_post_workflow_by_id(identifier: str):
        nid = node_id(need_node(ctx.db, identifier))
        name, options = run_config()
        return json_response(created_graph(engine().run_graph(name, options, nid)), 201)

    @bp.put("/nodes/<identifier>/workflows/action")
    def nodes_workflow_action_by_id(identifier: str):
        nid = node_id(need_node(ctx.db, identifier))
        command_is_cancel()
        active = engine().graphs.find_one({"node": nid, "_status": {"$in": list(ACTIVE_GRAPH_STATES)}})
        cancelled = engine().cancel_node(nid) if active is not None else None
        if cancelled is None:
            raise ApiError(404, f"No active workflow graph found for node {nid}")
        # RackHD 2.60.7 answers the graph as it found it (still running), and where it is
        answer = json_response(raw_graph(active), 202)
        answer.headers["Location"] = f"{ctx.base_path}/workflows/{active['_id']}"
        return answer

    # -- graph and task library -----------------------------------------------------------------
    @bp.get("/workflows/graphs")
    def workflows_get_graphs():
        return json_response([view_graph_definition(g, base) for g in engine().library.all_graphs()])

    @bp.put("/workflows/graphs")
    def workflows_put_graphs():
        body = request_json()
        if not isinstance(body, dict):  # the published schema does not say "type": "object"
            raise ApiError(400, "the body must be a graph definition object {friendlyName, injectableName, tasks}")
        validate_body("workflowsPutGraphs", body)
        return json_response(engine().library.put_graph(body), 201)

    @bp.get("/workflows/graphs/<name>")
    def workflows_get_graphs_by_name(name: str):
        return json_response(view_graph_definition(engine().library.need_graph(name), base))

    @bp.delete("/workflows/graphs/<name>")
    def workflows_delete_graphs_by_name(name: str):
        engine().library.delete_graph(name)
        return no_content()

    @bp.get("/workflows/tasks")
    def workflows_get_all_tasks():
        return json_response([view_task(t) for t in engine().library.all_tasks()])

    @bp.put("/workflows/tasks")
    def workflows_put_task():
        from rackharness.reference.contract.messages import js_type  # (local: this function is all that changed)

        body = request_json()
        if not isinstance(body, dict):  # the body parameter is a workflow_task object: RackHD's validator refuses
            raise ApiError(400, "Validation errors", errors=[f"Expected type object but found type {js_type(body)}"])
        return json_response(view_task(engine().library.put_task(body)), 201)

    @bp.get("/workflows/tasks/<name>")
    def workflows_get_tasks_by_name(name: str):
        task = engine().library.task(name)
        if task is None:
            raise ApiError(404, f"Task definition not found for {name}")
        return json_response(view_task(task))

    @bp.delete("/workflows/tasks/<name>")
    def workflows_delete_tasks_by_name(name: str):
        engine().library.delete_task(name)
        return no_content()

    return bp
