"""The witness: what a test sent and received, journalled at the suite's seams for its report.

:class:`WitnessedHttpOut` wraps an :class:`~rackharness.transports.http_out.base.HttpOut` and
:class:`WitnessedAmqpTransport` an :class:`~rackharness.transports.amqp.base.AmqpTransport`;
:class:`~rackharness.suite.context.SuiteContext` puts them around the suite's clients' transports (live,
isolated, recorded or replayed alike: they sit above the taped seam). Each call goes to the wrapped
transport unchanged — the same arguments, the same answer or exception — and, while a report session is
recording, is appended to the :class:`Journal`: an :class:`Exchange` per HTTP request, a :class:`SeenEvent`
per AMQP message taken off a queue or published.

It is kept cheap (the replayed suite runs ~200 tests in a second or two): the journal is a bounded ring
(the last :data:`EXCHANGES_KEPT` exchanges and :data:`EVENTS_KEPT` events of a test), bodies are cut at
:data:`BODY_KEPT` bytes, and nothing is parsed, formatted or redacted here — that happens only when a
report is written (:mod:`rackharness.reports.redact`). The journal holds secrets (auth headers, login
bodies) as sent; only the redacting writers show them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from rackharness.transports.amqp.base import AmqpTransport, Message
from rackharness.transports.http_out.base import HttpAnswer, HttpOut, HttpUnreachable, Params

#: exchanges kept per test (the last ones: a failing test's failed request is its last)
EXCHANGES_KEPT = 20
#: AMQP events kept per test
EVENTS_KEPT = 50
#: bytes of a body kept (reports show less, after redaction)
BODY_KEPT = 16 * 1024


@dataclass
class Exchange:
    """One HTTP request and its answer (``status`` None and ``error`` set: no answer came)."""

    method: str
    url: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: Any = None  # the JSON sent (as given; serialized when shown)
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    response_truncated: bool = False
    error: str = ""
    duration: float = 0.0

    @property
    def request_line(self) -> str:
        return f"{self.method} {self.url}"


@dataclass
class SeenEvent:
    """One AMQP message: taken off a queue (``received``) or sent (``published``)."""

    direction: str
    exchange: str
    routing_key: str
    body: Any  # JSON-decoded when it was JSON, else text/bytes


class Journal:
    """The ring the witnesses write to; a report session :meth:`start`\\ s it, :meth:`begin`\\ s each test and
    :meth:`take`\\ s what the test did. Not recording (the default), the witnesses add nothing."""

    def __init__(self, exchanges: int = EXCHANGES_KEPT, events: int = EVENTS_KEPT) -> None:
        self.recording = False
        self._exchanges: deque[Exchange] = deque(maxlen=exchanges)
        self._events: deque[SeenEvent] = deque(maxlen=events)
        self._lock = threading.Lock()
        #: how many exchanges/events the ring dropped for the current test
        self.dropped = 0

    def start(self) -> None:
        self.recording = True
        self.begin()

    def stop(self) -> None:
        self.recording = False
        self.begin()

    def begin(self) -> None:
        """Forget everything: a new test starts."""
        with self._lock:
            self._exchanges.clear()
            self._events.clear()
            self.dropped = 0

    def take(self) -> tuple[list[Exchange], list[SeenEvent]]:
        """What was journalled since :meth:`begin`, oldest first; the journal is empty afterwards."""
        with self._lock:
            taken = list(self._exchanges), list(self._events)
            self._exchanges.clear()
            self._events.clear()
            self.dropped = 0
        return taken

    def add_exchange(self, exchange: Exchange) -> None:
        if len(self._exchanges) == self._exchanges.maxlen:
            self.dropped += 1
        self._exchanges.append(exchange)

    def add_event(self, event: SeenEvent) -> None:
        if len(self._events) == self._events.maxlen:
            self.dropped += 1
        self._events.append(event)


#: the process's journal: what SuiteContext's witnesses write to and a ReportSession reads
JOURNAL = Journal()


def _with_query(url: str, params: Params) -> str:
    if not params:
        return url
    try:
        query = urlencode(list(params.items()) if isinstance(params, Mapping) else list(params), doseq=True)
    except (TypeError, ValueError):
        query = str(params)
    return f"{url}{'&' if '?' in url else '?'}{query}"


class WitnessedHttpOut(HttpOut):
    """``inner``, with each request journalled; everything else (``session``...) is ``inner``'s."""

    def __init__(self, inner: HttpOut, journal: Journal = JOURNAL) -> None:
        self.inner, self.journal = inner, journal
        self.base_url = inner.base_url
        self.timeout = inner.timeout

    def __getattr__(self, name: str) -> Any:  # only for what this class does not have: the inner side's own
        return getattr(self.__dict__["inner"] if "inner" in self.__dict__ else None, name)

    def request(
        self,
        method: str,
        target: str,
        *,
        params: Params = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> HttpAnswer:
        if not self.journal.recording:
            return self.inner.request(method, target, params=params, json=json, headers=headers, timeout=timeout)
        exchange = Exchange(
            method.upper(), _with_query(self.inner.url(target), params), dict(headers) if headers else {}, json
        )
        started = time.monotonic()
        try:
            answer = self.inner.request(method, target, params=params, json=json, headers=headers, timeout=timeout)
        except HttpUnreachable as exc:
            exchange.error = f"no answer: {exc}"
            raise
        except Exception as exc:
            exchange.error = f"{type(exc).__name__}: {exc}"
            raise
        else:
            exchange.status = answer.status_code
            exchange.response_headers = dict(answer.headers.items()) if answer.headers else {}
            exchange.response_body = answer.content[:BODY_KEPT]
            exchange.response_truncated = len(answer.content) > BODY_KEPT
            return answer
        finally:
            exchange.duration = time.monotonic() - started
            self.journal.add_exchange(exchange)

    def close(self) -> None:
        self.inner.close()

    def __repr__(self) -> str:
        return f"<witnessed {self.inner!r}>"


class WitnessedAmqpTransport(AmqpTransport):
    """``inner``, with each message taken off a queue or published journalled."""

    def __init__(self, inner: AmqpTransport, journal: Journal = JOURNAL) -> None:
        self.inner, self.journal = inner, journal

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["inner"] if "inner" in self.__dict__ else None, name)

    def ensure_exchange(
        self,
        exchange: str,
        *,
        type: str = "topic",
        durable: bool = True,  # noqa: A002
        auto_delete: bool = False,
    ) -> None:
        self.inner.ensure_exchange(exchange, type=type, durable=durable, auto_delete=auto_delete)

    def exchange_exists(self, exchange: str) -> bool:
        return self.inner.exchange_exists(exchange)

    def declare_exclusive_queue(self) -> str:
        return self.inner.declare_exclusive_queue()

    def bind(self, queue: str, exchange: str, pattern: str) -> None:
        self.inner.bind(queue, exchange, pattern)

    def get(self, queue: str, timeout: float) -> Message | None:
        message = self.inner.get(queue, timeout)
        if message is not None and self.journal.recording:
            self.journal.add_event(SeenEvent("received", message.exchange, message.routing_key, message.body))
        return message

    def publish(self, exchange: str, routing_key: str, body: bytes) -> None:
        self.inner.publish(exchange, routing_key, body)
        if self.journal.recording:
            self.journal.add_event(SeenEvent("published", exchange, routing_key, body[:BODY_KEPT]))

    def close(self) -> None:
        self.inner.close()

    def keep_alive(self) -> None:
        self.inner.keep_alive()

    def __repr__(self) -> str:
        return f"<witnessed {self.inner!r}>"
