"""The fake side of the HTTP-in seam: :class:`InProcessListener`, reached by a call instead of a socket.

:meth:`InProcessListener.deliver` hands one request to the responder in the calling thread and
returns its status, as the real side would answer it; a closed listener refuses like a closed port
(:class:`~rackharness.errors.ServiceUnavailable`). A sender in the same process (a test, or an
in-process HTTP-out handler) delivers to it through ``inprocess://<name>``.
"""

from __future__ import annotations

from collections.abc import Mapping

from rackharness.errors import ServiceUnavailable
from rackharness.transports.http_in.base import MAX_BODY, HttpListener, IncomingRequest, Responder


class InProcessListener(HttpListener):
    """Delivers requests to ``responder`` by :meth:`deliver`; no socket, no thread."""

    def __init__(self, name: str, responder: Responder) -> None:
        self.name = name
        self.responder = responder
        self._closed = False

    @property
    def base_url(self) -> str:
        return f"inprocess://{self.name}"

    def deliver(self, method: str, path: str, body: bytes = b"", headers: Mapping[str, str] | None = None) -> int:
        """Hand one request to the responder; the status it answers."""
        if self._closed:
            raise ServiceUnavailable(f"{self.base_url}: the listener is closed (connection refused)")
        return self.responder(IncomingRequest(method.upper(), path, dict(headers or {}), bytes(body[:MAX_BODY])))

    def close(self) -> None:
        self._closed = True

    def __repr__(self) -> str:
        return f"<InProcessListener {self.base_url}{' closed' if self._closed else ''}>"
