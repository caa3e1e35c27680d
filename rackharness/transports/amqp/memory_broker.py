"""An in-process AMQP broker for isolated mode and tests (the fake side's engine, see :mod:`.memory_side`).

:class:`MemoryBroker` keeps RabbitMQ's semantics for everything the harness and the target touch,
with no I/O and no thread of its own:

* exchanges of type ``topic`` (``*`` one word, ``#`` zero or more, through
  :func:`~rackharness.transports.amqp.base.topic_matches`), ``direct`` and ``fanout``, durable or not,
  auto-delete or not; redeclaring one with another type or flag is refused 406 PRECONDITION_FAILED
  ("inequivalent arg"); ``amq.*`` names are reserved (403); the default exchange ``""`` routes to
  the queue named by the routing key; an auto-delete exchange goes when its last binding does;
* queues, server-named (``amq.gen-...``) or named: an **exclusive** queue belongs to the
  connection that declared it (any other connection touching it is refused 405 RESOURCE_LOCKED)
  and is deleted when that connection closes; an auto-delete queue goes with its last consumer;
* a publish puts one copy into every queue with a matching binding, however many bindings match;
  an unroutable message is dropped; each queue keeps publish order;
* deliveries carry a per-connection ``delivery_tag``; unless taken with ``no_ack`` they stay
  unacked until :meth:`BrokerConnection.basic_ack` and go back to the head of their queue, marked
  ``redelivered``, on reject/nack with requeue or when their connection closes.

Refusals raise :class:`~rackharness.transports.amqp.base.BrokerRefused` with RabbitMQ's reply code
and text; a closed connection raises :class:`~rackharness.errors.ServiceUnavailable`. A blocking
receive (:meth:`BrokerConnection.next_delivery`) waits on a condition variable, so a publish from
another thread wakes it at once.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from rackharness.errors import ClientError, ServiceUnavailable
from rackharness.transports.amqp.base import (
    ACCESS_REFUSED,
    COMMAND_INVALID,
    NOT_FOUND,
    PRECONDITION_FAILED,
    RESOURCE_LOCKED,
    BrokerRefused,
    Message,
    topic_matches,
)

EXCHANGE_TYPES = ("topic", "direct", "fanout")
DEFAULT_BROKER = "default"


@dataclass(frozen=True)
class Delivery:
    """One message handed to a connection, with what AMQP's basic.deliver/get-ok carries."""

    delivery_tag: int
    exchange: str
    routing_key: str
    body: bytes
    properties: dict[str, Any]
    redelivered: bool = False

    def message(self) -> Message:
        return Message.from_bytes(self.routing_key, self.body, self.exchange)


@dataclass(frozen=True)
class _Stored:
    exchange: str
    routing_key: str
    body: bytes
    properties: dict[str, Any]
    redelivered: bool = False


@dataclass(eq=False)
class _Exchange:
    name: str
    type: str
    durable: bool
    auto_delete: bool
    #: (queue name, binding key), in the order they were bound
    bindings: dict[tuple[str, str], None] = field(default_factory=dict)

    def routes(self, binding_key: str, routing_key: str) -> bool:
        if self.type == "fanout":
            return True
        if self.type == "direct":
            return binding_key == routing_key
        return topic_matches(binding_key, routing_key)


@dataclass(eq=False)
class _Queue:
    name: str
    durable: bool
    owner: "BrokerConnection | None"  # the connection an exclusive queue belongs to
    auto_delete: bool
    ready: threading.Condition
    messages: collections.deque = field(default_factory=collections.deque)
    #: consumer tag -> (connection, no_ack, exclusive)
    consumers: dict[str, tuple["BrokerConnection", bool, bool]] = field(default_factory=dict)
    deleted: bool = False


def _flag(value: bool) -> str:
    return "true" if value else "false"


class MemoryBroker:
    """One virtual host's exchanges, queues and bindings; :meth:`connect` opens a connection to it."""

    def __init__(self, name: str = DEFAULT_BROKER) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._exchanges: dict[str, _Exchange] = {
            name: _Exchange(name, type_, True, False)
            for name, type_ in (("amq.direct", "direct"), ("amq.fanout", "fanout"), ("amq.topic", "topic"))
        }
        self._queues: dict[str, _Queue] = {}
        self._connections: dict[int, BrokerConnection] = {}
        self._numbers = itertools.count(1)

    def connect(self) -> "BrokerConnection":
        with self._lock:
            connection = BrokerConnection(self, next(self._numbers))
            self._connections[connection.number] = connection
            return connection

    # -- introspection (tests, reports) ------------------------------------------------------------
    def exchanges(self) -> dict[str, str]:
        """Exchange name -> type."""
        with self._lock:
            return {name: exchange.type for name, exchange in self._exchanges.items()}

    def queues(self) -> dict[str, int]:
        """Queue name -> messages ready (not counting unacked ones)."""
        with self._lock:
            return {name: len(queue.messages) for name, queue in self._queues.items()}

    def bindings(self, exchange: str) -> list[tuple[str, str]]:
        """(queue, binding key) pairs on ``exchange``, in binding order."""
        with self._lock:
            found = self._exchanges.get(exchange)
            return list(found.bindings) if found else []

    @property
    def connection_count(self) -> int:
        with self._lock:
            return len(self._connections)

    def __repr__(self) -> str:
        with self._lock:
            return (
                f"<MemoryBroker {self.name!r}: {len(self._exchanges)} exchanges, {len(self._queues)} queues, "
                f"{len(self._connections)} connections>"
            )

    # -- internals, called with the lock held -----------------------------------------------------
    def _delete_queue(self, queue: _Queue) -> None:
        queue.deleted = True
        self._queues.pop(queue.name, None)
        for connection, _no_ack, _exclusive in queue.consumers.values():
            connection._consumers = {t: q for t, q in connection._consumers.items() if q is not queue}
        queue.consumers.clear()
        for exchange in list(self._exchanges.values()):
            doomed = [binding for binding in exchange.bindings if binding[0] == queue.name]
            for binding in doomed:
                self._unbind(exchange, binding)
        queue.ready.notify_all()

    def _unbind(self, exchange: _Exchange, binding: tuple[str, str]) -> None:
        exchange.bindings.pop(binding, None)
        if exchange.auto_delete and not exchange.bindings:
            self._exchanges.pop(exchange.name, None)


class BrokerConnection:
    """One client connection (with its one channel): AMQP's declare/bind/publish/get/consume/ack."""

    def __init__(self, broker: MemoryBroker, number: int) -> None:
        self.broker = broker
        self.number = number
        self._lock = broker._lock
        self._open = True
        self._tags = itertools.count(1)
        self._consumer_numbers = itertools.count(1)
        self._unacked: dict[int, tuple[_Queue, _Stored]] = {}
        self._consumers: dict[str, _Queue] = {}

    @property
    def is_open(self) -> bool:
        return self._open

    def __repr__(self) -> str:
        return f"<BrokerConnection {self.number} to memory://{self.broker.name}{'' if self._open else ' closed'}>"

    # -- lookups (lock held) ----------------------------------------------------------------------
    def _check_open(self) -> None:
        if not self._open:
            raise ServiceUnavailable(f"memory broker {self.broker.name!r}: connection {self.number} is closed")

    def _queue(self, name: str) -> _Queue:
        queue = self.broker._queues.get(name)
        if queue is None:
            raise BrokerRefused(NOT_FOUND, f"no queue '{name}' in vhost '/'")
        if queue.owner is not None and queue.owner is not self:
            self._queue_locked(name)
        return queue

    def _exchange(self, name: str) -> _Exchange:
        exchange = self.broker._exchanges.get(name)
        if exchange is None:
            raise BrokerRefused(NOT_FOUND, f"no exchange '{name}' in vhost '/'")
        return exchange

    # -- exchanges --------------------------------------------------------------------------------
    def exchange_declare(
        self,
        exchange: str,
        type: str = "topic",
        *,
        durable: bool = False,  # noqa: A002
        auto_delete: bool = False,
        passive: bool = False,
    ) -> None:
        with self._lock:
            self._check_open()
            if passive:
                self._exchange(exchange)
                return
            if exchange == "":
                raise BrokerRefused(ACCESS_REFUSED, "operation not permitted on the default exchange")
            existing = self.broker._exchanges.get(exchange)
            if existing is not None:
                for arg, received, current in (
                    ("type", type, existing.type),
                    ("durable", _flag(durable), _flag(existing.durable)),
                    ("auto_delete", _flag(auto_delete), _flag(existing.auto_delete)),
                ):
                    if received != current:
                        raise BrokerRefused(
                            PRECONDITION_FAILED,
                            f"inequivalent arg '{arg}' for exchange '{exchange}' "
                            f"in vhost '/': received '{received}' but current is '{current}'",
                        )
                return
            if type not in EXCHANGE_TYPES:
                raise BrokerRefused(COMMAND_INVALID, f"unknown exchange type '{type}'")
            if exchange.startswith("amq."):
                raise BrokerRefused(ACCESS_REFUSED, f"exchange name '{exchange}' contains reserved prefix 'amq.*'")
            self.broker._exchanges[exchange] = _Exchange(exchange, type, durable, auto_delete)

    def exchange_delete(self, exchange: str, *, if_unused: bool = False) -> None:
        """Idempotent, like RabbitMQ's: deleting a missing exchange is not an error."""
        with self._lock:
            self._check_open()
            if exchange == "" or exchange.startswith("amq."):
                raise BrokerRefused(ACCESS_REFUSED, f"operation not permitted on exchange '{exchange}'")
            found = self.broker._exchanges.get(exchange)
            if found is None:
                return
            if if_unused and found.bindings:
                raise BrokerRefused(PRECONDITION_FAILED, f"exchange '{exchange}' in vhost '/' in use")
            del self.broker._exchanges[exchange]

    # -- queues -----------------------------------------------------------------------------------
    def queue_declare(
        self,
        queue: str = "",
        *,
        durable: bool = False,
        exclusive: bool = False,
        auto_delete: bool = False,
        passive: bool = False,
    ) -> str:
        """The queue's name (server-generated ``amq.gen-...`` when ``queue`` is empty)."""
        with self._lock:
            self._check_open()
            if passive:
                return self._queue(queue).name
            if queue == "":
                queue = "amq.gen-" + secrets.token_urlsafe(16)[:22]
            elif queue.startswith("amq."):
                raise BrokerRefused(ACCESS_REFUSED, f"queue name '{queue}' contains reserved prefix 'amq.*'")
            existing = self.broker._queues.get(queue)
            if existing is not None:
                self._queue(queue)  # RESOURCE_LOCKED if another connection owns it
                if (existing.owner is not None) != exclusive:
                    self._queue_locked(queue)
                for arg, received, current in (
                    ("durable", durable, existing.durable),
                    ("auto_delete", auto_delete, existing.auto_delete),
                ):
                    if received != current:
                        raise BrokerRefused(
                            PRECONDITION_FAILED,
                            f"inequivalent arg '{arg}' for queue '{queue}' in "
                            f"vhost '/': received '{_flag(received)}' but current is '{_flag(current)}'",
                        )
                return queue
            self.broker._queues[queue] = _Queue(
                queue, durable, self if exclusive else None, auto_delete, threading.Condition(self._lock)
            )
            return queue

    @staticmethod
    def _queue_locked(name: str) -> None:
        raise BrokerRefused(
            RESOURCE_LOCKED,
            f"cannot obtain exclusive access to locked queue '{name}' in vhost '/'. "
            "It could be originally declared on another connection or the exclusive property "
            "value does not match that of the original declaration.",
        )

    def queue_delete(self, queue: str, *, if_unused: bool = False, if_empty: bool = False) -> int:
        """Messages deleted with the queue; a missing queue counts 0 (idempotent, like RabbitMQ's)."""
        with self._lock:
            self._check_open()
            if queue not in self.broker._queues:
                return 0
            found = self._queue(queue)
            if if_unused and found.consumers:
                raise BrokerRefused(PRECONDITION_FAILED, f"queue '{queue}' in vhost '/' in use")
            if if_empty and found.messages:
                raise BrokerRefused(PRECONDITION_FAILED, f"queue '{queue}' in vhost '/' not empty")
            count = len(found.messages)
            self.broker._delete_queue(found)
            return count

    def queue_bind(self, queue: str, exchange: str, routing_key: str = "") -> None:
        with self._lock:
            self._check_open()
            if exchange == "":
                raise BrokerRefused(ACCESS_REFUSED, "operation not permitted on the default exchange")
            found = self._queue(queue)
            self._exchange(exchange).bindings.setdefault((found.name, routing_key), None)

    def queue_unbind(self, queue: str, exchange: str, routing_key: str = "") -> None:
        with self._lock:
            self._check_open()
            found = self._queue(queue)
            self.broker._unbind(self._exchange(exchange), (found.name, routing_key))

    # -- publishing -------------------------------------------------------------------------------
    def basic_publish(
        self, exchange: str, routing_key: str, body: bytes, properties: dict[str, Any] | None = None
    ) -> int:
        """Route one message; the number of queues it reached (0: unroutable, dropped)."""
        if not isinstance(body, (bytes, bytearray)):
            raise ClientError(f"a message body must be bytes, not {type(body).__name__}")
        stored = _Stored(exchange, routing_key, bytes(body), dict(properties or {}))
        with self._lock:
            self._check_open()
            if exchange == "":
                target = self.broker._queues.get(routing_key)
                targets = [target] if target is not None else []
            else:
                found = self._exchange(exchange)
                names = dict.fromkeys(name for name, key in found.bindings if found.routes(key, routing_key))
                targets = [self.broker._queues[name] for name in names if name in self.broker._queues]
            for queue in targets:
                queue.messages.append(stored)
                queue.ready.notify()
            return len(targets)

    # -- receiving --------------------------------------------------------------------------------
    def _deliver(self, queue: _Queue, stored: _Stored, no_ack: bool) -> Delivery:
        tag = next(self._tags)
        if not no_ack:
            self._unacked[tag] = (queue, stored)
        return Delivery(
            tag, stored.exchange, stored.routing_key, stored.body, dict(stored.properties), stored.redelivered
        )

    def basic_get(self, queue: str, *, no_ack: bool = False) -> Delivery | None:
        """The next message on ``queue`` now, or ``None`` (AMQP's basic.get: never waits)."""
        with self._lock:
            self._check_open()
            found = self._queue(queue)
            return self._deliver(found, found.messages.popleft(), no_ack) if found.messages else None

    def basic_consume(self, queue: str, *, no_ack: bool = False, exclusive: bool = False) -> str:
        """Subscribe to ``queue``; take its messages with :meth:`next_delivery`. Returns the consumer tag."""
        with self._lock:
            self._check_open()
            found = self._queue(queue)
            if any(flags[2] for flags in found.consumers.values()) or (exclusive and found.consumers):
                raise BrokerRefused(ACCESS_REFUSED, f"queue '{queue}' in vhost '/' in exclusive use")
            tag = f"ctag{self.number}.{next(self._consumer_numbers)}"
            found.consumers[tag] = (self, no_ack, exclusive)
            self._consumers[tag] = found
            return tag

    def basic_cancel(self, consumer_tag: str) -> None:
        with self._lock:
            self._cancel(consumer_tag)

    def _cancel(self, consumer_tag: str) -> None:
        queue = self._consumers.pop(consumer_tag, None)
        if queue is None:
            return
        queue.consumers.pop(consumer_tag, None)
        if queue.auto_delete and not queue.consumers and not queue.deleted:
            self.broker._delete_queue(queue)
        queue.ready.notify_all()

    def next_delivery(self, consumer_tag: str, timeout: float) -> Delivery | None:
        """The next message for consumer ``consumer_tag``, waiting up to ``timeout`` s; ``None`` if none came."""
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._lock:
            while True:
                self._check_open()
                queue = self._consumers.get(consumer_tag)
                if queue is None:
                    raise ClientError(
                        f"memory broker {self.broker.name!r}: no consumer {consumer_tag!r} on "
                        f"connection {self.number} (cancelled, or its queue was deleted)"
                    )
                if queue.messages:
                    return self._deliver(queue, queue.messages.popleft(), queue.consumers[consumer_tag][1])
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                queue.ready.wait(remaining)

    # -- acknowledgements -------------------------------------------------------------------------
    def _settle(self, delivery_tag: int, multiple: bool) -> list[tuple[_Queue, _Stored]]:
        if delivery_tag not in self._unacked:
            raise BrokerRefused(PRECONDITION_FAILED, f"unknown delivery tag {delivery_tag}")
        tags = [t for t in self._unacked if t <= delivery_tag] if multiple else [delivery_tag]
        return [self._unacked.pop(t) for t in tags]

    def _requeue(self, settled: list[tuple[_Queue, _Stored]]) -> None:
        for queue, stored in reversed(settled):  # back to the head, in their original order
            if not queue.deleted:
                queue.messages.appendleft(dataclasses.replace(stored, redelivered=True))
                queue.ready.notify()

    def basic_ack(self, delivery_tag: int, *, multiple: bool = False) -> None:
        with self._lock:
            self._check_open()
            self._settle(delivery_tag, multiple)

    def basic_nack(self, delivery_tag: int, *, multiple: bool = False, requeue: bool = True) -> None:
        with self._lock:
            self._check_open()
            settled = self._settle(delivery_tag, multiple)
            if requeue:
                self._requeue(settled)

    def basic_reject(self, delivery_tag: int, *, requeue: bool = True) -> None:
        self.basic_nack(delivery_tag, requeue=requeue)

    @property
    def unacked(self) -> list[int]:
        with self._lock:
            return list(self._unacked)

    # -- closing ----------------------------------------------------------------------------------
    def cancel_all(self) -> None:
        """Cancel this connection's consumers (what closing its channel does); auto-delete queues go."""
        with self._lock:
            for tag in list(self._consumers):
                self._cancel(tag)

    def close(self) -> None:
        """Requeue unacked messages (redelivered), cancel consumers, delete exclusive queues; idempotent."""
        with self._lock:
            if not self._open:
                return
            self._open = False
            settled, self._unacked = list(self._unacked.values()), {}
            self._requeue(settled)
            for tag in list(self._consumers):
                self._cancel(tag)
            for queue in [q for q in self.broker._queues.values() if q.owner is self]:
                self.broker._delete_queue(queue)
            self.broker._connections.pop(self.number, None)

    def __enter__(self) -> "BrokerConnection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
