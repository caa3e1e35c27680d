"""A webhook sink for the black-box suite: a small threaded HTTP server in the test process that
records every JSON body POSTed to it, so a test can check what RackHD delivered to a hook.

The target must reach it, so it listens on the *callback host*: ``suite.callback_host``
(``RACKHARNESS_SUITE_CALLBACK_HOST``) when set, else the local address the OS would use to reach
the target's API host (:func:`local_address_towards`: a UDP ``connect``, which sends no packet).
Against the local or isolated rack that is 127.0.0.1; against a RackHD on another machine, the
runner's address on the route to it. ``suite.callback_port`` fixes the port (0: any free one).

Sink URLs have the path ``/<rh-suite-run>/<what>``, so the cleanup group recognises a hook of the
suite by its URL even after an interrupted run.
"""
from __future__ import annotations

import ipaddress
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from rackharness.errors import UsageError

MAX_BODY = 1 << 20  # bytes; RackHD's events are a few kB


def local_address_towards(url: str) -> str:
    """The local IP address the OS routes to ``url``'s host (no packet is sent)."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    if not host:
        raise UsageError(f"cannot tell which host {url!r} names", hint="set suite.callback_host "
                         "(RACKHARNESS_SUITE_CALLBACK_HOST) to the address the target reaches this machine on")
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect(address)
            return probe.getsockname()[0]
    except OSError as exc:
        raise UsageError(f"cannot find the local address that reaches {host}: {exc.strerror or exc}",
                         hint="set suite.callback_host (RACKHARNESS_SUITE_CALLBACK_HOST) to the address the "
                              "target reaches this machine on") from exc


def url_host(host: str) -> str:
    """``host`` as it goes in a URL (IPv6 literals in brackets)."""
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


class Received(NamedTuple):
    path: str
    body: Any  # the JSON body, or the text when it is not JSON
    content_type: str | None
    at: float  # time.perf_counter() when the body had been read


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class WebhookSink:
    """Records every POST (:class:`Received`); ``url(what)`` is where a hook should point.

    ``answer(path)`` gives the status to answer (default 200); it may block, to play a slow receiver."""

    def __init__(self, host: str, port: int = 0, *, prefix: str = "/sink",
                 answer: Callable[[str], int] = lambda _path: 200) -> None:
        self.host = host
        self.prefix = "/" + prefix.strip("/")
        self.answer = answer
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._server = self._bind(host, port)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="rackharness-webhook-sink", daemon=True)
        self._thread.start()

    def _bind(self, host: str, port: int) -> _Server:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: RackHD's and the target's senders reuse connections

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(min(length, MAX_BODY))
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                got = Received(self.path, body, self.headers.get("Content-Type"), time.perf_counter())
                status = sink.answer(self.path)
                with sink._lock:
                    sink._received.append(got)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:  # quiet: the test reports what arrived
                pass

        server = type("_Server", (_Server,), {"address_family": socket.AF_INET6 if ":" in host else socket.AF_INET})
        try:
            return server((host, port), Handler)
        except OSError as exc:
            raise UsageError(f"the webhook sink cannot listen on {host}:{port}: {exc.strerror or exc}",
                             hint="set suite.callback_host to an address of this machine (and "
                                  "suite.callback_port to a free port, or 0)") from exc

    @property
    def base_url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}{self.prefix}"

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
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "WebhookSink":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
