"""The fake side of the AMQP seam: :class:`MemoryTransport` on a :class:`~.memory_broker.MemoryBroker`.

Brokers are found by name (:func:`named_broker`) and ``memory://<name>`` URLs resolve through the
same registry, so the target's event bus and the suite's
:class:`~rackharness.clients.events.EventTracker` in one process meet on one broker:
``open_transport("memory://isolated")``. It imports only the seam's contract
(:mod:`.base`) and the broker, never the pika side.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import urlsplit

from rackharness.errors import ClientError, ServiceUnavailable
from rackharness.transports.amqp.base import NOT_FOUND, AmqpTransport, BrokerRefused, Message, not_declared
from rackharness.transports.amqp.memory_broker import DEFAULT_BROKER, MemoryBroker

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_registry_lock = threading.Lock()
_brokers: dict[str, MemoryBroker] = {}


def named_broker(name: str = DEFAULT_BROKER) -> MemoryBroker:
    """The process's broker called ``name``, created on first use."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ClientError(
            f"bad memory broker name {name!r}",
            hint="letters, digits, '.', '_' and '-', starting with a letter or digit",
        )
    with _registry_lock:
        broker = _brokers.get(name)
        if broker is None:
            broker = _brokers[name] = MemoryBroker(name)
        return broker


def forget_broker(name: str) -> MemoryBroker | None:
    """Drop ``name`` from the registry (open connections keep the old broker; the next user gets a new one)."""
    with _registry_lock:
        return _brokers.pop(name, None)


def broker_for_url(url: str) -> MemoryBroker:
    """``memory://<name>`` (``memory://`` alone: ``default``) -> that broker. Credentials are ignored."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "memory":
        raise ClientError(
            f"not a memory broker URL: {parts.scheme or '(no scheme)'}://...",
            hint="memory://<name>, e.g. memory://isolated",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ClientError(
            f"memory broker URL memory://{parts.netloc.rpartition('@')[2]}... has a path or query",
            hint="memory://<name> names the broker; there are no virtual hosts",
        )
    return named_broker(parts.netloc.rpartition("@")[2] or DEFAULT_BROKER)


class MemoryTransport(AmqpTransport):
    """The fake side of :class:`~rackharness.transports.amqp.base.AmqpTransport`: one connection to a broker."""

    def __init__(self, broker: MemoryBroker | str = DEFAULT_BROKER) -> None:
        self.broker = broker if isinstance(broker, MemoryBroker) else named_broker(broker)
        self.url = f"memory://{self.broker.name}"
        self.connection = self.broker.connect()
        self._consumers: dict[str, str] = {}  # queue -> consumer tag
        self._refused: BrokerRefused | None = None

    @classmethod
    def from_url(cls, url: str) -> "MemoryTransport":
        return cls(broker_for_url(url))

    def _check_usable(self, what: str) -> None:
        if not self.connection.is_open:
            raise ServiceUnavailable(f"AMQP broker at {self.url}: {what}: the transport is closed")
        if self._refused is not None:
            raise BrokerRefused(
                self._refused.reply_code,
                self._refused.reply_text,
                what=f"AMQP broker at {self.url}: {what}: the channel was closed by an earlier refusal",
            )

    def _call(self, what: str, fn, *args, **kwargs):
        self._check_usable(what)
        try:
            return fn(*args, **kwargs)
        except BrokerRefused as exc:
            # as RabbitMQ closes the channel: its consumers go (and with them auto-delete queues)
            self._refused = BrokerRefused(exc.reply_code, exc.reply_text, what=f"AMQP broker at {self.url}: {what}")
            self.connection.cancel_all()
            self._consumers.clear()
            raise self._refused from None

    def ensure_exchange(
        self,
        exchange: str,
        *,
        type: str = "topic",
        durable: bool = True,  # noqa: A002
        auto_delete: bool = False,
    ) -> None:
        self._call(
            f"declare exchange {exchange!r}",
            self.connection.exchange_declare,
            exchange,
            type,
            durable=durable,
            auto_delete=auto_delete,
        )

    def exchange_exists(self, exchange: str) -> bool:
        self._check_usable(f"check exchange {exchange!r}")
        try:  # straight on the connection: a missing exchange does not end this transport's channel
            self.connection.exchange_declare(exchange, passive=True)
        except BrokerRefused as exc:
            if exc.reply_code == NOT_FOUND:
                return False
            raise
        return True

    def declare_exclusive_queue(self) -> str:
        queue = self._call("declare a queue", self.connection.queue_declare, "", exclusive=True, auto_delete=True)
        self._consumers[queue] = self._call(
            f"consume {queue}", self.connection.basic_consume, queue, no_ack=True, exclusive=True
        )
        return queue

    def bind(self, queue: str, exchange: str, pattern: str) -> None:
        self._call(f"bind {pattern!r} on {exchange!r}", self.connection.queue_bind, queue, exchange, pattern)

    def get(self, queue: str, timeout: float) -> Message | None:
        self._check_usable(f"receive from {queue}")
        tag = self._consumers.get(queue)
        if tag is None:
            raise not_declared(queue)
        delivery = self._call("receive", self.connection.next_delivery, tag, timeout)
        return delivery.message() if delivery is not None else None

    def publish(self, exchange: str, routing_key: str, body: bytes) -> None:
        self._call(
            f"publish {routing_key!r}",
            self.connection.basic_publish,
            exchange,
            routing_key,
            body,
            {"content_type": "application/json", "type": "Object"},
        )

    def keep_alive(self) -> None:
        self._check_usable("keep alive")

    def close(self) -> None:
        self.connection.close()

    def __repr__(self) -> str:
        return f"<MemoryTransport {self.url} connection {self.connection.number}>"
