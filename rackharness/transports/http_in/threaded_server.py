"""The real side of the HTTP-in seam: :class:`ThreadedHttpListener`, a threaded ``http.server`` on TCP.

It listens on ``host``:``port`` (0: any free port) from the constructor, one daemon thread per
connection, HTTP/1.1 keep-alive (the target's and RackHD's senders reuse connections). A host or
port it cannot bind is a :class:`~rackharness.errors.UsageError`.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from rackharness.errors import UsageError
from rackharness.transports.http_in.base import MAX_BODY, HttpListener, IncomingRequest, Responder, url_host


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class ThreadedHttpListener(HttpListener):
    """Serves ``responder`` on ``host``:``port`` until :meth:`close`."""

    def __init__(self, host: str, port: int, responder: Responder, *, name: str = "rackharness-http-in") -> None:
        self.host = host
        self.responder = responder
        self._server = self._bind(host, port)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True
        )
        self._thread.start()
        self._closed = False

    def _bind(self, host: str, port: int) -> _Server:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _receive(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, MAX_BODY))
                status = listener.responder(IncomingRequest(self.command, self.path, dict(self.headers.items()), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_PUT = do_GET = do_DELETE = do_PATCH = _receive  # noqa: N815 (http.server's names)

            def log_message(self, *args: Any) -> None:  # quiet: the responder reports what arrived
                pass

        server = type("_Server", (_Server,), {"address_family": socket.AF_INET6 if ":" in host else socket.AF_INET})
        try:
            return server((host, port), Handler)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc

    @property
    def base_url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}"

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __repr__(self) -> str:
        return f"<ThreadedHttpListener {self.base_url}>"
