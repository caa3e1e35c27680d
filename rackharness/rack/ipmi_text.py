"""The words ipmitool 1.8.19 prints for IPMI codes (data only; no I/O).

Used by :mod:`rackharness.rack.inband_ipmi` to print ``mc info``, ``user list``, ``fru`` and ``sel
list`` exactly as the ipmitool a microkernel runs would. Sensor type and event names are
:mod:`rackharness.ipmi_names` (shared with the target's pollers); here is what only the in-band
ipmitool prints: manufacturers, device support, chassis types, privileges, completion codes, and
``sel list``'s name for a sensor type past ipmitool's table.
"""
from __future__ import annotations

from rackharness.ipmi_names import SENSOR_TYPES

#: IANA enterprise numbers of the shipped profiles -> ipmitool's "Manufacturer Name"
MANUFACTURERS: dict[int, str] = {
    343: "Intel Corporation",
    674: "Dell Inc.",
    7244: "Quanta Computer Inc.",
    10876: "Super Micro Computer Inc.",
    11: "Hewlett-Packard",
    2: "IBM",
    19046: "Lenovo",
}

#: Get Device ID "additional device support" bits, in ipmitool's print order (bit 0 first)
DEVICE_SUPPORT: tuple[str, ...] = (
    "Sensor Device", "SDR Repository Device", "SEL Device", "FRU Inventory Device", "IPMB Event Receiver",
    "IPMB Event Generator", "Bridge", "Chassis Device",
)

#: FRU chassis type code -> ipmitool's name (SMBIOS chassis types)
CHASSIS_TYPE_NAMES: dict[int, str] = {
    0x01: "Other", 0x02: "Unknown", 0x03: "Desktop", 0x04: "Low Profile Desktop", 0x05: "Pizza Box",
    0x06: "Mini Tower", 0x07: "Tower", 0x08: "Portable", 0x09: "LapTop", 0x0A: "Notebook", 0x0B: "Hand Held",
    0x0C: "Docking Station", 0x0D: "All in One", 0x0E: "Sub Notebook", 0x0F: "Space-saving",
    0x10: "Lunch Box", 0x11: "Main Server Chassis", 0x12: "Expansion Chassis", 0x13: "SubChassis",
    0x14: "Bus Expansion Chassis", 0x15: "Peripheral Chassis", 0x16: "RAID Chassis", 0x17: "Rack Mount Chassis",
    0x18: "Sealed-case PC", 0x19: "Multi-system Chassis", 0x1A: "CompactPCI", 0x1B: "AdvancedTCA",
    0x1C: "Blade", 0x1D: "Blade Enclosure",
}

#: channel privilege limit nibble -> ipmitool's ``user list`` word
PRIVILEGE_NAMES: dict[int, str] = {
    0x1: "CALLBACK", 0x2: "USER", 0x3: "OPERATOR", 0x4: "ADMINISTRATOR", 0x5: "OEM", 0xF: "NO ACCESS",
}

#: completion code -> ipmitool's text (``IPMI command failed: <text>``)
COMPLETION_TEXT: dict[int, str] = {
    0xC0: "Node busy", 0xC1: "Invalid command", 0xC2: "Invalid command on LUN", 0xC3: "Timeout",
    0xC4: "Out of space", 0xC5: "Reservation cancelled or invalid", 0xC6: "Request data truncated",
    0xC7: "Request data length invalid", 0xC8: "Request data field length limit exceeded",
    0xC9: "Parameter out of range", 0xCA: "Cannot return number of requested data bytes",
    0xCB: "Requested sensor, data, or record not found", 0xCC: "Invalid data field in request",
    0xCD: "Command illegal for specified sensor or record type",
    0xCE: "Command response could not be provided", 0xCF: "Cannot execute duplicated request",
    0xD0: "SDR Repository in update mode", 0xD1: "Device firmeware in update mode",
    0xD2: "BMC initialization in progress", 0xD3: "Destination unavailable",
    0xD4: "Insufficient privilege level", 0xD5: "Command not supported in present state",
    0xFF: "Unspecified error",
}


def sensor_type_name(code: int) -> str:
    """``sel list``'s name of a sensor type ("Unknown" past ipmitool's table, OEM codes included)."""
    return SENSOR_TYPES[code] if code < len(SENSOR_TYPES) else "Unknown"


def completion_text(code: int) -> str:
    return COMPLETION_TEXT.get(code, f"Unknown (0x{code:02X})")
