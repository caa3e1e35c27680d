"""RackHD's libraries of stored things — files, profiles, templates, views, schemas, poller types — as a
fresh RackHD 2.60.7 has them with nothing uploaded.

Served (on-http ``files.js``, ``profiles.js``, ``templates.js``, ``views.js``, ``schemas2.js``, ``pollers.js``):

* ``GET /files`` and ``GET /files/static/list`` → ``[]``; ``GET|DELETE /files/{fileidentifier}``,
  ``GET /files/{filename}/md5`` and ``/metadata`` → 404: no file was ever stored.
* ``GET /profiles/metadata``, ``GET /templates/metadata``, ``GET /views`` → ``[]``;
  ``GET /profiles/metadata/{name}``, ``GET /profiles/library/{name}``, ``GET /templates/metadata/{name}``,
  ``GET|DELETE /templates/library/{name}``, ``GET|DELETE /views/{identifier}`` → 404.
* ``POST /profiles/switch/error`` → 201 with no body, whatever the body (RackHD logs it; so does the target).
* ``GET /schemas`` → the ids of the API 2.0 body schemas (``/api/2.0/schemas/node.2.0.json`` ...: the
  project's own definitions, :mod:`rackharness.reference.contract.body_schemas`); ``GET /schemas/{name}``
  → that document, 404 for another name. ``GET /schemas/tasks`` → ``[]``, ``/schemas/tasks/{name}`` → 404.
* ``GET /pollers/library`` → RackHD's poller types and their settings (ipmi, snmp, redfish: its
  ``pollers-api-service`` list, in the project's words); ``GET /pollers/library/{type}`` → one, 404 otherwise.
  These rules are more specific than api/pollers.py's ``/pollers/<identifier>``, so they win.

Left out, and why: the built-in templates, profiles and views RackHD ships (hundreds of files under
on-http ``data/``; the target renders the few it needs in code: api/southbound.py, discovery/profiles.py),
the on-tasks task option schemas (the target checks no task options), and every upload:
``PUT /files/{id}``, ``PUT /profiles/library/{name}``, ``PUT /templates/library/{name}``,
``PUT /views/{id}`` are not served (405), so nothing is stored and the lists above stay empty.
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
    {"name": "ipmi", "node": True, "config": [
        _setting("host", "string"), _setting("user", "string", defaultsTo="admin"),
        _setting("password", "string", defaultsTo="admin"), _setting("alerts", "json", required=False)]},
    {"name": "snmp", "config": [
        _setting("host", "string", required=True), _setting("communityString", "string", required=True),
        _setting("extensionMibs", "string[]")]},
    {"name": "redfish", "config": [
        _setting("uri", "string", required=True), _setting("user", "string", defaultsTo="admin"),
        _setting("password", "string", defaultsTo="admin")]},
)


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("library", __name__)
    base = ctx.base_path.rstrip("/")

    # -- files ----------------------------------------------------------------------------------
    @bp.get("/files")
    @bp.get("/files/static/list")
    def list_files():
        return json_response([])

    @bp.get("/files/<fileidentifier>")
    @bp.delete("/files/<fileidentifier>")
    @bp.get("/files/<fileidentifier>/md5")
    @bp.get("/files/<fileidentifier>/metadata")
    def file_not_found(fileidentifier: str):
        raise ApiError(404, f"File not found: {fileidentifier}")

    # -- profiles, templates, views (renderables) -------------------------------------------------
    @bp.get("/profiles/metadata")
    @bp.get("/templates/metadata")
    @bp.get("/views")
    def list_renderables():
        return json_response([])

    @bp.get("/profiles/metadata/<name>")
    @bp.get("/profiles/library/<name>")
    def profile_not_found(name: str):
        raise ApiError(404, f"Profile not found: {name}")

    @bp.get("/templates/metadata/<name>")
    @bp.get("/templates/library/<name>")
    @bp.delete("/templates/library/<name>")
    def template_not_found(name: str):
        raise ApiError(404, f"template not found: {name}")

    @bp.get("/views/<identifier>")
    def get_view(identifier: str):
        raise ApiError(404, f"Could not find {identifier}")  # RackHD's words

    @bp.delete("/views/<identifier>")
    def delete_view(identifier: str):
        raise ApiError(404, f"Could not delete {identifier}")  # RackHD's words

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
        raise ApiError(404, f"Poller library entry not found: {identifier}",
                       errors=[f"the library has {', '.join(e['name'] for e in POLLER_LIBRARY)}"])

    return bp

