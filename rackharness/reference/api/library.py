"""RackHD's libraries that are not uploads — schemas, poller types — and the switch error log.

Served (on-http ``profiles.js``, ``schemas2.js``, ``pollers.js``):

* ``POST /profiles/switch/error`` → 201 with no body, whatever the body (RackHD logs it; so does the target).
* ``GET /schemas`` → the ids of the API 2.0 body schemas (``/api/2.0/schemas/node.2.0.json`` ...: the
  project's own definitions, :mod:`rackharness.reference.contract.body_schemas`); ``GET /schemas/{name}``
  → that document, 404 for another name. ``GET /schemas/tasks`` → ``[]``, ``/schemas/tasks/{name}`` → 404.
* ``GET /pollers/library`` → RackHD's poller types and their settings (ipmi, snmp, redfish: its
  ``pollers-api-service`` list, in the project's words); ``GET /pollers/library/{type}`` → one, 404 otherwise.
  These rules are more specific than api/pollers.py's ``/pollers/<identifier>``, so they win.

The uploads live in their own modules: files in :mod:`.files`, profiles, templates and views in
:mod:`.renderables`. Left out, and why: the on-tasks task option schemas (the target checks no task options).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, request

from rackharness.reference.context import TargetContext
from rackharness.reference.contract.body_schemas import BODY_DOCUMENTS, body_document
from rackharness.reference.documents import ApiError
from rackharness.reference.http import json_response

log = logging.getLogger("rackharness.reference")


def _setting(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": kind, **extra}


#: RackHD 2.60.7's poller library (on-http ``pollers-api-service``): each type and the config it takes
POLLER_LIBRARY: tuple[dict[str, Any], ...] = (
    {
        "name": "ipmi",
        "node": True,
        "config": [
            _setting("host", "string"),
            _setting("user", "string", defaultsTo="admin"),
            _setting("password", "string", defaultsTo="admin"),
            _setting("alerts", "json", required=False),
        ],
    },
    {
        "name": "snmp",
        "config": [
            _setting("host", "string", required=True),
            _setting("communityString", "string", required=True),
            _setting("extensionMibs", "string[]"),
        ],
    },
    {
        "name": "redfish",
        "config": [
            _setting("uri", "string", required=True),
            _setting("user", "string", defaultsTo="admin"),
            _setting("password", "string", defaultsTo="admin"),
        ],
    },
)


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("library", __name__)
    base = ctx.base_path.rstrip("/")

    # -- switch errors (the uploads are api/files.py and api/renderables.py) -------------------------
    @bp.post("/profiles/switch/error")
    def post_switch_error():
        log.info("switch error posted to /profiles/switch/error: %.500s", request.get_data(as_text=True))
        response = Response(status=201)
        del response.headers["Content-Type"]
        return response

    # -- schemas ----------------------------------------------------------------------------------
    @bp.get("/schemas")
    def list_schemas():
        return json_response([f"{base}/schemas/{name}" for name in BODY_DOCUMENTS])

    @bp.get("/schemas/<identifier>")
    def get_schema(identifier: str):
        if identifier not in BODY_DOCUMENTS:
            raise ApiError(404, f"{base}/schemas/{identifier} Not Found")  # RackHD's words
        return json_response(body_document(identifier))

    @bp.get("/schemas/tasks")
    def list_task_schemas():
        return json_response([])

    @bp.get("/schemas/tasks/<identifier>")
    def get_task_schema(identifier: str):
        raise ApiError(404, f"{identifier} Not Found")  # RackHD's words

    # -- the poller library -----------------------------------------------------------------------
    @bp.get("/pollers/library")
    def poller_library():
        return json_response(list(POLLER_LIBRARY))

    @bp.get("/pollers/library/<identifier>")
    def poller_library_entry(identifier: str):
        for entry in POLLER_LIBRARY:
            if entry["name"] == identifier:
                return json_response(entry)
        raise ApiError(
            404,
            f"Poller library entry not found: {identifier}",
            errors=[f"the library has {', '.join(e['name'] for e in POLLER_LIBRARY)}"],
        )

    return bp
