"""The Mongo seam: a pymongo-compatible ``Database`` from a URL, real or in memory.

    db = connect(url, "pxe", timeout=3.0)

* ``mongodb://...`` / ``mongodb+srv://...``: a :class:`pymongo.MongoClient` (``tz_aware=True``,
  ``serverSelectionTimeoutMS`` = ``timeout``; ``socket_timeout`` also bounds connect and socket
  I/O). With ``ping=True`` the server must answer ``ping`` or :class:`ServiceUnavailable` is raised.
* ``mongomock://<name>``: a mongomock database (``pip install 'rackharness[isolated]'``) on the
  in-memory server registered under ``<name>`` in this process. Every ``connect`` with the same
  name reaches the same data, so a reference target and a test's :class:`MongoSeeder` running in
  one process meet on one store by URL, as they do on a real server. The server lives until
  :func:`forget` (or the process ends); closing a client never drops it.

Nothing is monkeypatched and nothing is connected at import. The target and the seeder use only
operations the contract test ``tests/functional/clients/test_mongo_contract.py`` runs over both
sides (nx-27017 or mongod, and mongomock); no code may create indexes (see services/mongo.py).
"""
from __future__ import annotations

import re
import threading
from typing import Any

import pymongo
from pymongo.database import Database
from pymongo.errors import PyMongoError

from rackharness.errors import ConfigError, PrerequisiteError, ServiceUnavailable
from rackharness.redaction import redact_url

MONGOMOCK_REQUIREMENT = "mongomock==4.3.0"
IN_MEMORY_SCHEME = "mongomock://"
_REAL_SCHEMES = ("mongodb://", "mongodb+srv://")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

_servers: dict[str, Any] = {}  # name -> mongomock.store.ServerStore
_servers_lock = threading.Lock()


def is_in_memory(url: str | None) -> bool:
    """True for a ``mongomock://`` URL."""
    return bool(url) and url.startswith(IN_MEMORY_SCHEME)


def in_memory_url(name: str) -> str:
    """``mongomock://<name>`` (the name is checked)."""
    return IN_MEMORY_SCHEME + _server_name(IN_MEMORY_SCHEME + name)


def _server_name(url: str) -> str:
    name = url[len(IN_MEMORY_SCHEME):].rstrip("/")
    if not _NAME.match(name):
        raise ConfigError(f"mongo url {redact_url(url)!r} does not name an in-memory server",
                          hint="use mongomock://<name>, the name of letters, digits, '_', '.' or '-'")
    return name


def _mongomock():
    try:
        import mongomock
    except ImportError as exc:
        raise PrerequisiteError(
            "a mongomock:// URL needs mongomock, which is not installed",
            hint=f"pip install 'rackharness[isolated]'  (or pip install {MONGOMOCK_REQUIREMENT})") from exc
    return mongomock


def _in_memory(url: str, database: str) -> Database:
    mongomock = _mongomock()
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
    name = url_or_name[len(IN_MEMORY_SCHEME):].rstrip("/") if is_in_memory(url_or_name) else url_or_name
    with _servers_lock:
        return _servers.pop(name, None) is not None


def connect(url: str, database: str, *, timeout: float = 3.0, socket_timeout: float | None = None,
            ping: bool = True) -> Database:
    """The database ``database`` at ``url`` (see the module docstring).

    Raises :class:`ConfigError` for a URL of another scheme, :class:`PrerequisiteError` when a
    ``mongomock://`` URL is given without mongomock installed, and :class:`ServiceUnavailable`
    when ``ping`` is asked and the server does not answer within ``timeout`` seconds. Passwords
    in the URL never appear in an error.
    """
    if not isinstance(database, str) or not database:
        raise ConfigError(f"mongo database name {database!r} is empty or not a string")
    if is_in_memory(url):
        return _in_memory(url, database)
    if not isinstance(url, str) or not url.startswith(_REAL_SCHEMES):
        raise ConfigError(f"mongo url {redact_url(url)!r} is neither mongodb:// nor mongomock://",
                          hint="give a URL like mongodb://127.0.0.1:27017/ or mongomock://<name>")
    options: dict[str, Any] = {"serverSelectionTimeoutMS": int(timeout * 1000), "tz_aware": True}
    if socket_timeout is not None:
        options["connectTimeoutMS"] = options["socketTimeoutMS"] = int(socket_timeout * 1000)
    try:
        client: pymongo.MongoClient = pymongo.MongoClient(url, **options)
    except (PyMongoError, ValueError, TypeError) as exc:  # a malformed URL; pymongo may quote parts of it, so not its message
        raise ConfigError(f"mongo url {redact_url(url)!r} is not a valid MongoDB URL ({type(exc).__name__})",
                          hint="see https://www.mongodb.com/docs/manual/reference/connection-string/") from exc
    if ping:
        try:
            client.admin.command("ping")
        except PyMongoError as exc:
            client.close()
            raise ServiceUnavailable(
                f"Mongo at {redact_url(url)} did not answer within {timeout:g}s ({type(exc).__name__})",
                hint="is the rack up? `./stack.sh status` shows mongo_url") from exc
    return client[database]
