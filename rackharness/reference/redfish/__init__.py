"""The target's Redfish 1.0 service (on-http ``lib/api/redfish-1.0``, spec ``redfish.yaml``).

``/redfish`` answers the protocol versions; under ``/redfish/v1``: the ServiceRoot (:mod:`.root`),
Systems and ComputerSystem.Reset (:mod:`.systems`, :mod:`.computer_system`), Managers (:mod:`.managers`,
:mod:`.local_manager`), Chassis, SessionService (:mod:`.sessions`), TaskService (:mod:`.tasks`),
AccountService (:mod:`.accounts`), EventService (:mod:`.events`), UpdateService (:mod:`.update_service`),
and Registries, JsonSchemas, ``$metadata``, ``odata``, NetworkDevices, DCIMCooling and DCIMPower
(:mod:`.services`). Errors are Redfish error bodies (:mod:`.errors`). Authentication is the
auth-enabled app's gate, as for API 2.0.
"""

from __future__ import annotations

from flask import Flask

from rackharness.reference.context import TargetContext
from rackharness.reference.redfish import (
    accounts,
    chassis,
    events,
    local_manager,
    managers,
    root,
    services,
    sessions,
    systems,
    tasks,
    update_service,
)
from rackharness.reference.redfish.resources import BASE


def register(app: Flask, ctx: TargetContext) -> None:
    """Mount ``/redfish`` and every ``/redfish/v1`` resource on ``app``."""
    app.register_blueprint(root.version_blueprint())
    for module in (
        root,
        systems,
        managers,
        chassis,
        sessions,
        tasks,
        accounts,
        events,
        local_manager,
        services,
        update_service,
    ):
        app.register_blueprint(module.blueprint(ctx), url_prefix=BASE)
