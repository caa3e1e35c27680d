"""Pairing two systems' requests and listing how their answers differ.

Both sides ran the same suite in the same order, so their requests line up: a poll (the same GET
asked again and again in a row) is kept once, with its last answer; then the two sequences of
endpoints (channel, method, path template) are aligned with :class:`difflib.SequenceMatcher`; a
request one side made and the other did not (a poll answered sooner, a test only one side ran) is
counted as unpaired, not as a difference. Each pair's answers are compared (:mod:`.shapes`), and the
same difference on the same endpoint is one :class:`Difference` however often it occurred.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from rackharness.diff import shapes
from rackharness.diff.exchanges import Event, Exchange


@dataclass
class Difference:
    endpoint: str  # "GET /api/2.0/nodes/{id}" (auth endpoint: "auth: POST /login")
    where: str  # "status", "header content-type", "body.obms[].ref"
    kind: str  # "status", "header", "type", "missing key", "extra key", "value"
    rackhd: Any
    reference: Any
    count: int = 1
    tests: list[str] = field(default_factory=list)
    known: dict[str, Any] | None = None  # the known-differences entry that names it

    @property
    def key(self) -> tuple[str, str, str]:
        return self.endpoint, self.where, self.kind

    def line(self) -> str:
        times = f" ({self.count}x)" if self.count > 1 else ""
        return f"{self.where}: {self.kind}{times}: RackHD {self.rackhd}, reference {self.reference}"

    def to_json(self) -> dict[str, Any]:
        out = {
            "endpoint": self.endpoint,
            "where": self.where,
            "kind": self.kind,
            "rackhd": self.rackhd,
            "reference": self.reference,
            "count": self.count,
            "tests": self.tests[:5],
        }
        if self.known:
            out["right"], out["reason"] = self.known.get("right"), self.known.get("reason")
        return out


@dataclass
class Comparison:
    operations: int = 0  # pairs of requests compared
    event_kinds: int = 0  # routing keys (as templates) whose messages were compared
    endpoints: set[str] = field(default_factory=set)
    unpaired_rackhd: int = 0
    unpaired_reference: int = 0
    generated: int = 0  # generated requests (one per spec operation) compared
    generated_against: str = ""  # "rackhd": with RackHD's answers to them; "contract": RackHD's not recorded
    generated_skipped: int = 0  # not sent: not safe against a server people use
    generated_private: int = 0  # sent only to the private reference rack (they would not be safe at a RackHD)
    differences: dict[tuple[str, str, str], Difference] = field(default_factory=dict)

    def add(self, difference: Difference) -> None:
        seen = self.differences.get(difference.key)
        if seen is None:
            self.differences[difference.key] = difference
            return
        seen.count += 1
        if difference.tests and difference.tests[0] not in seen.tests:
            seen.tests.extend(difference.tests)


def endpoint(exchange: Exchange) -> str:
    prefix = "auth: " if exchange.channel == "auth" else ""
    return f"{prefix}{exchange.method} {shapes.template(exchange.path)}"


def answer_differences(rackhd: Exchange, reference: Exchange) -> list[Difference]:
    """How the reference's answer differs from RackHD's to the same request."""
    name, test = endpoint(rackhd), [reference.test or rackhd.test] if (reference.test or rackhd.test) else []
    out = []
    if rackhd.status != reference.status:
        out.append(Difference(name, "status", "status", str(rackhd.status), str(reference.status), tests=list(test)))
        return out  # another status: another body, compared no further
    for header in shapes.HEADERS:
        a, b = shapes.header(rackhd.headers, header), shapes.header(reference.headers, header)
        if a != b and not (
            header == "content-type" and a and b and a.split(";")[0] == b.split(";")[0] and _charset_only(a, b)
        ):
            out.append(Difference(name, f"header {header}", "header", a or "(none)", b or "(none)", tests=list(test)))
    for where, kind, a, b in shapes.with_renames(list(shapes.body_differences(rackhd.body, reference.body))):
        out.append(Difference(name, where, kind, a, b, tests=list(test)))
    return out


def _charset_only(a: str, b: str) -> bool:
    """Two content types that differ only in saying ``charset=utf-8`` (the same for JSON)."""
    strip = lambda v: [p for p in v.split(";") if p != "charset=utf-8"]  # noqa: E731
    return strip(a) == strip(b)


def settled(exchanges: list[Exchange]) -> list[Exchange]:
    """A poll kept once: of the same GET asked again and again in a row, the last answer (the state it waited
    for); how many polls it took is the run's own."""
    out: list[Exchange] = []
    for exchange in exchanges:
        if (
            out
            and exchange.method == "GET"
            and (out[-1].channel, out[-1].method, out[-1].path, out[-1].query)
            == (exchange.channel, exchange.method, exchange.path, exchange.query)
        ):
            out[-1] = exchange
        else:
            out.append(exchange)
    return out


def compare(rackhd: list[Exchange], reference: list[Exchange]) -> Comparison:
    """Align the two sides' requests (polls settled) and compare every pair's answers."""
    rackhd, reference = settled(rackhd), settled(reference)
    result = Comparison()
    left, right = [endpoint(e) for e in rackhd], [endpoint(e) for e in reference]
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            result.unpaired_rackhd += i2 - i1
            result.unpaired_reference += j2 - j1
            continue
        for a, b in zip(rackhd[i1:i2], reference[j1:j2]):
            result.operations += 1
            result.endpoints.add(endpoint(a))
            for difference in answer_differences(a, b):
                result.add(difference)
    return result


def compare_events(rackhd: list[Event], reference: list[Event], result: Comparison) -> Comparison:
    """The messages of each routing key (as a template: ``graph.finished.{id}``) both sides published, compared
    by shape (keys, types, nesting); a routing key only the reference published is a difference (a capture has
    every message RackHD published, a tape only those the suite waited for: a key only RackHD's is none)."""

    def by_key(events: list[Event]) -> dict[str, list[Any]]:
        grouped: dict[str, list[Any]] = {}
        for event in events:
            grouped.setdefault(f"AMQP {event.exchange} {shapes.mask(event.routing_key)}", []).append(event.body)
        return grouped

    theirs, ours = by_key(rackhd), by_key(reference)
    for name in sorted(ours):
        if name not in theirs:
            if rackhd:  # against a source with no AMQP at all there is nothing to say
                result.add(Difference(name, "routing key", "extra key", "(never published)", "published"))
            continue
        result.event_kinds += 1
        for where, kind, a, b in shapes.body_differences({"body": theirs[name]}, {"body": ours[name]}, "message"):
            result.add(Difference(name, where.replace("message.body[]", "body", 1), kind, a, b))
    return result
