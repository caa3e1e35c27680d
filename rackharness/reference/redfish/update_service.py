"""UpdateService: ``/redfish/v1/UpdateService`` and the firmware found in the nodes' catalogs (on-http
``update-service.js``).

* ``GET /UpdateService`` → the service, linking ``FirmwareInventory``.
* ``GET /UpdateService/FirmwareInventory`` and ``/SoftwareInventory`` → one member per firmware version
  seen, named ``<kind>-<version>`` from each node's latest catalogs: ``BIOS-<Version>`` (``dmi``, "BIOS
  Information"), ``BMC-<Firmware Revision>`` (``ipmi-mc-info``), ``Disk-<Firmware Version>`` (``smart``,
  the first drive's SMART identity). Both lists hold the same members, linked under
  ``/UpdateService/FirmwareInventory/`` (RackHD's template links both so).
* ``GET /UpdateService/FirmwareInventory/{id}`` (and ``/SoftwareInventory/{id}``) → the SoftwareInventory,
  ``RelatedItem`` linking each node that has it (BIOS: the System, BMC: the Manager, Disk: the
  System's SimpleStorage); 404 for an id not in the list. A fresh RackHD has no catalog: empty lists.

* ``POST /UpdateService/Actions/UpdateService.SimpleUpdate {ImageURI, Targets: [nodeId...]}``: 400 for a
  body that is not that object (``UpdateService.v1_1_0.UpdateService.post`` requires both, ImageURI a
  string, Targets an array of strings); a target that is no node's id → 400 ``One or more errors
  occured: NotFoundError: Node not Found <id>`` (RackHD answers every failure of this action 400,
  although the spec lists 404); ``Targets: []`` → 201 with no body (RackHD runs nothing and answers so).
  For known nodes RackHD runs ``Graph.Dell.Racadm.Update.Firmware`` on each and answers 201
  ``{"@odata.id": "/redfish/v1/TaskService/Tasks/<graph instanceId>"}``; the target has no Dell racadm
  graph, so it answers 400 ``... not supported by the reference target`` (RackHD's answer when a graph
  cannot be run) and runs nothing.

Left out: Dell ``racadm-firmware-list-catalog`` entries (PSU, iDRAC, NIC, RAID ... and the
FIRMWARE/APPLICATION split they bring), which no node of the target has, and the firmware update
itself (above).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import CATALOGS, find_node
from rackharness.reference.http import json_response, request_json
from rackharness.reference.redfish.errors import RedfishError, redfish_not_found
from rackharness.reference.redfish.resources import BASE, collection, link

SERVICE = f"{BASE}/UpdateService"
SOURCES = ("dmi", "ipmi-mc-info", "smart")
#: where a kind's related item lives: (path under /redfish/v1, suffix)
RELATED = {"BIOS": ("/Systems/", ""), "BMC": ("/Managers/", ""), "Disk": ("/Systems/", "/SimpleStorage/")}
UPDATE_GRAPH = "Graph.Dell.Racadm.Update.Firmware"  # what RackHD runs on each target


def _version(source: str, data: Any) -> tuple[str, str] | None:
    """(kind, version) a catalog shows, or None."""
    try:
        if source == "dmi":
            return "BIOS", str(data["BIOS Information"]["Version"])
        if source == "ipmi-mc-info":
            return "BMC", str(data["Firmware Revision"])
        return "Disk", str(data[0]["SMART"]["Identity"]["Firmware Version"])
    except (KeyError, IndexError, TypeError):
        return None


def firmware_inventory(ctx: TargetContext) -> dict[str, list[str]]:
    """``<kind>-<version>`` → the ids of the nodes with it, in the order RackHD finds them."""
    catalogs = ctx.db[CATALOGS]
    nodes: list[Any] = []
    for catalog in catalogs.find({"source": {"$in": list(SOURCES)}}, {"node": 1}):
        if catalog.get("node") is not None and catalog["node"] not in nodes:
            nodes.append(catalog["node"])
    inventory: dict[str, list[str]] = {}
    for node in nodes:
        for source in SOURCES:
            latest = list(catalogs.find({"node": node, "source": source}).sort("createdAt", -1).limit(1))
            found = _version(source, latest[0].get("data")) if latest else None
            if found is not None:
                inventory.setdefault(f"{found[0]}-{found[1]}", []).append(str(node))
    return inventory


def check_simple_update(body: Any) -> dict[str, Any]:
    """400 unless ``body`` is ``UpdateService.v1_1_0.UpdateService.post``: ImageURI (string), Targets (strings)."""
    if not isinstance(body, dict):
        raise RedfishError(400, 'the body must be an object: {"ImageURI": <uri>, "Targets": [<node id>...]}')
    problems = [f"{key} is required" for key in ("ImageURI", "Targets") if key not in body]
    if "ImageURI" in body and not isinstance(body["ImageURI"], str):
        problems.append("ImageURI must be a string")
    if "Targets" in body and (
        not isinstance(body["Targets"], list) or not all(isinstance(target, str) for target in body["Targets"])
    ):
        problems.append("Targets must be an array of node ids (strings)")
    if problems:
        raise RedfishError(400, "; ".join(problems))
    return body


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_update_service", __name__)

    @bp.get("/UpdateService")
    def get_update_service():
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata#UpdateService.UpdateService",
                "@odata.id": SERVICE,
                "@odata.type": "#UpdateService.v1_0_1.UpdateService",
                "Oem": {},
                "Id": "UpdateService",
                "Description": "Update Service",
                "Name": "Update Service",
                "Status": {"State": "Enabled"},
                "ServiceEnabled": True,
                "FirmwareInventory": link(f"{SERVICE}/FirmwareInventory"),
            }
        )

    @bp.get("/UpdateService/FirmwareInventory")
    @bp.get("/UpdateService/SoftwareInventory")
    def get_inventory_list():
        members = [f"{SERVICE}/FirmwareInventory/{item}" for item in firmware_inventory(ctx)]
        return json_response(
            collection(request.path.rstrip("/"), "SoftwareInventory", "Software Inventory Collection", members)
        )

    @bp.get("/UpdateService/FirmwareInventory/<identifier>")
    @bp.get("/UpdateService/SoftwareInventory/<identifier>")
    def get_inventory_by_id(identifier: str):
        nodes = firmware_inventory(ctx).get(identifier)
        if nodes is None:
            raise redfish_not_found("SoftwareInventory", identifier)
        base, suffix = RELATED[identifier.split("-")[0]]
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata#SoftwareInventory.SoftwareInventory",
                "@odata.id": request.path.rstrip("/"),
                "@odata.type": "#SoftwareInventory.v1_1_0.SoftwareInventory",
                "Oem": {},
                "Name": "Software Inventory Collection",
                "Id": identifier,
                "RelatedItem": [link(f"{BASE}{base}{node}{suffix}") for node in nodes],
            }
        )

    @bp.post("/UpdateService/Actions/UpdateService.SimpleUpdate")
    def update_firmware():
        targets = check_simple_update(request_json())["Targets"]
        unknown = [target for target in targets if find_node(ctx.db, target, by_id_only=True) is None]
        if unknown:
            raise RedfishError(
                400,
                "One or more errors occured: "  # RackHD's words, its spelling
                + ",".join(f"NotFoundError: Node not Found {target}" for target in unknown),
            )
        if not targets:
            response = Response(status=201)
            del response.headers["Content-Type"]
            return response
        raise RedfishError(
            400,
            f"One or more errors occured: {UPDATE_GRAPH} is not supported by the reference "
            f"target (it models no Dell racadm firmware update); nothing was run",
        )

    return bp
