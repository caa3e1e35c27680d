"""Keeping secrets out of output: URL passwords are masked wherever a URL is shown or logged."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

MASK = "***"


def redact_url(url: str | None) -> str | None:
    """``amqp://guest:guest@host:1/`` → ``amqp://guest:***@host:1/``; other URLs unchanged."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    # the host part as written (parts.port would raise on a malformed port: redacting must not)
    host_and_port = parts.netloc.rpartition("@")[2]
    netloc = f"{parts.username}:{MASK}@{host_and_port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
