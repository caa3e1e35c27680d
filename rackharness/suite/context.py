"""What every black-box test reaches the rack through: one :class:`SuiteContext` per run.

``suite_context()`` returns it, built on first use from the resolved target (the nose2 plugin calls
:func:`configure` before the first test; used elsewhere, the target resolves from the stack state
or ``RACKHARNESS_*``). Clients are created lazily, so importing a test module does no I/O.

Everything a test creates gets a name from :meth:`SuiteContext.name` — ``rh-suite-<run>-<what>`` —
and identifiers from :meth:`SuiteContext.mac`, and is recorded with :meth:`SuiteContext.created`.
The ``cleanup`` group removes what was recorded plus anything else carrying the ``rh-suite-``
prefix (left by an interrupted run), and checks that nothing remains.
"""

from __future__ import annotations

import atexit
import itertools
import secrets
import threading
from dataclasses import dataclass, replace
from typing import Any

from rackharness import __version__
from rackharness.api_paths import API_ROOT
from rackharness.clients.events import EventPublisher, EventTracker
from rackharness.clients.obm import ObmClient
from rackharness.clients.rest import RackHDClient
from rackharness.clients.seed import MongoSeeder
from rackharness.config.loader import load_config
from rackharness.invocation import named
from rackharness.reports.witness import WitnessedAmqpTransport, WitnessedHttpOut
from rackharness.stack_info import NodeInfo
from rackharness.suite.decorators import SkipTest
from rackharness.suite.recording import TapedClients, recording_session, replay_session
from rackharness.suite.run_lock import SuiteRunLock
from rackharness.suite.sink import WebhookSink, local_address_towards
from rackharness.suite.sut import SystemUnderTest, from_stack, identify, isolated_config, resolve_system_under_test
from rackharness.tapes import modes
from rackharness.tapes.deck import Deck
from rackharness.tapes.modes import RecordMode
from rackharness.transports.amqp.base import DEFAULT_CONNECT_TIMEOUT, AmqpTransport
from rackharness.transports.amqp.chooser import open_transport
from rackharness.transports.http_in.chooser import listen
from rackharness.transports.http_out.chooser import open_http
from rackharness.transports.http_out.urllib3_pool import PoolOnHttpOut
from rackharness.transports.mongo.chooser import connect

#: every object the suite creates has a name (or tag) starting with this
PREFIX = "rh-suite-"
#: the port RackHD's ipmitool calls reach a BMC on (it passes no -p)
IPMI_PORT = 623
#: every MAC the suite makes up starts with this (locally administered: no real or virtual node has it)
MAC_PREFIX = "02:7e:"


@dataclass(frozen=True)
class Created:
    kind: str  # "node", "tag", "workflow" ...
    id: str
    name: str = ""


class SuiteContext:
    """Clients for one target, names for what the run creates, and the ledger of what it created."""

    def __init__(
        self, target: SystemUnderTest, *, run_id: str | None = None, taped: TapedClients | None = None
    ) -> None:
        self.target = target
        self.run_id = run_id or secrets.token_hex(3)
        #: record/replay: every client's transport goes through the run's tape deck (None: live)
        self.taped = taped
        self.ledger: list[Created] = []
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._api: RackHDClient | None = None
        self._seeder: MongoSeeder | None = None
        self._caller: Any = None

    def __repr__(self) -> str:
        return f"SuiteContext(run {self.run_id}, {self.target.describe()})"

    def identify(self) -> SystemUnderTest:
        """The target with ``kind`` and ``version`` known (asked once: :func:`~rackharness.suite.sut.identify`)."""
        if self.target.kind is None:
            self.target = identify(self.target)
        return self.target

    # -- clients -----------------------------------------------------------------------------
    @property
    def api(self) -> RackHDClient:
        """The RackHD API client (``/api/2.0`` paths), shared by the run."""
        if self._api is None:
            self._api = RackHDClient(
                self.target.api_url, timeout=self.target.api_timeout, http=self._http("api", self.target.api_url)
            )
        return self._api

    def _http(self, channel: str, url: str) -> WitnessedHttpOut:
        """The HTTP-out transport of a suite client: taped when the run is, witnessed for the reports
        (:mod:`rackharness.reports.witness`: what a test sent and got back shows in its report)."""
        inner = (
            self.taped.http(channel, url, self.target.api_timeout)
            if self.taped
            else open_http(url, timeout=self.target.api_timeout)
        )
        return WitnessedHttpOut(inner)

    def _amqp(self, url: str) -> WitnessedAmqpTransport:
        """The AMQP transport of an event tracker or publisher: taped when the run is, witnessed for the reports."""
        inner = (
            self.taped.amqp(url, DEFAULT_CONNECT_TIMEOUT)
            if self.taped
            else open_transport(url, timeout=DEFAULT_CONNECT_TIMEOUT)
        )
        return WitnessedAmqpTransport(inner)

    def auth_client(self, *, username: str | None = None, password: str | None = None) -> RackHDClient:
        """A new client of the auth-enabled endpoint, not logged in, for ``username`` (default: the configured
        ``target.auth_user``); skips the test when the target has no such endpoint. The caller closes it."""
        auth = self.target.auth
        if auth is None:
            raise SkipTest(
                f"needs an auth-enabled endpoint, which {self.target.source} does not give "
                "(set target.auth_url to RackHD's, e.g. https://rackhd:8443)"
            )
        return RackHDClient(
            auth.url,
            timeout=self.target.api_timeout,
            http=self._http("auth", auth.url),
            username=username or auth.user,
            password=auth.password if password is None else password,
        )

    def events(self, exchange: str = "on.events") -> EventTracker:
        """A new tracker with its own exclusive queue; the caller closes it (``with ctx.events() as t``)."""
        url = self.need("amqp_url", "AMQP events")
        return EventTracker(url, exchange, transport=self._amqp(url))

    def amqp(self) -> AmqpTransport:
        """A transport to the broker (for tests of the broker itself); the caller closes it."""
        url = self.need("amqp_url", "AMQP")
        return self.taped.amqp(url, DEFAULT_CONNECT_TIMEOUT) if self.taped else open_transport(url)

    def generated_client(self, client: Any) -> Any:
        """``client`` (a swagger-generated ApiClient: RackHD's ``on_http_*`` packages) sending through the run's
        HTTP-out seam when the run is taped (its own urllib3 pool otherwise); returns it."""
        if self.taped:
            client.rest_client.pool_manager = PoolOnHttpOut(self._http("api", self.target.api_url))
        return client

    def publisher(self, exchange: str = "on.events") -> EventPublisher:
        url = self.need("amqp_url", "AMQP publishing")
        return EventPublisher(url, exchange, transport=self._amqp(url))

    @property
    def seeder(self) -> MongoSeeder:
        """Seeds RackHD's Mongo store; everything seeded is removed by the cleanup group."""
        if self._seeder is None:
            url = self.need("mongo_url", "Mongo seeding")
            if self.taped:
                self._seeder = MongoSeeder(self.taped.mongo(url, self.target.database), owns_client=True)
            else:
                self._seeder = MongoSeeder.from_url(url, self.target.database)
        return self._seeder

    def mongo(self, timeout: float = 5.0) -> Any:
        """A new connection to RackHD's Mongo database (for tests of the store itself); the caller closes
        ``db.client``. Seeding goes through :attr:`seeder`."""
        url = self.need("mongo_url", "Mongo")
        if self.taped:
            return self.taped.mongo(url, self.target.database, timeout)
        return connect(url, self.target.database, timeout=timeout, ping=False)

    def need(self, endpoint: str, purpose: str) -> str:
        value = getattr(self.target, endpoint)
        if not value:
            raise SkipTest(f"{purpose} needs {endpoint}, which {self.target.source} does not give")
        return value

    # -- nodes and their BMCs -------------------------------------------------------------------
    def bmc_nodes(
        self, minimum: int = 1, *, power: bool = False, driven_by_target: bool = False
    ) -> tuple[NodeInfo, ...]:
        """Nodes whose BMC the suite may drive; skips the test when there are fewer than ``minimum``.
        ``power=True`` (destructive tests): only nodes with ``power_control`` (inventory), and the
        skip message names the nodes left out. ``driven_by_target=True`` (the target itself talks IPMI
        to the BMC: OBM power, pollers): against RackHD, only nodes whose BMC answers on UDP 623 —
        RackHD runs ``ipmitool -H host`` with no ``-p``, so a BMC on another port is out of its reach."""
        nodes = self.target.nodes
        excluded = [n.name for n in nodes if not n.power_control] if power else []
        if power:
            nodes = tuple(n for n in nodes if n.power_control)
        if driven_by_target and self.identify().kind == "rackhd":
            unreachable = [f"{n.name} at {n.bmc.host}:{n.bmc.port}" for n in nodes if n.bmc.port != IPMI_PORT]
            nodes = tuple(n for n in nodes if n.bmc.port == IPMI_PORT)
            if len(nodes) < minimum:
                raise SkipTest(
                    f"needs {minimum} BMC(s) RackHD can reach: RackHD runs ipmitool without -p, so a BMC "
                    f"must answer on UDP {IPMI_PORT} of its own address; {', '.join(unreachable)} "
                    "(give each BMC its own address and port 623)"
                )
        if len(nodes) < minimum:
            why = f" ({', '.join(excluded)} excluded: power_control false)" if excluded else ""
            raise SkipTest(
                f"needs {minimum} node(s) with a known BMC{' the suite may power' if power else ''}; "
                f"{self.target.source} lists {len(nodes)}{why}"
            )
        return nodes

    def obm(self, node: NodeInfo, timeout: float = 10.0) -> ObmClient:
        """Direct IPMI to ``node``'s BMC: the independent check of what RackHD did. A node that is not
        in the stack's node list (the inventory, for a lab) is refused: power operations only go to
        nodes the harness was told about."""
        known = {(n.name, n.bmc.host, n.bmc.port) for n in self.target.nodes}
        if (node.name, node.bmc.host, node.bmc.port) not in known:
            from rackharness.errors import UsageError

            raise UsageError(
                f"node {node.name!r} (BMC {node.bmc.host}:{node.bmc.port}) is not in "
                f"{self.target.source}: the harness refuses to drive its BMC",
                hint=named("add it to the inventory, or use a node from `./stack.sh status`"),
            )
        return ObmClient.for_node(node, timeout=timeout, caller=self._ipmi())

    def _ipmi(self) -> Any:
        if self.taped is None:
            return None
        if self._caller is None:
            self._caller = self.taped.ipmi(self.target.nodes)
        return self._caller

    # -- what the run creates ---------------------------------------------------------------------
    def name(self, what: str) -> str:
        """A unique name for something this run creates: ``rh-suite-<run>-<what>-<n>``."""
        return f"{PREFIX}{self.run_id}-{what}-{next(self._counter)}"

    def mac(self) -> str:
        """A unique, locally administered MAC (02:...) no real or virtual node uses."""
        n = next(self._counter)
        return (
            MAC_PREFIX
            + ":".join(f"{b:02x}" for b in bytes.fromhex(self.run_id)[:2])
            + f":{(n >> 8) & 0xFF:02x}:{n & 0xFF:02x}"
        )

    def created(self, kind: str, object_id: str, name: str = "") -> str:
        with self._lock:
            self.ledger.append(Created(kind, object_id, name))
        return object_id

    def webhook_sink(self) -> WebhookSink:
        """A started :class:`~rackharness.suite.sink.WebhookSink` on the callback host, its URLs under
        ``/rh-suite-<run>/``; the caller closes it (``with ctx.webhook_sink() as sink``)."""
        host = self.target.callback_host or local_address_towards(self.target.api_url)
        return WebhookSink(
            host,
            self.target.callback_port,
            prefix=f"{PREFIX}{self.run_id}",
            listen=self.taped.listen if self.taped else listen,
        )

    def create_hook(self, url: str, what: str = "hook", **fields: Any) -> dict[str, Any]:
        """POST /hooks with a suite name; returns RackHD's answer (201), recorded for cleanup."""
        hook = self.api.post(f"{API_ROOT}/hooks", {"url": url, "name": self.name(what), **fields}, expect=(201,))
        self.created("hook", hook["id"], hook.get("name", ""))
        return hook

    def create_node(self, what: str = "node", *, type: str = "compute", **fields: Any) -> dict[str, Any]:  # noqa: A002
        """POST a node with a suite name and MAC identifier; returns RackHD's answer (recorded for cleanup)."""
        body = {"name": self.name(what), "type": type, "identifiers": [self.mac()], **fields}
        node = self.api.post(f"{API_ROOT}/nodes", body, expect=(201,))
        self.created("node", node["id"], node.get("name", ""))
        return node

    def remove_seeded(self) -> int:
        """Delete every document seeded through :attr:`seeder`; returns how many there were."""
        if self._seeder is None:
            return 0
        count = len(self._seeder.seeded)
        self._seeder.cleanup()
        return count

    def seeded(self) -> list[tuple[str, str]]:
        """(collection, id) of every document seeded and not yet removed."""
        return [] if self._seeder is None else list(self._seeder.seeded)

    def close(self) -> None:
        if self._seeder is not None:
            self._seeder.close()
        if self._api is not None:
            self._api.http.close()


_context: SuiteContext | None = None
_configured: dict[str, Any] = {}
_isolated: Any = None  # the IsolatedStack this process started, if any
_lock: SuiteRunLock | None = None  # held while this process tests a shared rack
_deck: Deck | None = None  # the tape deck of a recorded or replayed run
_requested_mode: RecordMode | str | None = None
_report: dict[str, str] = {}


def configure(config_file: str | None = None, say=None, record_mode: RecordMode | None = None) -> SystemUnderTest:
    """Resolve the target now (the plugin does, so a missing rack is reported before any test).

    In isolated mode (:func:`~rackharness.suite.sut.isolated_config`) this starts the isolated
    rack in this process; :func:`shutdown` stops it. With a record mode (``record_mode``, else
    ``RACKHARNESS_RECORD_MODE``) the run goes through a tape deck (:mod:`rackharness.suite.recording`):
    ``none`` takes the target from the tapes and reaches no service at all.
    """
    global _context, _isolated, _lock, _deck
    mode = record_mode
    if mode is None:
        mode = (
            modes.from_environment()
            if _requested_mode is None
            else (None if _requested_mode == "live" else _requested_mode)
        )
    shutdown()
    if mode is RecordMode.NONE:
        _deck, target, run_id = replay_session(mode, load_config(config_file))
        _configured["config_file"] = config_file
        _context = SuiteContext(target, run_id=run_id, taped=TapedClients(_deck))
        return target
    config = isolated_config(config_file)
    if config is not None:
        from rackharness.providers.isolated import IsolatedStack

        _isolated = IsolatedStack(config, say=say).start()
        # the stack's own config: it holds the token secret the target signs with (providers/token_secret.py)
        target = from_stack(_isolated.info(), _isolated.config, config, source="isolated rack in this process")
        target = replace(target, kind="reference", version=__version__)  # the reference, in this process
    else:
        target = resolve_system_under_test(config_file)
        if _lock is None:  # one run at a time against a shared rack: a second is refused now, not broken later
            _lock = SuiteRunLock(target.api_url).acquire()
    _configured["config_file"] = config_file
    run_id, taped = None, None
    if mode is not None:
        target = identify(target)
        callback_host = target.callback_host or local_address_towards(target.api_url)
        _deck, run_id = recording_session(mode, load_config(config_file), target, secrets.token_hex(3), callback_host)
        taped = TapedClients(_deck)
    _context = SuiteContext(target, run_id=run_id, taped=taped)
    return target


def request_record_mode(mode: RecordMode | str) -> None:
    """The record mode of ``nose2 --record-mode`` (``"live"``: none); it wins over RACKHARNESS_RECORD_MODE."""
    global _requested_mode
    _requested_mode = mode


def last_deck_report() -> str:
    """What the last recorded or replayed run did with its tapes ("" after a live run)."""
    return _report.get("deck", "")


def current_deck() -> Deck | None:
    """The run's tape deck (None: a live run)."""
    return _deck


def shutdown() -> None:
    """Close the run's clients, write the session's tape, stop the isolated rack this process started, free
    the run lock (idempotent)."""
    global _context, _isolated, _lock, _deck
    if _context is not None:
        _context.close()
    if _deck is not None:
        deck, _deck = _deck, None
        deck.close()
        _report["deck"] = deck.report()
    if _lock is not None:
        _lock.release()
        _lock = None
    if _isolated is not None:
        stack, _isolated = _isolated, None
        _context = None
        stack.stop()


def identified_target() -> SystemUnderTest | None:
    """The run's target, identified (reference or RackHD, and which version); None before :func:`configure`."""
    return _context.identify() if _context is not None else None


def suite_context() -> SuiteContext:
    global _context
    if _context is None:
        configure(_configured.get("config_file"))
        if _isolated is not None:  # started outside the nose2 plugin: stop it when the process ends
            atexit.register(shutdown)
    return _context
