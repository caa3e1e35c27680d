"""A node's power and identify LED as Redfish shows them: from its chassis poller's latest data.

RackHD (systems.js ``chassisData``) asks the poller cache for the latest result of the node's
``chassis`` poller and maps ``power`` true/false to ``On``/``Off`` and ``uid`` (ipmitool's ``Off``,
``Temporary On``, ``On``, ``Reserved``) to Redfish's ``Off``, ``Blinking``, ``Lit``, ``Unknown``.
With no poller or no data yet both are ``Unknown``, and the ComputerSystem view then shows
``PowerState: "On"`` — RackHD's template does that, and so does this target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import WORKITEMS, refers_to_node

UNKNOWN = "Unknown"
_LED = {"Off": "Off", "Temporary On": "Blinking", "On": "Lit", "Reserved": "Unknown"}


@dataclass(frozen=True)
class ChassisPower:
    power: str  # On | Off | Unknown
    led: str  # Off | Blinking | Lit | Unknown

    @property
    def power_state(self) -> str:
        """``PowerState`` as RackHD's ComputerSystem view renders it (Unknown shows as On)."""
        return "On" if self.power == UNKNOWN else self.power


def chassis_power(ctx: TargetContext, nid: str) -> ChassisPower:
    """What the node's chassis poller saw last; Unknown when it has none or no data yet."""
    if ctx.pollers is None:
        return ChassisPower(UNKNOWN, UNKNOWN)
    poller = ctx.db[WORKITEMS].find_one({"node": refers_to_node(nid), "config.command": "chassis"}, {"_id": 1})
    if poller is None:
        return ChassisPower(UNKNOWN, UNKNOWN)
    latest = ctx.pollers.data(str(poller["_id"]), latest_only=True)
    data: Any = latest[-1].get("chassis") if latest else None
    if not isinstance(data, dict):
        return ChassisPower(UNKNOWN, UNKNOWN)
    return ChassisPower("On" if data.get("power") else "Off", _LED.get(str(data.get("uid")), UNKNOWN))
