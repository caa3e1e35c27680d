"""The target's poller runtime: what RackHD's Graph.Service.Poller does, in one object on the context.

For each due, unpaused ``Pollers.IPMI`` work item (:mod:`.scheduler`):

1. the lease is taken (``lastStarted``, ``leaseToken``) as WorkItems.Run does;
2. the BMC is the node's ``ipmi-obm-service`` OBM config, overridden by the poller's own config keys
   (a poller without a node names ``host``/``user``/``password`` itself); ``port`` is the target's
   extension (default 623);
3. the command (:mod:`.commands`) runs over the shared :class:`~rackharness.transports.ipmi.pyghmi_caller.BmcCaller`
   (one pyghmi session per BMC for the whole process: the workflow engine uses the same caller);
4. success: the entry ``{<BMC config minus secrets>, node, <command>: <data>, timestamp}`` goes to
   the cache (:mod:`.cache`), ``failureCount`` is reset and ``state`` becomes "accessible";
   failure: ``failureCount`` + 1, ``state`` "inaccessible", no entry; either way ``nextScheduled`` =
   now + ``pollInterval`` and the poller runs again then;
5. events on ``on.events``: ``polleralert.chassispower.updated.information.<pollerId>.<nodeId>``
   ``{states: {last, current}}`` ("ON"/"OFF") when a chassis poller's power differs from what that
   poller saw last (its first result counts as a change from "OFF", as ipmi-job.js's
   powerStateAlerter does); ``node.accessible|inaccessible.information.<nodeId>.<nodeId>``
   ``{nodeType}`` when the node's first poller becomes accessible or its last accessible one
   fails (poller-helper's getNodeAlertMsg).

Only IPMI pollers run; SNMP, Redfish and WS-Man work items are stored and served but never polled.
Work items written to Mongo directly are picked up within ``resync_seconds``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any, Callable

from rackharness.errors import BmcError
from rackharness.reference.context import TargetContext
from rackharness.reference.documents import NODES, OBMS, object_id, refers_to_node
from rackharness.reference.pollers.bmc_reads import RawBmc, SdrCache
from rackharness.reference.pollers.cache import DEFAULT_SIZE, PollerCache, js_date
from rackharness.reference.pollers.commands import COMMANDS, CommandRun
from rackharness.reference.pollers.scheduler import Scheduler
from rackharness.reference.pollers.store import (
    ACCESSIBLE,
    INACCESSIBLE,
    IPMI_POLLER,
    NODE_POLLER_NAMES,
    WorkitemStore,
    as_datetime,
)
from rackharness.reference.pollers.views import without_secrets
from rackharness.transports.ipmi.base import BmcAddress
from rackharness.transports.ipmi.pyghmi_caller import BmcCaller

log = logging.getLogger(__name__)

RESYNC = "@resync"  # the scheduler key of the periodic look at Mongo (never a poller id)
MIN_INTERVAL_SECONDS = 0.1  # a pollInterval below this (RackHD accepts 0) runs this often at most
SEL_PLACE_KEYS = ("lastPreviouslyReadSelEntry", "lastSelDeleteTimeLastRun")
IPMI_OBM = "ipmi-obm-service"


class PollError(Exception):
    """A poll that produced no data; the message says why (never with a password)."""


class PollerService:
    """Implements the context's poller runtime (``ctx.pollers``); ``start()``/``stop()`` by the server."""

    def __init__(
        self,
        ctx: TargetContext,
        *,
        caller: BmcCaller | None = None,
        cache_size: int | None = None,
        interval_scale: float = 1.0,
        workers: int = 16,
        resync_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if interval_scale <= 0:
            raise ValueError(f"the poller interval scale must be positive, got {interval_scale!r}")
        self.ctx = ctx
        self.store = WorkitemStore(ctx.db)
        self.cache = PollerCache(cache_size or int(ctx.config.get("pollerCacheSize") or DEFAULT_SIZE))
        self.caller = caller or BmcCaller()
        self.interval_scale = float(interval_scale)
        self.resync_seconds = resync_seconds
        self.sdr_cache = SdrCache()
        self.scheduler = Scheduler(self.run, workers=workers, clock=clock)
        self._power: dict[str, bool] = {}  # poller id -> the power its last chassis result showed
        self._state_lock = threading.Lock()  # reachability: read the node's states, then write one

    # -- what the API and discovery call ------------------------------------------------------------
    def changed(self, poller_id: str) -> None:
        """A poller was created or changed: (re)schedule it by its ``nextScheduled``, or drop it."""
        doc = self.store.get(poller_id)
        if doc is None or doc.get("paused") or doc.get("name") != IPMI_POLLER:
            self.scheduler.cancel(poller_id)
            if doc is None:
                self.removed(poller_id)
            return
        self.scheduler.schedule(poller_id, _seconds_until(doc.get("nextScheduled")))

    def removed(self, poller_id: str) -> None:
        self.scheduler.cancel(poller_id)
        self.cache.drop(poller_id)
        self._power.pop(poller_id, None)

    def data(self, poller_id: str, *, latest_only: bool = False) -> list[dict[str, Any]]:
        return self.cache.entries(poller_id, latest_only=latest_only)

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> "PollerService":
        released = self.store.release_leases()
        if released:
            log.info("released %d poller lease(s) a previous target process held", released)
        self.resync()
        self.scheduler.schedule(RESYNC, self.resync_seconds)
        self.scheduler.start()
        return self

    def stop(self) -> None:
        self.scheduler.stop()

    def resync(self) -> None:
        """Schedule runnable pollers the scheduler does not know; forget those gone or paused in Mongo."""
        known = set(self.scheduler.due_times())  # before reading Mongo: a poller created meanwhile stays
        runnable = {str(doc["_id"]): doc for doc in self.store.runnable()}
        for poller_id, doc in runnable.items():
            if poller_id not in known and not self.scheduler.is_running(poller_id):
                self.scheduler.schedule(poller_id, _seconds_until(doc.get("nextScheduled")))
        for poller_id in known - set(runnable) - {RESYNC}:
            self.scheduler.cancel(poller_id)

    # -- one run ----------------------------------------------------------------------------------
    def run(self, key: str) -> float | None:
        """The scheduler's job: one poll of ``key``; returns seconds until its next run, None to stop."""
        if key == RESYNC:
            self.resync()
            return self.resync_seconds
        doc = self.store.get(key)
        if doc is None:
            self.removed(key)
            return None
        if doc.get("paused") or doc.get("name") != IPMI_POLLER:
            return None
        self.store.started(doc)
        try:
            entry, place = self._poll(doc)
        except PollError as exc:
            self._finish(doc, False, reason=str(exc))
        else:
            self.cache.add(key, entry)
            extra = {
                f"config.{name}": value for name, value in place.items() if (doc.get("config") or {}).get(name) != value
            }
            self._finish(doc, True, extra=extra)
        return max(MIN_INTERVAL_SECONDS, float(doc.get("pollInterval") or 0) / 1000.0)

    def _bmc(self, doc: dict[str, Any]) -> tuple[BmcAddress, dict[str, Any]]:
        """The BMC to poll and what the cache entry shows of it."""
        config, node = doc.get("config") or {}, doc.get("node")
        settings: dict[str, Any] = {}
        obm = None
        if node is not None:
            obm = self.ctx.db[OBMS].find_one({"node": refers_to_node(str(node)), "service": IPMI_OBM})
            settings.update(self.ctx.sealer.unseal((obm or {}).get("config") or {}))
        settings.update({key: value for key, value in config.items() if key != "command"})
        missing = [key for key in ("host", "user") if not settings.get(key)] + (
            ["password"] if settings.get("password") is None else []
        )
        if missing:
            if node is None:
                raise PollError(f"no BMC to poll: the poller's config lacks {', '.join(missing)}")
            what = f" has no {IPMI_OBM} OBM" if obm is None else f"'s {IPMI_OBM} OBM lacks {', '.join(missing)}"
            raise PollError(
                f"no BMC to poll: node {node}{what} (PUT /api/2.0/nodes/{node}/obm with host, user, password)"
            )
        try:
            port = int(settings.get("port") or 623)
        except (TypeError, ValueError):
            raise PollError(f"the BMC port {settings.get('port')!r} is not a number") from None
        address = BmcAddress(str(settings["host"]), port, str(settings["user"]), str(settings["password"]))
        return address, {**without_secrets(settings), "node": str(node) if node is not None else None}

    def _poll(self, doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        command = (doc.get("config") or {}).get("command")
        if command not in COMMANDS:
            raise PollError(f"unknown IPMI poller command {command!r}; RackHD's are {', '.join(COMMANDS)}")
        address, shown = self._bmc(doc)
        place = {key: (doc.get("config") or {}).get(key) for key in SEL_PLACE_KEYS}

        def work(session: Any) -> Any:
            return COMMANDS[command](CommandRun(RawBmc(session), address.key, self.sdr_cache, place))

        try:
            result = self.caller.call(address, f"the {command} poller", work)
        except BmcError as exc:
            raise PollError(str(exc)) from None
        if command == "chassis":
            self._power_alert(doc, bool(result.get("power")))
        return {**shown, command: result, "timestamp": js_date()}, place if command == "selEntries" else {}

    # -- bookkeeping and events -------------------------------------------------------------------
    def _finish(
        self, doc: dict[str, Any], succeeded: bool, *, extra: dict[str, Any] | None = None, reason: str = ""
    ) -> None:
        new_state = ACCESSIBLE if succeeded else INACCESSIBLE
        with self._state_lock:
            announce = self._reachability_changed(doc, new_state)
            self.store.finished(doc, succeeded, extra)
        if not succeeded:
            level = logging.WARNING if not doc.get("failureCount") else logging.DEBUG
            log.log(
                level,
                "poller %s (%s, node %s) failed: %s",
                doc["_id"],
                (doc.get("config") or {}).get("command"),
                doc.get("node"),
                reason,
            )
        if announce is not None:
            self.ctx.events.publish_external(
                "node", new_state, "information", announce[0], announce[0], {"nodeType": announce[1]}
            )

    def _reachability_changed(self, doc: dict[str, Any], new_state: str) -> tuple[str, Any] | None:
        """(node id, node type) when this result changes whether the node is reachable, else None."""
        node_ref = doc.get("node")
        if node_ref is None or doc.get("state") == new_state:
            return None
        node_id = str(node_ref)
        states = [
            item.get("state")
            for item in self.store.for_node(node_id, NODE_POLLER_NAMES)
            if (item.get("pollInterval") or 0) > 0
        ]
        if (states + [new_state]).count(ACCESSIBLE) != 1:
            return None
        node = self.ctx.db[NODES].find_one({"_id": object_id(node_id) or node_id}, {"type": 1})
        return None if node is None else (node_id, node.get("type"))

    def _power_alert(self, doc: dict[str, Any], power: bool) -> None:
        poller_id = str(doc["_id"])
        last = self._power.get(poller_id)
        if last == power:
            return
        self._power[poller_id] = power
        node = doc.get("node")
        self.ctx.events.publish_external(
            "polleralert",
            "chassispower.updated",
            "information",
            poller_id,
            str(node) if node is not None else None,
            {"states": {"last": "ON" if last else "OFF", "current": "ON" if power else "OFF"}},
        )


def _seconds_until(when: Any) -> float:
    moment = as_datetime(when)
    if moment is None:
        return 0.0
    return max(0.0, (moment - dt.datetime.now(dt.timezone.utc)).total_seconds())
