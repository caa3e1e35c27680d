"""ipmitool 1.8.19's words for App netfn fields that have no code table of their own."""

from __future__ import annotations

#: Get Device ID "additional device support" bits, in ``mc info``'s print order (bit 0 first)
DEVICE_SUPPORT: tuple[str, ...] = (
    "Sensor Device",
    "SDR Repository Device",
    "SEL Device",
    "FRU Inventory Device",
    "IPMB Event Receiver",
    "IPMB Event Generator",
    "Bridge",
    "Chassis Device",
)

#: channel privilege limit nibble -> ``user list``'s word
PRIVILEGE_NAMES: dict[int, str] = {
    0x1: "CALLBACK",
    0x2: "USER",
    0x3: "OPERATOR",
    0x4: "ADMINISTRATOR",
    0x5: "OEM",
    0xF: "NO ACCESS",
}


def device_support_names(bits: int) -> list[str]:
    """The names of the set "additional device support" bits, as ``mc info`` lists them."""
    return [name for bit, name in enumerate(DEVICE_SUPPORT) if bits & (1 << bit)]


def privilege_name(limit: int) -> str:
    return PRIVILEGE_NAMES.get(limit & 0x0F, "Unknown")
