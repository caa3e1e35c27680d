"""Pollers as RackHD stores them: work items in the ``workitems`` collection (on-core ``work-item.js``).

A work item is ``{_id: ObjectId, name: "Pollers.IPMI", node: ObjectId | null, config: {command,
...}, pollInterval: <ms>, nextScheduled, lastStarted, lastFinished, leaseToken, leaseExpires,
failureCount, paused, state, createdAt, updatedAt}``. The run bookkeeping follows the model's
``startNextScheduled`` (``lastStarted``, a uuid4 ``leaseToken``, ``leaseExpires`` = now + lease),
``setSucceeded`` (``failureCount`` 0) and ``setFailed`` (``failureCount`` + 1), both with
``lastFinished`` = now, ``nextScheduled`` = now + ``pollInterval`` and the lease cleared; ``state``
is "accessible" after a success and "inaccessible" after a failure (2.60.7's poller-helper).

Run updates use ``$set`` of their own fields only, so they never undo a concurrent PATCH; with
nx-27017 a datetime given to ``$set`` is stored as a naive UTC string, which :func:`as_datetime`
and ``documents.iso`` read back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from bson import ObjectId
from pymongo.database import Database

from rackharness.reference.documents import WORKITEMS, iso, now, object_id, refers_to_node

#: RackHD's Constants.WorkItems.Pollers: POST/PATCH ``type`` -> stored ``name``
POLLER_NAMES = {
    "ipmi": "Pollers.IPMI",
    "snmp": "Pollers.SNMP",
    "redfish": "Pollers.Redfish",
    "wsman": "Pollers.WSMAN",
    "ucs": "Pollers.UCS",
}
IPMI_POLLER = POLLER_NAMES["ipmi"]
NODE_POLLER_NAMES = (POLLER_NAMES["ipmi"], POLLER_NAMES["snmp"])  # poller-helper's node reachability set
ACCESSIBLE, INACCESSIBLE = "accessible", "inaccessible"
LEASE_SECONDS = 15.0  # RunWorkItemsJob's defaultLeaseDuration


def type_of(name: Any) -> str | None:
    """``Pollers.IPMI`` -> ``ipmi`` (the view's ``type``)."""
    if not isinstance(name, str):
        return None
    for poller_type, poller_name in POLLER_NAMES.items():
        if poller_name == name:
            return poller_type
    return name.rsplit(".", 1)[-1].lower()


def as_datetime(value: Any) -> dt.datetime | None:
    """A stored timestamp (datetime, or nx-27017's naive UTC string) as an aware datetime."""
    if isinstance(value, str):
        text = iso(value)
        if not isinstance(text, str) or not text.endswith("Z"):
            return None
        value = dt.datetime.fromisoformat(text[:-1])
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


class WorkitemStore:
    """The ``workitems`` collection, read on every call (a document seeded with pymongo counts)."""

    def __init__(self, db: Database) -> None:
        self.items = db[WORKITEMS]

    # -- reads ------------------------------------------------------------------------------------
    def get(self, poller_id: str) -> dict[str, Any] | None:
        oid = object_id(poller_id)
        return None if oid is None else self.items.find_one({"_id": oid})

    def for_node(self, node_id: str, names: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"node": refers_to_node(node_id)}
        if names:
            query["name"] = {"$in": list(names)}
        return list(self.items.find(query))

    def runnable(self) -> list[dict[str, Any]]:
        """Unpaused IPMI pollers (the ones the target runs), with their schedule fields."""
        return [
            doc
            for doc in self.items.find({"name": IPMI_POLLER}, {"paused": 1, "nextScheduled": 1})
            if not doc.get("paused")
        ]

    # -- writes -----------------------------------------------------------------------------------
    def create(
        self, name: str, poll_interval: int, node: str | None, config: dict[str, Any], paused: bool = False
    ) -> dict[str, Any]:
        stamp = now()
        doc = {
            "_id": ObjectId(),
            "name": name,
            "node": object_id(node) or node if node else None,
            "config": config,
            "pollInterval": poll_interval,
            "nextScheduled": None,
            "lastStarted": None,
            "lastFinished": None,
            "leaseToken": None,
            "leaseExpires": None,
            "failureCount": 0,
            "paused": bool(paused),
            "state": None,
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        self.items.insert_one(doc)
        return doc

    def update(self, poller_id: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        """``$set`` the changes (and updatedAt); the document afterwards, or None if it is gone."""
        oid = object_id(poller_id)
        if oid is None:
            return None
        self.items.update_one({"_id": oid}, {"$set": {**changes, "updatedAt": now()}})
        return self.items.find_one({"_id": oid})

    def delete(self, poller_id: str) -> bool:
        oid = object_id(poller_id)
        return oid is not None and self.items.delete_one({"_id": oid}).deleted_count > 0

    def started(self, doc: dict[str, Any]) -> str:
        """startNextScheduled's bookkeeping: lastStarted, a lease; returns the lease token."""
        stamp, token = now(), str(uuid.uuid4())
        self.items.update_one(
            {"_id": doc["_id"]},
            {
                "$set": {
                    "lastStarted": stamp,
                    "leaseToken": token,
                    "leaseExpires": stamp + dt.timedelta(seconds=LEASE_SECONDS),
                    "updatedAt": stamp,
                }
            },
        )
        return token

    def finished(self, doc: dict[str, Any], succeeded: bool, extra: dict[str, Any] | None = None) -> None:
        """setSucceeded / setFailed, with the accessible state and any config bookkeeping in ``extra``."""
        stamp = now()
        interval = dt.timedelta(milliseconds=max(0, int(doc.get("pollInterval") or 0)))
        changes = {
            "lastFinished": stamp,
            "nextScheduled": stamp + interval,
            "leaseToken": None,
            "leaseExpires": None,
            "updatedAt": stamp,
            "failureCount": 0 if succeeded else int(doc.get("failureCount") or 0) + 1,
            "state": ACCESSIBLE if succeeded else INACCESSIBLE,
            **(extra or {}),
        }
        self.items.update_one({"_id": doc["_id"]}, {"$set": changes})

    def release_leases(self) -> int:
        """Clear the leases a previous target process left (it polls no more); returns how many."""
        return self.items.update_many(
            {"leaseToken": {"$ne": None}}, {"$set": {"leaseToken": None, "leaseExpires": None}}
        ).modified_count
