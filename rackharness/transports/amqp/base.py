"""The AMQP seam's contract: :class:`AmqpTransport`, the :class:`Message` it hands out, its errors.

:class:`~rackharness.clients.events.EventTracker` and :class:`~rackharness.clients.events.EventPublisher`
(and the target's event bus) only ever call the methods of :class:`AmqpTransport`, so an in-memory
broker (isolated mode) or a recorder (record/replay) can stand in for RabbitMQ without touching a
test. Every side honours the same contract: queues from :meth:`~AmqpTransport.declare_exclusive_queue`
belong to that transport alone, bindings use RabbitMQ topic syntax (:func:`topic_matches`), and
:meth:`~AmqpTransport.get` returns ``None`` only once ``timeout`` seconds have passed without a
message; a refusal by the broker (RESOURCE_LOCKED, PRECONDITION_FAILED, NOT_FOUND, ...) raises
:class:`BrokerRefused` with RabbitMQ's reply code and ends the transport's channel: every later
call raises it again. ``tests/functional/transports/test_amqp_contract.py`` runs one set of tests
over both sides.

The sides: :mod:`.pika_side` (RabbitMQ) and :mod:`.memory_side` (the in-process
:mod:`.memory_broker`); :func:`rackharness.transports.amqp.chooser.open_transport` picks one by URL.
This module imports neither.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from rackharness.errors import ClientError

DEFAULT_CONNECT_TIMEOUT = 5.0

#: AMQP reply codes a broker refuses an operation with (the channel is closed afterwards)
ACCESS_REFUSED, NOT_FOUND, RESOURCE_LOCKED, PRECONDITION_FAILED, COMMAND_INVALID = 403, 404, 405, 406, 503
REPLY_NAMES = {
    ACCESS_REFUSED: "ACCESS_REFUSED",
    NOT_FOUND: "NOT_FOUND",
    RESOURCE_LOCKED: "RESOURCE_LOCKED",
    PRECONDITION_FAILED: "PRECONDITION_FAILED",
    COMMAND_INVALID: "COMMAND_INVALID",
}


class BrokerRefused(ClientError):
    """The broker refused a declare, bind, consume, get or ack; ``reply_code`` is AMQP's (405 RESOURCE_LOCKED...)."""

    def __init__(self, reply_code: int, reply_text: str, *, what: str = "", hint: str | None = None) -> None:
        name = REPLY_NAMES.get(reply_code, "refused")
        reply_text = reply_text.removeprefix(f"{name} - ")  # RabbitMQ's texts start with the name
        super().__init__(f"{what + ': ' if what else ''}{name} ({reply_code}) - {reply_text}", hint=hint)
        self.reply_code, self.reply_text = reply_code, reply_text


def not_declared(queue: str) -> ClientError:
    """The error for ``get()`` on a queue the transport did not declare (the same on every side)."""
    return ClientError(
        f"queue {queue!r} was not declared by this transport",
        hint="get() reads only queues from this transport's declare_exclusive_queue()",
    )


def topic_matches(pattern: str, routing_key: str) -> bool:
    """Whether ``routing_key`` matches the topic ``pattern`` the way RabbitMQ routes it.

    As in RabbitMQ, an empty key or pattern has no words at all (``#`` matches ``""``, ``*`` does not).
    """
    words = pattern.split(".") if pattern else []
    keys = routing_key.split(".") if routing_key else []
    # reachable[j]: the pattern words consumed so far can match exactly keys[:j]
    reachable = [True] + [False] * len(keys)
    for word in words:
        if word == "#":
            for j in range(1, len(keys) + 1):
                reachable[j] = reachable[j] or reachable[j - 1]
        else:
            reachable = [False] + [
                reachable[j - 1] and (word == "*" or word == keys[j - 1]) for j in range(1, len(keys) + 1)
            ]
    return reachable[-1]


@dataclass(frozen=True)
class Message:
    """One message taken off a queue: routing key, body (JSON-decoded when it is JSON), exchange."""

    routing_key: str
    body: Any
    exchange: str = ""
    received_at: float = field(default_factory=time.monotonic, compare=False)

    @classmethod
    def from_bytes(cls, routing_key: str, payload: bytes, exchange: str = "") -> "Message":
        text = payload.decode("utf-8", errors="replace")
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = text
        return cls(routing_key, body, exchange)

    def excerpt(self, limit: int = 120) -> str:
        """The body as one short line, for failure reports."""
        text = self.body if isinstance(self.body, str) else json.dumps(self.body, sort_keys=True, default=str)
        return text if len(text) <= limit else text[: limit - 3] + "..."


class AmqpTransport(ABC):
    """What the event clients need from a broker; see the module docstring for the contract."""

    @abstractmethod
    def ensure_exchange(
        self,
        exchange: str,
        *,
        type: str = "topic",
        durable: bool = True,  # noqa: A002
        auto_delete: bool = False,
    ) -> None:
        """Declare ``exchange`` (by default as RackHD does: topic, durable, not auto-deleted); idempotent.

        Redeclaring an existing exchange with another type or flag raises :class:`BrokerRefused` 406.
        """

    @abstractmethod
    def exchange_exists(self, exchange: str) -> bool:
        """Whether ``exchange`` exists (a passive declare); a missing one does not end the transport's channel."""

    @abstractmethod
    def declare_exclusive_queue(self) -> str:
        """A new server-named queue only this transport can consume, gone when it closes."""

    @abstractmethod
    def bind(self, queue: str, exchange: str, pattern: str) -> None:
        """Route messages whose key matches topic ``pattern`` on ``exchange`` into ``queue``."""

    @abstractmethod
    def get(self, queue: str, timeout: float) -> Message | None:
        """The next message on ``queue``, waiting up to ``timeout`` seconds; ``None`` if none came."""

    @abstractmethod
    def publish(self, exchange: str, routing_key: str, body: bytes) -> None:
        """Publish ``body`` (JSON bytes) on ``exchange`` with ``routing_key``."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection; safe to call twice. Later calls raise ``ServiceUnavailable``."""

    def keep_alive(self) -> None:
        """Answer the broker's heartbeats while idle (a long-lived publisher calls it); nothing by default."""
