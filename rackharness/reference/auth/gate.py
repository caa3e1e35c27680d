"""The auth-enabled endpoint's gate: which operation a request is, and whether its caller may call it.

on-http mounts its swagger specs on every endpoint; on one with ``authEnabled`` the ``swagger_authn``
fitting authenticates every operation that names ``x-authentication-type`` (operations that do not
are open) and ``swagger_authz`` then checks ``x-privileges`` against the caller's role (403
``{"message": "Forbidden"}``). This module finds the operation of a request in the same specs —
``monorail-2.0.yaml`` (``/api/2.0``), ``redfish.yaml`` (``/redfish/v1``), ``redfish-root.yaml``
(``/redfish``) — and runs both checks from a Flask ``before_request`` hook. A request no spec
describes is not gated (RackHD would not route it at all).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import yaml
from flask import Flask, g, request

from rackharness.reference.auth.service import AuthFailed, AuthService, credentials_from
from rackharness.reference.http import json_response
from rackharness.reference.spec import STATIC

SPEC_FILES = ("monorail-2.0.yaml", "redfish.yaml", "redfish-root.yaml")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # basePath + the spec's path template
    authentication: tuple[str, ...]  # x-authentication-type; empty: open
    privileges: tuple[str, ...]  # x-privileges


@dataclass(frozen=True)
class _Route:
    pattern: re.Pattern[str]
    literal_segments: int
    operations: dict[str, Operation]


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "/?$")


@functools.lru_cache(maxsize=1)
def routes() -> tuple[_Route, ...]:
    """Every operation of the three specs, literal paths before templated ones."""
    found: list[_Route] = []
    for name in SPEC_FILES:
        document = yaml.safe_load((STATIC / name).read_text(encoding="utf-8"))
        base = document.get("basePath", "").rstrip("/")
        for template, item in document["paths"].items():
            full = base + (template if template != "/" else "")
            operations = {
                method.upper(): Operation(method.upper(), full, tuple(op.get("x-authentication-type") or ()),
                                          tuple(op.get("x-privileges") or ()))
                for method, op in item.items() if method in METHODS and isinstance(op, dict)}
            literal = sum(1 for segment in full.split("/") if segment and not segment.startswith("{"))
            found.append(_Route(_compile(full or "/"), literal, operations))
    found.sort(key=lambda route: -route.literal_segments)
    return tuple(found)


def operation_for(method: str, path: str) -> Operation | None:
    for route in routes():
        if route.pattern.match(path):
            operation = route.operations.get(method.upper())
            if operation is not None:
                return operation
    return None


def _body() -> Any:
    if request.mimetype != "application/json" or not request.get_data(cache=True):
        return None
    return request.get_json(silent=True, cache=True)


def install(app: Flask, auth: AuthService) -> None:
    """Gate every request of ``app`` (the auth-enabled endpoint's app)."""

    @app.before_request
    def _gate():
        operation = operation_for(request.method, request.path)
        g.rackhd_user = None
        if operation is None or not operation.authentication:
            return None
        credentials = credentials_from(request.headers, request.args, _body())
        try:
            caller = auth.authenticate(list(operation.authentication), credentials)
        except AuthFailed as failed:
            return json_response(failed.challenges, 401)
        g.rackhd_user = caller.user
        if caller.user is not None and operation.privileges and not auth.allowed(caller.user, list(operation.privileges)):
            return json_response({"message": "Forbidden"}, 403)
        return None
