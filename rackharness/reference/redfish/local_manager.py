"""What managers.js serves besides reading managers: ``PATCH /Managers/{id}`` and the RackHD manager's own
network interfaces (``/Managers/RackHD/EthernetInterfaces``), the host's as on-http sees them.

* ``PATCH /Managers/RackHD`` → 204 (RackHD toggles its SSDP announcement with
  ``NetworkProtocol.SSDP.ProtocolEnabled``; the target announces nothing, so nothing changes);
  404 ``invalid resource`` while there is no compute node (RackHD looks the compute nodes up first).
  ``PATCH /Managers/{any other id}`` → 405 ``method not allowed``, known node or not: RackHD's
  patchManager refuses every manager but its own before looking anything up.
* ``GET /Managers/RackHD/EthernetInterfaces`` → the host's interfaces that have a non-loopback IPv4
  address (``Members``: ``.../EthernetInterfaces/<interface name>``);
  ``GET /Managers/RackHD/EthernetInterfaces/{name}`` → that interface (``IPv4Addresses``, MAC), 404
  ``invalid resource`` for a name the host does not have. Addresses are read from the kernel (Linux
  ioctls, ``/sys/class/net``); elsewhere the list is empty.

These rules sit beside managers.py's ``GET /Managers/<identifier>``; the RackHD paths are literal, so
they win over ``/Managers/<identifier>/EthernetInterfaces`` (not served).
"""

from __future__ import annotations

import fcntl
import socket
import struct
from pathlib import Path
from typing import Any

from flask import Blueprint

from rackharness.reference.context import TargetContext
from rackharness.reference.http import json_response, no_content
from rackharness.reference.redfish.errors import RedfishError
from rackharness.reference.redfish.managers import RACKHD
from rackharness.reference.redfish.resources import BASE, collection, nodes_of_type

INTERFACES = f"{BASE}/Managers/{RACKHD}/EthernetInterfaces"
SIOCGIFADDR, SIOCGIFNETMASK = 0x8915, 0x891B


def _ioctl_address(sock: socket.socket, request: int, name: str) -> str | None:
    try:
        packed = fcntl.ioctl(sock.fileno(), request, struct.pack("256s", name[:15].encode()))
    except OSError:
        return None
    return socket.inet_ntoa(packed[20:24])


def host_interfaces() -> dict[str, dict[str, Any]]:
    """Every interface of the host by name: its non-loopback IPv4 address (if any), netmask and MAC."""
    found: dict[str, dict[str, Any]] = {}
    try:
        names = [name for _index, name in socket.if_nameindex()]
    except OSError:
        return found
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for name in names:
            address = _ioctl_address(sock, SIOCGIFADDR, name)
            entry: dict[str, Any] = {"ipv4": []}
            if address and not address.startswith("127."):
                entry["ipv4"].append({"Address": address, "SubnetMask": _ioctl_address(sock, SIOCGIFNETMASK, name)})
                mac = Path(f"/sys/class/net/{name}/address")
                entry["mac"] = mac.read_text().strip() if mac.is_file() else None
            found[name] = entry
    return found


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_local_manager", __name__)

    @bp.patch("/Managers/<identifier>")
    def patch_manager(identifier: str):
        if identifier != RACKHD:
            raise RedfishError(405, "method not allowed")  # RackHD's words
        if not nodes_of_type(ctx.db, ("compute",)):
            raise RedfishError(404, "invalid resource")
        return no_content()

    @bp.get(f"/Managers/{RACKHD}/EthernetInterfaces")
    def list_local_ethernet_interfaces():
        members = [f"{INTERFACES}/{name}" for name, entry in host_interfaces().items() if entry["ipv4"]]
        body = collection(INTERFACES, "EthernetInterface", "Manager Ethernet Interface Collection", members)
        body["@odata.context"] = f"{BASE}/$metadata#Managers/Links/Members/{RACKHD}/EthernetInterfaces/$entity"
        return json_response(body)

    @bp.get(f"/Managers/{RACKHD}/EthernetInterfaces/<index>")
    def get_local_ethernet_interface(index: str):
        entry = host_interfaces().get(index)
        if entry is None:
            raise RedfishError(404, "invalid resource")  # RackHD's words
        body: dict[str, Any] = {
            "@odata.context": f"{BASE}/$metadata#EthernetInterface.EthernetInterface",
            "@odata.id": f"{INTERFACES}/{index}",
            "@odata.type": "#EthernetInterface.v1_2_0.EthernetInterface",
            "IPv4Addresses": [{k: v for k, v in address.items() if v is not None} for address in entry["ipv4"]],
            "Id": index,
        }
        if entry.get("mac"):
            body.update({"PermanentMACAddress": entry["mac"], "MACAddress": entry["mac"]})
        body["Name"] = "Manager Ethernet Interface"
        return json_response(body)

    return bp
