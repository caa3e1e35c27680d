"""The HTTP-in seam's contract: an :class:`HttpListener` hands every request it receives to a responder.

The suite's webhook sink (:class:`~rackharness.suite.sink.WebhookSink`) is the one server side of
the harness: a hook on the target POSTs to it. A responder gets one :class:`IncomingRequest`
(method, path with query, headers, body) and returns the status to answer (it may block, to play
a slow receiver). Both sides answer with an empty body and keep the responder's status; a body
longer than :data:`MAX_BODY` is cut there. :attr:`HttpListener.base_url` is where senders reach it.

The sides: :mod:`.threaded_server` (real: a threaded ``http.server`` on a TCP port, ``http://``)
and :mod:`.in_process` (fake: requests delivered by a call in this process, ``inprocess://``);
:func:`.chooser.listen` picks one. This module imports neither.
"""

from __future__ import annotations

import ipaddress
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

MAX_BODY = 1 << 20  # bytes; RackHD's events are a few kB


@dataclass(frozen=True)
class IncomingRequest:
    """One request a listener received."""

    method: str
    path: str  # with the query string, as sent
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self) -> str | None:
        for name, value in self.headers.items():
            if name.lower() == "content-type":
                return value
        return None


#: what a listener calls for each request: the HTTP status to answer
Responder = Callable[[IncomingRequest], int]


def url_host(host: str) -> str:
    """``host`` as it goes in a URL (IPv6 literals in brackets)."""
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


class HttpListener(ABC):
    """Receives requests for ``responder`` until :meth:`close`."""

    responder: Responder

    @property
    @abstractmethod
    def base_url(self) -> str:
        """Where senders reach the listener (no trailing slash)."""

    @abstractmethod
    def close(self) -> None:
        """Stop receiving; safe to call twice."""

    def __enter__(self) -> "HttpListener":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
