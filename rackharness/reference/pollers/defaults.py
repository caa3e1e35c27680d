"""Discovery's default pollers for a node: ``create_default_pollers(ctx, node_id)``.

RackHD's discovery graph ends with ``Task.Inline.Pollers.CreateDefault`` (contract §6): six IPMI
pollers for the discovered node, credentials taken at run time from its ``ipmi-obm-service`` OBM::

    sdr 60000 ms, selInformation 60000, sel 60000, selEntries 60000, chassis 15000, driveHealth 30000

The target's ``target.poller_interval_scale`` setting multiplies these intervals (the local rack can
poll faster than a data centre); ``ctx.pollers.interval_scale`` carries it. Calling this twice
creates nothing new: a command the node already has an IPMI poller for keeps that poller.
"""

from __future__ import annotations

import threading

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import find_node
from rackharness.reference.documents import node_id as id_of
from rackharness.reference.pollers.commands import DEFAULT_INTERVALS_MS
from rackharness.reference.pollers.store import IPMI_POLLER, WorkitemStore

_lock = threading.Lock()  # two discoveries of one node must not both create a poller


def default_interval(command: str, scale: float = 1.0) -> int:
    """The default pollInterval of ``command`` in ms, times ``scale`` (at least 1 ms)."""
    return max(1, round(DEFAULT_INTERVALS_MS[command] * scale))


def create_default_pollers(ctx: TargetContext, node_id: str) -> list[str]:
    """The ids of the node's six default IPMI pollers (sdr, selInformation, sel, selEntries, chassis,
    driveHealth, in that order), creating those it lacks and scheduling them at once.

    Raises LookupError when no node has the id ``node_id``.
    """
    node = find_node(ctx.db, node_id, by_id_only=True)
    if node is None:
        raise LookupError(f"cannot create default pollers: no node has the id {node_id!r}")
    nid = id_of(node)
    scale = ctx.pollers.interval_scale if ctx.pollers is not None else 1.0
    store = WorkitemStore(ctx.db)
    ids, created = [], []
    with _lock:
        existing = {}
        for doc in store.for_node(nid, (IPMI_POLLER,)):
            existing.setdefault((doc.get("config") or {}).get("command"), doc)
        for command in DEFAULT_INTERVALS_MS:
            doc = existing.get(command)
            if doc is None:
                doc = store.create(IPMI_POLLER, default_interval(command, scale), nid, {"command": command})
                created.append(str(doc["_id"]))
            ids.append(str(doc["_id"]))
    if ctx.pollers is not None:
        for poller_id in created:
            ctx.pollers.changed(poller_id)
    return ids
