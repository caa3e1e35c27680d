"""Hooks (on-http ``lib/api/2.0/hooks.js``, ``lib/services/hooks-api-service.js``; model on-core
``lib/models/hooks.js``): where RackHD POSTs its external events.

``GET /hooks`` lists (Waterline filters in the query string), ``POST /hooks`` creates one
(``hooks.2.0.json#/definitions/HookPost``: ``url`` required) and answers 201, or 409 when a hook
already has that URL; ``GET|PATCH|DELETE /hooks/{id}`` (PATCH: ``HookBase``; DELETE answers 204).
Every answer is the view ``hook.2.0.json``: ``{url, id, name?, filters}``. Ids are uuid4 strings.

Beyond RackHD (docs/reference-target.md): a filter whose regex does not compile and a URL that is
not http(s) are refused with 400 (RackHD stores them, and its delivery then fails), and PATCH
refuses a URL another hook has (409).
"""

from __future__ import annotations

import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, request

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import HOOKS, ApiError, not_found, now
from rackharness.reference.hook_filters import check_filters
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.queries import find_listed
from rackharness.reference.spec import validate_body
from rackharness.reference.views import document_id

FIELDS = ("url", "name", "filters")


def hook_view(hook: dict[str, Any]) -> dict[str, Any]:
    """``hook.2.0.json``: url, id, name (only when set), filters."""
    view: dict[str, Any] = {"url": hook.get("url"), "id": document_id(hook)}
    if hook.get("name") is not None:
        view["name"] = hook["name"]
    view["filters"] = list(hook.get("filters") or [])
    return view


def check_hook_body(operation_id: str, body: Any) -> None:
    """400 for a body the schema refuses, a POST without ``url``, a non-http(s) URL or a bad regex."""
    validate_body(operation_id, body)  # POST: the body parameter requires url (body_stages.STAGES)
    if "url" in body:
        parts = urlsplit(body["url"])
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ApiError(
                400,
                f"hook url must be an http:// or https:// URL with a host, got {body['url']!r:.200}",
                errors=["url: e.g. http://10.1.1.5:9000/events"],
            )
    problems = check_filters(body.get("filters"))
    if problems:
        raise ApiError(400, f"hook filters: {problems[0]}", errors=problems)


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("hooks", __name__)
    hooks = ctx.db[HOOKS]
    write_lock = threading.Lock()  # the duplicate-URL check and the write are one step

    def need(identifier: str) -> dict[str, Any]:
        hook = hooks.find_one({"_id": identifier})
        if hook is None:
            raise not_found("hook", identifier)
        return hook

    def check_unique_url(url: str, own_id: str | None = None) -> None:
        holder = hooks.find_one({"url": url})
        if holder is not None and holder["_id"] != own_id:
            raise ApiError(409, "duplicate hook found")  # RackHD's words, all of them

    def changed() -> None:
        if ctx.hooks is not None:
            ctx.hooks.invalidate()

    @bp.get("/hooks")
    def list_hooks():
        found, headers = find_listed(hooks, request.args, request.path)
        return json_response([hook_view(hook) for hook in found], headers=headers)

    @bp.post("/hooks")
    def create_hook():
        body = request_json()
        check_hook_body("hooksPost", body)
        stamp = now()
        hook = {
            "_id": str(uuid.uuid4()),
            **{key: body[key] for key in FIELDS if key in body},
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        hook.setdefault("filters", [])
        with write_lock:
            check_unique_url(hook["url"])
            hooks.insert_one(hook)
        changed()
        return json_response(hook_view(hook), 201)

    @bp.get("/hooks/<identifier>")
    def get_hook(identifier: str):
        return json_response(hook_view(need(identifier)))

    @bp.patch("/hooks/<identifier>")
    def patch_hook(identifier: str):
        body = request_json()
        check_hook_body("hooksPatchById", body)
        with write_lock:
            hook = need(identifier)
            if "url" in body:
                check_unique_url(body["url"], hook["_id"])
            hook.update({key: body[key] for key in FIELDS if key in body}, updatedAt=now())
            hooks.replace_one({"_id": hook["_id"]}, hook)  # whole document: nx-27017 and $set datetimes
        changed()
        return json_response(hook_view(hook))

    @bp.delete("/hooks/<identifier>")
    def delete_hook(identifier: str):
        with write_lock:
            hooks.delete_one({"_id": need(identifier)["_id"]})
        changed()
        return no_content()

    return bp
