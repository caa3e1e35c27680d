"""A graph instance in RackHD's raw ``graphobjects`` shape, built from a definition and run options.

Shape (contract §1.3, on-tasks ``lib/task-graph.js``)::

    {instanceId, name (= friendlyName), injectableName, _status, node, domain: "default",
     serviceGraph: false, context: {graphId, graphName, target}, definition,
     tasks: {<taskId>: {instanceId, label, friendlyName, injectableName, implementsTask, options,
                        properties, runJob, state, waitingOn: {<taskId>: state(s)},
                        ignoreFailure, terminalOnStates, error?, taskStartTime?}},
     logContext, createdAt, updatedAt}

Options (RackHD's rules): a task starts from its definition's options, overridden by the graph
entry's ``optionOverrides`` (accepted in stored definitions; the published PUT schema forbids the
key, and PUT /workflows/graphs enforces that schema); ``options.defaults`` (the
graph definition's, overridden by the run's) apply to the keys the task or its base task declares;
``options.<label>`` (definition's, then the run's) apply to that task, any key. Template rendering
(``{{ options.x }}``) is not done: values are used as given.
"""
from __future__ import annotations

import copy
import uuid
from typing import Any

from rackharness.reference.documents import ApiError, now
from rackharness.reference.workflows.library import Library, base_tasks

#: a task whose state is in its terminalOnStates fails the graph (unless it ignores failure)
FAILURE_STATES = ["failed", "timeout", "cancelled"]
FINISHED_STATES = ("succeeded", "failed", "timeout", "cancelled")
ACTIVE_GRAPH_STATES = ("pending", "running")


def check_run_options(options: Any) -> dict[str, Any]:
    """A run's options: an object of objects ``{defaults: {...}, <task label>: {...}}``, else 400."""
    if options is None:
        return {}
    if not isinstance(options, dict) or not all(isinstance(value, dict) for value in options.values()):
        raise ApiError(400, "options must be an object of objects: {\"defaults\": {...}, \"<task label>\": {...}}",
                       errors=[f"got {options!r}"[:200]])
    return options


def merge_options(definition: dict[str, Any], run_options: dict[str, Any] | None) -> dict[str, Any]:
    """The graph's effective options: definition options overridden per section by the run's."""
    merged = copy.deepcopy(definition.get("options") or {})
    for section, values in (run_options or {}).items():
        if isinstance(values, dict) and isinstance(merged.get(section), dict):
            merged[section] = {**merged[section], **copy.deepcopy(values)}
        else:
            merged[section] = copy.deepcopy(values)
    return merged


def task_options(task_def: dict[str, Any], entry: dict[str, Any], graph_options: dict[str, Any]) -> dict[str, Any]:
    options = copy.deepcopy(task_def.get("options") or {})
    options.update(copy.deepcopy(entry.get("optionOverrides") or {}))  # a graph entry's own overrides
    base = base_tasks().get(task_def.get("implementsTask"), {})
    declared = set(options) | set(base.get("optionalOptions", ())) | set(base.get("requiredOptions", ()))
    for key, value in (graph_options.get("defaults") or {}).items():
        if key in declared:
            options[key] = copy.deepcopy(value)
    options.update(copy.deepcopy(graph_options.get(entry["label"]) or {}))
    return options


def build_instance(library: Library, definition: dict[str, Any], run_options: dict[str, Any] | None,
                   target: str | None, domain: str = "default") -> dict[str, Any]:
    """A new graph document (``_status`` "pending", every task "pending"), not yet stored."""
    graph_id = str(uuid.uuid4())
    options = merge_options(definition, run_options)
    ids = {entry["label"]: str(uuid.uuid4()) for entry in definition["tasks"]}
    tasks: dict[str, dict[str, Any]] = {}
    for entry in definition["tasks"]:
        task_def = library.resolve_task(entry)
        ignore = bool(entry.get("ignoreFailure", False))
        tasks[ids[entry["label"]]] = {
            "instanceId": ids[entry["label"]],
            "label": entry["label"],
            "friendlyName": task_def.get("friendlyName"),
            "injectableName": task_def.get("injectableName"),
            "implementsTask": task_def.get("implementsTask"),
            "options": task_options(task_def, entry, options),
            "properties": copy.deepcopy(task_def.get("properties") or {}),
            "runJob": base_tasks().get(task_def.get("implementsTask"), {}).get("runJob"),
            "state": "pending",
            "waitingOn": {ids[label]: states for label, states in (entry.get("waitOn") or {}).items()},
            "ignoreFailure": ignore,
            "terminalOnStates": [] if ignore else list(FAILURE_STATES),
        }
    stamp = now()
    return {
        "instanceId": graph_id,
        "name": definition["friendlyName"],
        "injectableName": definition["injectableName"],
        "_status": "pending",
        "node": target,
        "domain": domain,
        "serviceGraph": False,
        "context": {"graphId": graph_id, "graphName": definition["injectableName"], "target": target},
        "definition": {**copy.deepcopy(definition), "options": options},
        "tasks": tasks,
        "logContext": {"graphInstance": graph_id, "graphName": definition["friendlyName"],
                       **({"id": target} if target else {})},
        "createdAt": stamp,
        "updatedAt": stamp,
    }


def wait_satisfied(wanted: Any, state: str) -> bool:
    """Whether a dependency in ``state`` satisfies a waitOn value ("finished", a state, or a list)."""
    for want in wanted if isinstance(wanted, list) else [wanted]:
        if want == state or (want == "finished" and state in FINISHED_STATES):
            return True
    return False


def graph_outcome(tasks: dict[str, dict[str, Any]]) -> str:
    """The final status of a graph whose runnable tasks are all done."""
    for task in tasks.values():
        if task["state"] in task.get("terminalOnStates", ()):
            return "failed"
    return "succeeded"
