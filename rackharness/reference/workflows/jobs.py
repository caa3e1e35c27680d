"""The jobs tasks run (RackHD's ``runJob``), by name: ``Job.Obm.Node`` and ``Job.noop`` here,
the discovery jobs in :mod:`.discovery_jobs`.

A job is ``fn(run: JobRun) -> None``; returning means the task succeeded, raising means it failed
with that message recorded on the task. ``run.cancelled`` is set when the graph ends (cancelled,
or failed by another task): a job that waits should wait on it — :meth:`CancelToken.link` makes
it also set the job's own wake-up event, so a job waits on one event for "my answer came or I was
cancelled"; a job that cannot be interrupted (an IPMI call) simply has its result ignored.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator

from pymongo.database import Database

from rackharness.reference.workflows.obm import ObmRegistry

if TYPE_CHECKING:
    from rackharness.reference.context import TargetContext


class JobError(Exception):
    """A task failed for a reason the user can act on."""


class CancelToken:
    """A ``threading.Event`` (``set``, ``is_set``, ``wait``) that also sets every linked event."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._linked: set[threading.Event] = set()

    def set(self) -> None:
        with self._lock:
            self._event.set()
            linked = list(self._linked)
        for event in linked:
            event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)

    @contextlib.contextmanager
    def link(self, event: threading.Event) -> Iterator[threading.Event]:
        """While in the block, cancelling also sets ``event`` (at once if already cancelled)."""
        with self._lock:
            self._linked.add(event)
            cancelled = self._event.is_set()
        if cancelled:
            event.set()
        try:
            yield event
        finally:
            with self._lock:
                self._linked.discard(event)


@dataclass
class JobRun:
    db: Database
    obms: ObmRegistry
    node_id: str | None
    options: dict[str, Any]
    cancelled: CancelToken = field(default_factory=CancelToken)
    #: what the discovery jobs need besides the database: events, config, the southbound channel
    ctx: TargetContext | None = None
    engine: Any = None  # the WorkflowEngine running this task (Job.Graph.Run starts graphs with it)
    graph_id: str | None = None
    task_id: str | None = None
    label: str | None = None


def obm_node(run: JobRun) -> None:
    """Job.Obm.Node: the power action in ``options.action`` through the node's OBM service."""
    if not run.node_id:
        raise JobError(
            "this task needs a target node: run the graph with POST /api/2.0/nodes/{id}/workflows "
            "or options.defaults.graphOptions.target"
        )
    action = run.options.get("action")
    if not isinstance(action, str):
        raise JobError("option 'action' is missing (powerOn, powerOff, reboot, reset, soft)")
    run.obms.run(run.db, run.node_id, action, run.options.get("obmServiceName"))


def noop(run: JobRun) -> None:
    """Job.noop: waits ``options.delay`` milliseconds (0 by default), or until cancelled."""
    delay = run.options.get("delay") or 0
    if not isinstance(delay, (int, float)) or delay < 0:
        raise JobError(f"option 'delay' must be a non-negative number of milliseconds, got {delay!r}")
    run.cancelled.wait(delay / 1000.0)


JOBS: dict[str, Callable[[JobRun], None]] = {"Job.Obm.Node": obm_node, "Job.noop": noop}
