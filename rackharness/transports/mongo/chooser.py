"""The Mongo seam's chooser: :func:`connect` gives a pymongo-compatible ``Database`` for a URL.

    db = connect(url, "pxe", timeout=3.0)

``mongodb://...`` / ``mongodb+srv://...`` → :func:`~.pymongo_side.connect_real` (pymongo);
``mongomock://<name>`` → :func:`~.mongomock_side.connect_in_memory` (mongomock, imported only then).
See :mod:`.base` for the contract both sides keep.
"""

from __future__ import annotations

from typing import Any

from rackharness.transports.mongo.base import DEFAULT_TIMEOUT, check_database_name, is_in_memory


def connect(
    url: str, database: str, *, timeout: float = DEFAULT_TIMEOUT, socket_timeout: float | None = None, ping: bool = True
) -> Any:
    """The database ``database`` at ``url``.

    Raises :class:`~rackharness.errors.ConfigError` for a URL of another scheme,
    :class:`~rackharness.errors.PrerequisiteError` when a ``mongomock://`` URL is given without
    mongomock installed, and :class:`~rackharness.errors.ServiceUnavailable` when ``ping`` is asked
    and the server does not answer within ``timeout`` seconds. Passwords in the URL never appear in
    an error.
    """
    check_database_name(database)
    if is_in_memory(url):
        from rackharness.transports.mongo.mongomock_side import connect_in_memory

        return connect_in_memory(url, database)
    from rackharness.transports.mongo.pymongo_side import connect_real

    return connect_real(url, database, timeout=timeout, socket_timeout=socket_timeout, ping=ping)
