"""The fake side of the Mongo seam: mongomock databases on in-memory servers shared by name.

``mongomock://<name>`` reaches the in-memory server registered under ``<name>`` in this process
(mongomock is an extra: ``pip install 'rackharness[isolated]'``, imported only when a
``mongomock://`` URL is used). Every :func:`connect_in_memory` with the same name reaches the same
data, so a reference target and a test's :class:`~rackharness.clients.seed.MongoSeeder` running in
one process meet on one store by URL, as they do on a real server. The server lives until
:func:`forget` (or the process ends); closing a client never drops it. Nothing is monkeypatched.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from rackharness.errors import ConfigError, PrerequisiteError
from rackharness.redaction import redact_url
from rackharness.transports.mongo.base import IN_MEMORY_SCHEME, is_in_memory

MONGOMOCK_REQUIREMENT = "mongomock==4.3.0"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

_servers: dict[str, Any] = {}  # name -> mongomock.store.ServerStore
_servers_lock = threading.Lock()


def in_memory_url(name: str) -> str:
    """``mongomock://<name>`` (the name is checked)."""
    return IN_MEMORY_SCHEME + _server_name(IN_MEMORY_SCHEME + name)


def _server_name(url: str) -> str:
    name = url[len(IN_MEMORY_SCHEME) :].rstrip("/")
    if not _NAME.match(name):
        raise ConfigError(
            f"mongo url {redact_url(url)!r} does not name an in-memory server",
            hint="use mongomock://<name>, the name of letters, digits, '_', '.' or '-'",
        )
    return name


def require_mongomock() -> Any:
    """The mongomock module, or :class:`PrerequisiteError` saying how to install it."""
    try:
        import mongomock
    except ImportError as exc:
        raise PrerequisiteError(
            "a mongomock:// URL needs mongomock, which is not installed",
            hint=f"pip install 'rackharness[isolated]'  (or pip install {MONGOMOCK_REQUIREMENT})",
        ) from exc
    return mongomock


def connect_in_memory(url: str, database: str) -> Any:
    """The mongomock database ``database`` on the in-memory server ``url`` names."""
    mongomock = require_mongomock()
    name = _server_name(url)
    with _servers_lock:
        store = _servers.get(name)
        if store is None:
            store = _servers[name] = mongomock.store.ServerStore()
    client = mongomock.MongoClient(host=f"{name}.mongomock", _store=store, tz_aware=True)
    return client[database]


def forget(url_or_name: str) -> bool:
    """Drop the in-memory server (its data) named by ``mongomock://<name>`` or ``<name>``;
    True if it existed. Databases already handed out keep working on the dropped data."""
    name = url_or_name[len(IN_MEMORY_SCHEME) :].rstrip("/") if is_in_memory(url_or_name) else url_or_name
    with _servers_lock:
        return _servers.pop(name, None) is not None
