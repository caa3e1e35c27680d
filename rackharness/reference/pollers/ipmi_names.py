"""The words ipmitool prints for IPMI codes, which RackHD's poller data carries verbatim (data only).

RackHD's IPMI pollers parse ipmitool's text (on-tasks ``lib/utils/job-utils/ipmi-parser.js``), so
their data holds ipmitool's names: sensor types (``Temperature``, ``Power Unit``), entities
(``Processor``), units (``degrees C``) and event descriptions (``Power off/down``). Sensor types and
event offsets (IPMI 2.0 tables 42-1, 42-2, 42-3) are :mod:`rackharness.ipmi_names`, shared with the
virtual node's in-band ipmitool; the units and entities here follow ipmitool 1.8 (``ipmi_sdr.h``,
``ipmi_entity.h``) for IPMI 2.0 tables 43-13 and 43-15. A code missing is printed the way ipmitool
prints an unknown one.
"""
from __future__ import annotations

from rackharness import ipmi_names as shared

#: IPMI 2.0 table 43-15 unit type codes, as ipmitool's ``unit_desc``
UNITS = (
    "unspecified", "degrees C", "degrees F", "degrees K", "Volts", "Amps", "Watts", "Joules", "Coulombs",
    "VA", "Nits", "lumen", "lux", "Candela", "kPa", "PSI", "Newton", "CFM", "RPM", "Hz", "microsecond",
    "millisecond", "second", "minute", "hour", "day", "week", "mil", "inches", "feet", "cu in", "cu feet",
    "mm", "cm", "m", "cu cm", "cu m", "liters", "fluid ounce", "radians", "steradians", "revolutions",
    "cycles", "gravities", "ounce", "pound", "ft-lb", "oz-in", "gauss", "gilberts", "henry", "millihenry",
    "farad", "microfarad", "ohms", "siemens", "mole", "becquerel", "PPM", "reserved", "Decibels", "DbA",
    "DbC", "gray", "sievert", "color temp deg K", "bit", "kilobit", "megabit", "gigabit", "byte",
    "kilobyte", "megabyte", "gigabyte", "word", "dword", "qword", "line", "hit", "miss", "retry", "reset",
    "overflow", "underrun", "collision", "packets", "messages", "characters", "error", "correctable error",
    "uncorrectable error", "fatal error", "grams",
)

#: IPMI 2.0 table 43-13 entity id codes, as ipmitool's ``entity_id_vals``
ENTITIES = {
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

#: IPMI 2.0 table 42-2, event/reading type 01h (threshold): offset -> ipmitool's description, as the
#: pollers give it: without the trailing space ipmitool prints after "going low"
THRESHOLD_EVENTS: tuple[str, ...] = tuple(name.rstrip() for name in shared.GENERIC_EVENTS[0x01])


def sensor_type(code: int) -> str:
    names = shared.SENSOR_TYPES
    return names[code] if 0 <= code < len(names) else ("OEM reserved" if code >= 0xC0 else "reserved")


def unit(code: int) -> str:
    return UNITS[code] if 0 <= code < len(UNITS) else "unspecified"


def entity(code: int) -> str:
    return ENTITIES.get(code, "Unknown")


def event_type(code: int) -> str:
    """ipmitool's name of an event/reading type (the ``Event Type`` line of ``sel get``)."""
    code &= 0x7F
    if code == 0x01:
        return "Threshold"
    if 0x02 <= code <= 0x0C:
        return "Generic Discrete"
    if code == 0x6F:
        return "Sensor-specific Discrete"
    if 0x70 <= code <= 0x7F:
        return "OEM"
    return "Unspecified"


def event_description(sensor_type_code: int, event_type_code: int, offset: int) -> str:
    """What ipmitool prints for an event (or an asserted state) of this sensor and offset."""
    event_type_code &= 0x7F
    offset &= 0x0F
    unknown = f"Unknown event 0x{offset:02x}"
    if event_type_code == 0x01:
        return THRESHOLD_EVENTS[offset] if offset < len(THRESHOLD_EVENTS) else unknown
    return shared.event_description(sensor_type_code, event_type_code, offset, unknown)
