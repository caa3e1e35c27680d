"""A graph instance in RackHD's raw ``graphobjects`` shape, built from a definition and run options.

Shape (contract §1.3, on-tasks ``lib/task-graph.js``)::

    {instanceId, name (= friendlyName), injectableName, _status, node, domain: "default",
     serviceGraph: null, context: {graphId, graphName, target}, definition,
     tasks: {<taskId>: {instanceId, label, name (= injectableName), friendlyName, injectableName,
                        implementsTask, options (with _taskTimeout), properties, runJob, state,
                        waitingOn: {<taskId>: state(s)}, ignoreFailure, terminalOnStates, error?,
                        taskStartTime?, taskEndTime?}},
     logContext, createdAt, updatedAt, parentGraphId?, parentTaskId?}

As RackHD 2.60.7 stores it (observed): a ``waitOn`` of ``"finished"`` is kept as ``["finished"]`` (other
states as given), and the instance's copy of the definition has its ``waitOn`` keyed by task instance id
like ``waitingOn``; every task's ``terminalOnStates`` is the four end states; options get RackHD's
default ``_taskTimeout`` (24 h, not enforced here).

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

#: a task ending in one of these fails the graph (unless it ignores failure)
FAILURE_STATES = ["failed", "timeout", "cancelled"]
#: every task's terminalOnStates, in RackHD's order
TERMINAL_STATES = ["succeeded", "timeout", "cancelled", "failed"]
TASK_TIMEOUT_MS = 86_400_000
FINISHED_STATES = ("succeeded", "failed", "timeout", "cancelled")
ACTIVE_GRAPH_STATES = ("pending", "running")


def check_run_options(options: Any) -> dict[str, Any]:
    """A run's options: an object of objects ``{defaults: {...}, <task label>: {...}}``, else 400."""
    if options is None:
        return {}
    if not isinstance(options, dict) or not all(isinstance(value, dict) for value in options.values()):
        raise ApiError(
            400,
            'options must be an object of objects: {"defaults": {...}, "<task label>": {...}}',
            errors=[f"got {options!r}"[:200]],
        )
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


def wait_states(states: Any) -> Any:
    """A ``waitOn`` value as RackHD keeps it: ``"finished"`` becomes ``["finished"]``."""
    return ["finished"] if states == "finished" else copy.deepcopy(states)


def fails_graph(task: dict[str, Any]) -> bool:
    return task["state"] in FAILURE_STATES and not task.get("ignoreFailure")


def build_instance(
    library: Library,
    definition: dict[str, Any],
    run_options: dict[str, Any] | None,
    target: str | None,
    domain: str = "default",
    *,
    parent: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A new graph document (``_status`` "pending", every task "pending"), not yet stored. A graph another
    graph's task runs (``parent``: its graph and task ids) names them, and its options hold its own
    ``instanceId`` and ``target``, as RackHD 2.60.7's sub-graphs do."""
    graph_id = str(uuid.uuid4())
    options = merge_options(definition, run_options)
    ids = {entry["label"]: str(uuid.uuid4()) for entry in definition["tasks"]}
    tasks: dict[str, dict[str, Any]] = {}
    for entry in definition["tasks"]:
        task_def = library.resolve_task(entry)
        options_of_task = task_options(task_def, entry, options)
        options_of_task.setdefault("_taskTimeout", TASK_TIMEOUT_MS)
        tasks[ids[entry["label"]]] = {
            "instanceId": ids[entry["label"]],
            "label": entry["label"],
            "name": task_def.get("injectableName"),
            "friendlyName": task_def.get("friendlyName"),
            "injectableName": task_def.get("injectableName"),
            "implementsTask": task_def.get("implementsTask"),
            "options": options_of_task,
            "properties": copy.deepcopy(task_def.get("properties") or {}),
            "runJob": base_tasks().get(task_def.get("implementsTask"), {}).get("runJob"),
            "state": "pending",
            "waitingOn": {ids[label]: wait_states(states) for label, states in (entry.get("waitOn") or {}).items()},
            "ignoreFailure": bool(entry.get("ignoreFailure", False)),
            "terminalOnStates": list(TERMINAL_STATES),
        }
    stored_options = {**options, "instanceId": graph_id, "target": target} if parent else options
    stored_definition = {**copy.deepcopy(definition), "options": stored_options}
    for entry in stored_definition["tasks"]:
        if entry.get("waitOn"):
            entry["waitOn"] = {ids.get(label, label): wait_states(states) for label, states in entry["waitOn"].items()}
    stamp = now()
    return {
        "instanceId": graph_id,
        "name": definition["friendlyName"],
        "injectableName": definition["injectableName"],
        "_status": "pending",
        "node": target,
        "domain": domain,
        "serviceGraph": None,
        "context": {"graphId": graph_id, "graphName": definition["injectableName"], "target": target},
        "definition": stored_definition,
        "tasks": tasks,
        "logContext": {
            "graphInstance": graph_id,
            "graphName": definition["friendlyName"],
            **({"id": target} if target else {}),
        },
        "createdAt": stamp,
        "updatedAt": stamp,
        **({"parentGraphId": parent[0], "parentTaskId": parent[1]} if parent else {}),
    }


def wait_satisfied(wanted: Any, state: str) -> bool:
    """Whether a dependency in ``state`` satisfies a waitOn value ("finished", a state, or a list)."""
    for want in wanted if isinstance(wanted, list) else [wanted]:
        if want == state or (want == "finished" and state in FINISHED_STATES):
            return True
    return False


def graph_outcome(tasks: dict[str, dict[str, Any]]) -> str:
    """The final status of a graph whose runnable tasks are all done."""
    return "failed" if any(fails_graph(task) for task in tasks.values()) else "succeeded"
