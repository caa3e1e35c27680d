"""The ``isolated`` provider: the whole rack inside the test process, no service processes at all.

:class:`IsolatedStack` is the runtime. ``start()`` brings up, in the calling process:

* the virtual rack — every node's BMC on a loopback UDP port and its boot agent — on an asyncio
  loop in a daemon thread (:class:`rackharness.rack.process.Rack`, exactly what the rack process runs);
* the reference target (:func:`rackharness.reference.server.build`) with its state in
  ``mongomock://<name>`` and its events on ``memory://<name>``, served by waitress on a loopback
  TCP port in a daemon thread, plus its heartbeat and pollers.

The in-memory Mongo and broker are per process (named stores), so the suite's own clients must run
in the same process: they reach them by the same URLs through the same seams
(:func:`rackharness.transports.mongo.chooser.connect`, :func:`rackharness.transports.amqp.chooser.open_transport`).
Ports are ephemeral unless ``bmc.base_port`` / ``target.port`` are set explicitly (file, env or flag);
``bmc.host`` / ``target.host`` are ignored: everything binds 127.0.0.1. ``stop()`` undoes it all.

:class:`IsolatedProvider` is what ``rackharness up --provider isolated`` runs: since nothing can be
shared between processes, it starts nothing; it records an ``isolated`` rack (status up, no
processes, the saved config) in the state file, and ``nose2`` then starts an :class:`IsolatedStack`
in its own process from that config (see :mod:`rackharness.suite.sut`). ``status`` reports it
with ``"in_process": true`` and no endpoints; ``down`` removes the record.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from pathlib import Path
from typing import Callable

from rackharness.api_paths import API_ROOT
from rackharness.config import Config
from rackharness.errors import ConfigError, RackHarnessError
from rackharness.providers.base import Capabilities, RackProvider, node_infos
from rackharness.stack_info import StackInfo
from rackharness.state import RackState

LOOPBACK = "127.0.0.1"
CONFIG_FILE = "config.json"
#: the settings isolated mode has no use for (there is no RabbitMQ, Mongo server or external RackHD)
UNSUPPORTED = ("amqp.url", "mongo.url", "target.url", "rack.southbound_url")


def check_config(config: Config) -> None:
    """Raise ConfigError when the config asks for something isolated mode cannot do."""
    for key in UNSUPPORTED:
        if config[key]:
            raise ConfigError(
                f"{config.source(key)}: {key} is set, but the isolated provider runs its own "
                "in-process broker, store and target",
                hint=f"unset {key} (or use --provider local to test an external service)",
            )


class IsolatedStack:
    """The rack, the reference target, an in-memory broker and store, all in this process."""

    def __init__(self, config: Config, *, name: str | None = None, say: Callable[[str], None] | None = None) -> None:
        check_config(config)
        from rackharness.providers.token_secret import for_process

        self.config = for_process(config)  # the target's token secret: this process's own unless one is set
        self.name = name or f"rh-isolated-{secrets.token_hex(4)}"
        self.amqp_url = f"memory://{self.name}"
        self.mongo_url = f"mongomock://{self.name}"
        self.say = say or (lambda _line: None)
        self.api_url: str | None = None
        self.auth_url: str | None = None  # the auth-enabled endpoint (POST /login, tokens required)
        self.spec = None
        self._sockets: list = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._rack_thread: threading.Thread | None = None
        self._rack = None
        self._server = None
        self._server_thread: threading.Thread | None = None
        self._server_map: dict = {}
        self._ctx = None
        self._heartbeat = None
        self._started = False

    def __repr__(self) -> str:
        return f"IsolatedStack({self.name}, api {self.api_url or '(not started)'})"

    def _port(self, key: str) -> int:
        """The configured port when set explicitly, else 0 (an ephemeral port)."""
        return self.config[key] if self.config.source(key) != "default" else 0

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> "IsolatedStack":
        if self._started:
            return self
        started = time.monotonic()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self._started = True
        self.say(
            f"isolated rack up in this process ({len(self.spec.nodes)} nodes, API {self.api_url}) "
            f"in {time.monotonic() - started:.1f}s"
        )
        return self

    def _start(self) -> None:
        from waitress.server import create_server

        from rackharness.clients.obm import shared_caller
        from rackharness.rack.layout import build_rack_spec
        from rackharness.rack.process import Rack
        from rackharness.reference.auth.settings import auth_settings
        from rackharness.reference.server import build, listen
        from rackharness.transports.mongo.mongomock_side import require_mongomock

        require_mongomock()  # PrerequisiteError with the pip command when mongomock is missing
        spec = build_rack_spec(self.config)
        base = self._port("bmc.base_port")
        for index, node in enumerate(spec.nodes):
            node.bmc.host = LOOPBACK
            node.bmc.port = base + index if base else 0
        # the target's sockets first: the boot agents need its URL before the rack starts
        wanted = [self._port("target.port"), self._port("target.auth_port")]
        try:
            self._sockets = listen(LOOPBACK, wanted)
        except OSError as exc:
            raise ConfigError(
                f"isolated target cannot bind {LOOPBACK} ports {wanted} (0: any free port): {exc.strerror or exc}",
                hint="set target.port / target.auth_port to free ports, or leave them unset",
            ) from exc
        port, auth_port = (sock.getsockname()[1] for sock in self._sockets)
        self.auth_url = f"http://{LOOPBACK}:{auth_port}"
        self.api_url = f"http://{LOOPBACK}:{port}"
        spec.agent.southbound_url = self.api_url
        self.spec = spec

        loop = self._loop = asyncio.new_event_loop()
        self._rack_thread = threading.Thread(target=self._run_loop, name=f"{self.name}-rack", daemon=True)
        self._rack_thread.start()
        self._rack = Rack(spec, loop, status_path=None)
        asyncio.run_coroutine_threadsafe(self._rack.start(), loop).result(timeout=self.config["ready_timeout"])
        ports = self._rack.bmc_ports()
        for node in spec.nodes:  # the ports the BMCs got
            node.bmc.port = ports[node.name]

        c = self.config
        settings = {
            "host": LOOPBACK,
            "port": port,
            "mongo_url": self.mongo_url,
            "database": c["target.database"],
            "amqp_url": self.amqp_url,
            "heartbeat_interval": c["target.heartbeat_interval"],
            "threads": c["target.threads"],
            "poller_interval_scale": c["target.poller_interval_scale"],
            "rackhd_config": {
                "autoCreateObm": c["target.auto_create_obm"],
                "autoCreateObmUser": c["bmc.user"],
                "autoCreateObmPassword": c["bmc.password"],
                "bmcPorts": {node.bmc.mac: node.bmc.port for node in spec.nodes},
            },
            **auth_settings(c),
            "auth_port": auth_port,
        }
        # the suite's ObmClient and the target share one pyghmi session cache per process: one caller
        self._ctx, endpoints, self._heartbeat = build(settings, caller=shared_caller())
        endpoints.auth_port = auth_port
        self._server_map = {}  # waitress's socket map: stop() closes every channel in it, not only the listener
        self._server = create_server(
            endpoints,
            map=self._server_map,
            sockets=self._sockets,
            threads=c["target.threads"],
            ident="rackharness-target",
        )
        self._server_thread = threading.Thread(target=self._serve, name=f"{self.name}-target", daemon=True)
        self._server_thread.start()
        self._heartbeat.start()
        self._ctx.pollers.start()
        self._wait_ready()

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    def _serve(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError):  # closed from stop()
            pass

    def _wait_ready(self) -> None:
        import requests

        from rackharness.wait import Condition, Observation

        def answers() -> Observation:
            response = requests.get(f"{self.api_url}{API_ROOT}/config", timeout=1.0)
            return Observation(response.status_code == 200, f"GET {API_ROOT}/config answered {response.status_code}")

        Condition(
            probe=answers,
            what=f"the isolated reference target at {self.api_url}",
            timeout=self.config["ready_timeout"],
            interval=0.05,
            transient=(OSError, requests.RequestException),
        ).wait()

    def stop(self) -> None:
        """Stop everything ``start`` started (idempotent) and drop the in-memory broker and store."""
        from rackharness.transports.amqp.memory_side import forget_broker
        from rackharness.transports.mongo.mongomock_side import forget

        if self._heartbeat is not None:
            self._heartbeat.stop()
        if self._ctx is not None:
            self._ctx.pollers.stop()
            self._ctx.engine.close()
        if self._server is not None:
            from waitress import wasyncore

            self._server.close()
            self._server.task_dispatcher.shutdown(timeout=2)
            wasyncore.close_all(self._server_map)  # keep-alive channels too, so the serving loop ends
        else:
            for sock in self._sockets:  # bound, never served
                sock.close()
        self._sockets = []
        if self._server_thread is not None:
            self._server_thread.join(timeout=5)
        if self._ctx is not None:
            self._ctx.events.close()  # AMQP publisher and hook delivery threads
        if self._loop is not None:
            if self._rack is not None:
                self._loop.call_soon_threadsafe(self._rack.close)
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._rack_thread is not None:
                self._rack_thread.join(timeout=5)
            if not self._loop.is_running():
                self._loop.close()
        forget_broker(self.name)
        forget(self.mongo_url)
        self._heartbeat = self._ctx = self._server = self._server_thread = self._rack = None
        self._loop = self._rack_thread = None
        self._started = False

    def __enter__(self) -> "IsolatedStack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what the suite reads ----------------------------------------------------------------------
    def info(self) -> StackInfo:
        """The running stack, as every other provider describes its own (the suite builds on this)."""
        if not self._started:
            raise RackHarnessError("the isolated rack is not started")
        return StackInfo(
            provider="isolated",
            state_dir=Path("."),
            api_url=self.api_url,
            auth_url=self.auth_url,
            southbound_url=self.api_url,
            amqp_url=self.amqp_url,
            mongo_url=self.mongo_url,
            nodes=node_infos(self.spec.nodes),
            in_process=True,
        )


class IsolatedProvider(RackProvider):
    """``up`` records an isolated rack (no processes); the rack itself starts inside ``nose2``."""

    NAME = "isolated"
    CAPABILITIES = Capabilities(
        runs_services=False,
        in_process=True,
        bmcs_on_network=False,
        powers_nodes=True,
        discovers=False,
        provisions_nodes=True,
    )

    def services(self) -> list:
        return []

    def preflight(self) -> None:
        from rackharness.rack.layout import build_rack_spec
        from rackharness.transports.mongo.mongomock_side import require_mongomock

        check_config(self.config)
        build_rack_spec(self.config)  # profiles, faults, MAC prefix: the errors local would give
        require_mongomock()

    def up(self) -> RackState:
        state = self.store.load()
        if state is not None and state.status == "up":
            self.refuse_other_settings()
            self.say(f"isolated rack already recorded in {self.state_dir}; nothing changed")
            return state
        self.preflight()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.config.save(self.state_dir / CONFIG_FILE)
        state = RackState(provider=self.NAME, status="up")
        state.endpoints = StackInfo(
            provider=self.NAME, state_dir=self.state_dir, in_process=True, nodes_planned=self.config["nodes"]
        ).to_endpoints()
        state.steps["prepare"] = time.time()
        self.store.save(state)
        self.say(
            f"isolated rack recorded in {self.state_dir}: nothing runs until `nose2`, which starts the "
            "rack, the reference target, an in-memory broker and store in its own process"
        )
        return state

    def down(self, *, force: bool = False) -> None:
        self.store.remove()

    def health(self, state: RackState) -> dict[str, bool]:
        return {}


def saved_config(state_dir) -> Config:
    """The config ``up --provider isolated`` saved in ``state_dir``."""
    path = Path(state_dir) / CONFIG_FILE
    return Config.load_saved(path)
