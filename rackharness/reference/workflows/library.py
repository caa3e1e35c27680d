"""The graph and task library: RackHD's ``graphdefinitions`` and ``taskdefinitions`` collections.

The defaults (power graphs, ``Graph.noop-example`` and their tasks, in RackHD 2.60.7's names and
shapes) are data in ``library.json`` beside this module; :meth:`Library.seed` inserts each one
that is absent, so a definition a user replaced or deleted-and-re-PUT is kept. A default the seed
wrote and nobody changed since is brought up to date when ``library.json`` changes (a newer
rackharness on an existing state dir): the seed records a digest of what it wrote in the
``rackharness_library`` collection (the target's only collection RackHD does not have). ``baseTasks`` in
that file is the set of ``implementsTask`` values this target can run (contract §1.4, §4):

* task definition ``{friendlyName, injectableName, implementsTask, options, properties}``;
* graph definition ``{friendlyName, injectableName, options, tasks: [{label, taskName |
  taskDefinition, waitOn?, ignoreFailure?}]}``.

User graphs (``PUT /workflows/graphs``) are checked beyond the schema: every ``taskName`` is a
known task, inline task definitions implement a known base task, labels are unique and every
``waitOn`` names a label of the same graph.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from pymongo.database import Database

from rackharness.reference.documents import GRAPH_DEFINITIONS, TASK_DEFINITIONS, ApiError, now

LIBRARY_FILE = Path(__file__).with_name("library.json")
SEEDED = "rackharness_library"  # {collection, injectableName, digest}: what the seed last wrote
TASK_FIELDS = ("friendlyName", "injectableName", "implementsTask", "options", "properties")
WAIT_STATES = ("finished", "succeeded", "failed", "cancelled", "timeout")


@functools.lru_cache(maxsize=1)
def defaults() -> dict[str, Any]:
    """library.json, parsed once."""
    return json.loads(LIBRARY_FILE.read_text(encoding="utf-8"))


def base_tasks() -> dict[str, dict[str, Any]]:
    """implementsTask → {runJob, requiredOptions, optionalOptions}."""
    return defaults()["baseTasks"]


def _digest(definition: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True, default=str).encode()).hexdigest()


def _strip(document: dict[str, Any] | None) -> dict[str, Any] | None:
    if document is None:
        return None
    return {k: v for k, v in document.items() if k not in ("_id", "createdAt", "updatedAt")}


class Library:
    """Reads and writes graph and task definitions in RackHD's collections."""

    def __init__(self, db: Database) -> None:
        self.graphs = db[GRAPH_DEFINITIONS]
        self.tasks = db[TASK_DEFINITIONS]
        self.seeded = db[SEEDED]

    def seed(self) -> None:
        """Insert every default task and graph that is absent (by injectableName); replace one the seed
        wrote earlier, unchanged since, when the default differs now."""
        data = defaults()
        for collection, items in ((self.tasks, data["tasks"]), (self.graphs, data["graphs"])):
            for item in items:
                key = {"collection": collection.name, "injectableName": item["injectableName"]}
                existing = collection.find_one({"injectableName": item["injectableName"]})
                record = self.seeded.find_one(key)
                wanted = _digest(item)
                if existing is not None:
                    untouched = record is not None and _digest(_strip(existing)) == record["digest"]
                    if not untouched or record["digest"] == wanted:
                        continue  # a user's definition, or already the default
                    collection.delete_one({"_id": existing["_id"]})
                stamp = now()
                collection.insert_one({**copy.deepcopy(item), "createdAt": stamp, "updatedAt": stamp})
                self.seeded.delete_many(key)
                self.seeded.insert_one({**key, "digest": wanted})

    # -- reading --------------------------------------------------------------------------------
    def graph(self, name: str) -> dict[str, Any] | None:
        return _strip(self.graphs.find_one({"injectableName": name}))

    def task(self, name: str) -> dict[str, Any] | None:
        return _strip(self.tasks.find_one({"injectableName": name}))

    def all_graphs(self) -> list[dict[str, Any]]:
        return [_strip(d) for d in self.graphs.find({}).sort("injectableName", 1)]

    def all_tasks(self) -> list[dict[str, Any]]:
        return [_strip(d) for d in self.tasks.find({}).sort("injectableName", 1)]

    def need_graph(self, name: str) -> dict[str, Any]:
        """The graph definition; 404 with RackHD's message when there is none."""
        graph = self.graph(name)
        if graph is None:
            raise ApiError(
                404,
                f"Graph definition not found for {name}",
                errors=["GET /api/2.0/workflows/graphs lists the graphs this target can run"],
            )
        return graph

    def resolve_task(self, entry: dict[str, Any]) -> dict[str, Any]:
        """The task definition a graph entry names (``taskName``) or carries (``taskDefinition``)."""
        if "taskDefinition" in entry:
            return copy.deepcopy(entry["taskDefinition"])
        task = self.task(entry["taskName"])
        if task is None:
            raise ApiError(
                400,
                f"Task definition not found for {entry['taskName']} (label {entry['label']!r})",
                errors=["PUT the task to /api/2.0/workflows/tasks first, or use taskDefinition"],
            )
        return task

    # -- writing --------------------------------------------------------------------------------
    def put_graph(self, body: dict[str, Any]) -> dict[str, Any]:
        """Store a schema-valid graph definition after the semantic checks; returns it."""
        self.check_graph(body)
        definition = {
            "friendlyName": body["friendlyName"],
            "injectableName": body["injectableName"],
            "options": body.get("options", {}),
            "tasks": body["tasks"],
        }
        self._upsert(self.graphs, definition)
        return definition

    def put_task(self, body: Any) -> dict[str, Any]:
        """Store a task definition after checking its shape and base task; returns it."""
        check_task_definition(body, "body")
        definition = {k: body.get(k, {}) for k in TASK_FIELDS}
        if "schemaRef" in body:
            definition["schemaRef"] = body["schemaRef"]
        self._upsert(self.tasks, definition)
        return definition

    def delete_graph(self, name: str) -> None:
        if self.graphs.delete_one({"injectableName": name}).deleted_count == 0:
            raise ApiError(404, f"Graph definition not found for {name}")

    def delete_task(self, name: str) -> None:
        if self.tasks.delete_one({"injectableName": name}).deleted_count == 0:
            raise ApiError(404, f"Task definition not found for {name}")

    @staticmethod
    def _upsert(collection, definition: dict[str, Any]) -> None:
        stamp = now()
        existing = collection.find_one({"injectableName": definition["injectableName"]})
        if existing is None:
            collection.insert_one({**definition, "createdAt": stamp, "updatedAt": stamp})
        else:
            collection.replace_one(
                {"_id": existing["_id"]},
                {**definition, "createdAt": existing.get("createdAt", stamp), "updatedAt": stamp},
            )

    def check_graph(self, body: dict[str, Any]) -> None:
        """Semantic checks the JSON schema cannot express; ApiError 400 naming the bad entry."""
        labels = [task["label"] for task in body["tasks"]]
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        if duplicates:
            raise ApiError(
                400,
                f"graph {body['injectableName']}: duplicate task labels {duplicates}",
                errors=["every task of a graph needs its own label"],
            )
        for index, entry in enumerate(body["tasks"]):
            where = f"tasks[{index}] (label {entry['label']!r})"
            if "taskDefinition" in entry:
                check_task_definition(entry["taskDefinition"], f"{where}.taskDefinition")
            elif self.task(entry["taskName"]) is None:
                raise ApiError(
                    400,
                    f"{where}: unknown taskName {entry['taskName']!r}",
                    errors=["GET /api/2.0/workflows/tasks lists the known tasks"],
                )
            for label, states in (entry.get("waitOn") or {}).items():
                if label not in labels or label == entry["label"]:
                    raise ApiError(
                        400,
                        f"{where}: waitOn names {label!r}, which is not another task label of this graph",
                        errors=[f"labels are {labels}"],
                    )
                for state in states if isinstance(states, list) else [states]:
                    if state not in WAIT_STATES:
                        raise ApiError(
                            400,
                            f"{where}: waitOn {label!r}: unknown state {state!r}",
                            errors=[f"states are {list(WAIT_STATES)}"],
                        )


def check_task_definition(body: Any, where: str) -> None:
    """A task definition names a known base task and has string names and object options."""
    if not isinstance(body, dict):
        raise ApiError(400, f"{where}: a task definition must be a JSON object")
    for key in ("friendlyName", "injectableName", "implementsTask"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise ApiError(400, f"{where}: {key} must be a non-empty string")
    for key in ("options", "properties"):
        if not isinstance(body.get(key, {}), dict):
            raise ApiError(400, f"{where}: {key} must be an object")
    if body["implementsTask"] not in base_tasks():
        raise ApiError(
            400,
            f"{where}: implementsTask {body['implementsTask']!r} is not a base task this target can run",
            errors=[f"base tasks: {sorted(base_tasks())}"],
        )
    missing = [k for k in base_tasks()[body["implementsTask"]]["requiredOptions"] if k not in body.get("options", {})]
    if missing:
        raise ApiError(400, f"{where}: options lack {missing}, required by {body['implementsTask']}")
