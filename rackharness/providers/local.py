"""The ``local`` provider: RabbitMQ, a Mongo-wire store and the virtual rack on this machine.

``up`` is a sequence of named steps — preflight, prepare, mongo, rabbitmq, rack — and the state
file is rewritten after each one. Preflight creates nothing: a bad config, a taken port or a
missing package fails before any directory or process exists. If a later step fails, every
process started so far is stopped again and the state says which step failed and why.
``up`` on a rack that is up and healthy changes nothing; on one whose processes died (a crash,
a kill -9, a reboot) it first stops what is left, then starts afresh.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

from rackharness import secret_channel
from rackharness.config.loader import write_private
from rackharness.errors import ConfigError, RackHarnessError
from rackharness.invocation import named
from rackharness.providers import token_secret
from rackharness.providers.base import Capabilities, RackProvider, node_infos
from rackharness.rack.layout import PRIVILEGE_HINT, address_mode, build_rack_spec
from rackharness.rack.spec import RackSpec
from rackharness.redaction import redact_url
from rackharness.reference.auth.settings import auth_settings
from rackharness.services import MongoService, RabbitMqService, Service
from rackharness.services.external_amqp import ExternalAmqpService
from rackharness.services.process import ProcessRecord, find_by_cmdline, is_running, stop
from rackharness.services.rack import RackService
from rackharness.services.target import TargetService
from rackharness.stack_info import StackInfo
from rackharness.state import RackState, make_private_dir

CONFIG_FILE = "config.json"
RACK_FILE = "rack.json"
TARGET_FILE = "target.json"
#: where RabbitMQ's files go when user rabbitmq cannot enter the state dir
RABBITMQ_FALLBACK_ROOT = Path("/var/lib/rackharness")


class LocalProvider(RackProvider):
    NAME = "local"
    CAPABILITIES = Capabilities(
        runs_services=True,
        in_process=False,
        bmcs_on_network=True,
        powers_nodes=True,
        discovers=True,
        provisions_nodes=True,
    )

    def __init__(self, config, store, say: Callable[[str], None] = print) -> None:
        # the reference target signs with the stack's own secret unless one is set (token_secret.py)
        super().__init__(token_secret.for_stack(config, store.dir), store, say)

    # -- composition -----------------------------------------------------------------------
    @functools.cached_property
    def _address_mode(self) -> tuple[str, str]:
        """("ports" | "addresses", why): ``bmc.address_mode``, ``auto`` decided once by trying UDP 623."""
        return address_mode(self.config)

    @functools.cached_property
    def _rack_spec(self) -> RackSpec:
        spec = build_rack_spec(self.config, self._address_mode[0])
        if spec.agent.southbound_url is None:  # nodes netboot from the target under test
            spec.agent.southbound_url = self.southbound_url()
        return spec

    def southbound_url(self) -> str:
        """Where the nodes' boot agents speak to: rack.southbound_url, the target's URL, or the reference target."""
        c = self.config
        if c["rack.southbound_url"]:
            return c["rack.southbound_url"].rstrip("/")
        if c["target.url"]:
            return c["target.url"].rstrip("/")
        host = c["target.host"]
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{c['target.port']}"

    def services(self) -> list[Service]:
        """In start order; ``down`` stops them in reverse."""
        c, root = self.config, self.state_dir.absolute()
        logs, data = root / "logs", root / "data"
        engine = None if c["mongo.engine"] == "auto" else c["mongo.engine"]
        mongo = MongoService(
            c["mongo.port"], data / "mongo", logs, url=c["mongo.url"], host=c["mongo.host"], engine=engine
        )
        amqp: Service
        if c["amqp.url"]:
            amqp = ExternalAmqpService(c["amqp.url"])
        else:
            rabbit_data, rabbit_logs = self._rabbitmq_dirs(data / "rabbitmq", logs)
            amqp = RabbitMqService(
                c["amqp.host"],
                c["amqp.port"],
                c["amqp.dist_port"],
                c["amqp.epmd_port"],
                c["amqp.user"],
                c["amqp.password"],
                rabbit_data,
                rabbit_logs,
            )
        if c["services_only"]:  # for a RackHD the user runs: no rack, no target
            return [mongo, amqp]
        rack = RackService(self._rack_spec, root / RACK_FILE, logs)
        if c["target.url"]:  # an existing RackHD: start no reference target
            return [mongo, amqp, rack]
        target = TargetService(
            {
                "host": c["target.host"],
                "port": c["target.port"],
                "mongo_url": mongo.url,
                "database": c["target.database"],
                "amqp_url": amqp.url,
                "heartbeat_interval": c["target.heartbeat_interval"],
                "threads": c["target.threads"],
                "poller_interval_scale": c["target.poller_interval_scale"],
                "rackhd_config": self._target_rackhd_config(),
                **auth_settings(c),
            },
            root / TARGET_FILE,
            logs,
        )
        return [mongo, amqp, rack, target]

    def _target_rackhd_config(self) -> dict[str, object]:
        """The reference target's discovery settings for this rack: the credentials autoCreateObm gives
        the OBMs it makes, and each BMC's UDP port by its MAC (every BMC listens on bmc.host, and
        `ipmitool lan print` — the bmc catalog — cannot tell a port). The target is told the fleet's
        credentials (``bmc.user`` / ``bmc.password``): a ``bmc-password-differs`` node's BMC refuses them,
        so with autoCreateObm (``target.auto_create_obm``) its discovery graph fails at the OBM check."""
        return {
            "autoCreateObm": self.config["target.auto_create_obm"],
            "autoCreateObmUser": self.config["bmc.user"],
            "autoCreateObmPassword": self.config["bmc.password"],
            "bmcPorts": {node.bmc.mac: node.bmc.port for node in self._rack_spec.nodes},
        }

    def _rabbitmq_dirs(self, data: Path, logs: Path) -> tuple[Path, Path]:
        """RabbitMQ runs as user rabbitmq when we are root: if that user cannot reach the state dir
        (the state dir is private: mode 0700), its files go to /var/lib/rackharness/<digest> instead."""
        # as root, rabbitmq (another user) cannot enter the state dir, which is private (0700)
        if os.geteuid() != 0:
            return data, logs
        digest = hashlib.sha256(str(self.state_dir.absolute()).encode()).hexdigest()[:12]
        root = RABBITMQ_FALLBACK_ROOT / digest
        return root / "data", root / "logs"

    # -- lifecycle ---------------------------------------------------------------------------
    def preflight(self) -> None:
        url = self.config["target.url"]
        if url and not url.startswith(("http://", "https://")):
            raise ConfigError(
                f"{self.config.source('target.url')}: target.url: expected http://host:port, got {url!r}",
                hint="the RackHD to test, e.g. --target http://10.1.0.5:8080 (without /api/2.0)",
            )
        southbound = self.config["rack.southbound_url"]
        if southbound and not southbound.startswith(("http://", "https://")):
            raise ConfigError(
                f"{self.config.source('rack.southbound_url')}: rack.southbound_url: expected "
                f"http://host:port, got {southbound!r}",
                hint="RackHD's node-facing endpoint, e.g. http://172.31.128.1:9080 (without /api)",
            )
        services = self.services()
        for service in services:
            service.check_prerequisites()
        for service in services:
            service.check_ports()

    def up(self) -> RackState:
        state = self.store.load()
        if state is not None and state.status == "up":
            health = self.health(state)
            if all(health.values()):
                self.refuse_other_settings()
                self.say(
                    f"rack already up in {self.state_dir} ({len(state.endpoints.get('nodes', []))} nodes); "
                    "nothing changed"
                )
                return state
            dead = ", ".join(name for name, ok in health.items() if not ok)
            self.say(
                f"rack in {self.state_dir} was up but {dead} stopped running; cleaning up before starting again "
                "(its data is kept: this is a recovery, not a new rack)"
            )
            recovering = True
        else:
            recovering = False
        if state is not None and (state.processes or state.status in ("starting", "stopping")):
            self._stop_recorded(state)
            self._stop_unrecorded()  # an `up` killed between starting a process and recording it
        self.preflight()
        rackhd = self._probe_rackhd()
        self._say_network(rackhd)
        state = RackState(provider=self.NAME, status="starting", pid=os.getpid())
        step = "prepare"
        try:
            self._step_prepare(state, keep_data=recovering or self.config["keep_data"])
            for step, run_step in self._steps_before_services():
                run_step(state)
                self._done(state, step)
            for service in self.services():
                step = service.NAME
                self._step_service(state, service)
            for step, run_step in self._steps_after_services():
                run_step(state)
                self._done(state, step)
        except BaseException as exc:  # a user error, a bug, ^C or SIGTERM: leave nothing running
            self._fail(state, step, exc)
            raise
        state.status = "up"
        state.pid = None
        if rackhd:
            state.endpoints["system_under_test"]["version"] = rackhd.get("version")
        self.store.save(state)
        if self.config["services_only"]:
            self._say_rackhd_config(state)
        return state

    # -- a RackHD under test -----------------------------------------------------------------
    def _probe_rackhd(self) -> dict | None:
        """With ``target.url``: what its ``GET /api/2.0/config`` tells (best effort, a few seconds at most):
        ``version`` (RackHD 2.60.7 exposes none: None) and where it tells nodes to call (apiServerAddress/Port)."""
        url = self.config["target.url"]
        if not url or self.config["services_only"]:
            return None
        from rackharness.transports.http_out.base import HttpUnreachable
        from rackharness.transports.http_out.chooser import open_http

        transport = open_http(url, timeout=3.0)
        try:
            answer = transport.request("GET", "/api/2.0/config")
            body = answer.json_or_none() if answer.status_code == 200 else None
        except (HttpUnreachable, RackHarnessError) as exc:
            self.say(f"RackHD at {redact_url(url)}: GET /api/2.0/config did not answer ({exc}); going on")
            return {}
        finally:
            transport.close()
        if not isinstance(body, dict):
            return {}
        version = body.get("version") or body.get("rackhdVersion")
        found: dict = {"version": str(version) if version else None}
        address, port = body.get("apiServerAddress"), body.get("apiServerPort")
        if address and port:
            found["southbound_url"] = f"http://{address}:{port}"
        return found

    def _say_network(self, rackhd: dict | None) -> None:
        """Which BMC address mode, and what a real RackHD needs that this setup does not give."""
        c = self.config
        if c["services_only"]:
            return
        mode, why = self._address_mode
        spec = self._rack_spec
        if mode == "addresses":
            first, last = spec.nodes[0], spec.nodes[-1]
            talk = (
                f"each node talking from its own ({first.ip} .. {last.ip})"
                if spec.agent.bind_node_ip
                else "the nodes talking from this host (the southbound URL is not on it: a 127.x source cannot reach it)"
            )
            self.say(
                f"BMC addresses: each BMC on UDP 623 of its own address ({first.bmc.host} .. {last.bmc.host}), "
                f"{talk} [{why}]"
            )
        else:
            first = spec.nodes[0]
            self.say(f"BMC ports: every BMC on {first.bmc.host}, node-01 on UDP {first.bmc.port} .. [{why}]")
            if c["target.url"]:
                self.say(
                    "warning: RackHD's ipmitool (-I lanplus -H <host>, no -p) reaches UDP 623 only: it cannot "
                    f"reach port-mode BMCs, so its OBMs and pollers will fail; run as root (or with "
                    f"CAP_NET_BIND_SERVICE) for bmc.address_mode=addresses ({PRIVILEGE_HINT})"
                )
        southbound = spec.agent.southbound_url
        told = (rackhd or {}).get("southbound_url")
        if c["target.url"]:
            self.say(
                f"nodes netboot from {redact_url(southbound)}"
                + (
                    ""
                    if c["rack.southbound_url"]
                    else " (the target's URL; RackHD 2.60.7 serves the southbound "
                    "API on on-taskgraph's taskGraphEndpoint: give it with --southbound-url)"
                )
            )
            if told and told.rstrip("/") != (southbound or "").rstrip("/"):
                self.say(
                    f"note: this RackHD tells nodes to call {told} (apiServerAddress/apiServerPort in its config.json)"
                )

    def _say_rackhd_config(self, state: RackState) -> None:
        """``up --services-only``: what RackHD's config.json needs to use these services."""
        endpoints = state.endpoints
        amqp = redact_url(endpoints.get("amqp_url")) or ""
        amqp = amqp[: -len("/%2F")] if amqp.endswith("/%2F") else amqp  # the default vhost, as RackHD writes it
        database = self.config["target.database"]
        mongo = (endpoints.get("mongo_url") or "").rstrip("/")
        self.say("services up for a RackHD you run; in its config.json:")
        self.say(
            f'  "amqp": "{amqp}",'
            + (
                named("  (the password: `rackharness status --json --show-secrets`)")
                if redact_url(endpoints.get("amqp_url")) != endpoints.get("amqp_url")
                else ""
            )
        )
        self.say(f'  "mongo": "{mongo}/{database}",')
        self.say(
            '  "apiServerAddress" / "apiServerPort": where the nodes reach the southbound API (on-taskgraph\'s '
            '"taskGraphEndpoint"), e.g. 127.0.0.1 and its port;'
        )
        self.say(
            named(
                "then `rackharness up --state-dir <another dir> --target http://<on-http address:port> "
                "--southbound-url http://<apiServerAddress:apiServerPort> --amqp-url ... --mongo-url ...` "
                "(docs/real-rackhd.md)"
            )
        )

    def _steps_before_services(self) -> list[tuple[str, Callable[[RackState], None]]]:
        """Named steps between ``prepare`` and the first service (a subclass's own; none here)."""
        return []

    def _steps_after_services(self) -> list[tuple[str, Callable[[RackState], None]]]:
        """Named steps once every service is ready (a subclass's own; none here)."""
        return []

    def _step_prepare(self, state: RackState, *, keep_data: bool) -> None:
        make_private_dir(self.state_dir)
        (self.state_dir / "logs").mkdir(exist_ok=True)
        if not keep_data:
            self._empty_data()
        token_secret.keep(self.config, self.state_dir)
        self.config.save(self.state_dir / CONFIG_FILE)
        spec = self._rack_spec
        public, _secrets = secret_channel.split(json.loads(spec.to_json()))  # the rack process gets them on stdin
        write_private(self.state_dir / RACK_FILE, json.dumps(public, indent=2))
        state.endpoints = self._endpoints(spec)
        self._done(state, "prepare")

    def _step_service(self, state: RackState, service: Service) -> None:
        self.say(f"starting {service.NAME} ...")
        record = service.start()
        if record is not None:
            state.processes[service.NAME] = record.to_dict()
            self.store.save(state)
        service.wait_ready(record, timeout=self.config["ready_timeout"])
        self._done(state, service.NAME)

    def _done(self, state: RackState, step: str) -> None:
        state.steps[step] = time.time()
        self.store.save(state)

    def _fail(self, state: RackState, step: str, exc: BaseException) -> None:
        self._stop_recorded(state)
        self._stop_unrecorded()
        state.status, state.pid = "failed", None
        state.endpoints["failure"] = f"step {step}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        self.store.save(state)

    # -- data policy -------------------------------------------------------------------------
    def _owned_data_dirs(self) -> list[Path]:
        """The data this provider's own services keep: never a store or broker the user points at, and
        never the store of a RackHD the user runs (``target.url``: its state lives there)."""
        c, data = self.config, self.state_dir.absolute() / "data"
        dirs = []
        if not c["mongo.url"] and not c["target.url"]:
            dirs.append(data / "mongo")
        if not c["amqp.url"]:
            dirs.append(self._rabbitmq_dirs(data / "rabbitmq", self.state_dir / "logs")[0])
        return dirs

    def _empty_data(self) -> None:
        emptied = [d for d in self._owned_data_dirs() if d.exists()]
        for directory in emptied:
            shutil.rmtree(directory)
        if emptied:
            self.say(
                "starting from empty data (the store and broker kept nothing of earlier runs; --keep-data keeps it)"
            )

    def purge(self) -> list[Path]:
        """Delete the data ``down`` keeps (the store's, RabbitMQ's wherever it lives); the caller stopped
        everything first. Returns what was deleted."""
        removed = []
        for directory in [*self._owned_data_dirs(), self.state_dir.absolute() / "data"]:
            if directory.exists():
                shutil.rmtree(directory)
                removed.append(directory)
        fallback = self._rabbitmq_dirs(self.state_dir / "data" / "rabbitmq", self.state_dir / "logs")[0].parent
        if fallback.is_relative_to(RABBITMQ_FALLBACK_ROOT) and fallback.exists():
            shutil.rmtree(fallback)
            removed.append(fallback)
        secret = self.state_dir.absolute() / token_secret.FILE_NAME  # the next up generates a new one
        if secret.exists():
            secret.unlink()
            removed.append(secret)
        return removed

    def down(self, *, force: bool = False) -> None:
        try:
            state = self.store.load()
        except RackHarnessError:
            if not force:
                raise
            state = None  # corrupt: find its processes below
        self._before_stopping(state, force=force)
        if state is not None:
            state.status, state.pid = "stopping", os.getpid()
            self.store.save(state)
            self._stop_recorded(state)
            state.status, state.pid = "down", None
            state.endpoints.pop("failure", None)
            self.store.save(state)
        if force:
            self._stop_unrecorded()
            self.store.remove()

    def _before_stopping(self, state: RackState | None, *, force: bool) -> None:
        """What ``down`` removes before it stops the services (a subclass's machines; nothing here).
        ``state`` is None when the state file is missing or, with ``force``, unreadable."""

    def _stop_unrecorded(self) -> None:
        """Stop every process whose command line marks it as this rack's, recorded or not."""
        for record in find_by_cmdline(self._process_markers()):
            stop(record)

    def _process_markers(self) -> list[str]:
        """What the command line of every process ``up`` starts contains: the state dir (rack,
        target, Mongo, RabbitMQ's data dir or its fallback) or our epmd's port."""
        root = str(self.state_dir.absolute())
        markers = [root + "/"]
        if not self.config["amqp.url"]:
            rabbit_data, _ = self._rabbitmq_dirs(self.state_dir / "data" / "rabbitmq", self.state_dir / "logs")
            markers += [str(rabbit_data.absolute()), f"epmd -port {self.config['amqp.epmd_port']} "]
        return markers

    def _stop_recorded(self, state: RackState) -> None:
        for name in reversed(list(state.processes)):
            stop(ProcessRecord.from_dict(state.processes[name]))
            del state.processes[name]
            self.store.save(state)

    def health(self, state: RackState) -> dict[str, bool]:
        return {name: is_running(ProcessRecord.from_dict(raw)) for name, raw in state.processes.items()}

    # -- what the suite reads ------------------------------------------------------------------
    def _endpoints(self, spec: RackSpec) -> dict:
        services = {s.NAME: s for s in self.services()}
        if self.config["services_only"]:
            return StackInfo(
                provider=self.NAME,
                state_dir=self.state_dir,
                amqp_url=services["rabbitmq"].url,
                mongo_url=services["mongo"].url,
                sut_kind="none",
            ).to_endpoints()
        info = StackInfo(
            provider=self.NAME,
            state_dir=self.state_dir,
            api_url=self.config["target.url"] or services["target"].url,
            auth_url=self.config["target.auth_url"] or (services["target"].auth_url if "target" in services else None),
            southbound_url=spec.agent.southbound_url,
            amqp_url=services["rabbitmq"].url,
            mongo_url=services["mongo"].url,
            nodes=node_infos(spec.nodes),
            sut_kind="rackhd" if self.config["target.url"] else "reference",
            address_mode=spec.address_mode,
        )
        return info.to_endpoints()
