"""IPMI code tables a hardware profile names symbolically (data only).

- sensor types: IPMI 2.0 table 42-3 "Sensor Type Codes";
- event/reading types: table 42-1 (0x01 threshold, 0x6F sensor-specific discrete);
- base units: table 43-15 "Sensor Unit Type Codes";
- entity ids: table 43-13 "Entity ID Codes".

Profiles may also give the numeric code directly; these names are what the shipped profiles use.
"""
from __future__ import annotations

SENSOR_TYPES: dict[str, int] = {
    "temperature": 0x01,
    "voltage": 0x02,
    "current": 0x03,
    "fan": 0x04,
    "physical_security": 0x05,
    "processor": 0x07,
    "power_supply": 0x08,
    "power_unit": 0x09,
    "other_units": 0x0B,  # "Other Units-based Sensor": power in watts (unit code 6)
    "memory": 0x0C,
    "drive_slot": 0x0D,
    "system_event": 0x12,
    "critical_interrupt": 0x13,
    "system_boot_restart": 0x1D,
    "os_boot": 0x1F,
    "acpi_power_state": 0x22,
    "watchdog": 0x23,
}

EVENT_READING_TYPES: dict[str, int] = {
    "threshold": 0x01,
    "sensor_specific": 0x6F,
}
THRESHOLD = EVENT_READING_TYPES["threshold"]
SENSOR_SPECIFIC = EVENT_READING_TYPES["sensor_specific"]

UNITS: dict[str, int] = {
    "unspecified": 0,
    "degrees_c": 1,
    "degrees_f": 2,
    "kelvin": 3,
    "volts": 4,
    "amps": 5,
    "watts": 6,
    "joules": 7,
    "rpm": 18,
}

ENTITIES: dict[str, int] = {
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

# FRU chassis types (SMBIOS "System Enclosure or Chassis Types", used by the FRU spec).
CHASSIS_TYPES: dict[str, int] = {
    "other": 0x01,
    "unknown": 0x02,
    "desktop": 0x03,
    "tower": 0x07,
    "main_server_chassis": 0x11,
    "rack_mount_chassis": 0x17,
    "multi_system_chassis": 0x19,
    "blade": 0x1C,
}


def code_for(table: dict[str, int], value: object) -> int | None:
    """The code for a symbolic name (``"fan"``) or a number given as int / "0x04"; None if unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "_").replace("-", "_")
        if text in table:
            return table[text]
        try:
            return int(text, 0)
        except ValueError:
            return None
    return None
