"""The HTTP-out seam's contract: :class:`HttpOut` sends one request and returns an :class:`HttpAnswer`.

Everything the harness sends over HTTP to an API goes through it: the suite's
:class:`~rackharness.clients.rest.RackHDClient` (northbound) and the rack's boot agent (southbound,
from worker threads, so a side must be safe to call from several threads at once). A request names
a ``target``: a path joined to the transport's ``base_url``, or an absolute URL. Every side keeps
the same contract (``tests/functional/transports/test_http_out_contract.py`` runs one set of tests
over both):

* any HTTP status is an answer, not an error: the caller decides what it expected;
* ``params`` (a dict or a list of pairs, repeated keys kept in order) become the query string;
  ``json`` is sent JSON-encoded with ``Content-Type: application/json``;
* no answer at all (refused, reset, timed out) raises :class:`HttpUnreachable`, a
  :class:`~rackharness.errors.ServiceUnavailable`, with passwords in the URL masked.

The sides: :mod:`.requests_side` (real, ``http://``/``https://``) and :mod:`.in_process` (fake, a
handler or WSGI app in this process, ``inprocess://<name>``); :func:`.chooser.open_http` picks one.
This module imports neither.
"""

from __future__ import annotations

import json as jsonlib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from rackharness.errors import ServiceUnavailable

#: query parameters: a mapping, or (key, value) pairs when a key repeats (``macs=a&macs=b``)
Params = Union[Mapping[str, Any], list[tuple[str, Any]], None]
DEFAULT_TIMEOUT = 10.0


class HttpUnreachable(ServiceUnavailable):
    """The request got no HTTP answer (refused, reset, timed out)."""


class Headers(Mapping[str, str]):
    """Response headers, looked up without regard to case (``headers["x-auth-token"]``)."""

    def __init__(self, items: Mapping[str, str] | list[tuple[str, str]] | None = None) -> None:
        pairs = items.items() if isinstance(items, Mapping) else (items or [])
        self._items = {name.lower(): (name, value) for name, value in pairs}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _value in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


@dataclass(frozen=True)
class HttpAnswer:
    """One HTTP answer; ``status_code``, ``content``, ``headers``, ``text`` and ``json()`` read as
    on a ``requests.Response``, so tests written against requests read it unchanged."""

    status_code: int
    content: bytes = b""
    headers: Headers = field(default_factory=Headers)
    url: str = ""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The decoded body; ``ValueError`` when it is not JSON."""
        return jsonlib.loads(self.content)

    def json_or_none(self) -> Any:
        """The decoded body, or None when it is empty or not JSON."""
        try:
            return jsonlib.loads(self.content or b"null")
        except ValueError:
            return None

    def excerpt(self, limit: int = 160) -> str:
        """The body as one short line, for reports."""
        text = " ".join(self.text.split())
        return text if len(text) <= limit else text[:limit] + "..."


def join_url(base_url: str, target: str) -> str:
    """``target`` (a path) under ``base_url``; an absolute ``target`` passes through."""
    if "://" in target.split("?", 1)[0]:
        return target
    return base_url.rstrip("/") + ("" if target.startswith("/") else "/") + target


class HttpOut(ABC):
    """Sends requests to ``base_url``; see the module docstring for the contract."""

    base_url: str
    timeout: float = DEFAULT_TIMEOUT

    def url(self, target: str) -> str:
        return join_url(self.base_url, target)

    @abstractmethod
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
        """Send one request; any status is an answer, no answer raises :class:`HttpUnreachable`."""

    def close(self) -> None:
        """Release connections; nothing by default."""
