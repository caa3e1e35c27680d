"""Webhooks: every external event the target publishes is also POSTed to the hooks whose filters match.

RackHD (on-core ``lib/protocol/events.js`` ``publishExternalEvent`` → ``lib/common/hook.js``)
publishes the envelope on ``on.events`` and, at the same time, POSTs the same object as JSON
(``Content-Type: application/json``) to every stored hook whose filters match
(:mod:`rackharness.reference.hook_filters`); no retry, errors are not reported to anyone.

Here delivery never blocks or slows the publisher (request threads, the workflow engine): the
publisher hands the envelope to a bounded queue (:meth:`HookDelivery.offer`, a ``put_nowait``); a
dispatcher thread matches it against the hooks and hands one POST per matching hook to a pool of
worker threads. Each POST has a timeout; a failure (refused, timed out, a non-2xx answer) is logged
with the URL's password masked, counted and dropped. When the queue is full the event is dropped
for every hook and counted (``dropped``), logged at most every ``LOG_EVERY`` seconds.

Hooks are read from the ``hooks`` collection and cached: the API calls :meth:`invalidate` after
each write, and the cache is re-read every ``refresh_seconds`` anyway (a hook written straight
into Mongo is seen within that time).

:class:`HookedEventBus` puts this in front of any EventBus, so the envelope POSTed is the one
published on AMQP.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import requests

from rackharness.redaction import MASK, redact_url
from rackharness.reference.events import encode_event, external_event, external_routing_key
from rackharness.reference.hook_filters import hook_matches

log = logging.getLogger(__name__)

LOG_EVERY = 30.0  # seconds between repeated warnings about one URL (or about a full queue)
_STOP = object()


def hide_password(text: str, url: str) -> str:
    """``text`` with the password of ``url`` (as written and decoded) masked, and the URL redacted."""
    text = text.replace(url, redact_url(url) or "")
    password = urlsplit(url).password
    for secret in {password, unquote(password or "")} - {None, ""}:
        text = text.replace(secret, MASK)
    return text


class HookDelivery:
    """Delivers events to hooks in the background; ``offer`` is safe to call from any thread."""

    def __init__(
        self,
        read_hooks: Callable[[], list[dict[str, Any]]],
        *,
        workers: int = 4,
        max_queue: int = 1000,
        timeout: float = 5.0,
        refresh_seconds: float = 2.0,
        session_factory: Callable[[], requests.Session] = requests.Session,
    ) -> None:
        if workers < 1 or max_queue < 1 or timeout <= 0:
            raise ValueError(
                f"hook delivery needs workers >= 1, max_queue >= 1 and timeout > 0; "
                f"got {workers}, {max_queue}, {timeout}"
            )
        self._read_hooks = read_hooks
        self.timeout = timeout
        self.refresh_seconds = refresh_seconds
        self._session_factory = session_factory
        self._events: queue.Queue = queue.Queue(maxsize=max_queue)
        self._posts: queue.Queue = queue.Queue(maxsize=max_queue)
        self._lock = threading.Lock()
        self._cache: list[dict[str, Any]] | None = None
        self._cached_at = 0.0
        self._generation = 0
        self._warned: dict[str, float] = {}  # URL (or "queue") → monotonic time of its last warning
        self.dropped = 0  # events dropped because the queue was full
        self.delivered = 0  # POSTs answered 2xx
        self.failed = 0  # POSTs that failed
        self._threads = [threading.Thread(target=self._dispatch, name="rackharness-hooks-dispatch", daemon=True)]
        self._threads += [
            threading.Thread(target=self._work, name=f"rackharness-hooks-{n}", daemon=True) for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    @classmethod
    def from_collection(cls, collection: Any, **kwargs: Any) -> "HookDelivery":
        """Hooks read from RackHD's ``hooks`` collection."""
        return cls(lambda: list(collection.find({})), **kwargs)

    # -- the publisher side ---------------------------------------------------------------------
    def offer(self, event: dict[str, Any]) -> None:
        """Queue ``event`` (an external-event envelope) for delivery; never blocks. The JSON is
        encoded now, so a caller changing ``event['data']`` afterwards changes nothing."""
        try:
            self._events.put_nowait((event, encode_event(event)))
        except queue.Full:
            with self._lock:
                self.dropped += 1
                dropped = self.dropped
            if self._may_warn("queue"):
                log.error(
                    "hooks: delivery queue full (%d events): dropped %s.%s (%d dropped so far); "
                    "a hook URL is slow or hooks cannot keep up",
                    self._events.maxsize,
                    event.get("type"),
                    event.get("action"),
                    dropped,
                )

    def invalidate(self) -> None:
        """Hooks changed (the API wrote one): the next event re-reads them."""
        with self._lock:
            self._generation += 1
            self._cache = None

    def hooks(self) -> list[dict[str, Any]]:
        """The stored hooks, from the cache when it is fresh."""
        with self._lock:
            if self._cache is not None and time.monotonic() - self._cached_at < self.refresh_seconds:
                return self._cache
            generation = self._generation
        found = self._read_hooks()
        with self._lock:
            if generation == self._generation:  # not invalidated while reading
                self._cache, self._cached_at = found, time.monotonic()
        return found

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every event offered so far has been POSTed (or has failed); False on timeout."""
        done = threading.Event()
        try:
            self._events.put(done, timeout=timeout)
        except queue.Full:
            return False
        return done.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the threads after what is queued (each POST bounded by the timeout); idempotent."""
        if not self._threads:
            return
        try:
            self._events.put(_STOP, timeout=timeout)
        except queue.Full:
            log.warning("hooks: delivery queue still full at shutdown; undelivered events are dropped")
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = []

    # -- the threads ----------------------------------------------------------------------------
    def _dispatch(self) -> None:
        while True:
            item = self._events.get()
            if item is _STOP:
                break
            if isinstance(item, threading.Event):  # a flush marker: set once every earlier POST is done
                self._posts.join()
                item.set()
                continue
            event, payload = item
            try:
                targets = [hook for hook in self.hooks() if hook_matches(event, hook.get("filters"))]
            except Exception as exc:  # Mongo unreachable: this event is lost, the next one retries
                log.error(
                    "hooks: cannot read the hooks (%s: %s); event %s.%s not delivered",
                    type(exc).__name__,
                    exc,
                    event.get("type"),
                    event.get("action"),
                )
                continue
            for hook in targets:
                self._posts.put((hook.get("url"), payload))
        for _ in self._threads[1:]:
            self._posts.put(_STOP)

    def _work(self) -> None:
        session = self._session_factory()
        try:
            while True:
                item = self._posts.get()
                try:
                    if item is _STOP:
                        break
                    self._post(session, *item)
                finally:
                    self._posts.task_done()
        finally:
            session.close()

    def _post(self, session: requests.Session, url: Any, payload: bytes) -> None:
        try:
            if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"not an http(s) URL: {url!r:.200}")
            response = session.post(
                url, data=payload, headers={"Content-Type": "application/json"}, timeout=self.timeout
            )
            response.close()
            if response.status_code >= 300:
                raise requests.HTTPError(f"answered {response.status_code}")
        except Exception as exc:  # refused, timed out, bad answer: logged and dropped
            with self._lock:
                self.failed += 1
            text = url if isinstance(url, str) else repr(url)
            reason = hide_password(f"{type(exc).__name__}: {exc}", text)
            level = logging.WARNING if self._may_warn(text) else logging.DEBUG
            log.log(
                level,
                "hooks: POST to %s failed (%s); the event is dropped (no retry, as RackHD)",
                redact_url(text),
                reason,
            )
            return
        with self._lock:
            self.delivered += 1

    def _may_warn(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._warned.get(key, -LOG_EVERY) < LOG_EVERY:
                return False
            self._warned[key] = now
            return True


class HookedEventBus:
    """An EventBus that also offers every external event to :class:`HookDelivery`."""

    def __init__(self, bus: Any, delivery: HookDelivery) -> None:
        self.bus = bus
        self.delivery = delivery

    def publish(self, routing_key: str, body: dict[str, Any]) -> None:
        self.bus.publish(routing_key, body)

    def publish_external(
        self, type_: str, action: str, severity: str, type_id: str, node_id: str | None, data: dict[str, Any]
    ) -> None:
        envelope = external_event(type_, action, severity, type_id, node_id, data)
        self.bus.publish(external_routing_key(type_, action, severity, type_id, node_id), envelope)
        self.delivery.offer(envelope)

    def flush(self, timeout: float = 5.0) -> bool:
        flushed = getattr(self.bus, "flush", lambda _t: True)(timeout)
        return self.delivery.flush(timeout) and flushed

    def close(self, timeout: float = 5.0) -> None:
        self.delivery.close(timeout)
        self.bus.close()
