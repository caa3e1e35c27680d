"""Profiles, templates and views: RackHD's renderables (on-core ``DbRenderableContent``, behind on-http
``profiles.js``, ``templates.js``, ``views.js`` and on-taskgraph's profile and template RPCs).

A renderable is text stored under a name in a scope (``global`` unless ``?scope=`` says otherwise;
views are always global). Its record: ``{id (uuid4), name, scope, hash}``, ``hash`` the md5 of the
text, base64 — RackHD's ``renderable.2.0.json`` view. RackHD also records the file path it writes the
text to; the target keeps the text in the record instead (collections ``profiles``, ``templates``,
``views``: the record, ``contents``, ``size``, ``createdAt``, ``updatedAt``).

* ``PUT /profiles/library/{name}``, ``PUT /templates/library/{name}`` (``?scope=``), ``PUT /views/{name}``
  → 201, the record with ``createdAt``, ``updatedAt``; a second PUT of a (name, scope) replaces its text.
* ``GET /profiles/library/{name}``, ``GET /templates/library/{name}`` → the text (``text/plain``); with
  ``?scope=a+b`` the first scope listed that has the name wins; without, ``global`` only.
* ``GET /profiles/metadata``, ``/templates/metadata``, ``GET /views`` → every record, oldest first.
* ``GET /profiles/metadata/{name}``, ``/templates/metadata/{name}`` → the *list* of that name's records
  (``getName``), only those in ``?scope=`` when given; 404 when the name has none.
* ``GET /views/{name}`` → the global record with its ``contents``.
* ``DELETE /templates/library/{name}`` (``?scope=``, default global), ``DELETE /views/{name}`` → 204.
* 404 for a name not stored (messages as before any upload: ``Profile not found``, ``template not
  found``, ``Could not find``, ``Could not delete``).

Left out: the hundreds of renderables RackHD ships under ``data/``; the target renders the few nodes
need in code (api/southbound.py, whose ``GET /templates/<name>`` these routes leave alone).
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import uuid
from typing import Any

from flask import Blueprint, Response, request

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import ApiError, iso, now
from rackharness.reference.http import json_response, no_content

GLOBAL = "global"
TEXT = "text/plain; charset=utf-8"
VIEW_FIELDS = ("id", "hash", "name", "scope")
OLDEST_FIRST = [("createdAt", 1), ("_id", 1)]
MAX_BYTES = 12 * 1024 * 1024  # the text sits in one Mongo document (16 MB at most)


def renderable_view(stored: dict[str, Any]) -> dict[str, Any]:
    """``renderable.2.0.json``: id, hash, name, scope."""
    return {"id": stored["_id"], "hash": stored["hash"], "name": stored["name"], "scope": stored["scope"]}


class Renderables:
    """One kind of renderable (profiles, templates or views) in its collection."""

    def __init__(self, ctx: TargetContext, collection: str) -> None:
        self.records = ctx.db[collection]
        self._write_lock = threading.Lock()  # find-then-write of one (name, scope) is one step

    def put(self, name: str, scope: str | None) -> dict[str, Any]:
        raw = request.get_data()
        if len(raw) > MAX_BYTES:
            raise ApiError(
                413,
                f"{name} is too large for the reference target: {len(raw)} bytes",
                errors=[f"at most {MAX_BYTES} bytes"],
            )
        contents = raw.decode("utf-8", errors="replace")  # RackHD reads the stream as UTF-8 text
        scope = scope or GLOBAL
        stamp = now()
        changes = {
            "hash": base64.b64encode(hashlib.md5(contents.encode("utf-8")).digest()).decode("ascii"),
            "contents": contents,
            "size": len(raw),
            "updatedAt": stamp,
        }
        with self._write_lock:
            stored = self.records.find_one({"name": name, "scope": scope})
            if stored is None:
                stored = {"_id": str(uuid.uuid4()), "name": name, "scope": scope, **changes, "createdAt": stamp}
                self.records.insert_one(stored)
            else:
                stored.update(changes)
                self.records.replace_one({"_id": stored["_id"]}, stored)  # whole document, as hooks.py does
        return {**renderable_view(stored), "createdAt": iso(stored["createdAt"]), "updatedAt": iso(stamp)}

    def find(self, name: str, scopes: list[str]) -> dict[str, Any] | None:
        """The record of ``name`` in the first of ``scopes`` that has it."""
        found = {stored["scope"]: stored for stored in self.records.find({"name": name, "scope": {"$in": scopes}})}
        return next((found[scope] for scope in scopes if scope in found), None)

    def all(self) -> list[dict[str, Any]]:
        return [renderable_view(stored) for stored in self.records.find().sort(OLDEST_FIRST)]

    def named(self, name: str, scope: str | None) -> list[dict[str, Any]] | None:
        """``getName``: the name's records (in ``scope`` when given); None when the name has none at all."""
        stored = list(self.records.find({"name": name}).sort(OLDEST_FIRST))
        if not stored:
            return None
        return [renderable_view(record) for record in stored if scope is None or record["scope"] == scope]

    def delete(self, name: str, scope: str | None) -> bool:
        return self.records.delete_one({"name": name, "scope": scope or GLOBAL}).deleted_count > 0


def scopes_of(query: str | None) -> list[str]:
    """``?scope=a+b`` (``+`` arrives as a space) → ["a", "b"]; none → ["global"]."""
    return [scope for scope in re.split(r"[+ ]", query) if scope] if query else [GLOBAL]


def text(contents: str) -> Response:
    return Response(contents, mimetype=TEXT)


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("renderables", __name__)
    profiles, templates, views = (Renderables(ctx, name) for name in ("profiles", "templates", "views"))

    # -- profiles ---------------------------------------------------------------------------------
    @bp.put("/profiles/library/<name>")
    def put_profile(name: str):
        return json_response(profiles.put(name, request.args.get("scope")), 201)

    @bp.get("/profiles/library/<name>")
    def get_profile(name: str):
        stored = profiles.find(name, scopes_of(request.args.get("scope")))
        if stored is None:
            raise ApiError(404, f"Profile not found: {name}")
        return text(stored["contents"])

    @bp.get("/profiles/metadata")
    def list_profiles():
        return json_response(profiles.all())

    @bp.get("/profiles/metadata/<name>")
    def profile_metadata(name: str):
        found = profiles.named(name, request.args.get("scope"))
        if found is None:
            raise ApiError(404, f"Profile not found: {name}")
        return json_response(found)

    # -- templates --------------------------------------------------------------------------------
    @bp.put("/templates/library/<name>")
    def put_template(name: str):
        return json_response(templates.put(name, request.args.get("scope")), 201)

    @bp.get("/templates/library/<name>")
    def get_template(name: str):
        stored = templates.find(name, scopes_of(request.args.get("scope")))
        if stored is None:
            raise ApiError(404, f"template not found: {name}")
        return text(stored["contents"])

    @bp.delete("/templates/library/<name>")
    def delete_template(name: str):
        scope = request.args.get("scope")
        if not templates.delete(name, scope):
            raise ApiError(404, f"template not found: {name} in scope {scope or GLOBAL}")
        return no_content()

    @bp.get("/templates/metadata")
    def list_templates():
        return json_response(templates.all())

    @bp.get("/templates/metadata/<name>")
    def template_metadata(name: str):
        found = templates.named(name, request.args.get("scope"))
        if found is None:
            raise ApiError(404, f"template not found: {name}")
        return json_response(found)

    # -- views ------------------------------------------------------------------------------------
    @bp.put("/views/<identifier>")
    def put_view(identifier: str):
        return json_response(views.put(identifier, GLOBAL), 201)

    @bp.get("/views")
    def list_views():
        return json_response(views.all())

    @bp.get("/views/<identifier>")
    def get_view(identifier: str):
        stored = views.find(identifier, [GLOBAL])
        if stored is None:
            raise ApiError(404, f"Could not find {identifier}")  # RackHD's words
        return json_response({**renderable_view(stored), "contents": stored["contents"]})

    @bp.delete("/views/<identifier>")
    def delete_view(identifier: str):
        if not views.delete(identifier, GLOBAL):
            raise ApiError(404, f"Could not delete {identifier}")  # RackHD's words
        return no_content()

    return bp
