"""RackHD's events on AMQP: the ``on.events`` topic exchange, external events and the heartbeat.

Contract §2 (on-core ``lib/common/messenger.js``, ``lib/protocol/events.js``):

* exchange ``on.events``: topic, durable, not auto-deleted; bodies are JSON;
* external events: routing key ``<type>.<action>.<severity>.<typeId>[.<nodeId>]`` and envelope
  ``{version: "1.0", type, action, severity, typeId, nodeId, data, createdAt}``;
* ``heartbeat.updated.information.<host>.on-http`` every ``heartbeatIntervalSec`` (10) seconds.

:class:`AmqpEventBus` hands every message to one publisher thread through a queue: publishing
never blocks or fails a request or a graph, and messages leave in the order they were published
(a graph's started → progress → finished). The thread connects lazily and reconnects after a
failure, at most every ``retry_seconds``; while RabbitMQ is unreachable events are dropped and
counted (``dropped``), the outage logged once, with the URL's password hidden.

The bus talks to the broker only through the AMQP seam
:class:`~rackharness.transports.amqp.base.AmqpTransport`: ``open_transport(url)`` by default
(RabbitMQ for ``amqp://``, the in-process broker for ``memory://<name>``), or any ``connect``
callable that returns a transport.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import platform
import queue
import resource
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

from rackharness.redaction import redact_url
from rackharness.reference.documents import iso, now
from rackharness.transports.amqp.base import AmqpTransport
from rackharness.transports.amqp.chooser import open_transport

log = logging.getLogger(__name__)

EXCHANGE = "on.events"
CONNECT_TIMEOUT = 5.0
_STOP = object()


def external_routing_key(type_: str, action: str, severity: str, type_id: str, node_id: str | None) -> str:
    key = f"{type_}.{action}.{severity}.{type_id}"
    return f"{key}.{node_id}" if node_id else key


def external_event(
    type_: str, action: str, severity: str, type_id: str, node_id: str | None, data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "version": "1.0",
        "type": type_,
        "action": action,
        "severity": severity,
        "typeId": type_id,
        "nodeId": node_id,
        "data": data,
        "createdAt": iso(now()),
    }


def _json_default(value: Any) -> Any:
    """Timestamps as RackHD renders them; ObjectIds and anything else as strings."""
    return iso(value) if isinstance(value, dt.datetime) else str(value)


def encode_event(body: dict[str, Any]) -> bytes:
    """An event body as the bytes RackHD sends (on AMQP and to hooks): JSON, UTF-8."""
    return json.dumps(body, default=_json_default).encode("utf-8")


def _stamp(seconds: float) -> str:
    return iso(dt.datetime.fromtimestamp(seconds, dt.timezone.utc))


def _reason(exc: BaseException) -> str:
    """One line: our errors carry a message (URL already redacted) apart from their hint."""
    return f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"


class AmqpEventBus:
    """EventBus over an AMQP transport; safe to call from any thread. ``close()`` sends what is queued first."""

    def __init__(
        self,
        url: str,
        exchange: str = EXCHANGE,
        *,
        max_queue: int = 10000,
        retry_seconds: float = 1.0,
        connect: Callable[[], AmqpTransport] | None = None,
    ) -> None:
        self.url = url
        self.exchange = exchange
        self.retry_seconds = retry_seconds
        self._connect_transport = connect or (lambda: open_transport(url, timeout=CONNECT_TIMEOUT))
        self._queue: queue.Queue = queue.Queue(maxsize=max_queue)
        self._transport: AmqpTransport | None = None
        self._retry_at = 0.0  # monotonic time of the next connection attempt
        self._down = False  # the last attempt failed (log an outage once, not per event)
        self.dropped = 0  # events that could not be sent
        self._thread = threading.Thread(target=self._run, name="rackharness-amqp-publisher", daemon=True)
        self._thread.start()

    # -- EventBus -----------------------------------------------------------------------------
    def publish(self, routing_key: str, body: dict[str, Any]) -> None:
        try:
            self._queue.put_nowait((routing_key, encode_event(body)))
        except queue.Full:
            log.error(
                "AMQP publish queue full (%d messages): dropped %s; is RabbitMQ at %s reachable?",
                self._queue.maxsize,
                routing_key,
                redact_url(self.url),
            )

    def publish_external(
        self, type_: str, action: str, severity: str, type_id: str, node_id: str | None, data: dict[str, Any]
    ) -> None:
        self.publish(
            external_routing_key(type_, action, severity, type_id, node_id),
            external_event(type_, action, severity, type_id, node_id, data),
        )

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything published so far has been handed to RabbitMQ (or dropped)."""
        sent = threading.Event()
        try:
            self._queue.put((None, sent), timeout=timeout)
        except queue.Full:
            return False
        return sent.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        self.flush(timeout)
        self._queue.put(_STOP)
        self._thread.join(timeout)

    # -- the publisher thread -----------------------------------------------------------------
    def _run(self) -> None:
        self._transport_or_none()  # declare on.events at once, so consumers can bind before the first event
        while True:
            try:
                item = self._queue.get(timeout=5.0)
            except queue.Empty:
                self._keep_alive()
                continue
            if item is _STOP:
                break
            routing_key, payload = item
            if routing_key is None:
                payload.set()  # a flush marker
                continue
            self._send(routing_key, payload)
        self._disconnect()

    def _keep_alive(self) -> None:
        """Answer AMQP heartbeats while idle, so RabbitMQ does not drop a quiet connection."""
        if self._transport is not None:
            try:
                self._transport.keep_alive()
            except Exception as exc:
                log.warning("AMQP: connection lost while idle (%s); reconnecting on the next event", _reason(exc))
                self._disconnect()

    def _transport_or_none(self) -> AmqpTransport | None:
        """The open transport; else one connection attempt at most every ``retry_seconds``."""
        if self._transport is not None or time.monotonic() < self._retry_at:
            return self._transport
        try:
            self._connect()
        except Exception as exc:  # transports raise ClientErrors, a custom connect anything: "not reachable now"
            self._disconnect()
            self._retry_at = time.monotonic() + self.retry_seconds
            if not self._down:
                log.error(
                    "AMQP: cannot reach RabbitMQ at %s (%s): events are dropped until it answers (retrying every %g s)",
                    redact_url(self.url),
                    _reason(exc),
                    self.retry_seconds,
                )
            self._down = True
            return None
        if self._down:
            log.warning("AMQP: reconnected to %s; %d events were dropped meanwhile", redact_url(self.url), self.dropped)
        self._down = False
        return self._transport

    def _send(self, routing_key: str, body: bytes) -> None:
        for _attempt in (1, 2):
            transport = self._transport_or_none()
            if transport is None:
                break
            try:
                transport.publish(self.exchange, routing_key, body)
                return
            except Exception as exc:  # the connection broke: reconnect once and resend
                self._disconnect()
                self._retry_at = 0.0
                log.warning("AMQP: publish of %s failed (%s); reconnecting", routing_key, _reason(exc))
        self.dropped += 1

    def _connect(self) -> None:
        transport = self._connect_transport()
        try:
            transport.ensure_exchange(self.exchange)  # topic, durable, not auto-deleted
        except BaseException:
            transport.close()
            raise
        self._transport = transport

    def _disconnect(self) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            try:
                transport.close()
            except Exception:
                pass


class Heartbeat:
    """Publishes ``heartbeat.updated.information.<host>.<service>`` every ``interval`` seconds."""

    def __init__(self, bus: Any, interval: float = 10.0, *, service: str = "on-http", host: str | None = None) -> None:
        if interval <= 0:
            raise ValueError(f"heartbeatIntervalSec must be positive, got {interval!r}")
        self.bus = bus
        self.interval = float(interval)
        self.service = service
        self.host = host or socket.getfqdn()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: str | None = None

    @classmethod
    def from_config(cls, bus: Any, config: dict[str, Any]) -> "Heartbeat":
        return cls(bus, float(config.get("heartbeatIntervalSec", 10)))

    def data(self) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        current = time.time()
        # RackHD's heartbeat is Node's process facts (release, versions, memoryUsage, cpuUsage in µs): the same
        # keys, filled with this Python process's nearest values
        version = platform.python_version()
        source = f"https://www.python.org/ftp/python/{version}/Python-{version}.tgz"
        rss = usage.ru_maxrss * 1024
        data = {
            "name": self.service,
            "title": "rackharness-target",
            "pid": os.getpid(),
            "uid": os.getuid(),
            "platform": platform.system().lower(),
            "release": {"name": "python", "lts": "", "sourceUrl": source, "headersUrl": source},
            "versions": {"python": version, "openssl": ssl.OPENSSL_VERSION.split()[1]},
            "memoryUsage": {"rss": rss, "heapTotal": rss, "heapUsed": rss, "external": 0},
            "cpuUsage": {"user": round(usage.ru_utime * 1e6), "system": round(usage.ru_stime * 1e6)},
            "currentTime": _stamp(current),
            "nextUpdate": _stamp(current + self.interval),
            "lastUpdate": self._last,
        }
        self._last = data["currentTime"]
        return data

    def beat(self) -> None:
        self.bus.publish_external(
            "heartbeat", "updated", "information", f"{self.host}.{self.service}", None, self.data()
        )

    def start(self) -> "Heartbeat":
        self._thread = threading.Thread(target=self._loop, name="rackharness-heartbeat", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.beat()
            except Exception:
                log.exception("heartbeat failed")
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
