"""The AMQP seam under the event clients: a tiny interface and its pika implementation.

:class:`~rackharness.clients.events.EventTracker` and :class:`~rackharness.clients.events.EventPublisher`
only ever call the six methods of :class:`AmqpTransport`, so an in-memory broker (isolated mode)
or a recorder (record/replay) can stand in for RabbitMQ without touching a test. A fake must
honour the same contract: queues from :meth:`~AmqpTransport.declare_exclusive_queue` belong to
that transport alone, bindings use RabbitMQ topic syntax, and :meth:`~AmqpTransport.get` returns
``None`` only once ``timeout`` seconds have passed without a message.

:class:`PikaTransport` opens one blocking connection with bounded socket, handshake and blocked
timeouts; any failure to reach or keep the broker becomes
:class:`~rackharness.errors.ServiceUnavailable` naming the URL with its password masked.
"""
from __future__ import annotations

import collections
import json
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from rackharness.errors import ServiceUnavailable
from rackharness.secrets import redact_url

DEFAULT_CONNECT_TIMEOUT = 5.0


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
    def ensure_exchange(self, exchange: str) -> None:
        """Declare ``exchange`` as RackHD does (topic, durable, not auto-deleted); idempotent."""

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
        """Release the connection; safe to call twice."""


class PikaTransport(AmqpTransport):
    """The real side: one pika ``BlockingConnection`` and channel, opened in the constructor."""

    def __init__(self, amqp_url: str, *, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        import pika  # imported on first use: nothing touches the network at import time

        self._pika = pika
        self.url = redact_url(amqp_url) or ""
        self.timeout = timeout
        self._inbox: dict[str, collections.deque] = {}
        self._connection = None
        params = pika.URLParameters(amqp_url)
        params.connection_attempts = 1
        params.retry_delay = 0
        params.socket_timeout = timeout
        params.stack_timeout = timeout
        params.blocked_connection_timeout = timeout
        try:
            self._connection = pika.BlockingConnection(params)
            self._channel = self._connection.channel()
        except Exception as exc:  # pika raises many types (AMQPConnectionError, socket errors, ...)
            raise self._unavailable("cannot connect", exc) from exc

    def _unavailable(self, what: str, exc: BaseException) -> ServiceUnavailable:
        detail = f"{type(exc).__name__}: {exc}".rstrip(": ")
        return ServiceUnavailable(
            f"AMQP broker at {self.url}: {what} (within {self.timeout:g} s): {detail}",
            hint="check that RabbitMQ is up (`./stack.sh status`) and that amqp_url in the stack "
                 "state points at it; credentials are shown with `status --show-secrets`")

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except self._pika.exceptions.ChannelClosedByBroker:
            raise  # a refused declare/bind/consume is the caller's business (e.g. RESOURCE_LOCKED)
        except (self._pika.exceptions.AMQPError, OSError) as exc:
            raise self._unavailable(what, exc) from exc

    def ensure_exchange(self, exchange: str) -> None:
        self._call(f"declare exchange {exchange!r}", self._channel.exchange_declare, exchange,
                   exchange_type="topic", durable=True, auto_delete=False)

    def declare_exclusive_queue(self) -> str:
        result = self._call("declare a queue", self._channel.queue_declare, "", exclusive=True, auto_delete=True)
        queue = result.method.queue
        inbox: collections.deque = collections.deque()
        self._inbox[queue] = inbox

        def deliver(_channel, method, _properties, payload: bytes) -> None:
            inbox.append(Message.from_bytes(method.routing_key, payload, method.exchange))

        self._call(f"consume {queue}", self._channel.basic_consume, queue, deliver, auto_ack=True, exclusive=True)
        return queue

    def bind(self, queue: str, exchange: str, pattern: str) -> None:
        self._call(f"bind {pattern!r} on {exchange!r}", self._channel.queue_bind, queue, exchange,
                   routing_key=pattern)

    def get(self, queue: str, timeout: float) -> Message | None:
        inbox = self._inbox[queue]
        deadline = time.monotonic() + max(timeout, 0.0)
        while not inbox:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            # blocks on the socket (not a sleep) until a frame arrives or the time limit passes
            self._call("receive", self._connection.process_data_events, time_limit=remaining)
        return inbox.popleft()

    def publish(self, exchange: str, routing_key: str, body: bytes) -> None:
        props = self._pika.BasicProperties(content_type="application/json", type="Object")
        self._call(f"publish {routing_key!r}", self._channel.basic_publish, exchange, routing_key, body, props)

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception:  # the broker may already be gone; closing must never fail a test
                pass

    def __repr__(self) -> str:
        return f"<PikaTransport {self.url}>"
