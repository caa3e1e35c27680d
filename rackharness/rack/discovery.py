"""``rackharness up --discover``: power every node on through its BMC with boot device pxe, then wait
(time-boxed) until the target has discovered each one, and say per node where it stopped if not.

What counts as discovered (the target's API, so it holds for any RackHD): a node exists whose
``identifiers`` include one of the rack node's MACs, it has at least one catalog (RackHD's own
definition: ``node.discovered()``), and its latest discovery graph — a graph whose injectable name
contains ``Discovery`` and that belongs to the node by ``node``, ``context.target`` or its
``nodeId`` option — ended ``succeeded`` with no graph of the node still active. A latest discovery graph
that ended ``failed``/``cancelled``/``timeout`` settles the node as failed at once (the wait goes on
for the others); its failed tasks and their errors go into the report.

With ``create_obms`` (``up --discover`` against a RackHD: its ``autoCreateObm`` is off by default, and
RackHD's own stack-init made the OBMs), each node discovered that has no ``ipmi-obm-service`` OBM gets one
(``PUT /api/2.0/nodes/<id>/obm`` with its BMC's address and the rack's credentials), and the output says so.

Where a node stopped comes from three independent sources, strongest first:

1. the target's graph: which task failed and why, or which tasks were still pending/running;
2. the node's boot agent (``<state dir>/agents.json`` written by the rack process): no profile
   request, the profile request's last answer, bootstrap.js, task fetches, the last command and a
   command that failed;
3. the last RackHD event about the node seen on ``on.events`` (``node.*`` / ``graph.*``).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from rackharness.api_paths import API_ROOT
from rackharness.clients.obm import ObmClient
from rackharness.clients.rest import RackHDClient, graph_status, graph_tasks
from rackharness.errors import ClientError, RackHarnessError, ReadinessTimeout, ServiceUnavailable
from rackharness.invocation import named
from rackharness.rack.boot_agent import read_status
from rackharness.stack_info import NodeInfo, StackInfo
from rackharness.transports.amqp.base import AmqpTransport
from rackharness.transports.amqp.chooser import open_transport
from rackharness.wait import Condition, Observation

ACTIVE = ("pending", "running")
FAILED = ("failed", "cancelled", "timeout")
POWER_WORKERS = 8
IPMI_TIMEOUT = 10.0
IDLE_TIMEOUT = 30.0  # seconds a cancelled graph may take to end
IPMI_OBM_SERVICE = "ipmi-obm-service"
IPMI_PORT = 623  # an OBM names its port only when the BMC is elsewhere (port-mode racks)


class DiscoveryFailed(RackHarnessError):
    """Not every node was discovered in time (or a node's discovery failed); the message is the report."""


@dataclass
class NodeProgress:
    """What is known about one rack node's discovery."""

    rack: NodeInfo
    power: str = "not powered on yet"
    power_error: str | None = None
    node_id: str | None = None
    graph: dict[str, Any] | None = None  # the latest discovery graph of the node
    catalogs: int = 0
    outcome: str | None = None  # None while open; "discovered" | "failed"
    settled_at: float | None = None
    last_event: str | None = None


@dataclass
class Discovery:
    """Power on, wait, report; ``say`` prints progress lines."""

    stack: StackInfo
    api: RackHDClient
    timeout: float
    interval: float = 0.5
    say: Callable[[str], None] = print
    obm_factory: Callable[[NodeInfo], Any] = field(default=lambda node: ObmClient.for_node(node, timeout=IPMI_TIMEOUT))
    clock: Callable[[], float] = time.monotonic
    nodes: dict[str, NodeProgress] = field(default_factory=dict)
    #: give each discovered node without an ipmi-obm-service OBM one (RackHD without autoCreateObm)
    create_obms: bool = False

    def __post_init__(self) -> None:
        self.nodes = {n.name: NodeProgress(n) for n in self.stack.nodes}
        self._events: AmqpTransport | None = None
        self._queue: str | None = None
        self._event_by_node_id: dict[str, str] = {}
        self.started = self.clock()
        #: RackHD's createdAt format, to tell a discovery from before this run (data kept across `down`)
        # to the second: a graph's creation is read from its ObjectId where the answer has no createdAt
        self.started_at = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".000Z"

    # -- 0. a node whose earlier discovery never finished is discovered again ------------------------
    def forget_unfinished(self) -> None:
        """Delete from the target every rack node whose latest discovery graph did not succeed.

        RackHD treats a node with any catalog as discovered and never netboots it into discovery again,
        so a node whose discovery was interrupted (powered off midway, a graph cancelled at ``down``)
        would stay half-discovered — no bmc catalog, no OBM — forever. Deleting it (after cancelling a
        graph still active) makes RackHD discover it from the start, as a new server would be.
        """
        by_mac = self._nodes_by_mac()
        graphs = self.api.get(f"{API_ROOT}/workflows")
        for progress in self.nodes.values():
            node = next((by_mac[m.lower()] for m in progress.rack.macs if m.lower() in by_mac), None)
            if node is None:
                continue
            mine = [g for g in graphs if _belongs(g, node["id"])]
            latest = max(
                (g for g in mine if "Discovery" in str(g.get("injectableName", ""))), key=_created, default=None
            )
            status = graph_status(latest) if latest else None
            if latest is None or status == "succeeded":
                continue
            if any(graph_status(g) in ACTIVE for g in mine):
                self.api.put(
                    f"{API_ROOT}/nodes/{node['id']}/workflows/action", {"command": "cancel"}, expect=(202, 404)
                )
                Condition(
                    probe=lambda nid=node["id"]: self._idle(nid),
                    what=f"{progress.rack.name}'s graphs to end",
                    timeout=IDLE_TIMEOUT,
                    interval=0.2,
                    transient=(),
                    clock=self.clock,
                ).wait()
            self.api.delete(f"{API_ROOT}/nodes/{node['id']}", expect=(200, 204, 404))
            self.say(
                f"  {progress.rack.name}: its discovery of {_created(latest) or 'an earlier run'} ended {status}; "
                f"node {node['id']} deleted so that it is discovered again"
            )

    def _idle(self, node_id: str) -> Observation:
        active = [
            g.get("injectableName")
            for g in self.api.get(f"{API_ROOT}/workflows")
            if _belongs(g, node_id) and graph_status(g) in ACTIVE
        ]
        return Observation(not active, f"active graphs: {active}")

    def _nodes_by_mac(self) -> dict[str, dict[str, Any]]:
        by_mac: dict[str, dict[str, Any]] = {}
        for node in self.api.get(f"{API_ROOT}/nodes"):
            for identifier in node.get("identifiers") or []:
                by_mac[str(identifier).lower()] = node
        return by_mac

    # -- 1. power on through the BMC, like a user would ---------------------------------------------
    def power_on_all(self) -> None:
        def one(progress: NodeProgress) -> None:
            obm = self.obm_factory(progress.rack)
            try:
                obm.set_boot_device("network")  # pyghmi's name for pxe; next boot only
                if obm.power_status() == "on":
                    obm.power_reset()
                    progress.power = "reset with boot device pxe"
                else:
                    obm.power_on()
                    progress.power = "powered on with boot device pxe"
            except ClientError as exc:
                progress.power = "power on failed"
                progress.power_error = exc.message

        with concurrent.futures.ThreadPoolExecutor(max_workers=POWER_WORKERS) as pool:
            list(pool.map(one, self.nodes.values()))
        failed = [p for p in self.nodes.values() if p.power_error]
        self.say(
            f"powered on {len(self.nodes) - len(failed)} of {len(self.nodes)} nodes through their BMCs "
            "with boot device pxe" + (f"; {len(failed)} failed" if failed else "")
        )

    # -- 2. wait ----------------------------------------------------------------------------------
    def listen(self, amqp_url: str | None) -> None:
        """Follow node.* and graph.* events on on.events (best effort: the report's last event)."""
        if not amqp_url:
            return
        try:
            transport = open_transport(amqp_url, timeout=5.0)
            transport.ensure_exchange("on.events")
            self._queue = transport.declare_exclusive_queue()
            for pattern in ("node.#", "graph.#"):
                transport.bind(self._queue, "on.events", pattern)
            self._events = transport
        except ClientError as exc:
            self.say(f"(not following events: {exc.message})")

    def _drain(self, seconds: float) -> None:
        """The wait's pause: take events off the queue meanwhile."""
        if self._events is None or self._queue is None:
            time.sleep(seconds)
            return
        deadline = self.clock() + seconds
        while True:
            remaining = deadline - self.clock()
            if remaining <= 0:
                return
            try:
                message = self._events.get(self._queue, remaining)
            except ClientError:
                self._events = None
                return
            if message is None:
                return
            body = message.body if isinstance(message.body, dict) else {}
            node_id = body.get("nodeId") or (body.get("data") or {}).get("nodeId")
            if node_id:
                self._event_by_node_id[str(node_id)] = f"{message.routing_key} ({time.strftime('%H:%M:%S')})"

    def wait(self) -> None:
        """Until every node is discovered; DiscoveryFailed (with the report) on a failure or the timeout."""

        def probe() -> Observation:
            self._observe()
            open_ = [p for p in self.nodes.values() if p.outcome is None]
            done = sum(1 for p in self.nodes.values() if p.outcome in ("discovered", "already discovered"))
            failed = sum(1 for p in self.nodes.values() if p.outcome == "failed")
            return Observation(not open_, f"{done} discovered, {failed} failed, {len(open_)} in progress")

        try:
            Condition(
                probe=probe,
                what=f"{len(self.nodes)} nodes to be discovered",
                timeout=self.timeout,
                interval=self.interval,
                transient=(ServiceUnavailable,),
                sleep=self._drain,
                clock=self.clock,
            ).wait()
        except ReadinessTimeout:
            raise DiscoveryFailed(
                self.report(f"discovery timed out after {self.timeout:g}s"), hint=named(HINT)
            ) from None
        finally:
            self.close()
        failed = [p for p in self.nodes.values() if p.outcome == "failed"]
        if failed:
            raise DiscoveryFailed(
                self.report(f"discovery failed for {len(failed)} of {len(self.nodes)} nodes"), hint=named(HINT)
            )

    def close(self) -> None:
        if self._events is not None:
            self._events.close()
            self._events = None

    def _observe(self) -> None:
        by_mac = self._nodes_by_mac()
        graphs = self.api.get(f"{API_ROOT}/workflows")
        for progress in self.nodes.values():
            if progress.outcome is not None:
                continue
            node = next((by_mac[m.lower()] for m in progress.rack.macs if m.lower() in by_mac), None)
            if node is None:
                continue
            progress.node_id = node["id"]
            progress.last_event = self._event_by_node_id.get(progress.node_id, progress.last_event)
            mine = [g for g in graphs if _belongs(g, progress.node_id)]
            discovery = [g for g in mine if "Discovery" in str(g.get("injectableName", ""))]
            progress.graph = max(discovery, key=_created, default=None)
            if any(graph_status(g) in ACTIVE for g in mine):
                continue
            status = graph_status(progress.graph) if progress.graph else None
            if status in FAILED and not self._before_this_run(progress.graph):
                self._settle(progress, "failed")
                continue
            if status in FAILED:  # an earlier run's graph (kept data): this run's discovery is still to come
                continue
            if status == "succeeded" or progress.graph is None:
                progress.catalogs = len(self.api.get(f"{API_ROOT}/nodes/{progress.node_id}/catalogs"))
                if progress.catalogs:
                    self._settle(progress, "discovered")

    def _before_this_run(self, graph: dict[str, Any]) -> bool:
        created = _created(graph)
        return bool(created) and created < self.started_at

    def _settle(self, progress: NodeProgress, outcome: str) -> None:
        progress.outcome = outcome
        progress.settled_at = self.clock() - self.started
        earlier = progress.graph is None or _created(progress.graph) < self.started_at
        if outcome == "discovered" and earlier:
            progress.outcome = "already discovered"
            when = f"by graph of {_created(progress.graph)}" if progress.graph else "(catalogs, no graph)"
            self.say(f"  {progress.rack.name}: already discovered {when} (node {progress.node_id})")
            self.ensure_obm(progress)
            return
        word = "discovered" if outcome == "discovered" else "FAILED"
        self.say(f"  {progress.rack.name}: {word} after {progress.settled_at:.1f}s (node {progress.node_id})")
        if outcome == "discovered":
            self.ensure_obm(progress)

    # -- 2b. the OBM RackHD's own stack-init would have made ------------------------------------------
    def ensure_obm(self, progress: NodeProgress) -> str | None:
        """With ``create_obms``: give a discovered node without an ipmi-obm-service OBM one; what was done."""
        if not self.create_obms or not progress.node_id:
            return None
        path = f"{API_ROOT}/nodes/{progress.node_id}/obm"
        bmc = progress.rack.bmc
        try:
            obms = self.api.get(path)
            if any(isinstance(o, dict) and o.get("service") == IPMI_OBM_SERVICE for o in obms or []):
                return "present"
            config: dict[str, Any] = {"host": bmc.host, "user": bmc.user, "password": bmc.password}
            if bmc.port != IPMI_PORT:
                config["port"] = bmc.port
            # RackHD 2.60.7's body parameter requires nodeId (400 "Validation errors" without it)
            self.api.put(
                path, {"nodeId": progress.node_id, "service": IPMI_OBM_SERVICE, "config": config}, expect=(200, 201)
            )
        except ClientError as exc:
            self.say(f"  {progress.rack.name}: no {IPMI_OBM_SERVICE} OBM, and creating one failed: {exc.message}")
            return "failed"
        where = bmc.host if bmc.port == IPMI_PORT else f"{bmc.host}:{bmc.port}"
        self.say(
            f"  {progress.rack.name}: created its {IPMI_OBM_SERVICE} OBM (host {where}, user {bmc.user}): "
            "the target has autoCreateObm off, as RackHD's stack-init would have"
        )
        return "created"

    # -- 3. the report ---------------------------------------------------------------------------------
    def report(self, headline: str) -> str:
        agents = (read_status(self.stack.state_dir) or {}).get("nodes", {})
        lines = [headline + ":"]
        for progress in self.nodes.values():
            if progress.outcome in ("discovered", "already discovered"):
                continue
            lines.append(f"  {progress.rack.name}: {self._where(progress, agents.get(progress.rack.name))}")
        done = [p.rack.name for p in self.nodes.values() if p.outcome in ("discovered", "already discovered")]
        lines.append(f"  discovered: {len(done)} of {len(self.nodes)}" + (f" ({', '.join(done)})" if done else ""))
        return "\n".join(lines)

    def _where(self, progress: NodeProgress, agent: dict[str, Any] | None) -> str:
        parts = []
        if progress.power_error:
            parts.append(f"power on failed: {progress.power_error}")
        if progress.graph is not None:
            parts.append(describe_discovery_graph(progress.graph))
        elif progress.node_id:
            parts.append(
                f"known to the target as {progress.node_id} but no discovery graph"
                + (f", {progress.catalogs} catalogs" if progress.catalogs else ", no catalogs")
            )
        parts.append(describe_agent(agent))
        parts.append(f"last event seen: {progress.last_event or 'none'}")
        return "; ".join(p for p in parts if p)


HINT = (
    "`rackharness logs rack` and `rackharness logs target` show both sides; "
    "docs/troubleshooting.md explains each message of this report"
)


def _belongs(graph: dict[str, Any], node_id: str) -> bool:
    options = (graph.get("definition") or {}).get("options") if isinstance(graph.get("definition"), dict) else None
    candidates = [
        graph.get("node"),
        (graph.get("context") or {}).get("target"),
        ((graph.get("options") or {}).get("defaults") or {}).get("nodeId"),
        ((options or {}).get("defaults") or {}).get("nodeId"),
    ]
    return node_id in [str(c) for c in candidates if c]


def _created(graph: dict[str, Any]) -> str:
    """When the graph was made: its ``createdAt``, else its Mongo id's timestamp (RackHD's graph view, as
    ``GET /workflows`` answers it, has no timestamps); "" when neither says."""
    stamp = graph.get("createdAt") or graph.get("updatedAt")
    if stamp:
        return str(stamp)
    graph_id = str(graph.get("id") or "")
    if not re.fullmatch(r"[0-9a-fA-F]{24}", graph_id):
        return ""
    return dt.datetime.fromtimestamp(int(graph_id[:8], 16), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".000Z"


def describe_discovery_graph(graph: dict[str, Any]) -> str:
    """``graph Graph.SKU.Discovery failed: task catalog-bmc (Task.Catalog.bmc) failed: <error>``."""
    name = graph.get("injectableName") or graph.get("name") or "?"
    status = graph_status(graph)
    tasks = graph_tasks(graph)
    failed = [t for t in tasks if t.get("state") in FAILED and not t.get("ignoreFailure")]
    if failed:
        # the graph view (GET /workflows) does not say ignoreFailure: the task that ended the graph failed with an
        # error and started last (a catalog task that may fail, perccli, fails earlier; running ones are cancelled)
        task = max(
            failed, key=lambda t: (t.get("state") == "failed", bool(t.get("error")), str(t.get("taskStartTime") or ""))
        )
        error = task.get("error")
        if isinstance(error, dict):
            error = error.get("message") or error.get("name") or str(error)
        return (
            f"graph {name} {status}: task {task.get('label') or '?'} ({task.get('injectableName') or '?'}) "
            f"{task.get('state')}: {str(error or 'no error recorded')[:300]}"
        )
    if status in ACTIVE:
        pending = [
            f"{t.get('label') or t.get('injectableName')}={t.get('state')}"
            for t in tasks
            if t.get("state") in ("pending", "running")
        ]
        return f"graph {name} still {status}; waiting on: {', '.join(pending[:6]) or 'nothing listed'}"
    return f"graph {name} {status}"


def describe_agent(agent: dict[str, Any] | None) -> str:
    """Where the node's boot agent got to, from its agents.json entry."""
    if not agent:
        return "boot agent: no status (the rack process wrote none: not started, or an old rack)"
    state = agent.get("state")
    if not agent.get("netboots"):
        if state == "off":
            return "boot agent: no profile request (the node never powered on)"
        return f"boot agent: no profile request (booted from {agent.get('boot_device') or 'disk'}, not the network)"
    words = [f"boot agent: netboot #{agent['netboots']} {state}"]
    if not agent.get("profile_requests"):
        words.append("no profile request yet (in the boot delay)")
    elif agent.get("profile_at") is None:
        words.append(f"{agent['profile_requests']} profile request(s), last answer {agent.get('profile_status')}")
    elif agent.get("bootstrap_at") is None and state not in ("local-boot",):
        words.append(f"profile fetched; bootstrap.js: {agent.get('bootstrap_status') or 'not requested'}")
    elif agent.get("bootstrap_at") is not None:
        if not agent.get("documents"):
            words.append(
                f"bootstrap.js fetched (node {agent.get('node_id')}); no task fetched "
                f"({agent.get('task_fetches', 0)} empty fetches)"
            )
        else:
            words.append(
                f"{agent['documents']} task document(s), {agent.get('commands_run', 0)} commands run, "
                f"last {agent.get('last_command')!r} exit {agent.get('last_exit_code')}"
            )
    failed = agent.get("failed_command")
    if failed:
        words.append(f"command failed: {failed.get('cmd')!r} exit {failed.get('code')}: {failed.get('stderr')}")
    if agent.get("error"):
        words.append(f"error: {agent['error']}")
    previous = agent.get("previous")
    if previous:
        words.append(
            f"previous netboot: {previous.get('state')}"
            + (f" (node {previous.get('node_id')})" if previous.get("node_id") else "")
        )
    return ", ".join(words)


def load_agents(state_dir: str | Path) -> dict[str, Any]:
    return (read_status(state_dir) or {}).get("nodes", {})
