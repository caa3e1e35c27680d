"""What every part of the target shares: the database, the event bus, the workflow engine, config.

The API modules and the workflow engine never import each other's internals; they meet here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pymongo.database import Database

from rackharness.api_paths import API_ROOT
from rackharness.reference.obm_sealing import ObmSealer
from rackharness.reference.southbound import CommandChannel


class EventBus(Protocol):
    """Publishes RackHD events on the ``on.events`` topic exchange (see events.py)."""

    def publish(self, routing_key: str, body: dict[str, Any]) -> None:
        """Publish ``body`` (JSON) with ``routing_key`` on on.events."""

    def publish_external(
        self, type_: str, action: str, severity: str, type_id: str, node_id: str | None, data: dict[str, Any]
    ) -> None:
        """RackHD's external event: key ``<type>.<action>.<severity>.<typeId>[.<nodeId>]`` and the envelope
        ``{version: "1.0", type, action, severity, typeId, nodeId, data, createdAt}``."""


class WorkflowEngine(Protocol):
    """The part of the engine the non-workflow API needs."""

    def has_active_graph(self, node_id: str) -> bool:
        """True while a graph for ``node_id`` is pending or running."""

    # The discovery API (api/southbound.py) also calls, on the real engine: active_graph(node_id),
    # run_graph(name, options, node_id), graph_definition_runs_subgraphs(name) and
    # wait_active(node_id, timeout).


class PollerRuntime(Protocol):
    """The part of the poller service (rackharness.reference.pollers.service) the API and discovery need."""

    interval_scale: float  # default poller intervals are RackHD's times this

    def changed(self, poller_id: str) -> None:
        """A poller was created or changed in Mongo: (re)schedule it."""

    def removed(self, poller_id: str) -> None:
        """A poller was deleted: stop running it and forget its data."""

    def data(self, poller_id: str, *, latest_only: bool = False) -> list[dict[str, Any]]:
        """Its cached results, oldest first (``latest_only``: the newest alone); [] when none."""


@dataclass
class TargetContext:
    db: Database  # RackHD's database (``pxe`` by default)
    events: EventBus
    engine: WorkflowEngine | None = None  # set once the engine is built (it needs the context)
    #: RackHD's flat config object served by GET/PATCH /config (secrets never served)
    config: dict[str, Any] = field(default_factory=dict)
    base_path: str = API_ROOT
    #: encrypts OBM/IBM secrets for the store and decrypts them for use (RackHD's sharedKey)
    sealer: ObmSealer = field(default_factory=ObmSealer)
    #: where jobs offer commands to a node's task runner and GET/POST /tasks/{id} meet them
    southbound: CommandChannel = field(default_factory=CommandChannel)
    pollers: PollerRuntime | None = None  # set by the server; None: pollers are stored, never run
    #: users, tokens and Redfish sessions (rackharness.reference.auth.service.AuthService); create_app
    #: makes a default one (RackHD's default secret and expiry) when the server did not
    auth: Any = None
    #: delivers external events to webhooks (rackharness.reference.hooks.HookDelivery); the hooks API calls
    #: its ``invalidate()`` after each write. None: hooks are stored, nothing is delivered
    hooks: Any = None
