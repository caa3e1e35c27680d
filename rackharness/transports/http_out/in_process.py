"""The fake side of the HTTP-out seam: :class:`InProcessHttpOut` answers from a handler in this process.

No socket, no thread: each request becomes an :class:`HttpCall` handed to a handler, whose return
value is the answer::

    def handler(call):                          # an HttpCall
        if call.path == "/api/2.0/nodes":
            return 200, [{"id": "abc"}]         # (status, body[, headers]): body JSON-encoded
        return 404, {"message": "Not Found"}    # unless it is str or bytes

    http = InProcessHttpOut(handler)            # or InProcessHttpOut(wsgi_handler(app))
    http.calls                                  # every HttpCall seen, for assertions

A handler may also return a ready :class:`~.base.HttpAnswer` or a bare status, or raise
:class:`~.base.HttpUnreachable` to play an absent server. :func:`wsgi_handler` serves a WSGI app
(the reference target's) in-process. Handlers registered with :func:`serve` are reached by URL,
``inprocess://<name>``, through :func:`rackharness.transports.http_out.chooser.open_http`.
"""

from __future__ import annotations

import io
import json as jsonlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from rackharness.errors import ClientError
from rackharness.transports.http_out.base import DEFAULT_TIMEOUT, Headers, HttpAnswer, HttpOut, Params

SCHEME = "inprocess"


@dataclass(frozen=True)
class HttpCall:
    """One request as a handler sees it."""

    method: str
    url: str
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    timeout: float | None = None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> str:
        return urlsplit(self.url).query

    @property
    def path_url(self) -> str:
        """Path and query, as ``requests.PreparedRequest.path_url``."""
        return self.path + (f"?{self.query}" if self.query else "")

    def json(self) -> Any:
        return jsonlib.loads(self.body) if self.body else None


Handler = Callable[[HttpCall], Any]


def as_answer(call: HttpCall, answer: Any) -> HttpAnswer:
    """A handler's return value as an :class:`HttpAnswer` (see the module docstring)."""
    if isinstance(answer, HttpAnswer):
        return answer
    if isinstance(answer, int):
        answer = (answer, None)
    if not isinstance(answer, tuple) or not 2 <= len(answer) <= 3:
        raise TypeError(
            f"handler for {call.method} {call.url} returned {answer!r}; return (status, body[, headers]), "
            "a status int or an HttpAnswer"
        )
    status, body, headers = (*answer, None)[:3]
    headers = dict(headers or {})
    if body is None:
        content = b""
    elif isinstance(body, (bytes, str)):
        content = body.encode("utf-8") if isinstance(body, str) else body
    else:
        content = jsonlib.dumps(body).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
    return HttpAnswer(status, content, Headers(headers), call.url)


class InProcessHttpOut(HttpOut):
    """Answers every request from ``handler``; records the :class:`HttpCall` of each in :attr:`calls`."""

    def __init__(
        self, handler: Handler, base_url: str = f"{SCHEME}://local", *, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.handler = handler
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.calls: list[HttpCall] = []
        self._lock = threading.Lock()

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
        url = self.url(target)
        if params:
            pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
            url += ("&" if "?" in url else "?") + urlencode(pairs, doseq=True)
        sent = dict(headers or {})
        body = b""
        if json is not None:
            body = jsonlib.dumps(json).encode("utf-8")
            sent.setdefault("Content-Type", "application/json")
        call = HttpCall(method.upper(), url, Headers(sent), body, self.timeout if timeout is None else timeout)
        with self._lock:
            self.calls.append(call)
        return as_answer(call, self.handler(call))

    def __repr__(self) -> str:
        return f"<InProcessHttpOut {self.base_url}>"


def wsgi_handler(app: Callable[..., Any]) -> Handler:
    """A handler that serves each call with the WSGI ``app``, in the calling thread."""

    def handle(call: HttpCall) -> HttpAnswer:
        parts = urlsplit(call.url)
        environ = {
            "REQUEST_METHOD": call.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": parts.path or "/",
            "QUERY_STRING": parts.query,
            "SERVER_NAME": parts.hostname or "local",
            "SERVER_PORT": str(parts.port or 80),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_LENGTH": str(len(call.body)),
            "CONTENT_TYPE": call.headers.get("Content-Type", ""),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(call.body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REMOTE_ADDR": "127.0.0.1",
        }
        for name, value in call.headers.items():
            key = "HTTP_" + name.upper().replace("-", "_")
            if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[key] = value
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            started["status"], started["headers"] = int(status.split(" ", 1)[0]), headers
            return lambda _data: None

        chunks = app(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return HttpAnswer(started["status"], content, Headers(started["headers"]), call.url)

    return handle


# -- handlers reached by URL: inprocess://<name> ------------------------------------------------------
_handlers: dict[str, Handler] = {}
_handlers_lock = threading.Lock()


def serve(name: str, handler: Handler) -> str:
    """Register ``handler`` under ``name``; the URL that reaches it (``inprocess://<name>``)."""
    with _handlers_lock:
        _handlers[name] = handler
    return f"{SCHEME}://{name}"


def forget(name: str) -> bool:
    """Unregister ``name``; True if it was registered."""
    with _handlers_lock:
        return _handlers.pop(name, None) is not None


def open_in_process(base_url: str, *, timeout: float = DEFAULT_TIMEOUT) -> InProcessHttpOut:
    """An :class:`InProcessHttpOut` on the handler ``inprocess://<name>`` names."""
    name = urlsplit(base_url).hostname or ""
    with _handlers_lock:
        handler = _handlers.get(name)
    if handler is None:
        raise ClientError(
            f"no in-process HTTP handler is registered as {name!r}",
            hint="register one with rackharness.transports.http_out.in_process.serve(name, handler)",
        )
    return InProcessHttpOut(handler, base_url, timeout=timeout)
