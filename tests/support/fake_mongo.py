"""A fresh in-memory Mongo database for unit tests: mongomock, the same fake isolated mode runs the
target on, and held to the real store's behaviour by tests/functional/transports/test_mongo_contract.py
(this replaced a hand-written dict-backed stand-in that no contract checked)."""

import mongomock


def FakeDatabase(name="pxe"):
    """A new, empty, private database (its own in-memory server; datetimes read back tz-aware)."""
    return mongomock.MongoClient(tz_aware=True)[name]
