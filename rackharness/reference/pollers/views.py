"""How pollers are rendered: RackHD's poller view and the raw work item, never with secrets.

* view (``poller.2.0.json``; GET/POST/PATCH ``/pollers``): ``{id, type, pollInterval, node:
  "/api/2.0/nodes/<id>" | null, config, lastStarted, lastFinished, paused, failureCount}``;
* raw (GET ``/nodes/{id}/pollers``): ``{id, name, node, config, pollInterval, nextScheduled,
  lastStarted, lastFinished, leaseToken, leaseExpires, failureCount, paused, state, createdAt,
  updatedAt}``.

A poller without a node carries its BMC's credentials in ``config``; keys matching /password/i,
/community/i (SNMP's ``communityString``) or /productkey/i are left out of every rendering.
"""

from __future__ import annotations

import re
from typing import Any

from rackharness.reference.documents import iso
from rackharness.reference.pollers.store import type_of
from rackharness.reference.views import document_id, reference_id

SECRET_KEY = re.compile(r"password|community|productkey|secret", re.IGNORECASE)


def without_secrets(config: Any) -> dict[str, Any]:
    """A poller or OBM config minus its secret keys (any depth)."""
    if not isinstance(config, dict):
        return {}
    return {
        key: without_secrets(value) if isinstance(value, dict) else value
        for key, value in config.items()
        if not SECRET_KEY.search(str(key))
    }


def poller_view(doc: dict[str, Any], base_path: str) -> dict[str, Any]:
    node = reference_id(doc.get("node"))
    return {
        "id": document_id(doc),
        "type": type_of(doc.get("name")),
        "pollInterval": doc.get("pollInterval"),
        "node": f"{base_path}/nodes/{node}" if node else None,
        "config": without_secrets(doc.get("config")),
        "lastStarted": iso(doc.get("lastStarted")),
        "lastFinished": iso(doc.get("lastFinished")),
        "paused": bool(doc.get("paused")),
        "failureCount": int(doc.get("failureCount") or 0),
    }


def workitem_raw(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": document_id(doc),
        "name": doc.get("name"),
        "node": reference_id(doc.get("node")),
        "config": without_secrets(doc.get("config")),
        "pollInterval": doc.get("pollInterval"),
        "nextScheduled": iso(doc.get("nextScheduled")),
        "lastStarted": iso(doc.get("lastStarted")),
        "lastFinished": iso(doc.get("lastFinished")),
        "leaseToken": doc.get("leaseToken"),
        "leaseExpires": iso(doc.get("leaseExpires")),
        "failureCount": int(doc.get("failureCount") or 0),
        "paused": bool(doc.get("paused")),
        "state": doc.get("state"),
        "createdAt": iso(doc.get("createdAt")),
        "updatedAt": iso(doc.get("updatedAt")),
    }
