"""OBM services: how a power task reaches a node (contract §4, on-tasks ``lib/services/*-obm-service.js``).

* ``ipmi-obm-service`` (config ``{host, user, password, port?}``): IPMI over LAN with pyghmi,
  the same Chassis Control requests RackHD's ``ipmitool -I lanplus ... chassis power <x>`` sends:
  powerOn = power up (1), powerOff = power down (0), reboot = power cycle (2), reset = hard reset
  (3), soft = ACPI soft shutdown (5); powerStatus = Get Chassis Status bit 0. Calls are bounded
  (see :mod:`.ipmi`): a wrong password or a silent BMC fails the task within the timeout.
* ``noop-obm-service``: every action succeeds; an in-memory per-node power state (powerOn → on,
  powerOff → off, unknown → on).

:func:`choose_obm` picks the node's OBM the way ``Task.Base.Obm.Node`` does: the service named by
option ``obmServiceName``, else the node's only OBM, else "No OBM service assigned to this node.".
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from pymongo.database import Database

from rackharness.errors import BmcError
from rackharness.reference.documents import OBMS, refers_to_node
from rackharness.reference.obm_sealing import ObmSealer
from rackharness.transports.ipmi.base import BmcAddress
from rackharness.transports.ipmi.pyghmi_caller import BmcCaller

ACTIONS = ("powerOn", "powerOff", "reboot", "reset", "soft", "powerStatus")
#: IPMI 2.0 §28.3 Chassis Control codes for RackHD's power actions
CHASSIS_CONTROL = {"powerOff": 0, "powerOn": 1, "reboot": 2, "reset": 3, "soft": 5}


class ObmError(Exception):
    """A power action that could not be done; the message is recorded on the task (``error``)."""


class ObmService(Protocol):
    def run(self, action: str, node_id: str, config: dict[str, Any]) -> Any:
        """Do ``action`` (one of ACTIONS); powerStatus returns True when the node is on."""


class NoopObmService:
    """RackHD's noop-obm-service: succeeds at everything and remembers power per node."""

    def __init__(self) -> None:
        self._power: dict[str, bool] = {}
        self._lock = threading.Lock()

    def run(self, action: str, node_id: str, config: dict[str, Any]) -> Any:
        with self._lock:
            if action == "powerOn":
                self._power[node_id] = True
            elif action == "powerOff":
                self._power[node_id] = False
            return self._power.get(node_id, True) if action == "powerStatus" else None


class IpmiObmService:
    """RackHD's ipmi-obm-service over pyghmi, with bounded calls (no ipmitool subprocess)."""

    REQUIRED = ("host", "user", "password")

    def __init__(self, caller: BmcCaller | None = None) -> None:
        self.caller = caller or BmcCaller()

    def run(self, action: str, node_id: str, config: dict[str, Any]) -> Any:
        missing = [key for key in self.REQUIRED if not config.get(key) and key != "password"]
        if missing or "password" not in config:
            raise ObmError(
                f"ipmi-obm-service: the OBM config of node {node_id} lacks "
                f"{missing or ['password']}; PUT /api/2.0/nodes/{node_id}/obm with host, user, password"
            )
        address = BmcAddress(
            str(config["host"]), int(config.get("port") or 623), str(config["user"]), str(config["password"])
        )
        try:
            if action == "powerStatus":
                return self.caller.call(
                    address, "Get Chassis Status", lambda command: command.get_power()["powerstate"] == "on"
                )
            code = CHASSIS_CONTROL[action]
            return self.caller.call(
                address, f"Chassis Control {action}", lambda command: _chassis_control(command, code)
            )
        except BmcError as exc:
            raise ObmError(str(exc)) from None


def _chassis_control(command: Any, code: int) -> None:
    response = command.raw_command(netfn=0x00, command=0x02, data=[code])
    if response.get("error") or response.get("code"):
        raise RuntimeError(response.get("error") or f"completion code 0x{response['code']:02x}")


class ObmRegistry:
    """The OBM services the engine can drive, by RackHD service name."""

    def __init__(self, services: dict[str, ObmService] | None = None, *, sealer: ObmSealer | None = None) -> None:
        self.sealer = sealer or ObmSealer()  # OBM secrets are encrypted in the store
        self.services: dict[str, ObmService] = (
            services
            if services is not None
            else {
                "ipmi-obm-service": IpmiObmService(),
                "noop-obm-service": NoopObmService(),
            }
        )

    def run(self, db: Database, node_id: str, action: str, service_name: str | None = None) -> Any:
        if action not in ACTIONS:
            raise ObmError(f"unknown OBM action {action!r}; actions are {', '.join(ACTIONS)}")
        obm = choose_obm(db, node_id, service_name)
        service = self.services.get(obm["service"])
        if service is None:
            raise ObmError(
                f"OBM service {obm['service']!r} of node {node_id} is not supported by this target "
                f"(supported: {', '.join(sorted(self.services))})"
            )
        return service.run(action, node_id, self.sealer.unseal(obm.get("config") or {}))


def choose_obm(db: Database, node_id: str, service_name: str | None = None) -> dict[str, Any]:
    """The node's OBM document (``node`` may be stored as a string or an ObjectId)."""
    query: dict[str, Any] = {"node": refers_to_node(node_id)}
    if service_name:
        query["service"] = service_name
    obms = list(db[OBMS].find(query))
    if len(obms) != 1:
        if service_name and not obms:
            raise ObmError(f"No OBM service assigned to this node. (node {node_id} has no {service_name} OBM)")
        raise ObmError(
            "No OBM service assigned to this node."
            + (f" (node {node_id} has {len(obms)} OBMs: name one with option obmServiceName)" if obms else "")
        )
    return obms[0]
