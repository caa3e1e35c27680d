"""The real side of the AMQP seam: :class:`PikaTransport`, one blocking pika connection to RabbitMQ.

It opens one blocking connection with bounded socket, handshake and blocked timeouts (pika is
imported in the constructor, so nothing touches the network at import time); any failure to reach
or keep the broker becomes :class:`~rackharness.errors.ServiceUnavailable` naming the URL with its
password masked, and a refusal :class:`~rackharness.transports.amqp.base.BrokerRefused`.
"""

from __future__ import annotations

import collections
import time

from rackharness.errors import ServiceUnavailable
from rackharness.invocation import named
from rackharness.redaction import redact_url
from rackharness.transports.amqp.base import (
    DEFAULT_CONNECT_TIMEOUT,
    NOT_FOUND,
    AmqpTransport,
    BrokerRefused,
    Message,
    not_declared,
)


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
            hint=named(
                "check that RabbitMQ is up (`./stack.sh status`) and that amqp_url in the stack "
                "state points at it; credentials are shown with `./stack.sh status --show-secrets`"
            ),
        )

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
            raise BrokerRefused(
                self._refused.reply_code,
                self._refused.reply_text,
                what=f"AMQP broker at {self.url}: {what}: the channel was closed by an earlier refusal",
            )

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
            self._channel.exchange_declare,
            exchange,
            exchange_type=type,
            durable=durable,
            auto_delete=auto_delete,
        )

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
            raise BrokerRefused(
                exc.reply_code, exc.reply_text, what=f"AMQP broker at {self.url}: check exchange {exchange!r}"
            ) from exc
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
        self._call(f"bind {pattern!r} on {exchange!r}", self._channel.queue_bind, queue, exchange, routing_key=pattern)

    def get(self, queue: str, timeout: float) -> Message | None:
        self._check_usable(f"receive from {queue}")
        inbox = self._inbox.get(queue)
        if inbox is None:
            raise not_declared(queue)
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
