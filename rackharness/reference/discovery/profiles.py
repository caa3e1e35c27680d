"""What a PXE-booting node is told: ``GET /profiles`` and ``GET /tasks/bootstrap.js`` (contract §5.2–5.4).

``GET /profiles?macs=..&ips=..`` follows on-taskgraph's ``profile-api-service.js``:

1. lookups: each ``macs[i]`` gets address ``ips[i]`` (RackHD records only the pair whose IP is
   the requester's own address; on the local rack every agent asks from 127.0.0.1, so the target
   pairs by position and skips empty and ``0.0.0.0`` addresses);
2. the node owning one of the MACs (``identifiers``); none → a new node ``{name: macs.join(','),
   identifiers: macs, type: compute}``, ``node.added``, a lookup MAC → node per MAC, and discovery;
   a node without catalogs and without an active graph → discovery again;
3. discovery = config ``discoveryGraph`` (default ``Graph.SKU.Discovery``) with RackHD's options
   (:func:`discovery_options`); a graph that runs sub-graphs is started without a target (the inner
   ``Graph.rancherDiscovery`` holds the node, as in RackHD), then the answer waits until the node has an
   active graph (RackHD's ``waitForDiscoveryStart``);
4. the answer, ``text/plain``: the profile of the node's active graph (its
   ``Task.Base.Linux.Bootstrap`` task's ``profile``, ``linux.ipxe``: kernel, initrd, and
   ``API_CB=<server>:<port>``), else the node's ``bootSettings`` profile, else ``ipxe-info.ipxe``
   (boot to disk). Without MACs: ``redirect.ipxe``, which chains back here with every NIC's MAC.

The iPXE and JavaScript texts are this target's own, shaped like RackHD's templates
(``boilerplate.ipxe`` + profile); option values may use ``{{ api.server }}``, ``{{ file.server }}``
and ``{{ options.<key> }}`` as RackHD's task options do.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
from typing import Any

from bson import ObjectId

from rackharness.reference import lookups
from rackharness.reference.context import TargetContext
from rackharness.reference.documents import CATALOGS, NODES, ApiError, node_id, normalize_mac, now, refers_to_node

log = logging.getLogger(__name__)

DEFAULT_DISCOVERY_GRAPH = "Graph.SKU.Discovery"
BOOTSTRAP_BASE_TASK = "Task.Base.Linux.Bootstrap"
#: how long GET /profiles waits for a new discovery graph to hold its node (RackHD retries its RPC)
DISCOVERY_START_SECONDS = 10.0
NO_WORKFLOW_MESSAGE = "No active workflow and bootSettings, continue to boot"

_NODE_LOCK = threading.Lock()  # one profile request at a time decides "new node?" and "run discovery?"
_TEMPLATE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


# -- RackHD's config flags ----------------------------------------------------------------------


def flag(value: Any) -> str:
    """RackHD compares config flags with the string 'true'; the target's config may hold booleans."""
    return "true" if value is True or str(value).strip().lower() == "true" else "false"


def server_address(ctx: TargetContext) -> tuple[str, Any]:
    return str(ctx.config.get("apiServerAddress", "10.1.1.1")), ctx.config.get("apiServerPort", 80)


def _file_server(ctx: TargetContext) -> str:
    server, port = server_address(ctx)
    if ctx.config.get("fileServerAddress") is None:
        return f"http://{server}:{port}"
    uri = f"http://{ctx.config['fileServerAddress']}"
    if ctx.config.get("fileServerPort") is not None:
        uri += f":{ctx.config['fileServerPort']}"
    return (uri + str(ctx.config.get("fileServerPath") or "")).rstrip("/")


def render_value(value: Any, context: dict[str, Any]) -> Any:
    """``{{ a.b }}`` in a string replaced from ``context`` (unknown names become empty)."""
    if not isinstance(value, str):
        return value
    for _ in range(5):  # options may refer to options

        def lookup(match: re.Match[str]) -> str:
            found: Any = context
            for part in match.group(1).split("."):
                found = found.get(part) if isinstance(found, dict) else None
            return "" if found is None else str(found)

        rendered = _TEMPLATE.sub(lookup, value)
        if rendered == value:
            break
        value = rendered
    return value


# -- the iPXE texts -----------------------------------------------------------------------------


def _boilerplate(server: str, mac: str) -> str:
    return "\n".join(
        [
            "#!ipxe",
            "set user-class MonoRail",
            f"echo RackHD (rackharness reference target) profile for {mac or 'an unknown MAC'}",
            f"set syslog {server}",
            f"set interface {mac}",
            "set rebootInterval:int8 5",
            "set ifIndex:int8 0",
            ":ifFind",
            "iseq ${ifIndex} 10 && goto ifFailed ||",
            "iseq ${interface} ${net${ifIndex}/mac} && goto ifFound || inc ifIndex && goto ifFind",
            ":ifFailed",
            "echo No interface ${interface}: rebooting in ${rebootInterval} seconds",
            "sleep ${rebootInterval}",
            "reboot",
            ":ifFound",
            "ifconf net${ifIndex} || goto ifFailed",
            "",
        ]
    )


def redirect_ipxe(ctx: TargetContext) -> str:
    """RackHD's ``redirect.ipxe``: chain to /profiles with every NIC's MAC."""
    server, port = server_address(ctx)
    return "\n".join(
        [
            "#!ipxe",
            "set i:int8 1",
            "set macs ${net0/mac:hex}",
            ":next",
            "isset ${net${i}/mac} || goto chain",
            "set macs ${macs}&macs=${net${i}/mac:hex}",
            "inc i",
            "iseq ${i} 100 || goto next",
            ":chain",
            f"chain http://{server}:{port}/api/current/profiles?macs=${{macs}}",
            "",
        ]
    )


def ipxe_info(ctx: TargetContext, mac: str, message: str) -> str:
    server, _ = server_address(ctx)
    return _boilerplate(server, mac) + "\n".join(
        [
            f"echo RackHD: {message}",
            "echo RackHD: Booting to disk in ${rebootInterval} seconds...",
            "sleep ${rebootInterval}",
            "exit",
            "",
        ]
    )


def linux_ipxe(ctx: TargetContext, mac: str, options: dict[str, Any]) -> str:
    """The microkernel: kernel, initrd, and the kernel arguments that point it back at the target."""
    server, port = server_address(ctx)
    api = f"http://{server}:{port}"
    context = {
        "api": {"server": api, "base": f"{api}/api/current"},
        "file": {"server": _file_server(ctx)},
        "options": options,
    }
    opts = {key: render_value(value, context) for key, value in options.items()}
    kernel = opts.get("kernelUri") or f"{api}/common/{opts.get('kernelFile', '')}"
    initrd = opts.get("initrdUri") or f"{api}/common/{opts.get('initrdFile', '')}"
    basefs = opts.get("basefsUri") or opts.get("basefs") or ""
    overlayfs = opts.get("overlayfsUri") or opts.get("overlayfs") or ""
    kargs = opts.get("kargs")
    if isinstance(kargs, dict):
        kargs = " ".join(f"{key}={render_value(value, context)}" for key, value in kargs.items())
    comport = opts.get("comport") or "ttyS0"
    args = [
        str(opts.get("kernelFile") or "vmlinuz"),
        "console=tty0",
        f"console={comport},115200n8",
        f"initrd={opts.get('initrdFile') or 'initrd'}",
        "auto=true",
        f"SYSLOGSERVER={server}",
        f"API_CB={server}:{port}",
        f"BASEFS={basefs}",
        f"OVERLAYFS={overlayfs}",
        f"BOOTIF=01-{mac}",
    ]
    if kargs:
        args.append(str(kargs))
    return _boilerplate(server, mac) + "\n".join(
        [
            f"kernel {kernel}",
            f"initrd {initrd}",
            "imgargs " + " ".join(args),
            "boot || prompt --key 0x197e --timeout 2000 Press F12 to investigate || exit shell",
            "",
        ]
    )


def render_profile(ctx: TargetContext, name: str, options: dict[str, Any], mac: str) -> str:
    if name in ("linux.ipxe", "rancherOS.ipxe"):  # the node's agent boots either microkernel alike
        return linux_ipxe(ctx, mac, options)
    if name == "ipxe-info.ipxe":
        return ipxe_info(ctx, mac, str(options.get("message", "")))
    if name == "redirect.ipxe":
        return redirect_ipxe(ctx)
    raise ApiError(
        404,
        f"Error: profile {name} not found",
        errors=["this target renders the profiles linux.ipxe, rancherOS.ipxe, ipxe-info.ipxe and redirect.ipxe"],
    )


def bootstrap_js(ctx: TargetContext, node_id_: str) -> str:
    """The microkernel's task runner (RackHD's ``bootstrap.js``): fetch the node's tasks, run each
    ``cmd``, post the results back, again every 5 s, until a reply carries ``exit``."""
    server, port = server_address(ctx)
    return f"""// RackHD task runner (rackharness reference target): node {node_id_}
"use strict";

var http = require('http'),
    exec = require('child_process').exec,
    server = '{server}',
    port = '{port}',
    tasksPath = '/api/current/tasks/{node_id_}',
    INTERVAL = 5000;

function call(method, body, done) {{
    var request = http.request({{hostname: server, port: port, path: tasksPath, method: method,
                                 headers: {{'Content-Type': 'application/json'}}}}, function (res) {{
        var data = '';
        res.on('data', function (chunk) {{ data += chunk; }});
        res.on('end', function () {{ done(null, res.statusCode, data); }});
    }});
    request.on('error', function (err) {{ done(err); }});
    request.end(body === undefined ? undefined : JSON.stringify(body) + '\\n');
}}

function runAll(doc, index, done) {{
    if (index >= doc.tasks.length) {{ return done(); }}
    var task = doc.tasks[index];
    exec(task.cmd, {{maxBuffer: 1000 * 1024}}, function (error, stdout, stderr) {{
        task.stdout = stdout;
        task.stderr = stderr;
        task.error = error;
        var accepted = error && Array.isArray(task.acceptedResponseCodes) &&
            task.acceptedResponseCodes.indexOf(error.code) >= 0;
        if (error && !accepted) {{ return done(); }}
        runAll(doc, index + 1, done);
    }});
}}

function loop() {{
    call('GET', undefined, function (err, status, data) {{
        var doc;
        try {{ doc = JSON.parse(data); }} catch (e) {{ return setTimeout(loop, INTERVAL); }}
        runAll(doc, 0, function () {{
            call('POST', doc, function () {{
                if (doc.exit !== undefined) {{ return process.exit(doc.exit.code || 0); }}
                setTimeout(loop, INTERVAL);
            }});
        }});
    }});
}}

loop();
"""


# -- nodes and discovery ------------------------------------------------------------------------


def macs_of(args: Any) -> list[str]:
    """``macs`` (repeated) or ``mac`` from the query, lowercase colon form; 400 on a non-MAC."""
    values = [v for v in args.getlist("macs") if v != ""] or [v for v in args.getlist("mac") if v != ""]
    macs: list[str] = []
    for value in values:
        mac = normalize_mac(value)
        if mac is None:
            raise ApiError(
                400,
                f"macs: {value!r} is not a MAC address",
                errors=["give each NIC's MAC as macs=52:54:00:00:01:00 (iPXE's ${netX/mac})"],
            )
        if mac not in macs:
            macs.append(mac)
    return macs


def record_addresses(ctx: TargetContext, macs: list[str], ips: list[str]) -> None:
    for mac, ip in zip(macs, ips):
        if ip and ip != "0.0.0.0":
            lookups.set_ip(ctx.db, ip, mac)


def discovery_options(ctx: TargetContext, nid: str) -> tuple[str, dict[str, Any]]:
    """RackHD 2.60.7's ``runDiscovery`` configuration: the graph name and its run options."""
    set_obm = flag(ctx.config.get("autoCreateObm", "false"))
    skip_reset = flag(ctx.config.get("skipResetPostDiscovery", "false"))
    name = str(ctx.config.get("discoveryGraph") or DEFAULT_DISCOVERY_GRAPH)
    options = {
        "defaults": {
            "graphOptions": {
                "target": nid,
                # This target's credentials step needs no microkernel (deviation: RackHD keeps the node
                # up, skipReboot 'true', when autoCreateObm is set and reboots it after the BMC user).
                "skip-reboot-post-discovery": {"skipReboot": "false"},
                "shell-reboot": {"rebootCode": 127 if skip_reset == "true" else 1},
                # This target makes the OBM in the inner Graph.rancherDiscovery (so it exists before the pollers).
                "obm-option": {"autoCreateObm": set_obm},
            },
            "nodeId": nid,
        },
        "skip-pollers": {"skipPollersCreation": flag(ctx.config.get("skipPollersCreation", "false"))},
        "obm-option": {"autoCreateObm": set_obm},
    }
    return name, options


def start_discovery(ctx: TargetContext, node: dict[str, Any]) -> dict[str, Any]:
    """Run the discovery graph for ``node``; returns once the node has an active graph."""
    engine = ctx.engine
    if engine is None:
        raise ApiError(503, "Error: the workflow engine is not running; discovery cannot start")
    nid = node_id(node)
    name, options = discovery_options(ctx, nid)
    nested = engine.graph_definition_runs_subgraphs(name)
    graph = engine.run_graph(name, options, None if nested else nid)
    log.info("discovery of node %s (%s): graph %s %s", nid, node.get("name"), name, graph["instanceId"])
    if not engine.wait_active(nid, DISCOVERY_START_SECONDS):
        stored = engine.get(graph["instanceId"]) or graph
        errors = [
            f"{task['label']}: {task['error']}" for task in (stored.get("tasks") or {}).values() if task.get("error")
        ]
        raise ApiError(
            503,
            f"Error: discovery graph {name} ({graph['instanceId']}) did not start for node "
            f"{nid} within {DISCOVERY_START_SECONDS:g} s (graph {stored.get('_status')})",
            errors=errors or None,
        )
    return graph


def find_node_by_macs(ctx: TargetContext, macs: list[str]) -> dict[str, Any] | None:
    # No index on nodes.identifiers: an array-field index breaks equality matches on nx-27017 0.8.1.
    return ctx.db[NODES].find_one({"identifiers": {"$in": macs}})


def discovered(ctx: TargetContext, nid: str) -> bool:
    """RackHD: a node is discovered once it has any catalog."""
    return ctx.db[CATALOGS].find_one({"node": refers_to_node(nid)}) is not None


def create_node(ctx: TargetContext, macs: list[str]) -> dict[str, Any]:
    stamp = now()
    node = {
        "_id": ObjectId(),
        "name": ",".join(macs),
        "type": "compute",
        "identifiers": list(macs),
        "autoDiscover": False,
        "relations": [],
        "tags": [],
        "createdAt": stamp,
        "updatedAt": stamp,
    }
    ctx.db[NODES].insert_one(node)
    nid = node_id(node)
    ctx.events.publish_external("node", "added", "information", nid, nid, {"nodeType": node["type"]})
    for mac in macs:
        lookups.upsert_node_to_mac(ctx.db, nid, mac)
    log.info("new node %s from PXE MACs %s", nid, ",".join(macs))
    return node


def node_for_profile(ctx: TargetContext, macs: list[str]) -> dict[str, Any]:
    """RackHD's ``getNode``: the node (created when new), with discovery started when it needs it."""
    with _NODE_LOCK:
        node = find_node_by_macs(ctx, macs)
        if node is None:
            node = create_node(ctx, macs)
            start_discovery(ctx, node)
        elif (
            not discovered(ctx, node_id(node))
            and ctx.engine is not None
            and not ctx.engine.has_active_graph(node_id(node))
        ):
            start_discovery(ctx, node)
        return node


def profile_of_graph(graph: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The profile an active graph boots its node with: its bootstrap task's (any state)."""
    for task in (graph.get("tasks") or {}).values():
        if task.get("implementsTask") == BOOTSTRAP_BASE_TASK:
            options = copy.deepcopy(task.get("options") or {})
            return str(options.get("profile") or "linux.ipxe"), options
    return None


def profile_text(ctx: TargetContext, node: dict[str, Any], mac: str) -> str:
    """RackHD's ``getProfileFromTaskOrNode`` + ``renderProfile``."""
    nid = node_id(node)
    graph = ctx.engine.active_graph(nid) if ctx.engine is not None else None
    if graph is not None:
        chosen = profile_of_graph(graph)
        if chosen is None:
            raise ApiError(
                503,
                "Error: Unable to retrieve workflow properties or profiles",
                errors=[
                    f"node {nid} runs graph {graph.get('injectableName')} ({graph.get('instanceId')}), which has no "
                    f"{BOOTSTRAP_BASE_TASK} task to boot it with"
                ],
            )
        return render_profile(ctx, chosen[0], chosen[1], mac)
    settings = node.get("bootSettings")
    if settings is not None:
        if not isinstance(settings, dict) or "profile" not in settings or "options" not in settings:
            raise ApiError(
                500,
                "Error: Unable to retrieve valid node bootSettings",
                errors=[f"node {nid} bootSettings need 'profile' and 'options'"],
            )
        return render_profile(ctx, str(settings["profile"] or "redirect.ipxe"), dict(settings["options"] or {}), mac)
    return ipxe_info(ctx, mac, NO_WORKFLOW_MESSAGE)
