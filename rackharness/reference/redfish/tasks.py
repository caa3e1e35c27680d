"""TaskService: ``/redfish/v1/TaskService`` — every workflow graph as a Redfish Task.

task-service.js reads ``graphobjects``: a Task's ``Id`` is the graph's ``instanceId``, ``Name`` its
``name`` (the definition's friendlyName), ``StartTime`` its ``createdAt``, ``EndTime`` its
``updatedAt`` once it is no longer active, ``Oem.RackHD.SystemId`` its node, ``TaskStatus`` always
``OK``, and ``TaskState`` maps the graph's ``_status``: pending and running → ``Running``,
succeeded → ``Completed``, cancelled → ``Killed``, failed and timeout → ``Exception``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import GRAPH_OBJECTS, find_node, node_id
from rackharness.reference.http import json_response
from rackharness.reference.redfish.errors import redfish_not_found
from rackharness.reference.redfish.resources import BASE, link
from rackharness.reference.workflows.instance import ACTIVE_GRAPH_STATES

TASK_STATES = {
    "pending": "Running",
    "running": "Running",
    "succeeded": "Completed",
    "cancelled": "Killed",
    "failed": "Exception",
    "timeout": "Exception",
}


def moment_utc(value: Any) -> str:
    """A stored time as ``moment.utc(t).format()`` renders it: ``2016-03-07T21:29:45Z``."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def task_view(graph: dict[str, Any]) -> dict[str, Any]:
    path = f"{BASE}/TaskService/Tasks/{graph['instanceId']}"
    body: dict[str, Any] = {
        "@odata.context": f"{BASE}/$metadata#Task.Task",
        "@odata.id": path,
        "@odata.type": "#Task.v1_0_0.Task",
        "Name": graph.get("name") or graph.get("injectableName") or "",
        "TaskState": TASK_STATES.get(str(graph.get("_status")), "Exception"),
        "Messages": [],
        "TaskStatus": "OK",
        "StartTime": moment_utc(graph.get("createdAt")),
    }
    if graph.get("_status") not in ACTIVE_GRAPH_STATES:
        body["EndTime"] = moment_utc(graph.get("updatedAt"))
    body["Id"] = graph["instanceId"]
    body["Oem"] = {"RackHD": {"SystemId": str(graph.get("node") or "")}}
    return body


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_tasks", __name__)
    graphs = ctx.db[GRAPH_OBJECTS]

    def all_graphs(query: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return list(graphs.find(query or {}).sort("createdAt", 1))

    def task_collection(path: str, found: list[dict[str, Any]]) -> dict[str, Any]:
        members = [task_view(graph) for graph in found]
        return {
            "@odata.context": f"{BASE}/$metadata#TaskCollection.TaskCollection",
            "@odata.id": path,
            "@odata.type": "#TaskCollection.TaskCollection",
            "Oem": {},
            "Name": "Task Collection",
            "Members@odata.count": len(members),
            "Members": members,
        }

    @bp.get("/TaskService")
    def task_service_root():
        systems = sorted({str(node) for node in graphs.distinct("node") if node})
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata#TaskService.TaskService",
                "@odata.id": f"{BASE}/TaskService",
                "@odata.type": "#TaskService.v1_0_0.TaskService",
                "Oem": {
                    "RackHD": {
                        "SystemTaskCollection": {
                            "Members@odata.count": len(systems),
                            "Members": [link(f"{BASE}/TaskService/Oem/Tasks/{system}") for system in systems],
                        }
                    }
                },
                "Id": "TaskService",
                "Name": "Tasks Service",
                "CompletedTaskOverWritePolicy": "Manual",
                "DateTime": moment_utc(dt.datetime.now(dt.timezone.utc)),
                "LifeCycleEventOnTaskStateChange": False,
                "ServiceEnabled": True,
                "Status": {},
                "Tasks": link(f"{BASE}/TaskService/Tasks"),
            }
        )

    @bp.get("/TaskService/Tasks")
    def list_tasks():
        return json_response(task_collection(f"{BASE}/TaskService/Tasks", all_graphs()))

    @bp.get("/TaskService/Tasks/<identifier>")
    def get_task(identifier: str):
        graph = graphs.find_one({"instanceId": identifier})
        if graph is None:
            raise redfish_not_found("Task", identifier)
        return json_response(task_view(graph))

    @bp.get("/TaskService/Oem/Tasks/<identifier>")
    def get_system_tasks(identifier: str):
        node = find_node(ctx.db, identifier)
        if node is None:
            raise redfish_not_found("System", identifier)
        return json_response(
            task_collection(f"{BASE}/TaskService/Oem/Tasks/{identifier}", all_graphs({"node": node_id(node)}))
        )

    return bp
