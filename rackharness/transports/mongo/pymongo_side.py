"""The real side of the Mongo seam: a :class:`pymongo.MongoClient`'s database from a ``mongodb://`` URL.

``tz_aware=True``; ``serverSelectionTimeoutMS`` = ``timeout``; ``socket_timeout`` also bounds connect
and socket I/O. With ``ping=True`` the server must answer ``ping`` or :class:`ServiceUnavailable`
is raised. Nothing is connected at import. Passwords in the URL never appear in an error.
"""

from __future__ import annotations

from typing import Any

import pymongo
from pymongo.database import Database
from pymongo.errors import PyMongoError

from rackharness.errors import ConfigError, ServiceUnavailable
from rackharness.invocation import named
from rackharness.redaction import redact_url
from rackharness.transports.mongo.base import DEFAULT_TIMEOUT, REAL_SCHEMES


def connect_real(
    url: str, database: str, *, timeout: float = DEFAULT_TIMEOUT, socket_timeout: float | None = None, ping: bool = True
) -> Database:
    """The database ``database`` on the MongoDB server at ``url``."""
    if not isinstance(url, str) or not url.startswith(REAL_SCHEMES):
        raise ConfigError(
            f"mongo url {redact_url(url)!r} is neither mongodb:// nor mongomock://",
            hint="give a URL like mongodb://127.0.0.1:27017/ or mongomock://<name>",
        )
    options: dict[str, Any] = {"serverSelectionTimeoutMS": int(timeout * 1000), "tz_aware": True}
    if socket_timeout is not None:
        options["connectTimeoutMS"] = options["socketTimeoutMS"] = int(socket_timeout * 1000)
    try:
        client: pymongo.MongoClient = pymongo.MongoClient(url, **options)
    except (
        PyMongoError,
        ValueError,
        TypeError,
    ) as exc:  # a malformed URL; pymongo may quote parts of it, so not its message
        raise ConfigError(
            f"mongo url {redact_url(url)!r} is not a valid MongoDB URL ({type(exc).__name__})",
            hint="see https://www.mongodb.com/docs/manual/reference/connection-string/",
        ) from exc
    if ping:
        try:
            client.admin.command("ping")
        except PyMongoError as exc:
            client.close()
            raise ServiceUnavailable(
                f"Mongo at {redact_url(url)} did not answer within {timeout:g}s ({type(exc).__name__})",
                hint=named("is the rack up? `./stack.sh status` shows mongo_url"),
            ) from exc
    return client[database]
