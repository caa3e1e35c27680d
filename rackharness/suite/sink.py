"""A webhook sink for the black-box suite: a small threaded HTTP server in the test process that
records every JSON body POSTed to it, so a test can check what RackHD delivered to a hook.

The target must reach it, so it listens on the *callback host*: ``suite.callback_host``
(``RACKHARNESS_SUITE_CALLBACK_HOST``) when set, else the local address the OS would use to reach
the target's API host (:func:`local_address_towards`: a UDP ``connect``, which sends no packet).
Against the local or isolated rack that is 127.0.0.1; against a RackHD on another machine, the
runner's address on the route to it. ``suite.callback_port`` fixes the port (0: any free one).

It receives through the HTTP-in seam (:mod:`rackharness.transports.http_in`): a threaded
``http.server`` listener, whose ``responder`` records each body.

Sink URLs have the path ``/<rh-suite-run>/<what>``, so the cleanup group recognises a hook of the
suite by its URL even after an interrupted run.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from rackharness import clock as clock_seam
from rackharness.errors import UsageError
from rackharness.transports.http_in.base import IncomingRequest, url_host
from rackharness.transports.http_in.chooser import listen


def local_address_towards(url: str) -> str:
    """The local IP address the OS routes to ``url``'s host (no packet is sent)."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    if not host:
        raise UsageError(
            f"cannot tell which host {url!r} names",
            hint="set suite.callback_host "
            "(RACKHARNESS_SUITE_CALLBACK_HOST) to the address the target reaches this machine on",
        )
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect(address)
            return probe.getsockname()[0]
    except OSError as exc:
        raise UsageError(
            f"cannot find the local address that reaches {host}: {exc.strerror or exc}",
            hint="set suite.callback_host (RACKHARNESS_SUITE_CALLBACK_HOST) to the address the "
            "target reaches this machine on",
        ) from exc


class Received(NamedTuple):
    path: str
    body: Any  # the JSON body, or the text when it is not JSON
    content_type: str | None
    at: float  # the clock's monotonic time when the body had been read


class WebhookSink:
    """Records every POST (:class:`Received`); ``url(what)`` is where a hook should point.

    ``answer(path)`` gives the status to answer (default 200); it may block, to play a slow receiver."""

    def __init__(
        self,
        host: str,
        port: int = 0,
        *,
        prefix: str = "/sink",
        answer: Callable[[str], int] = lambda _path: 200,
        listen: Callable[[str, Callable[[IncomingRequest], int]], Any] = listen,
    ) -> None:
        """``listen``: the HTTP-in seam's chooser, or a stand-in for it (a recorder)."""
        self.host = host
        self.prefix = "/" + prefix.strip("/")
        self.answer = answer
        self._lock = threading.Lock()
        self._received: list[Received] = []
        try:
            self._listener = listen(f"http://{url_host(host)}:{port}", self._on_request)
        except UsageError as exc:
            raise UsageError(
                f"the webhook sink {exc}",
                hint="set suite.callback_host to an address of this machine (and "
                "suite.callback_port to a free port, or 0)",
            ) from exc
        self.port = self._listener.port

    def _on_request(self, request: IncomingRequest) -> int:
        if request.method != "POST":
            return 405
        try:
            body: Any = json.loads(request.body)
        except ValueError:
            body = request.body.decode("utf-8", "replace")
        got = Received(request.path, body, request.content_type, clock_seam.monotonic())
        status = self.answer(request.path)
        with self._lock:
            self._received.append(got)
        return status

    @property
    def base_url(self) -> str:
        return self._listener.base_url + self.prefix

    def url(self, what: str) -> str:
        return f"{self.base_url}/{what.strip('/')}"

    def received(self, what: str | None = None) -> list[Any]:
        """Bodies received so far, oldest first (only those POSTed to ``url(what)`` when given)."""
        return [got.body for got in self.arrivals(what)]

    def arrivals(self, what: str | None = None) -> list[Received]:
        """Every POST received so far with its path, content type and time, oldest first."""
        path = None if what is None else urlsplit(self.url(what)).path
        with self._lock:
            return [got for got in self._received if path is None or got.path == path]

    def close(self) -> None:
        self._listener.close()

    def __enter__(self) -> "WebhookSink":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
