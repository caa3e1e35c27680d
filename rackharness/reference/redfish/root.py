"""The Redfish entry points: ``GET /redfish`` (the protocol versions) and ``GET /redfish/v1`` (ServiceRoot).

The ServiceRoot links every service (``Systems``, ``Chassis``, ``Managers``, ``Tasks`` →
TaskService, ``SessionService``, ``AccountService``, ``EventService``, ``Registries``,
``JsonSchemas``, ``UpdateService``) and ``Links.Sessions``; its ``UUID`` is the service's, stable
for a given database (RackHD's SystemUuid is the host's).
"""

from __future__ import annotations

import uuid

from flask import Blueprint

from rackharness.reference.context import TargetContext
from rackharness.reference.http import json_response
from rackharness.reference.redfish.resources import BASE, link

SERVICES = {
    "Systems": "Systems",
    "Chassis": "Chassis",
    "Managers": "Managers",
    "Tasks": "TaskService",
    "SessionService": "SessionService",
    "AccountService": "AccountService",
    "EventService": "EventService",
    "Registries": "Registries",
    "JsonSchemas": "JsonSchemas",
    "UpdateService": "UpdateService",
}


def service_uuid(ctx: TargetContext) -> str:
    return str(ctx.config.get("systemUuid") or uuid.uuid5(uuid.NAMESPACE_URL, f"rackharness-target:{ctx.db.name}"))


def service_root(ctx: TargetContext) -> dict:
    return {
        "@odata.context": f"{BASE}/$metadata#ServiceRoot.ServiceRoot",
        "@odata.id": f"{BASE}/",
        "@odata.type": "#ServiceRoot.v1_3_0.ServiceRoot",
        "Oem": {},
        "Id": "RootService",
        "Description": "",
        "Name": "Root Service",
        "RedfishVersion": "1.0.0",
        "UUID": service_uuid(ctx),
        "Links": {"Oem": {}, "Sessions": link(f"{BASE}/SessionService/Sessions")},
        **{key: link(f"{BASE}/{path}") for key, path in SERVICES.items()},
    }


def version_blueprint() -> Blueprint:
    bp = Blueprint("redfish_versions", __name__)

    @bp.get("/redfish")
    def get_redfish_protocol_version():
        return json_response({"v1": f"{BASE}/"})

    return bp


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_root", __name__)

    @bp.get("/")
    def get_service_root():
        return json_response(service_root(ctx))

    return bp
