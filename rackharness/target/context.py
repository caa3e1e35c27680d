"""What every part of the target shares: the database, the event bus, the workflow engine, config.

The API modules and the workflow engine never import each other's internals; they meet here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pymongo.database import Database


class EventBus(Protocol):
    """Publishes RackHD events on the ``on.events`` topic exchange (see events.py)."""

    def publish(self, routing_key: str, body: dict[str, Any]) -> None:
        """Publish ``body`` (JSON) with ``routing_key`` on on.events."""

    def publish_external(self, type_: str, action: str, severity: str, type_id: str,
                         node_id: str | None, data: dict[str, Any]) -> None:
        """RackHD's external event: key ``<type>.<action>.<severity>.<typeId>[.<nodeId>]`` and the envelope
        ``{version: "1.0", type, action, severity, typeId, nodeId, data, createdAt}``."""


class WorkflowEngine(Protocol):
    """The part of the engine the non-workflow API needs."""

    def has_active_graph(self, node_id: str) -> bool:
        """True while a graph for ``node_id`` is pending or running."""


@dataclass
class TargetContext:
    db: Database  # RackHD's database (``pxe`` by default)
    events: EventBus
    engine: WorkflowEngine | None = None  # set once the engine is built (it needs the context)
    #: RackHD's flat config object served by GET/PATCH /config (secrets never served)
    config: dict[str, Any] = field(default_factory=dict)
    base_path: str = "/api/2.0"
