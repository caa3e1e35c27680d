"""Entity id codes (IPMI 2.0 table 43-13): ipmitool's names and the profiles' names."""
from __future__ import annotations

#: code -> ipmitool 1.8's name (``entity_id_vals``, ``ipmi_entity.h``)
ENTITY_NAMES: dict[int, str] = {
    0x00: "Unspecified", 0x01: "Other", 0x02: "Unknown", 0x03: "Processor", 0x04: "Disk or Disk Bay",
    0x05: "Peripheral Bay", 0x06: "System Management Module", 0x07: "System Board", 0x08: "Memory Module",
    0x09: "Processor Module", 0x0A: "Power Supply", 0x0B: "Add-in Card", 0x0C: "Front Panel Board",
    0x0D: "Back Panel Board", 0x0E: "Power System Board", 0x0F: "Drive Backplane",
    0x10: "System Internal Expansion Board", 0x11: "Other System Board", 0x12: "Processor Board",
    0x13: "Power Unit", 0x14: "Power Module", 0x15: "Power Management", 0x16: "Chassis Back Panel Board",
    0x17: "System Chassis", 0x18: "Sub-Chassis", 0x19: "Other Chassis Board", 0x1A: "Disk Drive Bay",
    0x1B: "Peripheral Bay", 0x1C: "Device Bay", 0x1D: "Fan Device", 0x1E: "Cooling Unit",
    0x1F: "Cable/Interconnect", 0x20: "Memory Device", 0x21: "System Management Software", 0x22: "BIOS",
    0x23: "Operating System", 0x24: "System Bus", 0x25: "Group", 0x26: "Remote Management Device",
    0x27: "External Environment", 0x28: "Battery", 0x29: "Processing Blade", 0x2A: "Connectivity Switch",
    0x2B: "Processor/Memory Module", 0x2C: "I/O Module", 0x2D: "Processor/IO Module",
    0x2E: "Management Controller Firmware", 0x2F: "IPMI Channel", 0x30: "PCI Bus", 0x31: "PCI Express Bus",
    0x32: "SCSI Bus (parallel)", 0x33: "SATA/SAS Bus", 0x34: "Processor/Front-Side Bus",
    0x35: "Real Time Clock", 0x37: "Air Inlet", 0x40: "Air Inlet", 0x41: "Processor", 0x42: "Baseboard",
}

#: a hardware profile's name -> code
ENTITY_CODES: dict[str, int] = {
    "unspecified": 0x00,
    "other": 0x01,
    "processor": 0x03,
    "disk": 0x04,
    "system_management_module": 0x06,
    "system_board": 0x07,
    "memory_module": 0x08,
    "power_supply": 0x0A,
    "add_in_card": 0x0B,
    "front_panel_board": 0x0C,
    "power_unit": 0x13,
    "power_module": 0x14,
    "system_chassis": 0x17,
    "fan": 0x1D,
    "cooling_unit": 0x1E,
    "memory_device": 0x20,
    "system_firmware": 0x22,
    "operating_system": 0x23,
    "external_environment": 0x27,
    "battery": 0x28,
    "management_controller_firmware": 0x2E,
    "air_inlet": 0x37,
}


def entity_name(code: int) -> str:
    """ipmitool's name of an entity id; "Unknown" for a code missing from its table."""
    return ENTITY_NAMES.get(code, "Unknown")
