"""A ComputerSystem (``GET /redfish/v1/Systems/{id}``) built from a compute node's catalogs.

As on-http's systems.js ``getSystem`` does: ``catData`` is the node's latest ``ohai`` catalog data
merged with its latest ``dmi`` catalog data (RackHD answers 404 when either is missing), and the
``redfish.1.0.0.computersystem.1.0.0.json`` view reads from it:

* ``Manufacturer``, ``Model``, ``SerialNumber``, ``SKU``, ``UUID`` (lower case): ohai's
  ``dmi.system`` (``manufacturer``, ``product_name``, ``serial_number``, ``sku_number``, ``uuid``);
  ``AssetTag``: ohai's ``dmi.chassis.asset_tag``;
* ``BiosVersion``: ohai's ``dmi.bios`` ``version``, ``bios_revision`` and ``release_date``;
* ``ProcessorSummary``: ohai's ``cpu.real`` sockets and ``dmi.processor.version``;
* ``MemorySummary.TotalSystemMemoryGiB``: the dmi catalog's ``Memory Device`` sizes (MB and GB);
* ``PowerState`` and ``IndicatorLED``: the chassis poller (:mod:`.chassis_power`);
* ``Links.ManagedBy``: the node's manager and ``RackHD``; ``Links.Chassis``: its ``enclosedBy`` nodes.
"""

from __future__ import annotations

from typing import Any

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import CATALOGS, node_id, refers_to_node
from rackharness.reference.redfish.chassis_power import chassis_power
from rackharness.reference.redfish.errors import RedfishError
from rackharness.reference.redfish.resources import BASE, has_obm, link, relation_targets

RESET_TARGET = "Actions/ComputerSystem.Reset"


def latest_catalog(ctx: TargetContext, nid: str, source: str) -> dict[str, Any] | None:
    found = list(ctx.db[CATALOGS].find({"node": refers_to_node(nid), "source": source}).sort("createdAt", -1).limit(1))
    data = found[0].get("data") if found else None
    return data if isinstance(data, dict) else None


def _section(data: dict[str, Any], *path: str) -> dict[str, Any]:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None  # type: ignore[assignment]
    return data if isinstance(data, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def memory_gib(dmi: dict[str, Any]) -> float:
    """TotalSystemMemoryGiB from the dmi catalog's ``Memory Device`` entries (``16384 MB``, ``16 GB``)."""
    devices = dmi.get("Memory Device")
    total_mb = 0
    for device in devices if isinstance(devices, list) else []:
        size, _, units = _text(device.get("Size") if isinstance(device, dict) else "").partition(" ")
        if not size.isdigit():
            continue  # "No Module Installed"
        total_mb += int(size) * (1024 if units.strip() == "GB" else 1)
    gib = total_mb / 1024
    return int(gib) if gib.is_integer() else gib


def computer_system(ctx: TargetContext, node: dict[str, Any]) -> dict[str, Any]:
    nid = node_id(node)
    ohai, dmi = latest_catalog(ctx, nid, "ohai"), latest_catalog(ctx, nid, "dmi")
    missing = [source for source, data in (("ohai", ohai), ("dmi", dmi)) if data is None]
    if missing:
        raise RedfishError(
            404,
            f"System {nid} has no {' and no '.join(missing)} catalog: RackHD builds a "
            "ComputerSystem from both (discover the node, or POST its catalogs)",
        )
    system, bios = _section(ohai, "dmi", "system"), _section(ohai, "dmi", "bios")
    power = chassis_power(ctx, nid)
    path = f"{BASE}/Systems/{nid}"
    managers = ([nid] if has_obm(ctx.db, nid) else []) + ["RackHD"]
    chassis = relation_targets(node, "enclosedBy")
    processor = _section(ohai, "dmi", "processor").get("version") or _section(dmi, "Processor Information").get(
        "Version"
    )
    return {
        "@odata.context": f"{BASE}/$metadata#ComputerSystem.ComputerSystem",
        "@odata.id": path,
        "@odata.type": "#ComputerSystem.v1_0_0.ComputerSystem",
        "Oem": {},
        "Id": nid,
        "Description": "",
        "Name": "Computer System",
        "SystemType": "Physical",
        "AssetTag": _text(_section(ohai, "dmi", "chassis").get("asset_tag")),
        "Manufacturer": _text(system.get("manufacturer")),
        "Model": _text(system.get("product_name")),
        "SKU": _text(system.get("sku_number")),
        "SerialNumber": _text(system.get("serial_number")),
        "PartNumber": "",
        "UUID": _text(system.get("uuid")).lower(),
        "HostName": "",
        "IndicatorLED": power.led,
        "PowerState": power.power_state,
        "Bios": {},
        "Boot": {},
        "BiosVersion": " ".join(_text(bios.get(key)) for key in ("version", "bios_revision", "release_date")),
        "ProcessorSummary": {"Count": _section(ohai, "cpu").get("real", 0), "Model": _text(processor), "Status": {}},
        "MemorySummary": {"TotalSystemMemoryGiB": memory_gib(dmi), "Status": {}},
        "Actions": {
            "Oem": {"RackHD": {"#RackHD.BootImage": {"target": f"{path}/Actions/RackHD.BootImage"}}},
            "#ComputerSystem.Reset": {"target": f"{path}/{RESET_TARGET}"},
        },
        "Status": {},
        "Processors": link(f"{path}/Processors"),
        "EthernetInterfaces": link(f"{path}/EthernetInterfaces"),
        "SimpleStorage": link(f"{path}/SimpleStorage"),
        "LogServices": link(f"{path}/LogServices"),
        "Links": {
            "Oem": {},
            "ManagedBy@odata.count": len(managers),
            "ManagedBy": [link(f"{BASE}/Managers/{manager}") for manager in managers],
            "PoweredBy@odata.count": 0,
            "PoweredBy": [],
            "CooledBy@odata.count": 0,
            "CooledBy": [],
            "Chassis@odata.count": len(chassis),
            "Chassis": [link(f"{BASE}/Chassis/{target}") for target in chassis],
        },
    }
