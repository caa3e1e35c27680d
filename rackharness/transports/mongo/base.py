"""The Mongo seam's contract: a pymongo-compatible ``Database`` from a URL, and the URL schemes.

Both sides hand out an object with pymongo's ``Database`` API: :mod:`.pymongo_side` a real one
(``mongodb://``, ``mongodb+srv://``), :mod:`.mongomock_side` an in-memory one (``mongomock://<name>``);
:func:`rackharness.transports.mongo.chooser.connect` picks by scheme. The target and the seeder use
only operations the contract test ``tests/functional/transports/test_mongo_contract.py`` runs over
every side (nx-27017 or mongod, and mongomock); no code may create indexes (see services/mongo.py).
This module imports neither side.
"""

from __future__ import annotations

from rackharness.errors import ConfigError

IN_MEMORY_SCHEME = "mongomock://"
REAL_SCHEMES = ("mongodb://", "mongodb+srv://")
DEFAULT_TIMEOUT = 3.0


def is_in_memory(url: str | None) -> bool:
    """True for a ``mongomock://`` URL."""
    return bool(url) and url.startswith(IN_MEMORY_SCHEME)


def check_database_name(database: object) -> str:
    """``database`` if it is a non-empty string, else :class:`ConfigError`."""
    if not isinstance(database, str) or not database:
        raise ConfigError(f"mongo database name {database!r} is empty or not a string")
    return database
