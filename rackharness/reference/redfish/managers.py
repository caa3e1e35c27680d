"""Managers: ``/redfish/v1/Managers`` — each compute node's BMC, and RackHD itself.

As managers.js: the collection lists the compute nodes that have an OBM (Manager ``Id`` = node id)
and the reserved ``RackHD`` manager. ``GET /Managers/RackHD`` is a ``ManagementController`` that
manages every compute node (and the chassis enclosing them); ``GET /Managers/{nodeId}`` is a
``BMC`` managing that node, with ``Model`` and ``FirmwareVersion`` from its ``ipmi-mc-info``
catalog (``Product Name``, ``Firmware Revision``) when it has one. An unknown id is 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import CATALOGS, find_node, node_id, refers_to_node
from rackharness.reference.http import json_response
from rackharness.reference.redfish.errors import redfish_not_found
from rackharness.reference.redfish.resources import (
    BASE,
    collection,
    link,
    nodes_of_type,
    nodes_with_obms,
    relation_targets,
)

RACKHD = "RackHD"


def manager_view(
    identifier: str, manager_type: str, systems: list[dict[str, Any]], mc_info: dict[str, Any] | None
) -> dict[str, Any]:
    path = f"{BASE}/Managers/{identifier}"
    chassis = [target for node in systems for target in relation_targets(node, "enclosedBy")]
    body: dict[str, Any] = {
        "@odata.context": f"{BASE}/$metadata#Manager.Manager",
        "@odata.id": path,
        "@odata.type": "#Manager.v1_0_0.Manager",
        "Oem": {},
        "Id": identifier,
        "Name": "Manager",
        "ManagerType": manager_type,
        "Links": {
            "ManagerForServers@odata.count": len(systems),
            "ManagerForServers": [link(f"{BASE}/Systems/{node_id(node)}") for node in systems],
            "ManagerForChassis@odata.count": len(chassis),
            "ManagerForChassis": [link(f"{BASE}/Chassis/{target}") for target in chassis],
        },
    }
    if mc_info is not None:
        body["Model"] = str(mc_info.get("Product Name", ""))
        body["FirmwareVersion"] = str(mc_info.get("Firmware Revision", ""))
    body.update(
        {
            "Status": {},
            "SerialInterfaces": link(f"{path}/SerialInterfaces"),
            "EthernetInterfaces": link(f"{path}/EthernetInterfaces"),
        }
    )
    return body


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_managers", __name__)

    @bp.get("/Managers")
    def list_managers():
        computes = nodes_of_type(ctx.db, ("compute",))
        managed = nodes_with_obms(ctx.db, computes)
        members = [f"{BASE}/Managers/{node_id(node)}" for node in computes if node_id(node) in managed]
        return json_response(
            collection(f"{BASE}/Managers", "Manager", "Manager Collection", members + [f"{BASE}/Managers/{RACKHD}"])
        )

    @bp.get("/Managers/<identifier>")
    def get_manager(identifier: str):
        if identifier == RACKHD:
            return json_response(
                manager_view(RACKHD, "ManagementController", nodes_of_type(ctx.db, ("compute",)), None)
            )
        node = find_node(ctx.db, identifier, by_id_only=True)
        if node is None:
            raise redfish_not_found("Manager", identifier)
        latest = list(
            ctx.db[CATALOGS]
            .find({"node": refers_to_node(node_id(node)), "source": "ipmi-mc-info"})
            .sort("createdAt", -1)
            .limit(1)
        )
        mc_info = latest[0].get("data") if latest and isinstance(latest[0].get("data"), dict) else None
        return json_response(manager_view(node_id(node), "BMC", [node], mc_info))

    return bp
