"""RackHD's configuration: GET /config (the flat config object) and PATCH/PUT /config
``{key: value}`` (merged in, answered with the whole config).

Secrets are never served: keys naming a password, secret or shared key are left out, and URLs
(``amqp``, ``mongo``, ...) lose their credentials.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint

from rackharness.redaction import redact_url
from rackharness.reference.context import TargetContext
from rackharness.reference.documents import ApiError
from rackharness.reference.http import json_response, request_json

SECRET_KEY = re.compile(r"password|secret|sharedkey|privatekey", re.IGNORECASE)
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def public_config(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` as GET /config shows it: secret keys out, credentials out of URLs."""
    shown = {}
    for key, value in config.items():
        if SECRET_KEY.search(key):
            continue
        shown[key] = redact_url(value) if isinstance(value, str) and URL.match(value) else value
    return shown


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("config", __name__)

    @bp.get("/config")
    def get_config():
        return json_response(public_config(ctx.config))

    @bp.route("/config", methods=["PATCH", "PUT"])
    def merge_config():
        body = request_json()
        if not isinstance(body, dict):
            raise ApiError(400, 'the body must be an object of config keys and values, e.g. {"autoCreateObm": true}')
        ctx.config.update(body)
        return json_response(public_config(ctx.config))

    return bp
