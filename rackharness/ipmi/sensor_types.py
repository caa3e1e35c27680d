"""Sensor type codes (IPMI 2.0 table 42-3) and event/reading type codes (table 42-1).

``SENSOR_TYPE_NAMES`` is ipmitool 1.8.19's ``sensor_type_desc`` (``ipmi_sdr.h``), quirks included
("Drive Slot / Bay"); ``SENSOR_TYPE_CODES`` are the names the shipped hardware profiles use.
"""

from __future__ import annotations

#: code -> ipmitool's name (``sensor_type_desc``), codes 0x00-0x2C
SENSOR_TYPE_NAMES: tuple[str, ...] = (
    "reserved",
    "Temperature",
    "Voltage",
    "Current",
    "Fan",
    "Physical Security",
    "Platform Security",
    "Processor",
    "Power Supply",
    "Power Unit",
    "Cooling Device",
    "Other",
    "Memory",
    "Drive Slot / Bay",
    "POST Memory Resize",
    "System Firmwares",
    "Event Logging Disabled",
    "Watchdog1",
    "System Event",
    "Critical Interrupt",
    "Button",
    "Module / Board",
    "Microcontroller",
    "Add-in Card",
    "Chassis",
    "Chip Set",
    "Other FRU",
    "Cable / Interconnect",
    "Terminator",
    "System Boot Initiated",
    "Boot Error",
    "OS Boot",
    "OS Critical Stop",
    "Slot / Connector",
    "System ACPI Power State",
    "Watchdog2",
    "Platform Alert",
    "Entity Presence",
    "Monitor ASIC",
    "LAN",
    "Management Subsys Health",
    "Battery",
    "Session Audit",
    "Version Change",
    "FRU State",
)

#: a hardware profile's name -> code
SENSOR_TYPE_CODES: dict[str, int] = {
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

# The sensor types a node's power transitions log events of.
POWER_UNIT = SENSOR_TYPE_CODES["power_unit"]
CRITICAL_INTERRUPT = SENSOR_TYPE_CODES["critical_interrupt"]
SYSTEM_RESTART = SENSOR_TYPE_CODES["system_boot_restart"]
ACPI_POWER_STATE = SENSOR_TYPE_CODES["acpi_power_state"]

OEM_SENSOR_TYPES = 0xC0  # 0xC0-0xFF

#: a hardware profile's name -> event/reading type code (table 42-1)
EVENT_READING_TYPE_CODES: dict[str, int] = {
    "threshold": 0x01,
    "sensor_specific": 0x6F,
}
THRESHOLD = EVENT_READING_TYPE_CODES["threshold"]
SENSOR_SPECIFIC = EVENT_READING_TYPE_CODES["sensor_specific"]


def sensor_type_name(code: int) -> str:
    """ipmitool's name of a sensor type as ``sdr`` and ``sel get`` print it ("OEM reserved" from 0xC0)."""
    if 0 <= code < len(SENSOR_TYPE_NAMES):
        return SENSOR_TYPE_NAMES[code]
    return "OEM reserved" if code >= OEM_SENSOR_TYPES else "reserved"


def sel_list_sensor_type_name(code: int) -> str:
    """``sel list``'s name of a sensor type ("Unknown" past ipmitool's table, OEM codes included)."""
    return SENSOR_TYPE_NAMES[code] if 0 <= code < len(SENSOR_TYPE_NAMES) else "Unknown"


def event_type_name(code: int) -> str:
    """ipmitool's name of an event/reading type (the ``Event Type`` line of ``sel get``)."""
    code &= 0x7F
    if code == THRESHOLD:
        return "Threshold"
    if 0x02 <= code <= 0x0C:
        return "Generic Discrete"
    if code == SENSOR_SPECIFIC:
        return "Sensor-specific Discrete"
    if 0x70 <= code <= 0x7F:
        return "OEM"
    return "Unspecified"
