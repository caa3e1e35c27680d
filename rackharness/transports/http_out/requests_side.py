"""The real side of the HTTP-out seam: :class:`RequestsHttpOut`, a ``requests.Session`` with keep-alive.

A connection the server closed while it sat in the pool (a kept-alive connection reset before
the request got any answer) is retried once on a fresh one, as a browser does; any other failure
to get an answer is :class:`~rackharness.transports.http_out.base.HttpUnreachable`, and any other
``requests`` error (a malformed URL, ...) a :class:`~rackharness.errors.ClientError`. The session
is open to adapters: ``transport.session.mount("http://", adapter)`` puts a fake below requests
(:mod:`.fake_adapter`) or a recorder. Safe to call from several threads (urllib3's pool is).
"""

from __future__ import annotations

import http.client
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from rackharness.errors import ClientError
from rackharness.redaction import redact_url
from rackharness.transports.http_out.base import DEFAULT_TIMEOUT, Headers, HttpAnswer, HttpOut, HttpUnreachable, Params

#: what a pooled connection that the server had closed fails with (worth one retry on a fresh one)
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def _stale_connection(exc: BaseException) -> bool:
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, _STALE):
            return True
        todo.extend([*item.args, item.__cause__, item.__context__])
    return False


class SourceAddressAdapter(HTTPAdapter):
    """An adapter whose connections leave from ``source_address`` (an IP this host has; any port)."""

    def __init__(self, source_address: str, **kwargs: Any) -> None:
        self.source_address = (source_address, 0)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = self.source_address
        super().init_poolmanager(*args, **kwargs)


class RequestsHttpOut(HttpOut):
    """HTTP to ``base_url`` over ``session`` (a new ``requests.Session`` by default).

    ``source_address``: every connection leaves from this local IP (a virtual node's own 127.x address,
    so the server sees one peer per node); a new session is made for it."""

    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        pool_size: int | None = None,
        source_address: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.source_address = source_address
        self.session = session or requests.Session()
        if session is None and (pool_size or source_address):  # one kept-alive connection per worker thread
            size = pool_size or 1
            for prefix in ("http://", "https://"):
                adapter = (
                    SourceAddressAdapter(source_address, pool_connections=size, pool_maxsize=size)
                    if source_address
                    else HTTPAdapter(pool_connections=size, pool_maxsize=size)
                )
                self.session.mount(prefix, adapter)

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
        timeout = self.timeout if timeout is None else timeout
        for attempt in (1, 2):
            try:
                response = self.session.request(method, url, params=params, json=json, headers=headers, timeout=timeout)
                break
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt == 1 and not isinstance(exc, requests.Timeout) and _stale_connection(exc):
                    continue
                raise HttpUnreachable(
                    f"{method} {redact_url(url)}: no answer within {timeout:g} s ({type(exc).__name__}: {exc})"
                ) from exc
            except requests.RequestException as exc:
                raise ClientError(f"{method} {redact_url(url)}: {type(exc).__name__}: {exc}") from exc
        return HttpAnswer(response.status_code, response.content, Headers(response.headers), response.url or url)

    def close(self) -> None:
        self.session.close()

    def __repr__(self) -> str:
        via = f" from {self.source_address}" if self.source_address else ""
        return f"<RequestsHttpOut {redact_url(self.base_url)}{via}>"
