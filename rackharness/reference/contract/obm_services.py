"""The OBM services RackHD 2.60.7 knows, and the settings each takes: what on-http serves at
``/api/2.0/obms/definitions/<service>.json`` and checks OBM bodies against (``Obm`` for PUT,
``ObmPatch`` for PATCH).

A service's document has three definitions: ``ObmBase`` (``{nodeId, service, config}``, nothing
else, ``config`` holding the service's settings), ``ObmPatch`` (ObmBase) and ``Obm`` (ObmBase
with all three keys required). Two of RackHD's files break that pattern, and the break decides
what their bodies get, so it is kept (:class:`Layout`):

* ``dell-wsman-obm-service`` defines ``Obm`` alone, open (other keys pass) and requiring only
  ``service`` and ``config``; there is no ``ObmPatch`` to check a PATCH against.
* ``vmrun-obm-service`` writes its settings (``config.vmxpath``) under a first ``ObmPatch`` key
  that the file's second ``ObmPatch`` replaces, so ``ObmBase`` is missing and neither ``Obm`` nor
  ``ObmPatch`` can be resolved.

Two more quirks are plain data here: ``snmp-obm-service`` lists its required settings inside
``properties`` (so none is required) and ``panduit-obm-service`` describes an outlet's keys on the
``pduOutlets`` array itself (where they constrain nothing). ``noop-obm-service`` (and vmrun) are
titled ``default-obm-service``.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from typing import Any

from rackharness.reference.contract.schema_builders import (
    Schema,
    array,
    boolean,
    document,
    integer,
    obj,
    ref,
    requiring,
    string,
)

OBM_KEYS = ("nodeId", "service", "config")


class Layout(enum.Enum):
    STANDARD = "ObmBase, ObmPatch and Obm"
    OBM_ONLY = "Obm alone, open, requiring service and config"
    BASE_LOST = "ObmPatch and Obm referring to a missing ObmBase"


@dataclass(frozen=True)
class ObmService:
    name: str
    description: str
    settings: dict[str, Schema] | None = None  # config's properties; None: any config object
    required: tuple[str, ...] = ()  # required settings
    title: str = ""  # default: the name
    layout: Layout = Layout.STANDARD

    def document(self) -> Schema:
        """The JSON schema document RackHD serves for this service."""
        config = obj(properties=self.settings, required=list(self.required) or None)
        base = obj(
            self.description,
            {"nodeId": string(), "service": string(), "config": config},
            closed=self.layout is not Layout.OBM_ONLY,
        )
        if self.layout is Layout.OBM_ONLY:
            definitions = {"Obm": {**base, "required": ["service", "config"]}}
        else:
            patch = {"type": "object", "allOf": [ref("ObmBase")]}
            full = {"type": "object", **requiring("ObmBase", *OBM_KEYS)}
            definitions = {"ObmBase": base, "ObmPatch": patch, "Obm": full}
            if self.layout is Layout.BASE_LOST:
                del definitions["ObmBase"]
        return document(self.title or self.name, definitions)


def _host(description: str = "Host address") -> Schema:
    return string(description)


def _credentials(kind: str) -> dict[str, Schema]:
    return {"user": string(f"{kind} username"), "password": string(f"{kind} password")}


def _snmp_pdu(description: str) -> ObmService:
    """APC and ServerTech PDUs: an SNMP community and the outlet (``port``)."""
    return ObmService(
        f"{description.lower()}-obm-service",
        f"{description} OBM settings",
        {"host": _host(), "community": string("Community"), "port": integer("Port")},
        ("host", "community", "port"),
    )


_OUTLET = {
    "host": string(),
    "community": string(),
    "cyclePassword": string(),
    "pduNumber": integer(),
    "outletNumber": integer(),
}

SERVICES = (
    ObmService(
        "amt-obm-service",
        "AMT OBM settings",
        {"host": _host(), "password": string("Host password")},
        ("host", "password"),
    ),
    _snmp_pdu("APC"),
    ObmService(
        "dell-wsman-obm-service",
        "DELL WSMAN OBM settings",
        {"host": _host("iDRAC address"), **_credentials("iDRAC")},
        ("host", "user", "password"),
        layout=Layout.OBM_ONLY,
    ),
    ObmService(
        "ipmi-obm-service",
        "IPMI OBM settings",
        {"host": _host("BMC address"), **_credentials("IPMI")},
        ("host", "user", "password"),
    ),
    ObmService("noop-obm-service", "OBM settings", title="default-obm-service"),
    ObmService(
        "panduit-obm-service",
        "Panduit OBM settings",
        {
            "host": _host(),
            "community": string("Community"),
            "cyclePassword": string("Cycle password"),
            "pduOutlets": array(properties=_OUTLET, required=list(_OUTLET)),
        },
        ("host", "community", "cyclePassword", "pduOutlets"),
    ),
    ObmService(
        "raritan-obm-service",
        "Raritan OBM settings",
        {"host": _host(), **_credentials("Host"), "port": integer("Port")},
        ("host", "user", "password", "port"),
    ),
    ObmService(
        "redfish-obm-service",
        "Redfish OBM settings",
        {
            "host": _host("Redfish address"),
            **_credentials("Redfish"),
            "verfiySSL": boolean("Validate SSL/TLS certs on client request"),  # RackHD's spelling
            "protocol": string("Request protocol", enum=["http", "https"]),
            "port": string("Optional http(s) host port, default 80/443"),
            "root": string("The Redfish resources target path"),
            "uri": string("The Redfish endpoint address"),
        },
        ("host", "user", "password", "root", "uri", "protocol"),
    ),
    _snmp_pdu("Servertech"),
    ObmService("snmp-obm-service", "OBM settings", {"host": _host("The IP address"), "community": string("community")}),
    ObmService(
        "vbox-obm-service",
        "Vbox OBM settings",
        {"alias": string("Alias"), "user": string("Username")},
        ("alias", "user"),
    ),
    ObmService("vmrun-obm-service", "Vmrun settings", title="default-obm-service", layout=Layout.BASE_LOST),
)


@functools.lru_cache(maxsize=1)
def _by_name() -> dict[str, ObmService]:
    return {service.name: service for service in SERVICES}


def obm_service_names() -> list[str]:
    """The services' names, sorted (as RackHD lists its schema files)."""
    return sorted(_by_name())


def obm_service(name: str) -> ObmService | None:
    return _by_name().get(name)


@functools.lru_cache(maxsize=None)
def obm_document(name: str) -> dict[str, Any]:
    """The schema document of service ``name``; KeyError if RackHD has no such service."""
    return _by_name()[name].document()
