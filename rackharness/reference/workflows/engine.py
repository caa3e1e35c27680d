"""The workflow engine: runs graph instances against nodes and keeps their state in ``graphobjects``.

Lifecycle (contract §1.3, §8): a graph is stored ``running`` as soon as it is created (RackHD
2.60.7's createActiveGraph does the same, so the POST response already says ``running``;
``pending`` is only what a task waits in) and ends ``succeeded``, ``failed`` or ``cancelled``.
Tasks go pending → running → succeeded | failed | cancelled, in ``waitOn`` order, on a small
thread pool, so a slow BMC blocks neither the HTTP server nor another node's graph.

* A task ending failed, timed out or cancelled, without ``ignoreFailure``, fails the graph at once: its running siblings
  are told to stop and recorded ``cancelled``, unstarted tasks stay ``pending``.
* A graph whose remaining tasks can never run (their waitOn can no longer be met) ends when the
  last running task ends: ``failed`` if a task failed without ``ignoreFailure``, else succeeded.
* One active graph per node: a second one is refused with RackHD's message, answered 400.
* Every change is written to Mongo at once (the API reads Mongo on each request), and the graph
  publishes started / progress / finished events (see :mod:`.graph_events`).
* Jobs get the target context (events, config, the southbound channel) and the engine itself, so a
  task can run a sub-graph (``Job.Graph.Run``) and wait for it (:meth:`WorkflowEngine.notify_when_done`).
  Jobs that wait for a node hold a pool thread while they wait, hence the large pool.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import GRAPH_OBJECTS, ApiError, now
from rackharness.reference.workflows import graph_events
from rackharness.reference.workflows.discovery_jobs import DISCOVERY_JOBS
from rackharness.reference.workflows.instance import (
    ACTIVE_GRAPH_STATES,
    FINISHED_STATES,
    build_instance,
    check_run_options,
    fails_graph,
    graph_outcome,
    wait_satisfied,
)
from rackharness.reference.workflows.jobs import JOBS, CancelToken, JobError, JobRun
from rackharness.reference.workflows.library import Library
from rackharness.reference.workflows.obm import ObmError, ObmRegistry

log = logging.getLogger(__name__)

MULTIPLE_GRAPHS = "Unable to run multiple task graphs against a single target."
ALL_JOBS = {**JOBS, **DISCOVERY_JOBS}
#: the base task of RackHD's graph-running tasks (a graph with one runs its node's graph as a sub-graph)
GRAPH_RUN_BASE_TASK = "Task.Base.Graph.Run"


class _Run:
    """What the engine knows about one active graph; ``lock`` guards ``graph``."""

    def __init__(self, graph: dict[str, Any]) -> None:
        self.graph = graph
        self.lock = threading.Lock()
        self.cancelled = CancelToken()  # tells running jobs to stop
        self.done = threading.Event()
        self.finished = False
        self.listeners: list[threading.Event] = []  # set when the graph finishes


class WorkflowEngine:
    """Implements context.WorkflowEngine; built by the server process as ``WorkflowEngine(ctx)``."""

    def __init__(
        self, ctx: TargetContext, *, obms: ObmRegistry | None = None, max_workers: int = 256, recover: bool = True
    ) -> None:
        self.ctx = ctx
        self.graphs = ctx.db[GRAPH_OBJECTS]
        self.library = Library(ctx.db)
        self.obms = obms or ObmRegistry()
        self._pool = ThreadPoolExecutor(max_workers, thread_name_prefix="rackharness-task")
        self._lock = threading.Lock()  # guards _runs and the one-graph-per-node check
        self._changed = threading.Condition(self._lock)  # notified when a graph starts or finishes
        self._runs: dict[str, _Run] = {}
        self._triggers: dict[tuple[str, str], threading.Event] = {}  # (graph id, trigger group)
        self.library.seed()
        if recover:
            self._fail_orphans()

    # -- queries ------------------------------------------------------------------------------
    def has_active_graph(self, node_id: str) -> bool:
        return self.active_graph(node_id) is not None

    def active_graph(self, node_id: str) -> dict[str, Any] | None:
        return self.graphs.find_one({"node": node_id, "_status": {"$in": list(ACTIVE_GRAPH_STATES)}})

    def get(self, instance_id: str) -> dict[str, Any] | None:
        return self.graphs.find_one({"instanceId": instance_id})

    def wait(self, instance_id: str, timeout: float) -> dict[str, Any] | None:
        """The stored graph once it has finished, or as it is after ``timeout`` seconds."""
        run = self._runs.get(instance_id)
        if run is not None:
            run.done.wait(timeout)
        return self.get(instance_id)

    def wait_active(self, node_id: str, timeout: float) -> bool:
        """Whether ``node_id`` has an active graph, waiting up to ``timeout`` s for one to start."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self.has_active_graph(node_id):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    def notify_when_done(self, instance_id: str, event: threading.Event) -> None:
        """Set ``event`` when graph ``instance_id`` finishes (at once if it is not running here)."""
        run = self._runs.get(instance_id)
        if run is None:
            event.set()
            return
        with run.lock:
            if run.finished:
                event.set()
            else:
                run.listeners.append(event)

    def graph_definition_runs_subgraphs(self, name: str) -> bool:
        """Whether graph ``name`` runs a sub-graph (RackHD starts such a graph without a target: the
        sub-graph holds the node). 404 ApiError when there is no such graph."""
        definition = self.library.need_graph(name)
        return any(
            self.library.resolve_task(entry).get("implementsTask") == GRAPH_RUN_BASE_TASK
            for entry in definition["tasks"]
        )

    # -- starting -----------------------------------------------------------------------------
    def run_graph(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        node_id: str | None = None,
        *,
        domain: str = "default",
        parent: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        """Create and start graph ``name`` against ``node_id`` (None: no target); the stored document.
        ``parent``: (graph id, task id) of the Task.Graph.Run that starts it."""
        if not isinstance(name, str) or not name:
            raise ApiError(
                400,
                "Graph name is missing or in wrong format",
                errors=["give the graph's injectableName as body 'name' or query ?name="],
            )
        options = check_run_options(options)
        definition = self.library.need_graph(name)
        graph = build_instance(self.library, definition, options, node_id, domain, parent=parent)
        graph["_status"] = "running"
        run = _Run(graph)
        with self._lock:
            if node_id is not None and self.has_active_graph(node_id):
                raise ApiError(400, MULTIPLE_GRAPHS)  # RackHD says no more
            self.graphs.insert_one(graph)  # sets graph["_id"]
            self._runs[graph["instanceId"]] = run
            self._changed.notify_all()
        graph_events.started(self.ctx.events, graph)
        created = copy.deepcopy(graph)  # RackHD answers the run before any task starts
        with run.lock:
            self._advance(run)
        return created

    # -- cancelling ---------------------------------------------------------------------------
    def cancel(self, instance_id: str) -> dict[str, Any] | None:
        """Cancel an active graph; the stored document after it, or None if it is not active."""
        run = self._runs.get(instance_id)
        if run is None:
            stored = self.get(instance_id)
            if stored is None or stored.get("_status") not in ACTIVE_GRAPH_STATES:
                return None
            self._finish_stored(stored, "cancelled")  # active in Mongo but run by no one here
            return self.get(instance_id)
        with run.lock:
            if not run.finished:
                self._finish(run, "cancelled")
        return self.get(instance_id)

    def cancel_node(self, node_id: str) -> dict[str, Any] | None:
        active = self.active_graph(node_id)
        return self.cancel(active["instanceId"]) if active else None

    def trigger(self, graph_id: str | None, group: str) -> threading.Event:
        """The event of a trigger group in one graph (RackHD's ``Job.Trigger``): set when a ``finish`` is sent."""
        with self._lock:
            return self._triggers.setdefault((str(graph_id), group), threading.Event())

    def close(self) -> None:
        """Stop taking tasks; running graphs are cancelled (a server shutting down)."""
        for run in list(self._runs.values()):
            with run.lock:
                if not run.finished:
                    self._finish(run, "cancelled")
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- scheduling (callers hold run.lock) ---------------------------------------------------
    def _advance(self, run: _Run) -> None:
        tasks = run.graph["tasks"]
        for task_id, task in tasks.items():
            if task["state"] == "pending" and all(
                tasks[dep]["state"] in FINISHED_STATES and wait_satisfied(wanted, tasks[dep]["state"])
                for dep, wanted in task["waitingOn"].items()
            ):
                task["state"] = "running"
                task["taskStartTime"] = now()
                self._save(run.graph)
                self._pool.submit(self._execute, run, task_id)
        if not any(task["state"] == "running" for task in tasks.values()):
            self._finish(run, graph_outcome(tasks))

    def _execute(self, run: _Run, task_id: str) -> None:
        task = run.graph["tasks"][task_id]
        job = ALL_JOBS.get(task.get("runJob") or "")
        error = None
        try:
            if job is None:
                raise JobError(f"no job {task.get('runJob')!r} for {task['injectableName']} in this target")
            job(
                JobRun(
                    self.ctx.db,
                    self.obms,
                    run.graph.get("node"),
                    copy.deepcopy(task["options"]),
                    run.cancelled,
                    ctx=self.ctx,
                    engine=self,
                    graph_id=run.graph["instanceId"],
                    task_id=task_id,
                    label=task.get("label"),
                )
            )
        except (JobError, ObmError) as exc:
            error = str(exc)
        except Exception as exc:  # a bug in a job: fail the task, keep the engine
            log.exception(
                "task %s (%s) of graph %s crashed", task["label"], task["injectableName"], run.graph["instanceId"]
            )
            error = f"internal error in {task.get('runJob')}: {type(exc).__name__}: {exc}"
        with run.lock:
            if run.finished:
                return  # cancelled or failed meanwhile: this result no longer counts
            task["state"] = "failed" if error else "succeeded"
            task["taskEndTime"] = now()
            if error:
                task["error"] = error
            self._save(run.graph)
            done = sum(1 for t in run.graph["tasks"].values() if t["state"] in FINISHED_STATES)
            graph_events.task_progress(self.ctx.events, run.graph, task, done)
            if fails_graph(task):
                self._finish(run, "failed")
            else:
                self._advance(run)

    def _finish(self, run: _Run, status: str) -> None:
        run.finished = True
        run.cancelled.set()
        for task in run.graph["tasks"].values():
            if task["state"] == "running" or (status == "cancelled" and task["state"] == "pending"):
                task["state"], task["taskEndTime"] = "cancelled", now()
        run.graph["_status"] = status
        self._save(run.graph)
        graph_events.finished(self.ctx.events, run.graph, status)
        with self._lock:
            self._runs.pop(run.graph["instanceId"], None)
            for key in [key for key in self._triggers if key[0] == run.graph["instanceId"]]:
                del self._triggers[key]
            self._changed.notify_all()
        run.done.set()
        for event in run.listeners:
            event.set()

    def _save(self, graph: dict[str, Any]) -> None:
        """Write the whole document: nx-27017 0.8.1 stores a datetime given to ``$set`` as a string."""
        graph["updatedAt"] = now()
        self.graphs.replace_one({"_id": graph["_id"]}, graph)

    # -- graphs left active by another process ------------------------------------------------
    def _finish_stored(self, graph: dict[str, Any], status: str, error: str | None = None) -> None:
        for task in (graph.get("tasks") or {}).values():
            if task.get("state") == "running" and status == "failed":
                task["state"], task["error"] = "failed", error
            elif task.get("state") in ("pending", "running"):
                task["state"] = "cancelled"
        graph["_status"] = status
        self._save(graph)
        graph_events.finished(self.ctx.events, graph, status)

    def _fail_orphans(self) -> None:
        """Graphs a previous target process left running can never finish: mark them failed."""
        for graph in self.graphs.find({"_status": {"$in": list(ACTIVE_GRAPH_STATES)}}):
            if graph["instanceId"] not in self._runs:
                log.warning(
                    "graph %s (%s) was left %s by a previous target process: marking it failed",
                    graph["instanceId"],
                    graph.get("injectableName"),
                    graph.get("_status"),
                )
                self._finish_stored(graph, "failed", "the target stopped while this task ran")
