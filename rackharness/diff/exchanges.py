"""One system's answers, as :class:`Exchange` s in the order the suite made them, from a tape set or a capture.

* a tape set (``rackharness`` tapes: a directory with ``_session.json``): every ``http_out`` call of every
  test's tape, tests in the order they ran (their tapes' ``recorded_at``), channels ``api`` and ``auth``;
Each is read once into :class:`Answers`: the exchanges, and the AMQP messages as :class:`Event` s.

* a capture file (``suite-run.jsonl[.gz]``, one JSON object a line: ``{"kind": "http", "via": PORT,
  "method", "path", "request": {...}, "response": {...}}``), as recorded outside the project by a logging
  proxy in front of RackHD: the port says the endpoint (``--api-port``, ``--auth-port``); what came
  through any other port (the southbound API, the nodes' traffic) is not the suite's and is left out.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlsplit

from rackharness.errors import UsageError
from rackharness.tapes.tape import SESSION, SUFFIX, file_name, is_set, load


@dataclass(frozen=True)
class Exchange:
    """One request and its answer."""

    channel: str  # "api" (API 2.0 and Redfish without auth) or "auth" (the auth-enabled endpoint)
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    request_body: Any
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    test: str = ""  # the test that made it, when the source says


@dataclass(frozen=True)
class Event:
    """One AMQP message the system published (a capture: all of them; a tape: those the suite's trackers took)."""

    exchange: str
    routing_key: str
    body: Any


def _decoded(body: Any) -> Any:
    """A tape's ``{"json": ...}`` / ``{"text": ...}`` body, or a capture's JSON body, as a value."""
    if isinstance(body, dict) and len(body) == 1 and next(iter(body)) in ("json", "text", "base64"):
        return body.get("json", body.get("text", body.get("base64")))
    return body


@dataclass(frozen=True)
class Answers:
    """What one system answered: its HTTP exchanges in the order the suite made them, and its AMQP events."""

    exchanges: list[Exchange]
    events: list[Event]


def read_tape_set(directory: Path) -> Answers:
    """Every HTTP call (test after test) and every AMQP delivery of a tape set, read once."""
    if not is_set(directory):
        raise UsageError(
            f"{directory} is not a tape set (no {file_name(SESSION)})",
            hint="give a set recorded by rackharness (docs/record-replay.md), or a capture file",
        )
    tapes = [load(p) for p in directory.glob("*" + SUFFIX)]
    tapes.sort(key=lambda t: (t.test != SESSION, str(t.header.get("recorded_at", "")), t.test))
    exchanges, events = [], []
    for tape in tapes:
        for i in tape.interactions:
            if i.get("seam") == "amqp" and i.get("kind") == "delivery":
                message = i.get("message") or {}
                events.append(Event(message.get("exchange", ""), message.get("routing_key", ""), message.get("body")))
            elif (
                tape.test != SESSION
                and i.get("seam") == "http_out"
                and i.get("kind") == "call"
                and "status" in (i.get("response") or {})
            ):
                request, response = i["request"], i["response"]
                exchanges.append(
                    Exchange(
                        i.get("channel", "api"),
                        request["method"],
                        request["path"],
                        tuple(tuple(q) for q in request.get("query") or ()),
                        request.get("body"),
                        int(response["status"]),
                        dict(response.get("headers") or {}),
                        _decoded(response.get("body")),
                        tape.test,
                    )
                )
    return Answers(exchanges, events)


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise UsageError(f"{path}:{number}: not a JSON line ({exc})") from exc


def read_capture(path: Path, *, api_port: str = "24080", auth_port: str = "24443") -> Answers:
    """Every HTTP exchange of a capture file that reached the API (``api_port``) or the auth endpoint, and every
    AMQP message, read once."""
    channels = {str(api_port): "api", str(auth_port): "auth"}
    exchanges, events = [], []
    for record in _lines(path):
        if record.get("kind") == "amqp":
            events.append(Event(record.get("exchange", ""), record.get("routing_key", ""), record.get("body")))
            continue
        channel = channels.get(str(record.get("via")))
        if record.get("kind") != "http" or channel is None:
            continue
        parts = urlsplit(record["path"])
        response = record.get("response") or {}
        exchanges.append(
            Exchange(
                channel,
                record["method"].upper(),
                parts.path,
                tuple(parse_qsl(parts.query, keep_blank_values=True)),
                _decoded((record.get("request") or {}).get("body")),
                int(response.get("status", 0)),
                dict(response.get("headers") or {}),
                _decoded(response.get("body")),
            )
        )
    if not exchanges:
        raise UsageError(
            f"{path}: no HTTP exchange through port {api_port} or {auth_port}",
            hint="set --api-port/--auth-port to the ports the capture's proxy listened on",
        )
    return Answers(exchanges, events)


def read_answers(source: Path, **ports: str) -> Answers:
    """A tape set (a directory) or a capture file."""
    if source.is_dir():
        return read_tape_set(source)
    if source.is_file():
        return read_capture(source, **ports)
    raise UsageError(f"{source}: no such tape set or capture file")
