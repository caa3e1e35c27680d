"""The jobs of discovery (on-tasks 2.60.7 ``lib/jobs/*``), by ``runJob`` name.

Jobs that need the node's task runner offer it a commands document on the southbound channel
(:mod:`rackharness.reference.southbound`) and wait — on an event, together with the graph's cancel
token — for the node's answer to ``POST /api/current/tasks/<nodeId>``:

* ``Job.Linux.Bootstrap``     the node is up: succeeds at its first task fetch after the job started
                              (RackHD's bootstrap job answers that fetch with ``[{cmd: ''}]`` or waits
                              for a trigger; here the next task's commands answer it)
* ``Job.Linux.Catalog``       sends ``options.commands``, again on each fetch until answered; a failed
                              command that is not in its ``acceptedResponseCodes`` fails the task
                              ("Encountered a failure running remote commands", with the command, exit
                              code and stderr); each reply is parsed (:mod:`..discovery.parsers`) into a
                              catalog, its lookups recorded
* ``Job.Linux.Commands``      the same without catalogs (only commands marked ``catalog``), sent once
                              unless ``runOnlyOnce`` is false
* ``Job.Linux.ShellReboot``   answers the next fetch with ``{tasks: [{cmd: ''}], exit: rebootCode}``: the
                              task runner stops (the node reboots), done once served

Jobs that do not need the node: ``Job.Evaluate.Condition`` (``when`` is 'true'), ``Job.Graph.Run``
(runs ``graphName`` with ``graphOptions`` — its ``target`` is the sub-graph's node — and waits for
it; its failure, with the failed task's error, fails this task), ``Job.Graph.RunSku`` (the node's
SKU's ``discoveryGraphName``, if any), ``Job.Alert.Node.Discovered`` (``node.discovered``),
``Job.Obm.Ipmi.CreateSettings`` (an ipmi-obm-service OBM from the ``bmc`` catalog, checked with a
live power status), ``Job.Catalog.GenerateSku`` / ``GenerateTag`` (rackharness.reference.skus) and
``Job.Pollers.CreateDefault`` (rackharness.reference.pollers.defaults).
"""

from __future__ import annotations

import copy
import logging
import threading
import uuid
from typing import Any, Callable

from rackharness.reference import lookups
from rackharness.reference.discovery import parsers
from rackharness.reference.discovery.profiles import flag, render_value
from rackharness.reference.documents import (
    CATALOGS,
    OBMS,
    SKUS,
    ApiError,
    find_node,
    node_reference,
    normalize_mac,
    now,
    refers_to_node,
)
from rackharness.reference.obm_settings import upsert_settings
from rackharness.reference.pollers.defaults import create_default_pollers as default_pollers
from rackharness.reference.skus import assign_sku, generate_tags
from rackharness.reference.southbound import CommandChannel
from rackharness.reference.workflows.jobs import JobError, JobRun
from rackharness.reference.workflows.obm import ObmError

log = logging.getLogger(__name__)

REMOTE_FAILURE = "Encountered a failure running remote commands"
COMMAND_KEYS = {
    "command": "cmd",
    "retries": "retries",
    "downloadUrl": "downloadUrl",
    "acceptedResponseCodes": "acceptedResponseCodes",
    "timeout": "timeout",
}


# -- helpers ----------------------------------------------------------------------------------


def target_node(run: JobRun) -> str:
    """The node a task works on: the graph's target, else ``options.nodeId`` (RackHD's outer
    discovery graph has no target and hands the node id to its tasks as a default option)."""
    graph_options = run.options.get("graphOptions") if isinstance(run.options.get("graphOptions"), dict) else {}
    nid = run.node_id or run.options.get("nodeId") or graph_options.get("target")
    if not isinstance(nid, str) or not nid:
        raise JobError(
            "this task needs a target node: run the graph with POST /api/2.0/nodes/{id}/workflows, "
            "or give options.defaults.nodeId"
        )
    return nid


def _context(run: JobRun):
    if run.ctx is None:
        raise JobError(
            "this task needs the target's context (events, config, southbound channel): "
            "it runs only in the target's workflow engine"
        )
    return run.ctx


def _channel(run: JobRun) -> CommandChannel:
    return _context(run).southbound


def _wait(run: JobRun, event: threading.Event, what: str) -> None:
    """Block until ``event`` or the graph's end; JobError when the graph ended first."""
    with run.cancelled.link(event):
        event.wait()
    if run.cancelled.is_set():
        raise JobError(f"stopped while waiting for {what}: the graph ended")


def _need_node(run: JobRun, nid: str) -> dict[str, Any]:
    node = find_node(run.db, nid, by_id_only=True)
    if node is None:
        raise JobError(f"Node Not Found: {nid} (deleted while its graph ran?)")
    return node


def build_commands(commands: Any) -> list[dict[str, Any]]:
    """RackHD's ``buildCommands``: strings become ``{cmd}``; objects map ``command`` → ``cmd`` and
    keep ``acceptedResponseCodes``, ``retries``, ``downloadUrl``, ``timeout``; ``catalog: {source,
    format}`` marks a command whose output is catalogued under ``source``."""
    if commands is None:
        raise JobError("option 'commands' is missing: a command string or a list of commands")
    built = []
    for index, command in enumerate(commands if isinstance(commands, list) else [commands]):
        if isinstance(command, str):
            built.append({"cmd": command})
            continue
        if not isinstance(command, dict):
            raise JobError(f"commands[{index}]: expected a string or an object with 'command', got {command!r}")
        entry: dict[str, Any] = {}
        for key, value in command.items():
            if key == "catalog":
                value = value if isinstance(value, dict) else {}
                entry.update({"source": value.get("source"), "format": value.get("format"), "catalog": True})
            elif key in COMMAND_KEYS:
                entry[COMMAND_KEYS[key]] = value
            elif key not in ("source", "format"):
                raise JobError(f"commands[{index}]: {key} option is not supported")
        if not isinstance(entry.get("cmd"), str) and "downloadUrl" not in entry:
            raise JobError(f"commands[{index}]: 'command' must be a string")
        built.append(entry)
    return built


def _lodash_empty(value: Any) -> bool:
    """``_.isEmpty``: null, numbers, booleans, "" , {} and [] are empty."""
    if value is None or isinstance(value, (bool, int, float)):
        return True
    if isinstance(value, (str, list, dict)):
        return len(value) == 0
    return False


def check_remote_failures(nid: str, tasks: list[Any], offered: list[dict[str, Any]]) -> None:
    """RackHD's ``handleRemoteFailure``: a command whose error code is not accepted fails the task."""
    for index, task in enumerate(tasks):
        if not isinstance(task, dict):
            raise JobError(f"{REMOTE_FAILURE}: reply task {index} of node {nid} is not an object")
        error = task.get("error")
        if _lodash_empty(error):
            continue
        accepted = task.get("acceptedResponseCodes")
        if not isinstance(accepted, list):
            accepted = offered[index].get("acceptedResponseCodes") if index < len(offered) else None
        code = error.get("code") if isinstance(error, dict) else None
        if isinstance(accepted, list) and code is not None and code in accepted:
            continue
        what = task.get("cmd") if task.get("cmd") is not None else task.get("downloadUrl")
        detail = f"exit code {code}" if code is not None else f"error {str(error)[:200]!r}"
        stderr = str(task.get("stderr") or "").strip()
        if stderr:
            detail += f": {stderr[:300]}"
        raise JobError(
            f"{REMOTE_FAILURE}: {'command' if task.get('cmd') else 'downloadUrl'} {what!r} on node "
            f"{nid} failed ({detail})"
        )


def dotless_keys(value: Any) -> Any:
    """``value`` with every ``.`` in an object key made ``_``, at any depth (RackHD stores a catalog so: MongoDB
    keys hold no dots, so lshw's ``dmi-2.7`` is read back as ``dmi-2_7`` and ohai's address ``10.1.0.5`` as
    ``10_1_0_5``)."""
    if isinstance(value, dict):
        return {str(key).replace(".", "_"): dotless_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [dotless_keys(item) for item in value]
    return value


def store_catalogs(run: JobRun, nid: str, results: list[parsers.Parsed]) -> list[str]:
    """RackHD's ``catalogParsedTasks``: a catalog per stored result (errors are logged, not stored)."""
    stored = []
    for result in results:
        if result.error:
            log.warning("node %s: catalog %s not stored: %s", nid, result.source, result.error)
            continue
        if not result.store:
            continue
        stamp = now()
        catalog = {
            "_id": str(uuid.uuid4()),
            "node": node_reference(nid),
            "source": result.source or "unknown",
            "data": dotless_keys(result.data),
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        run.db[CATALOGS].insert_one(catalog)
        stored.append(catalog["source"])
    return stored


def update_lookups(run: JobRun, nid: str, results: list[parsers.Parsed]) -> None:
    """RackHD's ``updateLookups``: MAC + IP → the MAC has that IP; MAC alone → the MAC is the node's."""
    for result in results:
        for entry in result.lookups:
            mac = normalize_mac(entry.get("mac") or "")
            if mac is None:
                if entry.get("mac"):
                    log.warning("node %s: %s lookup skipped, %r is not a MAC", nid, result.source, entry["mac"])
                continue
            if entry.get("ip"):
                lookups.set_ip(run.db, str(entry["ip"]), mac)
            else:
                lookups.upsert_node_to_mac(run.db, nid, mac)


def _exchange(run: JobRun, nid: str, commands: list[dict[str, Any]], *, repeat: bool) -> list[Any]:
    """Offer ``commands`` to the node and return the ``tasks`` of its reply."""
    channel = _channel(run)
    offer = channel.offer(nid, run.task_id, {"identifier": nid, "tasks": commands}, repeat=repeat)
    names = ", ".join(repr(c.get("cmd")) for c in commands[:3]) + (", ..." if len(commands) > 3 else "")
    try:
        _wait(run, offer.wake, f"node {nid} to run {names} (GET/POST /api/current/tasks/{nid})")
    finally:
        channel.withdraw(offer)
    reply = offer.reply
    tasks = reply.get("tasks") if isinstance(reply, dict) else None
    if not isinstance(tasks, list):
        raise JobError(
            f"node {nid} posted results without a 'tasks' list: expected the commands document it "
            f"fetched, each task with stdout, stderr and error"
        )
    return tasks


# -- the jobs that talk to the node -----------------------------------------------------------


def linux_bootstrap(run: JobRun) -> None:
    """Without ``triggerGroup`` (Ubuntu): done at the node's first task fetch. With one (RackHD's Rancher
    microkernel): the node stays booted until a ``finish`` trigger of that group is sent in this graph
    (``finish-bootstrap-trigger``), while the catalog tasks run alongside."""
    nid = target_node(run)
    group = run.options.get("triggerGroup")
    if group:
        _wait(run, run.engine.trigger(run.graph_id, str(group)), f"the finish trigger of group {group!r}")
        return
    channel = _channel(run)
    fetched = threading.Event()
    channel.watch_fetch(nid, fetched)
    try:
        _wait(run, fetched, f"node {nid} to boot the microkernel and fetch its tasks (GET /api/current/tasks/{nid})")
    finally:
        channel.unwatch_fetch(nid, fetched)


def send_trigger(run: JobRun) -> None:
    """RackHD's ``Job.Trigger`` (``triggerMode: send``): signals the graph's tasks waiting on the group."""
    if run.options.get("triggerMode", "send") != "send":
        raise JobError(f"triggerMode {run.options.get('triggerMode')!r}: this target only sends triggers")
    group = run.options.get("triggerGroup")
    if not isinstance(group, str) or not group:
        raise JobError("option 'triggerGroup' is missing: the group whose waiting tasks the trigger ends")
    run.engine.trigger(run.graph_id, group).set()


TEMPLATES = "/api/current/templates"  # the node fetches a downloadUrl from the server it boots from


def rendered_commands(run: JobRun, nid: str) -> list[dict[str, Any]]:
    """The task's ``commands`` as :func:`build_commands` makes them, with ``{{ options.x }}``, ``{{ task.nodeId }}``
    and ``{{ api.templates }}`` filled in (``/c{{ options.adapter }}``, ``downloadUrl``)."""
    context = {"options": run.options, "task": {"nodeId": nid}, "api": {"templates": TEMPLATES}}
    return [
        {key: render_value(value, context) for key, value in command.items()}
        for command in build_commands(run.options.get("commands"))
    ]


def linux_catalog(run: JobRun) -> None:
    nid = target_node(run)
    commands = rendered_commands(run, nid)
    tasks = _exchange(run, nid, commands, repeat=True)
    check_remote_failures(nid, tasks, commands)
    try:
        results = [parsers.parse_task(task) for task in tasks]
    except parsers.CatalogParseError as exc:
        raise JobError(f"node {nid}: {exc}") from None
    update_lookups(run, nid, results)
    store_catalogs(run, nid, results)


def linux_commands(run: JobRun) -> None:
    nid = target_node(run)
    commands = rendered_commands(run, nid)
    run_only_once = run.options.get("runOnlyOnce", True)
    if not isinstance(run_only_once, bool):
        raise JobError(f"option 'runOnlyOnce' must be true or false, got {run_only_once!r}")
    tasks = _exchange(run, nid, commands, repeat=not run_only_once)
    check_remote_failures(nid, tasks, commands)
    results = []
    for task in tasks:
        if isinstance(task, dict) and task.get("catalog"):
            try:
                results.append(parsers.parse_unknown(task) if task.get("format") else parsers.parse_task(task))
            except parsers.CatalogParseError as exc:
                raise JobError(f"node {nid}: {exc}") from None
    store_catalogs(run, nid, results)


def linux_shell_reboot(run: JobRun) -> None:
    nid = target_node(run)
    code = run.options.get("rebootCode")
    if not isinstance(code, (int, float)) or isinstance(code, bool):
        raise JobError(f"option 'rebootCode' must be a number, got {code!r}")
    channel = _channel(run)
    offer = channel.offer(nid, run.task_id, {"identifier": nid, "tasks": [{"cmd": ""}], "exit": code}, answer=False)
    try:
        _wait(run, offer.wake, f"node {nid} to fetch its exit (rebootCode {code}) from GET /api/current/tasks/{nid}")
    finally:
        channel.withdraw(offer)


# -- the jobs that do not ---------------------------------------------------------------------


def evaluate_condition(run: JobRun) -> None:
    when = run.options.get("when")
    if not isinstance(when, (str, bool)):
        raise JobError(f"option 'when' must be 'true' or 'false' (or a {{{{ options.x }}}} template), got {when!r}")
    if flag(render_value(when, {"options": run.options})) != "true":
        raise JobError("condition evaluated to false")


def _first_failure(graph: dict[str, Any]) -> str:
    for task in (graph.get("tasks") or {}).values():
        if task.get("state") == "failed" and not task.get("ignoreFailure"):
            return f": task {task.get('label')} ({task.get('injectableName')}) failed: {task.get('error')}"
    return ""


def _run_subgraph(run: JobRun, name: str, options: dict[str, Any], target: str | None) -> None:
    if run.engine is None:
        raise JobError("this task runs graphs: it needs the target's workflow engine")
    where = f" for node {target}" if target else ""
    try:
        child = run.engine.run_graph(
            name,
            {k: v for k, v in options.items() if isinstance(v, dict)},
            target,
            parent=(str(run.graph_id), str(run.task_id)),
        )
    except ApiError as exc:
        raise JobError(f"Unable to start graph {name}{where}: {exc.message}") from None
    child_id = child["instanceId"]
    done = threading.Event()
    run.engine.notify_when_done(child_id, done)
    with run.cancelled.link(done):
        done.wait()
    if run.cancelled.is_set():
        run.engine.cancel(child_id)
        raise JobError(f"stopped while graph {name} ({child_id}) ran: the graph ended")
    final = run.engine.get(child_id) or {}
    status = final.get("_status")
    if status != "succeeded":
        raise JobError(f"Graph {name} ({child_id}){where} {status}{_first_failure(final)}")


def run_graph(run: JobRun) -> None:
    name = run.options.get("graphName")
    if not isinstance(name, str) or not name:
        raise JobError("option 'graphName' is missing: the injectableName of the graph to run")
    graph_options = run.options.get("graphOptions") or {}
    if not isinstance(graph_options, dict):
        raise JobError(f"option 'graphOptions' must be an object, got {graph_options!r}")
    graph_options = copy.deepcopy(graph_options)
    target = graph_options.pop("target", None)
    _run_subgraph(run, name, graph_options, target if isinstance(target, str) and target else None)


def run_sku_graph(run: JobRun) -> None:
    """RackHD's ``Job.Graph.RunSku``: the node's SKU's ``discoveryGraphName`` against the node."""
    nid = target_node(run)
    node = _need_node(run, nid)
    if node.get("sku") is None:
        return
    sku = run.db[SKUS].find_one({"_id": {"$in": [node["sku"], str(node["sku"])]}})
    if not sku or not sku.get("discoveryGraphName"):
        return
    options = sku.get("discoveryGraphOptions") or {}
    if not isinstance(options, dict):
        raise JobError(f"SKU {sku.get('name')!r}: discoveryGraphOptions must be an object")
    _run_subgraph(run, str(sku["discoveryGraphName"]), copy.deepcopy(options), nid)


def _system_information(run: JobRun, nid: str) -> dict[str, Any]:
    latest = list(run.db[CATALOGS].find({"node": refers_to_node(nid), "source": "dmi"}).sort("createdAt", -1).limit(1))
    data = latest[0].get("data") if latest else None
    system = data.get("System Information") if isinstance(data, dict) else None
    if isinstance(system, list):
        system = system[0] if system else None
    return system if isinstance(system, dict) else {}


def node_discovered_alert(run: JobRun) -> None:
    """``node.discovered.information.<id>.<id>``: data ``{ipMacAddresses, nodeId, serial, product,
    vendor, nodeType}`` (contract §2: the node's lookups, dmi System Information)."""
    nid = target_node(run)
    node = _need_node(run, nid)
    addresses = []
    for record in lookups.of_node(run.db, nid):
        entry = {"ipAddress": record["ipAddress"]} if record.get("ipAddress") else {}
        entry["macAddress"] = record.get("macAddress")
        addresses.append(entry)
    system = _system_information(run, nid)
    data = {
        "ipMacAddresses": addresses,
        "nodeId": nid,
        "serial": system.get("Serial Number"),
        "product": system.get("Product Name"),
        "vendor": system.get("Manufacturer"),
        "nodeType": node.get("type"),
    }
    _context(run).events.publish_external("node", "discovered", "information", nid, nid, data)


def create_ipmi_obm_settings(run: JobRun) -> None:
    """RackHD's ``Job.Obm.Ipmi.CreateSettings``: an ipmi-obm-service OBM for the node's BMC, tested
    with a power status. The BMC is the latest ``bmc`` catalog's ``IP Address`` (``bmc-N`` /
    ``rmm`` with ``ipmichannel``); its UDP port comes from config ``bmcPorts`` by the catalog's
    ``MAC Address`` (the local rack's BMCs all listen on one address); the credentials from the
    options, else config ``autoCreateObmUser`` / ``autoCreateObmPassword`` (RackHD sets a generated
    password in-band first; this target does not)."""
    ctx = _context(run)
    nid = target_node(run)
    node = _need_node(run, nid)
    channel = run.options.get("ipmichannel")
    source = "rmm" if str(channel) == "3" else (f"bmc-{channel}" if channel not in (None, "") else "bmc")
    latest = list(run.db[CATALOGS].find({"node": refers_to_node(nid), "source": source}).sort("createdAt", -1).limit(1))
    if not latest:
        raise JobError(
            f"node {nid} has no {source} catalog (Task.Catalog.bmc, 'sudo ipmitool lan print') to take "
            f"its BMC address from"
        )
    data = latest[0].get("data") if isinstance(latest[0].get("data"), dict) else {}
    host = data.get("IP Address")
    if not host or host == "0.0.0.0":
        raise JobError(f"the {source} catalog of node {nid} has no BMC address (IP Address {host!r})")
    user = run.options.get("user") or ctx.config.get("autoCreateObmUser")
    password = run.options.get("password")
    if password is None:
        password = ctx.config.get("autoCreateObmPassword")
    if not user or password is None:
        raise JobError(
            "no BMC credentials for the OBM: give options user and password, or config "
            "autoCreateObmUser and autoCreateObmPassword (RackHD sets a generated password in-band; "
            "this target takes the BMC's existing credentials)"
        )
    config: dict[str, Any] = {"host": str(host), "user": str(user), "password": str(password)}
    ports = ctx.config.get("bmcPorts") or {}
    mac = normalize_mac(str(data.get("MAC Address") or ""))
    if isinstance(ports, dict) and mac is not None:
        port = ports.get(mac, ports.get(str(data.get("MAC Address"))))
        if port is not None:
            config["port"] = int(port)
    upsert_settings(ctx, node, "ipmi-obm-service", config, OBMS)
    try:
        run.obms.run(run.db, nid, "powerStatus", "ipmi-obm-service")
    except ObmError as exc:
        raise JobError(
            f"the ipmi-obm-service OBM made for node {nid} from its {source} catalog does not answer a "
            f"power status: {exc}"
        ) from None


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, ApiError) else str(exc)


def _after_discovery(run: JobRun, step: Callable[..., Any], what: str) -> None:
    """Run one post-discovery step (``step(ctx, node_id)``) on the graph's node; a failure fails the task."""
    nid = target_node(run)
    try:
        step(_context(run), nid)
    except (LookupError, ApiError) as exc:
        raise JobError(f"cannot {what} node {nid}: {_reason(exc)}") from None


def generate_sku(run: JobRun) -> None:
    _after_discovery(run, assign_sku, "assign a SKU to")


def generate_tag(run: JobRun) -> None:
    _after_discovery(run, generate_tags, "tag")


def create_default_pollers(run: JobRun) -> None:
    _after_discovery(run, default_pollers, "create the default pollers of")


DISCOVERY_JOBS: dict[str, Callable[[JobRun], None]] = {
    "Job.Linux.Bootstrap": linux_bootstrap,
    "Job.Linux.Catalog": linux_catalog,
    "Job.Linux.Commands": linux_commands,
    "Job.Linux.ShellReboot": linux_shell_reboot,
    "Job.Evaluate.Condition": evaluate_condition,
    "Job.Graph.Run": run_graph,
    "Job.Trigger": send_trigger,
    "Job.Graph.RunSku": run_sku_graph,
    "Job.Alert.Node.Discovered": node_discovered_alert,
    "Job.Obm.Ipmi.CreateSettings": create_ipmi_obm_settings,
    "Job.Catalog.GenerateSku": generate_sku,
    "Job.Catalog.GenerateTag": generate_tag,
    "Job.Pollers.CreateDefault": create_default_pollers,
}
