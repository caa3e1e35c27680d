"""The target's Flask application: API prefixes, RackHD's error bodies, one blueprint per resource.

Both serve RackHD's Redfish service (``/redfish``, ``/redfish/v1``: rackharness/reference/redfish/).
One app per HTTP endpoint, as on-http has ``httpEndpoints``: the plain one, and the auth-enabled
one (``auth_enabled=True``), which also serves ``POST /login`` and runs the authentication gate
(rackharness/reference/auth/gate.py) before every request. Both share one context.

``/api/current/*`` and ``/api/common/*`` are rewritten to ``/api/2.0/*`` before routing, as
on-http's http-service does. Every error — ours, a bad JSON body, an unknown route, a bug — is
answered with RackHD's body ``{message, status, UUID, errors?}``; a bug is a 500 that is logged.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from flask import Flask, send_from_directory
from werkzeug.exceptions import HTTPException

from rackharness import __version__
from rackharness.reference.api.users import login_blueprint
from rackharness.reference.auth import gate
from rackharness.reference.auth.service import AuthService
from rackharness.reference.auth.tokens import TokenSigner
from rackharness.reference.auth.users import LocalUsers
from rackharness.reference.context import TargetContext
from rackharness.reference.documents import ApiError
from rackharness.reference.http import json_response
from rackharness.reference.redfish import register as register_redfish

log = logging.getLogger("rackharness.reference")

#: modules under rackharness.reference.api, each exposing ``blueprint(ctx) -> flask.Blueprint``
API_MODULES = (
    "nodes",
    "obms",
    "catalogs",
    "tags",
    "relations",
    "config",
    "workflows",
    "skus",
    "pollers",
    "lookups",
    "users",
    "hooks",
    "southbound",
    "library",
    "files",
    "renderables",
    "ibms",
    "node_actions",
    "notifications",
)
ALIASES = ("/api/current/", "/api/common/")


class _PrefixAliases:
    """WSGI middleware: /api/current/... and /api/common/... are /api/2.0/..."""

    def __init__(self, wsgi_app, base_path: str) -> None:
        self.wsgi_app = wsgi_app
        self.base_path = base_path.rstrip("/") + "/"

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        for alias in ALIASES:
            if path.startswith(alias):
                environ["PATH_INFO"] = self.base_path + path[len(alias) :]
                break
        return self.wsgi_app(environ, start_response)


#: on every answer: ``reference/<rackharness version>`` — RackHD sends no such header
TARGET_HEADER = "X-Rackharness-Target"


def _serve_static_files(app: Flask, ctx: TargetContext) -> None:
    """RackHD's static file server under ``/common/`` (its ``httpStaticRoot``): the microkernel's kernel and
    initrd, which the nodes' iPXE fetches (``{{ api.server }}/common/<kernelFile>``). Only when configured."""
    root = ctx.config.get("httpStaticRoot")
    if not root:
        return
    common = Path(str(root)) / "common"

    @app.get("/common/<path:name>")
    def _common_file(name: str):
        if not (common / name).is_file():
            raise ApiError(
                404,
                f"Error: file {name} not found in the static root",
                errors=[f"the static root is {common}; `rackharness up --provider vagrant` puts the microkernel there"],
            )
        return send_from_directory(common, name, mimetype="application/octet-stream", max_age=0)


def create_app(ctx: TargetContext, *, auth_enabled: bool = False) -> Flask:
    if ctx.auth is None:
        ctx.auth = AuthService(LocalUsers(ctx.db), TokenSigner())
    app = Flask("rackharness.reference.auth" if auth_enabled else "rackharness.reference")
    app.json.sort_keys = False
    app.config["RACKHARNESS_CONTEXT"] = ctx
    app.url_map.strict_slashes = False
    app.wsgi_app = _PrefixAliases(app.wsgi_app, ctx.base_path)  # type: ignore[method-assign]
    for name in API_MODULES:
        module = importlib.import_module(f"rackharness.reference.api.{name}")
        app.register_blueprint(module.blueprint(ctx), url_prefix=ctx.base_path)
    register_redfish(app, ctx)
    _serve_static_files(app, ctx)
    if auth_enabled:
        app.register_blueprint(login_blueprint(ctx))
        gate.install(app, ctx.auth)

    @app.after_request
    def _say_what_it_is(response):
        # the suite tells the reference from a RackHD by this (rackharness.suite.sut.TARGET_HEADER)
        response.headers[TARGET_HEADER] = f"reference/{__version__}"
        return response

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return json_response(exc.body(), exc.status)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        message = exc.description if exc.code != 404 else f"Not Found: {exc.name}"
        return json_response(ApiError(exc.code or 500, message).body(), exc.code or 500)

    @app.errorhandler(Exception)
    def _bug(exc: Exception):
        log.exception("unhandled error in the reference target")
        return json_response(ApiError(500, f"internal error: {type(exc).__name__}").body(), 500)

    return app
