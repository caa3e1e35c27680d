"""The boot agent: every virtual node netboots like iPXE plus RackHD's microkernel would, over HTTP.

When a node powers on or is reset (a power listener of :class:`~rackharness.rack.node.VirtualNode`)
with boot device ``pxe`` — or with no override, ``disk`` or ``safe`` while it has never been
discovered, because a blank disk falls through to the network — its agent, after
``rack.boot_delay`` seconds, speaks to the target's southbound API:

1. iPXE: ``GET /api/current/profiles?macs=<m0>&macs=<m1>..&ips=<ip0>`` (every NIC's MAC, the PXE
   NIC's address). A script with a ``kernel`` line boots the microkernel; any other script
   (RackHD's ``ipxe-info.ipxe`` "continue to boot") means boot from disk, and the node counts as
   discovered. A failed answer is retried, as iPXE's boilerplate does.
2. The microkernel: ``GET /api/current/tasks/bootstrap.js?macAddress=<m0>``; the task path and so
   the node id come from the script's ``tasksPath = '/api/current/tasks/<id>'`` line, as
   bootstrap.js has them.
3. bootstrap.js's loop: ``GET /api/current/tasks/<id>`` → ``{identifier, tasks: [{cmd,
   acceptedResponseCodes?, downloadUrl?}], exit?}``; each ``cmd`` runs in
   :class:`~rackharness.rack.agent_commands.MicrokernelShell` (after fetching ``downloadUrl``),
   results go back with ``POST`` of the same document, every task carrying ``stdout``, ``stderr``
   and ``error`` (``null``, or ``{code, killed, signal, cmd}`` like node's ``exec``). A failure whose
   code is not in ``acceptedResponseCodes`` stops the remaining commands, as bootstrap.js does. No
   document (404, an empty answer) means "no task now": fetch again after ``rack.agent_poll_interval``
   (bootstrap.js waits 5 s). A document carrying ``exit`` ends the loop: the microkernel reboots the
   node (a warm reset: SEL "System Boot Initiated: warm reset"), which netboots again with the boot
   device RackHD set in-band.

Everything happens on the rack's event loop except the HTTP requests, which run on a small thread
pool (``workers``); a slow or absent target never delays a BMC. Power off cancels a node's netboot.

Each node's progress (:class:`NodeBootStatus`) is written to ``<state dir>/agents.json`` (rewritten
at most every 0.2 s) for ``rackharness up --discover``'s report. It holds no secret: commands are
stored redacted and outputs not at all.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import re
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rackharness.rack.agent_commands import MicrokernelShell, redact_command
from rackharness.rack.node import VirtualNode
from rackharness.rack.spec import AgentSpec
from rackharness.transports.http_out.base import HttpAnswer, HttpOut, HttpUnreachable
from rackharness.transports.http_out.chooser import open_http

log = logging.getLogger("rackharness.rack.agent")

PROFILES_PATH = "/api/current/profiles"
BOOTSTRAP_PATH = "/api/current/tasks/bootstrap.js"
STATUS_FILE = "agents.json"
FLUSH_SECONDS = 0.2
REBOOT_SECONDS = 0.2  # from posting the `exit` document to the warm reset
POST_RETRIES = 5  # bootstrap.js's RETRIES
#: boot devices a never-discovered node falls through to the network from (a blank disk)
FALLS_THROUGH = ("none", "disk", "safe")
_TASKS_PATH = re.compile(r"""tasksPath\s*=\s*['"]([^'"]*/tasks/([^'"/?]+))['"]""")
_KERNEL = re.compile(r"^\s*kernel\s", re.MULTILINE)


# -- what each node reached ------------------------------------------------------------------------
@dataclass
class NodeBootStatus:
    """One node's netboot progress, as the report shows it (no secrets: commands redacted)."""

    name: str
    state: str = "off"  # off | waiting | profile | bootstrap | tasks | rebooting | local-boot | failed
    netboots: int = 0
    discovered: bool = False  # a netboot ended with `exit`, or the target sent it to its disk
    boot_device: str | None = None
    started_at: float | None = None  # wall clock of the power on / reset that began this boot
    profile_requests: int = 0
    profile_status: str | None = None  # last answer: "200", "503 ...", "unreachable: ..."
    profile_at: float | None = None  # first 200
    bootstrap_status: str | None = None
    bootstrap_at: float | None = None
    node_id: str | None = None
    task_fetches: int = 0
    documents: int = 0  # task documents received (each with commands)
    first_task_at: float | None = None
    commands_run: int = 0
    last_command: str | None = None
    last_exit_code: int | None = None
    failed_command: dict[str, Any] | None = None  # {cmd, code, stderr}
    download_failures: list[str] = field(default_factory=list)
    post_status: str | None = None
    exit_at: float | None = None
    finished_at: float | None = None
    error: str | None = None
    events: list[str] = field(default_factory=list)  # the last few, newest last
    previous: dict[str, Any] | None = None  # how the netboot before this one ended

    def summary(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "node_id": self.node_id,
            "documents": self.documents,
            "commands_run": self.commands_run,
            "failed_command": self.failed_command,
            "error": self.error,
            "started_at": self.started_at,
            "profile_at": self.profile_at,
            "bootstrap_at": self.bootstrap_at,
            "exit_at": self.exit_at,
        }

    def note(self, text: str, clock=time.time) -> None:
        self.events = (self.events + [f"{clock():.3f} {text}"])[-8:]


class BootAgent:
    """The boot agents of one rack: attach every node, then power events drive them."""

    def __init__(
        self,
        spec: AgentSpec,
        loop: asyncio.AbstractEventLoop,
        *,
        transport: HttpOut | None = None,
        status_path: Path | None = None,
        wall_clock=time.time,
    ) -> None:
        self.spec = spec
        self.loop = loop
        self.transport = transport
        #: with ``bind_node_ip``, each node's own transport, its connections leaving from the node's address
        self._node_transports: dict[str, HttpOut] = {}
        if self.transport is None and spec.southbound_url and not spec.bind_node_ip:
            self.transport = open_http(spec.southbound_url, timeout=spec.request_timeout, pool_size=spec.workers)
        self.status_path = Path(status_path) if status_path else None
        self.clock = wall_clock
        self.status: dict[str, NodeBootStatus] = {}
        self.discovered: set[str] = set()
        self._nodes: dict[str, VirtualNode] = {}
        self._shells: dict[str, MicrokernelShell] = {}
        self._handlers: dict[str, Any] = {}
        self._sessions: dict[str, asyncio.Task] = {}
        self._reboots: dict[str, asyncio.TimerHandle] = {}
        self._executor: ThreadPoolExecutor | None = None
        self._flush_handle: asyncio.TimerHandle | None = None
        self.finished = collections.Counter()  # how netboots ended, for tests and the log

    @property
    def enabled(self) -> bool:
        return self.transport is not None or bool(self.spec.southbound_url and self.spec.bind_node_ip)

    def transport_for(self, name: str) -> HttpOut:
        """The transport node ``name`` speaks over: the shared one, or (``bind_node_ip``) its own from its IP."""
        if self.transport is not None:
            return self.transport
        transport = self._node_transports.get(name)
        if transport is None:
            node = self._nodes[name]
            assert self.spec.southbound_url
            transport = self._node_transports[name] = open_http(
                self.spec.southbound_url,
                timeout=self.spec.request_timeout,
                pool_size=2,
                source_address=node.spec.ip or None,
            )
        return transport

    def attach(self, node: VirtualNode, handler: Any) -> None:
        """Follow ``node``'s power events; ``handler`` is its BMC's command handler (in-band IPMI)."""
        self._nodes[node.name] = node
        self._handlers[node.name] = handler
        self.status[node.name] = NodeBootStatus(node.name, state="on" if node.is_on else "off")
        node.add_power_listener(self._on_power)
        self._dirty()

    def shell(self, node: VirtualNode) -> MicrokernelShell:
        shell = self._shells.get(node.name)
        if shell is None:
            shell = self._shells[node.name] = MicrokernelShell(node, self._handlers[node.name])
        return shell

    # -- power events ------------------------------------------------------------------------------
    def _on_power(self, node: VirtualNode, event: str) -> None:
        status = self.status[node.name]
        self._cancel(node.name, f"power {event}")
        if event == "off":
            status.state = "off"
            status.note("powered off", self.clock)
            self._dirty()
            return
        device = node.last_boot_device or "none"
        status.boot_device = device
        if not self.enabled:
            status.state = "local-boot"
            status.note(f"booted ({device}); netboot disabled: no southbound URL", self.clock)
        elif device == "pxe" or (device in FALLS_THROUGH and node.name not in self.discovered):
            why = "boot device pxe" if device == "pxe" else f"boot device {device}, never discovered"
            self._sessions[node.name] = self.loop.create_task(self._netboot(node, why))
        else:
            status.state = "local-boot"
            status.note(f"booted from {device}", self.clock)
        self._dirty()

    def _cancel(self, name: str, why: str) -> None:
        reboot = self._reboots.pop(name, None)
        if reboot is not None:
            reboot.cancel()
        session = self._sessions.pop(name, None)
        if session is not None and not session.done():
            session.cancel()
            status = self.status[name]
            status.note(f"netboot interrupted in state {status.state} ({why})", self.clock)
            self.finished["interrupted"] += 1

    # -- one netboot -------------------------------------------------------------------------------
    async def _netboot(self, node: VirtualNode, why: str) -> None:
        status = self.status[node.name]
        old = status
        status = self.status[node.name] = NodeBootStatus(
            node.name,
            state="waiting",
            netboots=old.netboots + 1,
            discovered=old.discovered,
            boot_device=old.boot_device,
            started_at=self.clock(),
            events=old.events,
            previous=old.summary() if old.netboots else None,
        )
        status.note(f"netboot #{status.netboots} ({why}); boot delay {self.spec.boot_delay:g}s", self.clock)
        self._dirty()
        deadline = self.loop.time() + self.spec.boot_timeout
        try:
            await asyncio.sleep(self.spec.boot_delay)
            outcome = await self._converse(node, status, deadline)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug must not take the rack down
            log.exception("%s: boot agent failed", node.name)
            outcome = self._fail(status, f"agent error: {type(exc).__name__}: {exc}")
        self.finished[outcome] += 1
        status.finished_at = self.clock()
        self._dirty()

    async def _converse(self, node: VirtualNode, status: NodeBootStatus, deadline: float) -> str:
        # 1. iPXE asks for its profile
        status.state = "profile"
        params = [("macs", mac) for mac in node.spec.macs] + ([("ips", node.spec.ip)] if node.spec.ip else [])
        answer = await self._until_ok("GET", PROFILES_PATH, params, status, "profile", deadline)
        if answer is None:
            return "failed"
        status.profile_at = self.clock()
        if not _KERNEL.search(answer.text):
            status.state = "local-boot"
            status.discovered = True
            self.discovered.add(node.name)
            status.note("profile boots from disk: " + answer.excerpt(80), self.clock)
            log.info("%s: profile says boot from disk", node.name)
            return "local-boot"
        status.note("profile boots the microkernel", self.clock)
        # 2. the microkernel fetches its task runner
        status.state = "bootstrap"
        answer = await self._until_ok(
            "GET", BOOTSTRAP_PATH, [("macAddress", node.spec.macs[0])], status, "bootstrap", deadline
        )
        if answer is None:
            return "failed"
        match = _TASKS_PATH.search(answer.text)
        if match is None:
            return self._fail(
                status, "bootstrap.js has no tasksPath = '/api/current/tasks/<id>' line: " + answer.excerpt(120)
            )
        tasks_path = urllib.parse.urlsplit(match.group(1)).path
        status.node_id = match.group(2)
        status.bootstrap_at = self.clock()
        status.note(f"bootstrap.js: node id {status.node_id}", self.clock)
        log.info("%s: microkernel up, node id %s", node.name, status.node_id)
        # 3. bootstrap.js's task loop
        status.state = "tasks"
        self._dirty()
        while True:
            if self.loop.time() > deadline:
                return self._fail(status, f"no `exit` within {self.spec.boot_timeout:g}s of booting")
            status.task_fetches += 1
            try:
                answer = await self._http("GET", tasks_path, node=status.name)
            except HttpUnreachable as exc:
                status.error = f"GET {tasks_path}: {exc}"
                await asyncio.sleep(self.spec.poll_interval)
                continue
            document = answer.json_or_none() if answer.status_code == 200 else None
            if not isinstance(document, dict) or not isinstance(document.get("tasks"), list):
                await asyncio.sleep(self.spec.poll_interval)
                continue
            status.documents += 1
            if status.first_task_at is None:
                status.first_task_at = self.clock()
            await self._execute(node, document, status)
            await self._post(tasks_path, document, status)
            self._dirty()
            if document.get("exit") is not None:
                status.exit_at = self.clock()
                status.state = "rebooting"
                status.discovered = True
                self.discovered.add(node.name)
                status.note(f"exit {document['exit']!r}: rebooting", self.clock)
                log.info("%s: task runner got exit; rebooting", node.name)
                self._reboots[node.name] = self.loop.call_later(REBOOT_SECONDS, self._reboot, node)
                return "exit"

    def _fail(self, status: NodeBootStatus, error: str) -> str:
        status.state = "failed"
        status.error = error
        status.note(error, self.clock)
        log.warning("%s: netboot failed: %s", status.name, error)
        return "failed"

    def _reboot(self, node: VirtualNode) -> None:
        self._reboots.pop(node.name, None)
        if node.is_on:
            node.warm_reset()  # the power listener starts the next boot

    async def _until_ok(
        self, method: str, path: str, params: list[tuple[str, str]], status: NodeBootStatus, stage: str, deadline: float
    ) -> HttpAnswer | None:
        """Ask until a 200 arrives (iPXE and the microkernel's wget retry); None after the deadline."""
        retry = max(self.spec.poll_interval, 0.5)
        while True:
            if stage == "profile":
                status.profile_requests += 1
            try:
                answer = await self._http(method, path, params=params, node=status.name)
                seen = (
                    str(answer.status_code) if answer.status_code == 200 else f"{answer.status_code} {answer.excerpt()}"
                )
            except HttpUnreachable as exc:
                answer, seen = None, f"unreachable: {exc}"
            setattr(status, f"{stage}_status", seen)
            if answer is not None and answer.status_code == 200:
                status.error = None
                return answer
            status.error = f"{method} {path}: {seen}"
            status.note(status.error, self.clock)
            self._dirty()
            if self.loop.time() + retry > deadline:
                self._fail(
                    status, f"{method} {path} never answered 200 within {self.spec.boot_timeout:g}s; last: {seen}"
                )
                return None
            await asyncio.sleep(retry)

    async def _execute(self, node: VirtualNode, document: dict[str, Any], status: NodeBootStatus) -> None:
        """Run the document's tasks in order (bootstrap.js ``executeTasks``), writing results into it."""
        shell = self.shell(node)
        for task in document["tasks"]:
            if not isinstance(task, dict):
                continue
            command = str(task.get("cmd") or "")
            failure = None
            if task.get("downloadUrl"):
                failure = await self._download(shell, str(task["downloadUrl"]), status)
            if failure is not None:
                code, stdout, stderr = 1, "", failure
            else:
                result = shell.run(command)
                code, stdout, stderr = result.code, result.stdout, result.stderr
            status.commands_run += 1
            status.last_command = redact_command(command)
            status.last_exit_code = code
            task["stdout"], task["stderr"] = stdout, stderr
            task["error"] = None if code == 0 else {"code": code, "killed": False, "signal": None, "cmd": command}
            accepted = task.get("acceptedResponseCodes")
            if code != 0 and not (isinstance(accepted, list) and code in accepted):
                status.failed_command = {
                    "cmd": redact_command(command),
                    "code": code,
                    "stderr": redact_command(stderr.strip())[-300:],
                }
                status.note(f"command failed ({code}): {redact_command(command)}", self.clock)
                return  # bootstrap.js stops at the first unaccepted failure and reports what it has

    async def _download(self, shell: MicrokernelShell, url: str, status: NodeBootStatus) -> str | None:
        """Fetch a task's ``downloadUrl`` into the "working directory"; an error text, or None."""
        parts = urllib.parse.urlsplit(url)  # an absolute URL goes to the same server (bootstrap.js's getFile)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        name = parts.path.rsplit("/", 1)[-1]
        try:
            answer = await self._http(
                "GET", parts.path, params=urllib.parse.parse_qsl(parts.query) or None, node=status.name
            )
        except HttpUnreachable as exc:
            status.download_failures.append(f"{path}: {exc}")
            return f"Error: download of {path} failed: {exc}\n"
        if answer.status_code != 200:
            status.download_failures.append(f"{path}: HTTP {answer.status_code}")
            return f"Error: download of {path} answered HTTP {answer.status_code}: {answer.excerpt(120)}\n"
        shell.files.add(name)
        return None

    async def _post(self, path: str, document: dict[str, Any], status: NodeBootStatus) -> None:
        for attempt in range(1, POST_RETRIES + 1):
            try:
                answer = await self._http("POST", path, body=document, node=status.name)
                status.post_status = str(answer.status_code)
                return
            except HttpUnreachable as exc:
                status.post_status = f"unreachable: {exc}"
                await asyncio.sleep(self.spec.poll_interval * attempt)

    async def _http(
        self, method: str, path: str, *, params: list[tuple[str, str]] | None = None, body: Any = None, node: str = ""
    ) -> HttpAnswer:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=max(1, self.spec.workers), thread_name_prefix="boot-agent")
        transport = self.transport_for(node)
        return await self.loop.run_in_executor(
            self._executor, lambda: transport.request(method, path, params=params, json=body)
        )

    # -- the status file ---------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "updated_at": self.clock(),
            "southbound_url": self.spec.southbound_url,
            "boot_delay": self.spec.boot_delay,
            "nodes": {name: asdict(status) for name, status in self.status.items()},
        }

    def _dirty(self) -> None:
        if self.status_path is not None and self._flush_handle is None:
            self._flush_handle = self.loop.call_later(FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        self._flush_handle = None
        if self.status_path is None:
            return
        tmp = self.status_path.with_name(self.status_path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(self.snapshot(), indent=1), encoding="utf-8")
            os.replace(tmp, self.status_path)
        except OSError as exc:
            log.warning("cannot write %s: %s", self.status_path, exc)

    def close(self) -> None:
        for name in list(self._sessions):
            self._cancel(name, "rack stopping")
        if self._flush_handle is not None:
            self._flush_handle.cancel()
        self.flush()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        for transport in self._node_transports.values():
            transport.close()


def read_status(state_dir: str | os.PathLike) -> dict[str, Any] | None:
    """``agents.json`` of a rack's state dir, or None when the rack process has not written one."""
    try:
        return json.loads((Path(state_dir) / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
