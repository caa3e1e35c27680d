"""RackHD's storage conventions: collection names, ids, timestamps, node lookup, API errors.

Documents are read from Mongo on every request, so a document seeded with pymongo is served at
once. Ids follow RackHD: nodes, obms, lookups, workitems (pollers) are ObjectIds shown as 24 hex
digits (stored as ``_id``); catalogs, skus, tags, hooks and graph instances use uuid4 strings.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo.database import Database

NODES = "nodes"
OBMS = "obms"
IBMS = "ibms"
CATALOGS = "catalogs"
LOOKUPS = "lookups"
GRAPH_OBJECTS = "graphobjects"
GRAPH_DEFINITIONS = "graphdefinitions"
TASK_DEFINITIONS = "taskdefinitions"
WORKITEMS = "workitems"
SKUS = "skus"
TAGS = "tags"
HOOKS = "hooks"

_MAC = re.compile(r"^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$", re.IGNORECASE)


class ApiError(Exception):
    """An error answered with RackHD's body ``{message, status, UUID, errors?}``."""

    def __init__(self, status: int, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        # RackHD's status is the code as a string ("404"), as its error middleware writes it
        body: dict[str, Any] = {"message": self.message, "status": str(self.status), "UUID": str(uuid.uuid4())}
        if self.errors:
            body["errors"] = self.errors
        return body


def not_found(what: str, identifier: str) -> ApiError:
    """RackHD's 404 for a document looked up by its identifier (on-core's NotFoundError): ``what`` is RackHD's
    word for it — node, hook, obm, catalog, skus, workitem (a poller)."""
    return ApiError(404, f"Could not find {what} with identifier {identifier}")


def node_not_found(identifier: str) -> ApiError:
    """What ``GET /nodes/{id}`` and ``GET /nodes/{id}/obm`` answer for an unknown node, in RackHD's words."""
    return ApiError(404, f"Node not Found {identifier}")


def now() -> dt.datetime:
    """Mongo keeps milliseconds; so do RackHD's timestamps."""
    stamp = dt.datetime.now(dt.timezone.utc)
    return stamp.replace(microsecond=stamp.microsecond // 1000 * 1000)


_NX_SET_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$")


def iso(value: Any) -> Any:
    """A stored timestamp as RackHD renders it: ``2016-03-07T21:29:45.318Z``.

    Also reads ``'2021-01-01 00:00:00'``, which is how nx-27017 0.8.1 stores a datetime given to
    ``$set`` (pinned in tests/functional/services/test_mongo.py): as UTC.
    """
    if isinstance(value, str) and _NX_SET_DATETIME.match(value):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="milliseconds") + "Z"
    return value


def object_id(text: str) -> ObjectId | None:
    """The ObjectId spelled by ``text``, or None when it is not 24 hex digits."""
    try:
        return ObjectId(text)
    except (InvalidId, TypeError):
        return None


def normalize_mac(text: str) -> str | None:
    """``52-54-00-AA-BB-CC`` → ``52:54:00:aa:bb:cc``; None when ``text`` is not a MAC."""
    if not isinstance(text, str) or not _MAC.match(text):
        return None
    return text.lower().replace("-", ":")


def find_node(db: Database, identifier: str, *, by_id_only: bool = False) -> dict[str, Any] | None:
    """The raw node document for ``identifier``: its id, or (unless ``by_id_only``) any entry of
    ``identifiers`` (a MAC), or a lookup's MAC or IP address (RackHD's needByIdentifier)."""
    oid = object_id(identifier)
    if oid is not None:
        node = db[NODES].find_one({"_id": oid})
        if node is not None or by_id_only:
            return node
    elif by_id_only:
        return None
    mac = normalize_mac(identifier)
    # No index on nodes.identifiers: an array-field index breaks equality matches on nx-27017 0.8.1.
    node = db[NODES].find_one({"identifiers": mac or identifier})
    if node is not None:
        return node
    lookup = db[LOOKUPS].find_one({"macAddress": mac} if mac else {"ipAddress": identifier})
    if lookup and lookup.get("node"):
        return db[NODES].find_one({"_id": object_id(str(lookup["node"]))})
    return None


def need_node(db: Database, identifier: str, *, by_id_only: bool = False, read: bool = False) -> dict[str, Any]:
    """The node, else RackHD's 404 (``read``: the words of GET /nodes/{id}, else on-core's)."""
    node = find_node(db, identifier, by_id_only=by_id_only)
    if node is None:
        raise node_not_found(identifier) if read else not_found("node", identifier)
    return node


def node_id(node: dict[str, Any]) -> str:
    return str(node["_id"])


def node_reference(identifier: str) -> ObjectId | str:
    """How a document refers to a node (``obms.node``, ``catalogs.node``, ``workitems.node``):
    an ObjectId, as sails-mongo stores foreign keys that look like one."""
    return object_id(identifier) or identifier


def refers_to_node(identifier: str) -> Any:
    """A query value matching a node reference stored either as ObjectId or as string."""
    oid = object_id(identifier)
    return {"$in": [oid, identifier]} if oid is not None else identifier
