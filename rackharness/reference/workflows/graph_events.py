"""The events a graph publishes on ``on.events`` (contract §2), in both key families.

* ``graph.started.information.<graphId>[.<nodeId>]`` (envelope, data ``{graphId, graphName, status}``)
  and the short ``graph.started.<graphId>`` (body ``{graphId, graphName, status}``);
* ``graph.progress.updated.information.<graphId>[.<nodeId>]`` once per finished task, data
  ``{graphId, nodeId, graphName, status, progress: {value, maximum, percentage, description},
  taskProgress: {taskId, taskName, state, progress: {...}}}``;
* ``graph.finished.information.<graphId>[.<nodeId>]`` and ``graph.finished.<graphId>``, as started.

``graphName`` is the friendly name (the graph's ``name``), as RackHD sends it. Graphs without a
node have no trailing nodeId segment; their ``graph.started`` envelope has no ``nodeId`` at all, the
others ``nodeId: null`` (as RackHD 2.60.7 sends them).
"""

from __future__ import annotations

from typing import Any

from rackharness.reference.context import EventBus
from rackharness.reference.events import external_event, external_routing_key


def _publish(bus: EventBus, graph: dict[str, Any], action: str, data: dict[str, Any]) -> None:
    node = graph.get("node")
    body = external_event("graph", action, "information", graph["instanceId"], node, data)
    if node is None and action == "started":
        del body["nodeId"]
    bus.publish(external_routing_key("graph", action, "information", graph["instanceId"], node), body)


def _summary(graph: dict[str, Any], status: str) -> dict[str, Any]:
    return {"graphId": graph["instanceId"], "graphName": graph["name"], "status": status}


def _progress(value: int, maximum: int, description: str) -> dict[str, Any]:
    percentage = f"{round(100 * value / maximum) if maximum else 100}%"
    return {"value": value, "maximum": maximum, "percentage": percentage, "description": description}


def started(bus: EventBus, graph: dict[str, Any]) -> None:
    _lifecycle(bus, graph, "started", "running")


def finished(bus: EventBus, graph: dict[str, Any], status: str) -> None:
    _lifecycle(bus, graph, "finished", status)


def _lifecycle(bus: EventBus, graph: dict[str, Any], action: str, status: str) -> None:
    body = _summary(graph, status)
    _publish(bus, graph, action, dict(body))
    bus.publish(f"graph.{action}.{graph['instanceId']}", body)


def task_progress(bus: EventBus, graph: dict[str, Any], task: dict[str, Any], finished_count: int) -> None:
    """After ``task`` reached a final state; ``finished_count`` counts the graph's finished tasks."""
    total = len(graph["tasks"])
    data = {
        **_summary(graph, "running"),
        "nodeId": graph.get("node"),
        "progress": _progress(
            finished_count, total, f'Task "{task["friendlyName"]}" ({task["label"]}) {task["state"]}'
        ),
        "taskProgress": {
            "taskId": task["instanceId"],
            "taskName": task["friendlyName"],
            "state": task["state"],
            "progress": _progress(100, 100, f"Task {task['state']}"),
        },
    }
    _publish(bus, graph, "progress.updated", data)
