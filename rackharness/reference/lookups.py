"""RackHD's ``lookups`` collection: which node a MAC belongs to and which IP a MAC has.

Shape (contract §1.3, §3; on-core ``lib/models/lookup.js``)::

    {_id: ObjectId, node?: ObjectId (the node), macAddress: "52:54:00:00:01:00",
     ipAddress?: "172.31.128.5", proxy?: "http://...", createdAt, updatedAt}

The API refuses a second record of the same (macAddress, ipAddress) pair (RackHD's unique index);
DHCP-side, the model's ``setIp`` moves an address that
another MAC held to the new MAC (the old record keeps its MAC and node, loses the IP). The
raw record is what the API answers (no ``x-view``): ``{id, node?, ipAddress?, macAddress,
proxy?, createdAt, updatedAt}`` with ``node`` as the node id.

Writes replace whole documents: nx-27017 0.8.1 stores a datetime given to ``$set`` as a string.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.database import Database

from rackharness.reference.documents import LOOKUPS, iso, node_reference, normalize_mac, now, refers_to_node


def find_by_term(db: Database, term: str | None) -> list[dict[str, Any]]:
    """RackHD's ``findByTerm``: the lookups whose node, MAC or IP is ``term`` (all without a term)."""
    if term is None or term == "":
        return list(db[LOOKUPS].find({}))
    mac = normalize_mac(term)
    return list(
        db[LOOKUPS].find({"$or": [{"node": refers_to_node(term)}, {"macAddress": mac or term}, {"ipAddress": term}]})
    )


def of_node(db: Database, node_id: str) -> list[dict[str, Any]]:
    return list(db[LOOKUPS].find({"node": refers_to_node(node_id)}).sort("createdAt", 1))


def _replace(db: Database, record: dict[str, Any]) -> dict[str, Any]:
    record["updatedAt"] = now()
    db[LOOKUPS].replace_one({"_id": record["_id"]}, record)
    return record


def _create(db: Database, **fields: Any) -> dict[str, Any]:
    stamp = now()
    record = {"_id": ObjectId(), **fields, "createdAt": stamp, "updatedAt": stamp}
    db[LOOKUPS].insert_one(record)
    return record


def upsert_node_to_mac(db: Database, node_id: str, mac: str) -> dict[str, Any]:
    """RackHD's ``upsertNodeToMacAddress``: the record of ``mac`` now names ``node_id``."""
    mac = normalize_mac(mac) or mac
    record = db[LOOKUPS].find_one({"macAddress": mac})
    if record is None:
        return _create(db, node=node_reference(node_id), macAddress=mac)
    record["node"] = node_reference(node_id)
    return _replace(db, record)


def set_ip(db: Database, ip: str, mac: str) -> dict[str, Any] | None:
    """RackHD's ``setIp``: ``mac`` has address ``ip``; another MAC holding ``ip`` loses it.
    Returns the MAC's record (None when nothing changed)."""
    mac = normalize_mac(mac) or mac
    record = db[LOOKUPS].find_one({"macAddress": mac})
    if record is not None and record.get("ipAddress") == ip:
        return None
    for holder in db[LOOKUPS].find({"ipAddress": ip}):
        if holder.get("macAddress") != mac:
            holder.pop("ipAddress", None)
            _replace(db, holder)
    if record is None:
        return _create(db, ipAddress=ip, macAddress=mac)
    record["ipAddress"] = ip
    return _replace(db, record)


def lookup_raw(record: dict[str, Any]) -> dict[str, Any]:
    """The raw lookup record as the API answers it (keys RackHD leaves unset are absent)."""
    raw: dict[str, Any] = {"id": str(record["_id"])}
    if record.get("node") is not None:
        raw["node"] = str(record["node"])
    for key in ("ipAddress", "macAddress", "proxy"):
        if record.get(key) is not None:
            raw[key] = record[key]
    raw["createdAt"] = iso(record.get("createdAt"))
    raw["updatedAt"] = iso(record.get("updatedAt"))
    return raw
