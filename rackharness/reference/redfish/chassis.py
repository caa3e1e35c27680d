"""Chassis: ``/redfish/v1/Chassis`` — the enclosure nodes.

As chassis.js: the collection lists every ``type: enclosure`` node by id and, for one named
``Enclosure Node <serial>`` (what RackHD's GenerateEnclosure names them), by that serial too;
``GET /Chassis/{id}`` finds the enclosure by id or by a name containing ``id``. Its
``Links.ComputerSystems`` are the nodes it ``encloses``; ``ChassisType``, ``Manufacturer``,
``SerialNumber``, ``AssetTag``, ``SKU`` and ``Model`` come from the first enclosed node's ohai
``dmi.chassis`` / ``dmi.system``, ``IndicatorLED`` from that node's chassis poller.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import NODES, node_id, object_id
from rackharness.reference.http import json_response
from rackharness.reference.redfish.chassis_power import UNKNOWN, chassis_power
from rackharness.reference.redfish.computer_system import latest_catalog
from rackharness.reference.redfish.errors import redfish_not_found
from rackharness.reference.redfish.resources import BASE, collection, link, nodes_of_type, relation_targets

ENCLOSURE = "enclosure"
_SERIAL_NAME = re.compile(r"Enclosure Node ([a-zA-Z0-9_-]*)")
#: chassis.js typeEnum: the first that occurs in dmi's chassis type wins, spaces removed
CHASSIS_TYPES = (
    "Rack",
    "Blade",
    "Enclosure",
    "StandAlone",
    "Stand Alone",
    "RackMount",
    "Rack Mount",
    "Card",
    "Cartridge",
    "Row",
    "Pod",
    "Expansion",
    "Sidecar",
    "Zone",
    "Sled",
    "Shelf",
    "Drawer",
    "Module",
    "Component",
    "Other",
)


def chassis_type(dmi_type: str) -> str:
    found = "Other"
    for name in CHASSIS_TYPES:  # chassis.js keeps the last match
        if name in dmi_type:
            found = name.replace(" ", "")
    return found


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_chassis", __name__)

    def need_enclosure(identifier: str) -> dict[str, Any]:
        oid = object_id(identifier)
        node = ctx.db[NODES].find_one({"_id": oid, "type": ENCLOSURE}) if oid is not None else None
        if node is None and identifier:
            node = ctx.db[NODES].find_one({"type": ENCLOSURE, "name": {"$regex": re.escape(identifier)}})
        if node is None:
            raise redfish_not_found("Chassis", identifier)
        return node

    @bp.get("/Chassis")
    def list_chassis():
        members = []
        for node in nodes_of_type(ctx.db, (ENCLOSURE,)):
            members.append(f"{BASE}/Chassis/{node_id(node)}")
            serial = _SERIAL_NAME.search(str(node.get("name") or ""))
            if serial:
                members.append(f"{BASE}/Chassis/{serial.group(1)}")
        return json_response(collection(f"{BASE}/Chassis", "Chassis", "Chassis Collection", members))

    @bp.get("/Chassis/<identifier>")
    def get_chassis(identifier: str):
        enclosure = need_enclosure(identifier)
        systems = relation_targets(enclosure, "encloses")
        ohai = (latest_catalog(ctx, systems[0], "ohai") if systems else None) or {}
        dmi = ohai.get("dmi") if isinstance(ohai.get("dmi"), dict) else {}
        chassis, system = dmi.get("chassis") or {}, dmi.get("system") or {}
        led = chassis_power(ctx, systems[0]).led if systems else UNKNOWN
        path = f"{BASE}/Chassis/{identifier}"
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata#Chassis.Chassis",
                "@odata.id": path,
                "@odata.type": "#Chassis.v1_4_0.Chassis",
                "Oem": {},
                "Id": identifier,
                "Description": "",
                "Name": "Chassis",
                "ChassisType": chassis_type(str(chassis.get("type", ""))),
                "AssetTag": str(chassis.get("asset_tag", "")),
                "Manufacturer": str(chassis.get("manufacturer", "")),
                "Model": str(system.get("product_name", "")),
                "SKU": str(chassis.get("sku_number", "")),
                "SerialNumber": str(chassis.get("serial_number", "")),
                "Actions": {"Oem": {}, "#Chassis.Reset": {}},
                "Status": {},
                "Thermal": link(f"{path}/Thermal"),
                "Power": link(f"{path}/Power"),
                "IndicatorLED": led,
                "Links": {
                    "Oem": {},
                    "ComputerSystems@odata.count": len(systems),
                    "ComputerSystems": [link(f"{BASE}/Systems/{target}") for target in systems],
                    "ManagedBy@odata.count": 1,
                    "ManagedBy": [link(f"{BASE}/Managers/RackHD")],
                },
            }
        )

    return bp
