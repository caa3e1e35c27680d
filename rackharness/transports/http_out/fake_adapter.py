"""A fake below the HTTP-out seam's real side: a ``requests`` adapter, httpx-MockTransport style.

Mount it on the client's session and every request is answered by a handler function instead of
the network, so unit tests can produce any status (500, 401, a Redfish session header) on demand::

    def handler(request):                       # a requests.PreparedRequest
        if request.path_url == "/api/2.0/nodes":
            return 200, [{"id": "abc"}]         # (status, JSON body[, headers])
        return 404, {"message": "Not Found"}

    transport = FakeTransport(handler)
    client.session.mount("http://", transport)
    transport.requests                          # every PreparedRequest seen, for assertions

A handler may also return a ready :class:`requests.Response` or raise a ``requests`` exception
(``requests.ConnectionError``, ``requests.ConnectTimeout``) to simulate an unreachable server.
"""

from __future__ import annotations

import http.client
import json as jsonlib
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

Handler = Callable[[requests.PreparedRequest], Any]


def make_response(
    request: requests.PreparedRequest, status: int, body: Any = None, headers: dict[str, str] | None = None
) -> requests.Response:
    """A :class:`requests.Response` for ``request``: ``body`` is JSON-encoded unless it is str/bytes/None."""
    response = requests.Response()
    response.status_code = status
    response.reason = http.client.responses.get(status, "")
    response.headers = CaseInsensitiveDict(headers or {})
    if body is None:
        content = b""
    elif isinstance(body, bytes):
        content = body
    elif isinstance(body, str):
        content = body.encode("utf-8")
    else:
        content = jsonlib.dumps(body).encode("utf-8")
        response.headers.setdefault("Content-Type", "application/json")
    response._content = content  # requests' own way of holding an already-read body
    response.encoding = "utf-8"
    response.url = request.url or ""
    response.request = request
    return response


class FakeTransport(BaseAdapter):
    """A ``requests`` adapter that answers every request from ``handler``; records what it saw."""

    def __init__(self, handler: Handler) -> None:
        super().__init__()
        self.handler = handler
        #: every request sent through this transport, in order
        self.requests: list[requests.PreparedRequest] = []
        #: the ``timeout`` each request was sent with (parallel to :attr:`requests`)
        self.timeouts: list[Any] = []

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        self.requests.append(request)
        self.timeouts.append(timeout)
        answer = self.handler(request)
        if isinstance(answer, requests.Response):
            return answer
        if isinstance(answer, int):
            return make_response(request, answer)
        if isinstance(answer, tuple) and 2 <= len(answer) <= 3:
            return make_response(request, *answer)
        raise TypeError(
            f"FakeTransport handler for {request.method} {request.url} returned {answer!r}; "
            "return (status, body[, headers]), a status int or a requests.Response"
        )

    def close(self) -> None:
        """Nothing to release."""
