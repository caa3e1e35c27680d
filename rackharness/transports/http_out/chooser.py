"""The HTTP-out seam's chooser: :func:`open_http` picks a side by the base URL's scheme.

``http://``/``https://`` → :class:`~.requests_side.RequestsHttpOut` (requests);
``inprocess://<name>`` → :class:`~.in_process.InProcessHttpOut` on the handler registered under
``<name>``. Each side is imported only when chosen.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from rackharness.errors import ConfigError
from rackharness.redaction import redact_url
from rackharness.transports.http_out.base import DEFAULT_TIMEOUT, HttpOut


def open_http(
    base_url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    session: Any = None,
    pool_size: int | None = None,
    source_address: str | None = None,
) -> HttpOut:
    """The transport to ``base_url``; ``session``, ``pool_size`` and ``source_address`` (the local IP
    connections leave from) apply to the requests side; the in-process side has no addresses and ignores it."""
    parts = urlsplit(base_url or "")
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and parts.hostname:
        from rackharness.transports.http_out.requests_side import RequestsHttpOut

        return RequestsHttpOut(
            base_url, session=session, timeout=timeout, pool_size=pool_size, source_address=source_address
        )
    if scheme == "inprocess":
        from rackharness.transports.http_out.in_process import open_in_process

        return open_in_process(base_url, timeout=timeout)
    raise ConfigError(
        f"unsupported HTTP base URL {redact_url(base_url)!r}",
        hint="use http://host:port (a server) or inprocess://<name> (a handler in this process)",
    )
