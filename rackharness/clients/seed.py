"""Seeding RackHD's Mongo store with documents in RackHD's exact shapes, and removing them again.

RackHD (on-core, Waterline over sails-mongo) stores nodes, obms and lookups under ObjectId ``_id``s
and refers to nodes by ObjectId; catalogs, skus and tags get uuid4 string ids; every document has
``createdAt``/``updatedAt`` (UTC, millisecond precision). A seeded document is served by the API
at once, because RackHD reads Mongo on every request.

Everything a :class:`MongoSeeder` inserts is registered; :meth:`MongoSeeder.cleanup` deletes it in
reverse order and can run any number of times. Make it run even when a test fails::

    seeder = MongoSeeder.from_url(stack.mongo_url)
    seeder.register_cleanup(self)          # self.addCleanup(seeder.cleanup)
    node_id = seeder.node(name="n1", identifiers=["52:54:00:aa:bb:cc"])

or use it as a context manager. It never creates indexes (array-field indexes break nx-27017 0.8.1).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from bson import ObjectId
from pymongo.database import Database
from pymongo.errors import PyMongoError

from rackharness import clock as clock_seam
from rackharness.errors import ClientError
from rackharness.transports.mongo.chooser import connect

NODES, OBMS, CATALOGS, LOOKUPS, SKUS, TAGS = "nodes", "obms", "catalogs", "lookups", "skus", "tags"


def now() -> dt.datetime:
    """UTC now (the harness's clock: a replay's is the recording's), truncated to milliseconds as Mongo (and so
    RackHD) keeps it."""
    stamp = dt.datetime.fromtimestamp(clock_seam.now(), dt.timezone.utc)
    return stamp.replace(microsecond=stamp.microsecond // 1000 * 1000)


def _node_ref(node_id: str) -> ObjectId:
    """How RackHD stores a reference to a node: an ObjectId."""
    if not ObjectId.is_valid(node_id):
        raise ClientError(
            f"{node_id!r} is not a RackHD node id (24 hex digits)",
            hint="pass the id a MongoSeeder.node() or the API returned",
        )
    return ObjectId(node_id)


class MongoSeeder:
    """Inserts RackHD documents into ``db`` (a pymongo Database) and remembers them for cleanup."""

    def __init__(self, db: Database, *, owns_client: bool = False) -> None:
        self.db = db
        self._owns_client = owns_client
        self._seeded: list[tuple[str, Any]] = []  # (collection, _id), in insertion order

    def __repr__(self) -> str:
        return f"MongoSeeder(database={self.db.name!r}, seeded={len(self._seeded)})"

    @classmethod
    def from_url(cls, mongo_url: str, database: str = "pxe", *, timeout: float = 3.0) -> "MongoSeeder":
        """Connect to ``mongo_url`` (``mongodb://`` or an in-memory ``mongomock://<name>``, see
        :mod:`rackharness.transports.mongo.chooser`); :class:`ServiceUnavailable` if Mongo does not answer in ``timeout`` s."""
        return cls(connect(mongo_url, database, timeout=timeout, socket_timeout=timeout), owns_client=True)

    # -- builders ------------------------------------------------------------------------------

    def _insert(self, collection: str, document: dict[str, Any]) -> str:
        stamp = now()
        document.setdefault("createdAt", stamp)
        document.setdefault("updatedAt", stamp)
        try:
            self.db[collection].insert_one(document)
        except PyMongoError as exc:
            raise ClientError(
                f"seeding {self.db.name}.{collection} failed: {exc}", hint="is the document valid and Mongo up?"
            ) from exc
        self._seeded.append((collection, document["_id"]))
        return str(document["_id"])

    def node(
        self, name: str | None = None, identifiers: list[str] | None = None, type: str = "compute", **fields: Any
    ) -> str:
        """A node (ObjectId id); MACs in ``identifiers`` are stored lowercase with colons, as RackHD does."""
        oid = ObjectId()
        document = {
            "_id": oid,
            "name": name or f"seeded-{oid}",
            "type": type,
            "identifiers": [i.lower().replace("-", ":") for i in identifiers or []],
            "autoDiscover": False,
            "relations": [],
            "tags": [],
        }
        document.update(fields)
        return self._insert(NODES, document)

    def obm(self, node_id: str, service: str, config: dict[str, Any]) -> str:
        """An OBM setting of a node (config stored as given; RackHD would encrypt secret keys)."""
        return self._insert(
            OBMS, {"_id": ObjectId(), "node": _node_ref(node_id), "service": service, "config": dict(config)}
        )

    def catalog(self, node_id: str, source: str, data: Any) -> str:
        """A catalog (uuid4 id) of ``source`` for a node; the latest per source wins in RackHD."""
        return self._insert(
            CATALOGS, {"_id": str(uuid.uuid4()), "node": _node_ref(node_id), "source": source, "data": data}
        )

    def lookup(self, node_id: str, mac: str, ip: str | None = None) -> str:
        """A lookup entry tying a MAC (and IP) to a node."""
        return self._insert(
            LOOKUPS,
            {
                "_id": ObjectId(),
                "node": _node_ref(node_id),
                "macAddress": mac.lower().replace("-", ":"),
                "ipAddress": ip,
            },
        )

    def sku(self, name: str, rules: list[dict[str, Any]], **fields: Any) -> str:
        """A SKU (uuid4 id) with RackHD's rule grammar (``{"path": "dmi.x", "equals": ...}``)."""
        return self._insert(SKUS, {"_id": str(uuid.uuid4()), "name": name, "rules": list(rules), **fields})

    def tag(self, name: str, rules: list[dict[str, Any]]) -> str:
        """A tag definition (uuid4 id) with rules."""
        return self._insert(TAGS, {"_id": str(uuid.uuid4()), "name": name, "rules": list(rules)})

    # -- cleanup -------------------------------------------------------------------------------

    @property
    def seeded(self) -> list[tuple[str, str]]:
        """(collection, id) of every document still registered, in insertion order."""
        return [(collection, str(_id)) for collection, _id in self._seeded]

    def cleanup(self) -> None:
        """Delete everything seeded, newest first. Idempotent; documents already gone are fine.

        Tries every document even if one delete fails, then raises naming what is left.
        """
        left: list[tuple[str, Any]] = []
        errors: list[str] = []
        for collection, _id in reversed(self._seeded):
            try:
                self.db[collection].delete_one({"_id": _id})
            except PyMongoError as exc:
                left.append((collection, _id))
                errors.append(f"{collection}/{_id}: {type(exc).__name__}: {exc}")
        self._seeded = list(reversed(left))
        if errors:
            raise ClientError(
                f"cleanup of {len(errors)} seeded document(s) in {self.db.name} failed: " + "; ".join(errors[:5]),
                hint="is Mongo still up? cleanup() can be called again",
            )

    def register_cleanup(self, testcase: Any) -> "MongoSeeder":
        """``testcase.addCleanup(self.cleanup)``: runs even when the test body raised.

        When :meth:`from_url` opened the connection it is closed after the cleanup.
        """
        if self._owns_client:
            testcase.addCleanup(self.close)  # cleanups run last-in first-out: close after cleanup
        testcase.addCleanup(self.cleanup)
        return self

    def close(self) -> None:
        """Close the Mongo connection if :meth:`from_url` opened it."""
        if self._owns_client:
            self.db.client.close()

    def __enter__(self) -> "MongoSeeder":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self.cleanup()
        finally:
            self.close()
