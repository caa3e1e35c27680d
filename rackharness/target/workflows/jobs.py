"""The jobs tasks run (RackHD's ``runJob``), by name: ``Job.Obm.Node`` and ``Job.noop``.

A job is ``fn(run: JobRun) -> None``; returning means the task succeeded, raising means it failed
with that message recorded on the task. ``run.cancelled`` is set when the graph is cancelled: a
job that waits should wait on it; one that cannot be interrupted (an IPMI call) simply has its
result ignored.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from pymongo.database import Database

from rackharness.target.workflows.obm import ObmRegistry


class JobError(Exception):
    """A task failed for a reason the user can act on."""


@dataclass
class JobRun:
    db: Database
    obms: ObmRegistry
    node_id: str | None
    options: dict[str, Any]
    cancelled: threading.Event = field(default_factory=threading.Event)


def obm_node(run: JobRun) -> None:
    """Job.Obm.Node: the power action in ``options.action`` through the node's OBM service."""
    if not run.node_id:
        raise JobError("this task needs a target node: run the graph with POST /api/2.0/nodes/{id}/workflows "
                       "or options.defaults.graphOptions.target")
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
