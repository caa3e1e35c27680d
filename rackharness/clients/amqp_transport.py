"""The AMQP seam under the event clients: a tiny interface and its pika implementation.

:class:`~rackharness.clients.events.EventTracker` and :class:`~rackharness.clients.events.EventPublisher`
only ever call the six methods of :class:`AmqpTransport`, so an in-memory broker (isolated mode)
or a recorder (record/replay) can stand in for RabbitMQ without touching a test. A fake must
honour the same contract: queues from :meth:`~AmqpTransport.declare_exclusive_queue` belong to
that transport alone, bindings use RabbitMQ topic syntax, and :meth:`~AmqpTransport.get` returns
``None`` only once ``timeout`` seconds have passed without a message, and a refusal by the
broker (RESOURCE_LOCKED, PRECONDITION_FAILED, NOT_FOUND, ...) raises :class:`BrokerRefused` with
RabbitMQ's reply code and ends the transport's channel: every later call raises it again.
``tests/functional/clients/test_amqp_transport_contract.py`` runs one set of tests over both sides.

:func:`open_transport` picks the side from the URL: ``amqp://``/``amqps://`` → :class:`PikaTransport`,
``memory://<name>`` → :class:`~rackharness.clients.memory_broker.MemoryTransport` on the in-process
broker registered under ``<name>`` (so a target and a tracker in one process meet by URL).

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

from urllib.parse import urlsplit

from rackharness.errors import ClientError, ServiceUnavailable
from rackharness.redaction import redact_url

DEFAULT_CONNECT_TIMEOUT = 5.0

#: AMQP reply codes a broker refuses an operation with (the channel is closed afterwards)
ACCESS_REFUSED, NOT_FOUND, RESOURCE_LOCKED, PRECONDITION_FAILED, COMMAND_INVALID = 403, 404, 405, 406, 503
REPLY_NAMES = {ACCESS_REFUSED: "ACCESS_REFUSED", NOT_FOUND: "NOT_FOUND", RESOURCE_LOCKED: "RESOURCE_LOCKED",
               PRECONDITION_FAILED: "PRECONDITION_FAILED", COMMAND_INVALID: "COMMAND_INVALID"}


class BrokerRefused(ClientError):
    """The broker refused a declare, bind, consume, get or ack; ``reply_code`` is AMQP's (405 RESOURCE_LOCKED...)."""

    def __init__(self, reply_code: int, reply_text: str, *, what: str = "", hint: str | None = None) -> None:
        name = REPLY_NAMES.get(reply_code, "refused")
        reply_text = reply_text.removeprefix(f"{name} - ")  # RabbitMQ's texts start with the name
        super().__init__(f"{what + ': ' if what else ''}{name} ({reply_code}) - {reply_text}", hint=hint)
        self.reply_code, self.reply_text = reply_code, reply_text


def open_transport(amqp_url: str, *, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> "AmqpTransport":
    """The transport for ``amqp_url``: pika for ``amqp://``/``amqps://``, the in-process broker for ``memory://``."""
    scheme = urlsplit(amqp_url or "").scheme.lower()
    if scheme in ("amqp", "amqps"):
        return PikaTransport(amqp_url, timeout=timeout)
    if scheme == "memory":
        from rackharness.clients.memory_broker import MemoryTransport  # only isolated mode needs it

        return MemoryTransport.from_url(amqp_url)
    raise ClientError(f"unsupported AMQP URL {redact_url(amqp_url)!r}",
                      hint="use amqp://user:password@host:port/vhost (RabbitMQ) or memory://<name> "
                           "(the in-process broker of isolated mode)")


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
    def ensure_exchange(self, exchange: str, *, type: str = "topic", durable: bool = True,  # noqa: A002
                        auto_delete: bool = False) -> None:
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


class PikaTransport(AmqpTransport):
    """The real side: one pika ``BlockingConnection`` and channel, opened in the constructor."""

    def __init__(self, amqp_url: str, *, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> None:
        import pika  # imported on first use: nothing touches the network at import time

        self._pika = pika
        self.url = redact_url(amqp_url) or ""
        self.timeout = timeout
        self._inbox: dict[str, collections.deque] = {}
        self._connection = None
        self._refused: BrokerRefused | None = None  # set once the broker closed the channel
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
        self._check_usable(what)
        try:
            return fn(*args, **kwargs)
        except self._pika.exceptions.ChannelClosedByBroker as exc:
            # a refused declare/bind/consume is the caller's business (e.g. RESOURCE_LOCKED); the channel is gone
            self._refused = BrokerRefused(exc.reply_code, exc.reply_text, what=f"AMQP broker at {self.url}: {what}")
            raise self._refused from exc
        except (self._pika.exceptions.AMQPError, OSError) as exc:
            raise self._unavailable(what, exc) from exc

    def _check_usable(self, what: str) -> None:
        if self._connection is None:
            raise ServiceUnavailable(f"AMQP broker at {self.url}: {what}: the transport is closed")
        if self._refused is not None:
            raise BrokerRefused(self._refused.reply_code, self._refused.reply_text,
                                what=f"AMQP broker at {self.url}: {what}: the channel was closed by an earlier refusal")

    def ensure_exchange(self, exchange: str, *, type: str = "topic", durable: bool = True,  # noqa: A002
                        auto_delete: bool = False) -> None:
        self._call(f"declare exchange {exchange!r}", self._channel.exchange_declare, exchange,
                   exchange_type=type, durable=durable, auto_delete=auto_delete)

    def exchange_exists(self, exchange: str) -> bool:
        self._check_usable(f"check exchange {exchange!r}")
        try:  # on a channel of its own: RabbitMQ answers a missing exchange by closing the channel
            channel = self._connection.channel()
        except (self._pika.exceptions.AMQPError, OSError) as exc:
            raise self._unavailable(f"check exchange {exchange!r}", exc) from exc
        try:
            channel.exchange_declare(exchange, passive=True)
        except self._pika.exceptions.ChannelClosedByBroker as exc:
            if exc.reply_code == NOT_FOUND:
                return False
            raise BrokerRefused(exc.reply_code, exc.reply_text,
                                what=f"AMQP broker at {self.url}: check exchange {exchange!r}") from exc
        except (self._pika.exceptions.AMQPError, OSError) as exc:
            raise self._unavailable(f"check exchange {exchange!r}", exc) from exc
        if channel.is_open:
            channel.close()
        return True

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
        self._check_usable(f"receive from {queue}")
        inbox = self._inbox.get(queue)
        if inbox is None:
            raise ClientError(f"queue {queue!r} was not declared by this transport",
                              hint="get() reads only queues from this transport's declare_exclusive_queue()")
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

    def keep_alive(self) -> None:
        self._call("keep alive", lambda: self._connection.process_data_events(0))

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception:  # the broker may already be gone; closing must never fail a test
                pass

    def __repr__(self) -> str:
        return f"<PikaTransport {self.url}>"
