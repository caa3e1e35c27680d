"""Keeping secrets out of output: URL passwords are masked wherever a URL is shown or logged, and values under
secret keys wherever a request or document is (:func:`redact_values`)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
#: keys whose values are secrets wherever a request or document is shown
SECRET_KEY = re.compile(r"password|secret|token|community|productkey|sharedkey", re.IGNORECASE)


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


def redact_values(value: Any) -> Any:
    """A copy of a JSON-like ``value`` with every value under a secret key (``password``, ``token``...) masked."""
    if isinstance(value, dict):
        return {
            key: MASK
            if isinstance(key, str) and SECRET_KEY.search(key) and item not in (None, "")
            else redact_values(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_values(item) for item in value]
    return value
