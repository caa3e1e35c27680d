"""FRU chassis type codes (SMBIOS "System Enclosure or Chassis Types", used by the FRU chassis area)."""

from __future__ import annotations

#: code -> ipmitool 1.8.19's name (``fru print`` "Chassis Type")
CHASSIS_TYPE_NAMES: dict[int, str] = {
    0x01: "Other",
    0x02: "Unknown",
    0x03: "Desktop",
    0x04: "Low Profile Desktop",
    0x05: "Pizza Box",
    0x06: "Mini Tower",
    0x07: "Tower",
    0x08: "Portable",
    0x09: "LapTop",
    0x0A: "Notebook",
    0x0B: "Hand Held",
    0x0C: "Docking Station",
    0x0D: "All in One",
    0x0E: "Sub Notebook",
    0x0F: "Space-saving",
    0x10: "Lunch Box",
    0x11: "Main Server Chassis",
    0x12: "Expansion Chassis",
    0x13: "SubChassis",
    0x14: "Bus Expansion Chassis",
    0x15: "Peripheral Chassis",
    0x16: "RAID Chassis",
    0x17: "Rack Mount Chassis",
    0x18: "Sealed-case PC",
    0x19: "Multi-system Chassis",
    0x1A: "CompactPCI",
    0x1B: "AdvancedTCA",
    0x1C: "Blade",
    0x1D: "Blade Enclosure",
}

#: a hardware profile's name -> code
CHASSIS_TYPE_CODES: dict[str, int] = {
    "other": 0x01,
    "unknown": 0x02,
    "desktop": 0x03,
    "tower": 0x07,
    "main_server_chassis": 0x11,
    "rack_mount_chassis": 0x17,
    "multi_system_chassis": 0x19,
    "blade": 0x1C,
}


def chassis_type_name(code: int) -> str:
    return CHASSIS_TYPE_NAMES.get(code, "Unknown")
