"""The Redfish service's self-description and the collections of other node types (on-http ``registry.js``,
``schemas.js``, ``metadata.js``, ``odata.js``, ``networks.js``, ``dcimcooling.js``, ``dcimpower.js``).

* ``GET /Registries`` → the one message registry RackHD has, ``Base.1.0.0``; ``GET /Registries/{id}`` →
  its MessageRegistryFile, 404 for another id.
* ``GET /JsonSchemas`` → the schema files of the resources this service answers with
  (:data:`SCHEMA_FILES`; RackHD lists every DMTF file it ships). Members are linked as RackHD links them,
  ``/redfish/v1/Schemas/<name>`` (sic). ``GET /JsonSchemas/{name}`` → its JsonSchemaFile, 404 for a name
  not listed (RackHD renders one for any name).
* ``GET /$metadata`` → a small OData CSDL document (``application/xml``) naming those schemas and the
  ``Service`` entity container; RackHD serves DMTF's whole ``redfishMetadata.xml``.
* ``GET /odata`` → the OData service document: RackHD's singletons and their URLs.
* ``GET /NetworkDevices`` → the ``switch`` nodes, each as ``/NetworkDevices/<first identifier>-<id>``;
  ``GET /NetworkDevices/{id}`` → 404 for every id (a switch's ComputerSystem is not built here).
* ``GET /DCIMCooling``, ``GET /DCIMPower`` → the domains of the ``cooling`` / ``power`` nodes (each
  node's third identifier), as ``/DCIMCooling/<domain>``; the domain, type and device levels below are
  not served (404).

Left out as well: ``/Registries/en/{id}`` (the registry's messages) and ``/SchemaStore/en/{id}`` (the
schema files themselves): the target ships neither.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

from flask import Blueprint, Response

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import NODES, node_id
from rackharness.reference.http import json_response
from rackharness.reference.redfish.errors import RedfishError, redfish_not_found
from rackharness.reference.redfish.resources import BASE, collection

REGISTRIES = ("Base.1.0.0",)
#: the DMTF schema files of the resources this Redfish service answers with
SCHEMA_FILES = (
    "AccountService.v1_0_0",
    "Chassis.v1_4_0",
    "ChassisCollection",
    "ComputerSystem.v1_0_0",
    "ComputerSystemCollection",
    "EthernetInterface.v1_2_0",
    "EthernetInterfaceCollection",
    "EventDestination.v1_0_0",
    "EventDestinationCollection",
    "EventService.v1_0_0",
    "JsonSchemaFile.v1_0_0",
    "JsonSchemaFileCollection",
    "Manager.v1_0_0",
    "ManagerAccount.v1_0_0",
    "ManagerAccountCollection",
    "ManagerCollection",
    "Message.v1_0_0",
    "MessageRegistryFile.v1_0_0",
    "MessageRegistryFileCollection",
    "Role.v1_0_0",
    "RoleCollection",
    "ServiceRoot.v1_3_0",
    "Session.v1_0_0",
    "SessionCollection",
    "SessionService.v1_0_0",
    "SoftwareInventory.v1_1_0",
    "SoftwareInventoryCollection",
    "Task.v1_0_0",
    "TaskCollection",
    "TaskService.v1_0_0",
    "UpdateService.v1_0_1",
)
#: the OData service document's singletons (RackHD's odata.js)
SINGLETONS = (
    ("Service", "/"),
    ("Systems", "/Systems"),
    ("Chassis", "/Chassis"),
    ("Managers", "/Managers"),
    ("UpdateService", "/UpdateService"),
    ("TaskService", "/TaskService"),
    ("SessionService", "/SessionService"),
    ("AccountService", "/AccountService"),
    ("EventService", "/EventService"),
    ("Registries", "/Registries"),
)


def csdl_document() -> str:
    """A minimal, valid OData 4.0 CSDL: a reference per schema file, and the service's entity container."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">',
    ]
    for name in SCHEMA_FILES:
        family, _, version = name.partition(".")
        lines.append(f"  <edmx:Reference Uri={quoteattr(f'http://redfish.dmtf.org/schemas/v1/{family}_v1.xml')}>")
        lines.append(f"    <edmx:Include Namespace={quoteattr(family)}/>")
        if version:
            lines.append(f"    <edmx:Include Namespace={quoteattr(name)}/>")
        lines.append("  </edmx:Reference>")
    lines += [
        "  <edmx:DataServices>",
        '    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Service">',
        '      <EntityContainer Name="Service" Extends="ServiceRoot.v1_3_0.ServiceContainer"/>',
        "    </Schema>",
        "  </edmx:DataServices>",
        "</edmx:Edmx>",
        "",
    ]
    return "\n".join(lines)


def _domains(ctx: TargetContext, node_type: str) -> list[str]:
    """The distinct third identifiers of the nodes of ``node_type``, in node order (RackHD's _.uniq)."""
    found: list[str] = []
    for node in ctx.db[NODES].find({"type": node_type}).sort("_id", 1):
        identifiers = node.get("identifiers") or []
        domain = str(identifiers[2]) if len(identifiers) > 2 else "undefined"  # what EJS prints for a hole
        if domain not in found:
            found.append(domain)
    return found


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_services", __name__)

    @bp.get("/Registries")
    def list_registry():
        return json_response(
            collection(
                f"{BASE}/Registries",
                "MessageRegistryFile",
                "Message File Registry Collection",
                [f"{BASE}/Registries/{identifier}" for identifier in REGISTRIES],
            )
        )

    @bp.get("/Registries/<identifier>")
    def get_registry_file(identifier: str):
        if identifier not in REGISTRIES:
            raise RedfishError(404, f"{identifier} was not found")  # RackHD's words
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata#MessageRegistryFile.MessageRegistryFile",
                "@odata.id": f"{BASE}/Registries/{identifier}",
                "@odata.type": "#MessageRegistryFile.v1_0_0.MessageRegistryFile",
                "Oem": {},
                "Id": identifier,
                "Description": "",
                "Name": "Message file Registry ",
                "Languages": ["en"],
                "Registry": "DSP8010_1.0.0",
                "Location": [{"Language": "en", "Uri": f"{BASE}/Registries/en/{identifier}"}],
            }
        )

    @bp.get("/JsonSchemas")
    def list_schemas():
        body = collection(
            f"{BASE}/JsonSchemas",
            "JsonSchemaFile",
            "JsonSchema File ",
            [f"{BASE}/Schemas/{name}" for name in SCHEMA_FILES],
        )
        return json_response(body)

    @bp.get("/JsonSchemas/<identifier>")
    def get_schema(identifier: str):
        if identifier not in SCHEMA_FILES:
            raise redfish_not_found("JsonSchemaFile", identifier)
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata#JsonSchemaFile.JsonSchemaFile",
                "@odata.id": f"{BASE}/JsonSchemas/{identifier}",
                "@odata.type": "#JsonSchemaFile.v1_0_0.JsonSchemaFile",
                "Name": "",
                "Description": f"Schema Definition File for {identifier}",
                "Id": identifier,
                "Languages": ["en"],
                "Location": [{"Uri": f"{BASE}/SchemaStore/en/{identifier}", "Language": "en"}],
                "Schema": identifier,
            }
        )

    @bp.get("/$metadata")
    def get_metadata():
        return Response(csdl_document(), mimetype="application/xml")

    @bp.get("/odata")
    def get_odata():
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata",
                "value": [{"name": name, "kind": "Singleton", "url": f"{BASE}{path}"} for name, path in SINGLETONS],
            }
        )

    @bp.get("/NetworkDevices")
    def list_networks():
        members = []
        for node in ctx.db[NODES].find({"type": "switch"}).sort("_id", 1):
            identifiers = node.get("identifiers") or ["undefined"]
            members.append(f"{BASE}/NetworkDevices/{identifiers[0]}-{node_id(node)}")
        body: dict[str, Any] = collection(
            f"{BASE}/NetworkDevices", "ComputerSystem", "Network Device Collection", members
        )
        body["@odata.context"] = f"{BASE}/$metadata#Systems"
        return json_response(body)

    @bp.get("/NetworkDevices/<identifier>")
    def get_network(identifier: str):
        raise redfish_not_found("NetworkDevice", identifier)

    @bp.get("/DCIMCooling")
    def list_cooling_domains():
        return json_response(
            collection(
                f"{BASE}/DCIMCooling",
                "DCIMCooling",
                "DCIMCooling Collection",
                [f"{BASE}/DCIMCooling/{domain}" for domain in _domains(ctx, "cooling")],
            )
        )

    @bp.get("/DCIMPower")
    def list_power_domains():
        return json_response(
            collection(
                f"{BASE}/DCIMPower",
                "DCIMPower",
                "DCIMPower Collection",
                [f"{BASE}/DCIMPower/{domain}" for domain in _domains(ctx, "power")],
            )
        )

    return bp
