"""The auth-enabled endpoint's gate: which operation a request is, and whether its caller may call it.

on-http mounts its swagger specs on every endpoint; on one with ``authEnabled`` the ``swagger_authn``
fitting authenticates every operation that names ``x-authentication-type`` (operations that do not
are open) and ``swagger_authz`` then checks ``x-privileges`` against the caller's role (403
``{"message": "Forbidden"}``). This module finds the operation of a request in the project's
tables of those specs (:mod:`rackharness.reference.contract.operations`: API 2.0 under
``/api/2.0``, Redfish under ``/redfish/v1``, the Redfish root ``/redfish``) and runs both checks
from a Flask ``before_request`` hook. A request no operation describes is not gated (RackHD would
not route it at all).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from flask import Flask, g, request

from rackharness.reference.auth.service import AuthFailed, AuthService, credentials_from
from rackharness.reference.contract.operation_table import Operation
from rackharness.reference.contract.operations import all_operations
from rackharness.reference.http import json_response

__all__ = ["Operation", "install", "operation_for", "routes"]


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
    """Every path of the three APIs with its operations by method, literal paths before templated
    ones (among equals, the order of RackHD's specs)."""
    by_path: dict[str, dict[str, Operation]] = {}
    for operation in all_operations():
        by_path.setdefault(operation.path, {})[operation.method] = operation
    found = [_Route(_compile(path or "/"), _literal_segments(path), operations) for path, operations in by_path.items()]
    found.sort(key=lambda route: -route.literal_segments)
    return tuple(found)


def _literal_segments(path: str) -> int:
    return sum(1 for segment in path.split("/") if segment and not segment.startswith("{"))


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
        if (
            caller.user is not None
            and operation.privileges
            and not auth.allowed(caller.user, list(operation.privileges))
        ):
            return json_response({"message": "Forbidden"}, 403)
        return None
