"""An in-memory EventBus for tests: records what would have been published on ``on.events``."""

from __future__ import annotations

import copy
import threading
from typing import Any

from rackharness.reference.events import external_event, external_routing_key


class RecordingEventBus:
    """Keeps ``(routing_key, body)`` pairs in publish order; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[tuple[str, dict[str, Any]]] = []

    def publish(self, routing_key: str, body: dict[str, Any]) -> None:
        with self._lock:
            self._messages.append((routing_key, copy.deepcopy(body)))

    def publish_external(
        self, type_: str, action: str, severity: str, type_id: str, node_id: str | None, data: dict[str, Any]
    ) -> None:
        self.publish(
            external_routing_key(type_, action, severity, type_id, node_id),
            external_event(type_, action, severity, type_id, node_id, data),
        )

    @property
    def published(self) -> list[tuple[str, dict[str, Any]]]:
        """A copy of everything published so far, oldest first."""
        with self._lock:
            return list(self._messages)

    messages = published

    def keys(self, prefix: str = "") -> list[str]:
        return [key for key, _body in self.published if key.startswith(prefix)]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    def close(self) -> None:
        pass
