"""AMQP event expectations on RackHD's ``on.events`` exchange, and a publisher to seed events.

Each :class:`EventTracker` opens its own connection and one **exclusive, server-named** queue,
so two trackers never take each other's messages and a tracker only sees what was published
after it was created::

    with EventTracker(stack.amqp_url) as events:
        done = events.expect(f"graph.finished.{graph_id}", where=lambda b: b["status"] == "succeeded")
        events.expect(f"node.discovered.information.{node_id}.#", max=1)
        client.post(...)                    # the action under test
        events.wait(timeout=30)             # AssertionError listing what arrived instead
        done.matches[0].body                # the event itself

Patterns use RabbitMQ topic syntax (``*`` one word, ``#`` zero or more words). Waiting goes
through :class:`rackharness.wait.Condition`: the time between polls is spent draining the queue.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rackharness import clock as clock_seam
from rackharness.errors import ClientError, ReadinessTimeout
from rackharness.transports.amqp.base import DEFAULT_CONNECT_TIMEOUT, AmqpTransport, Message, topic_matches
from rackharness.transports.amqp.chooser import open_transport
from rackharness.wait import Condition, Observation

EXCHANGE = "on.events"


class ExpectationFailed(ClientError, AssertionError):
    """Expected events did not arrive in time, or too many did; the message lists what did arrive."""


@dataclass
class Expectation:
    """Messages whose key matches ``pattern`` (and whose body passes ``where``): want ``min``..``max``."""

    pattern: str
    min: int = 1
    max: int | None = None
    where: Callable[[Any], bool] | None = field(default=None, repr=False)
    name: str | None = None
    matches: list[Message] = field(default_factory=list)
    #: messages with a matching key that ``where`` rejected (or raised on): near misses for the report
    rejected: list[Message] = field(default_factory=list)

    def offer(self, message: Message) -> bool:
        if not topic_matches(self.pattern, message.routing_key):
            return False
        try:
            accepted = self.where is None or bool(self.where(message.body))
        except Exception:  # a predicate that cannot read this body simply does not match it
            accepted = False
        (self.matches if accepted else self.rejected).append(message)
        return accepted

    @property
    def satisfied(self) -> bool:
        return len(self.matches) >= self.min

    @property
    def exceeded(self) -> bool:
        return self.max is not None and len(self.matches) > self.max

    def describe(self) -> str:
        label = f"{self.name} " if self.name else ""
        bound = f"{self.min}..{self.max}" if self.max is not None else f"at least {self.min}"
        where = " where <predicate>" if self.where else ""
        text = f"{label}[{self.pattern}]{where}: wanted {bound}, got {len(self.matches)}"
        if self.rejected:
            text += (
                f"; {len(self.rejected)} more matched the key but not the predicate, e.g. "
                f"{self.rejected[0].routing_key} {self.rejected[0].excerpt()}"
            )
        return text


class EventTracker:
    """One exclusive queue on ``exchange``; :meth:`expect` patterns, then :meth:`wait` for them."""

    def __init__(
        self,
        amqp_url: str | None = None,
        exchange: str = EXCHANGE,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        transport: AmqpTransport | None = None,
        clock: Callable[[], float] = clock_seam.monotonic,
    ) -> None:
        if transport is None:
            if not amqp_url:
                raise ClientError(
                    "EventTracker needs an amqp_url or a transport",
                    hint="use current_stack().amqp_url from rackharness.stack_info",
                )
            transport = open_transport(amqp_url, timeout=connect_timeout)
        self.transport, self.exchange, self._clock = transport, exchange, clock
        self.expectations: list[Expectation] = []
        #: every message this tracker has taken off its queue, in arrival order
        self.received: list[Message] = []
        self._bound: set[str] = set()
        try:
            transport.ensure_exchange(exchange)
            self.queue = transport.declare_exclusive_queue()
        except BaseException:
            transport.close()
            raise

    def expect(
        self,
        pattern: str,
        *,
        min: int = 1,
        max: int | None = None,  # noqa: A002 - the brief's names
        where: Callable[[Any], bool] | None = None,
        name: str | None = None,
    ) -> Expectation:
        """Bind ``pattern`` and return an :class:`Expectation` that counts messages arriving from now on."""
        if not pattern or any(w == "" for w in pattern.split(".")):
            raise ClientError(
                f"bad routing-key pattern {pattern!r}", hint="dot-separated words; '*' is one word, '#' zero or more"
            )
        if min < 0 or (max is not None and max < min):
            raise ClientError(f"bad bounds for {pattern!r}: min={min}, max={max}")
        if pattern not in self._bound:
            self.transport.bind(self.queue, self.exchange, pattern)
            self._bound.add(pattern)
        expectation = Expectation(pattern, min, max, where, name)
        self.expectations.append(expectation)
        return expectation

    # -- receiving -------------------------------------------------------------------------------
    def _take(self, message: Message) -> None:
        self.received.append(message)
        for expectation in self.expectations:
            expectation.offer(message)

    def _done(self) -> bool:
        return all(e.satisfied for e in self.expectations) or any(e.exceeded for e in self.expectations)

    def _drain(self, seconds: float) -> None:
        """Take messages for up to ``seconds``, returning early once the outcome is decided."""
        deadline = self._clock() + seconds
        while not self._done():
            remaining = deadline - self._clock()
            if remaining <= 0:
                return
            message = self.transport.get(self.queue, remaining)
            if message is None:
                return
            self._take(message)

    def _observe(self) -> Observation:
        exceeded = [e for e in self.expectations if e.exceeded]
        if exceeded:
            raise self._failure(f"{len(exceeded)} expectation(s) got more messages than allowed", exceeded)
        unmet = [e for e in self.expectations if not e.satisfied]
        return Observation(not unmet, "; ".join(e.describe() for e in unmet) or "all met")

    def wait(self, timeout: float = 30.0, *, settle: float = 0.0) -> "EventTracker":
        """Drain until every expectation has its ``min``; then, for ``settle`` seconds, keep checking ``max``.

        Raises :class:`ExpectationFailed` (an ``AssertionError``) on timeout or when a ``max`` is exceeded.
        """
        condition = Condition(
            probe=self._observe,
            what=f"events on {self.exchange}",
            timeout=timeout,
            interval=0.25,
            transient=(),
            clock=self._clock,
            sleep=self._drain,
        )
        try:
            condition.wait()
        except ReadinessTimeout:
            unmet = [e for e in self.expectations if not e.satisfied]
            raise self._failure(
                f"{len(unmet)} of {len(self.expectations)} expectation(s) unmet after {timeout:g} s", unmet
            ) from None
        if settle > 0:
            deadline = self._clock() + settle
            while self._clock() < deadline and not any(e.exceeded for e in self.expectations):
                message = self.transport.get(self.queue, deadline - self._clock())
                if message is None:
                    break
                self._take(message)
            self._observe()
        return self

    def _failure(self, headline: str, culprits: list[Expectation]) -> ExpectationFailed:
        lines = [f"{headline} on exchange {self.exchange} (queue {self.queue}):"]
        lines += [f"  - {e.describe()}" for e in culprits]
        lines.append(self.arrivals_report())
        return ExpectationFailed(
            "\n".join(lines),
            hint="patterns use topic syntax ('*' one word, '#' zero or "
            "more); a tracker only sees events published after it was created",
        )

    def arrivals_report(self, limit: int = 15) -> str:
        """What arrived, grouped by routing key: count and a body excerpt of the first one."""
        if not self.received:
            return "Nothing arrived on the tracker's queue."
        groups: dict[str, list[Message]] = collections.OrderedDict()
        for message in self.received:
            groups.setdefault(message.routing_key, []).append(message)
        lines = [f"What arrived instead ({len(self.received)} message(s), {len(groups)} routing key(s)):"]
        for key, messages in list(groups.items())[:limit]:
            lines.append(f"  {len(messages)} x {key}: {messages[0].excerpt()}")
        if len(groups) > limit:
            lines.append(f"  ... and {len(groups) - limit} more routing key(s)")
        return "\n".join(lines)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> "EventTracker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EventPublisher:
    """Publishes JSON events on ``exchange`` (declared topic/durable like RackHD's) to seed a test."""

    def __init__(
        self,
        amqp_url: str | None = None,
        exchange: str = EXCHANGE,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        transport: AmqpTransport | None = None,
    ) -> None:
        if transport is None:
            if not amqp_url:
                raise ClientError("EventPublisher needs an amqp_url or a transport")
            transport = open_transport(amqp_url, timeout=connect_timeout)
        self.transport, self.exchange = transport, exchange
        try:
            transport.ensure_exchange(exchange)
        except BaseException:
            transport.close()
            raise

    def publish(self, routing_key: str, body: Any) -> None:
        """``body`` is JSON-encoded unless it is already ``bytes``/``str``."""
        if isinstance(body, str):
            payload = body.encode("utf-8")
        elif isinstance(body, bytes):
            payload = body
        else:
            payload = json.dumps(body, default=str).encode("utf-8")
        self.transport.publish(self.exchange, routing_key, payload)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> "EventPublisher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
