"""The HTTP-in seam's chooser: :func:`listen` picks a side by the URL's scheme.

``http://host:port`` (port 0: any free one) → :class:`~.threaded_server.ThreadedHttpListener`;
``inprocess://<name>`` → :class:`~.in_process.InProcessListener`. Each side is imported only when chosen.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from rackharness.errors import ConfigError
from rackharness.transports.http_in.base import HttpListener, Responder


def listen(url: str, responder: Responder) -> HttpListener:
    """A listener at ``url`` serving ``responder``."""
    parts = urlsplit(url or "")
    scheme = parts.scheme.lower()
    if scheme == "http" and parts.hostname:
        from rackharness.transports.http_in.threaded_server import ThreadedHttpListener

        return ThreadedHttpListener(parts.hostname, parts.port or 0, responder)
    if scheme == "inprocess" and parts.hostname:
        from rackharness.transports.http_in.in_process import InProcessListener

        return InProcessListener(parts.hostname, responder)
    raise ConfigError(
        f"unsupported listener URL {url!r}", hint="use http://host:port (port 0: any free one) or inprocess://<name>"
    )
