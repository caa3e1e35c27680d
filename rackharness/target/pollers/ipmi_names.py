"""The words ipmitool prints for IPMI codes, which RackHD's poller data carries verbatim (data only).

RackHD's IPMI pollers parse ipmitool's text (on-tasks ``lib/utils/job-utils/ipmi-parser.js``), so
their data holds ipmitool's names: sensor types (``Temperature``, ``Power Unit``), entities
(``Processor``), units (``degrees C``) and event descriptions (``Power off/down``). The tables
follow ipmitool 1.8 (``ipmi_sdr.h``, ``ipmi_sel.h``, ``ipmi_entity.h``) for the codes of IPMI 2.0
tables 42-1, 42-2, 42-3, 43-13 and 43-15; a code missing here is printed the way ipmitool prints an
unknown one.
"""
from __future__ import annotations

#: IPMI 2.0 table 42-3 sensor type codes, as ipmitool's ``sensor_type_desc``
SENSOR_TYPES = (
    "reserved", "Temperature", "Voltage", "Current", "Fan", "Physical Security", "Platform Security",
    "Processor", "Power Supply", "Power Unit", "Cooling Device", "Other", "Memory", "Drive Slot / Bay",
    "POST Memory Resize", "System Firmwares", "Event Logging Disabled", "Watchdog1", "System Event",
    "Critical Interrupt", "Button", "Module / Board", "Microcontroller", "Add-in Card", "Chassis",
    "Chip Set", "Other FRU", "Cable / Interconnect", "Terminator", "System Boot Initiated", "Boot Error",
    "OS Boot", "OS Critical Stop", "Slot / Connector", "System ACPI Power State", "Watchdog2",
    "Platform Alert", "Entity Presence", "Monitor ASIC", "LAN", "Management Subsys Health", "Battery",
    "Session Audit", "Version Change", "FRU State",
)

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

#: IPMI 2.0 table 42-2, event/reading type 01h (threshold): offset -> ipmitool's description
THRESHOLD_EVENTS = (
    "Lower Non-critical going low", "Lower Non-critical going high", "Lower Critical going low",
    "Lower Critical going high", "Lower Non-recoverable going low", "Lower Non-recoverable going high",
    "Upper Non-critical going low", "Upper Non-critical going high", "Upper Critical going low",
    "Upper Critical going high", "Upper Non-recoverable going low", "Upper Non-recoverable going high",
)

#: IPMI 2.0 table 42-3 sensor-specific offsets (event/reading type 6Fh), as ipmitool names them
SENSOR_SPECIFIC_EVENTS: dict[int, tuple[str, ...]] = {
    0x05: ("General Chassis intrusion", "Drive Bay intrusion", "I/O Card area intrusion",
           "Processor area intrusion", "System unplugged from LAN", "Unauthorized dock",
           "FAN area intrusion"),
    0x07: ("IERR", "Thermal Trip", "FRB1/BIST failure", "FRB2/Hang in POST failure",
           "FRB3/Processor Startup/Init failure", "Configuration Error", "SM BIOS Uncorrectable CPU-complex Error",
           "Presence detected", "Disabled", "Terminator presence detected", "Throttled"),
    0x08: ("Presence detected", "Failure detected", "Predictive failure", "Power Supply AC lost",
           "AC lost or out-of-range", "AC out-of-range, but present", "Config Error"),
    0x09: ("Power off/down", "Power cycle", "240VA power down", "Interlock power down", "AC lost",
           "Soft-power control failure", "Failure detected", "Predictive failure"),
    0x0C: ("Correctable ECC", "Uncorrectable ECC", "Parity", "Memory Scrub Error", "Memory Device Disabled",
           "Correctable ECC logging limit reached", "Presence Detected", "Configuration Error", "Spare",
           "Throttled", "Critical Overtemperature"),
    0x0D: ("Drive Present", "Drive Fault", "Predictive Failure", "Hot Spare", "Parity Check In Progress",
           "In Critical Array", "In Failed Array", "Rebuild In Progress", "Rebuild Aborted"),
    0x10: ("Correctable memory error logging disabled", "Event logging disabled", "Log area reset/cleared",
           "All event logging disabled", "Log full", "Log almost full"),
    0x12: ("System Reconfigured", "OEM System boot event", "Undetermined system hardware failure",
           "Entry added to auxiliary log", "PEF Action", "Timestamp Clock Sync"),
    0x13: ("NMI/Diag Interrupt", "Bus Timeout", "I/O Channel check NMI", "Software NMI", "PCI PERR",
           "PCI SERR", "EISA failsafe timeout", "Bus Correctable error", "Bus Uncorrectable error",
           "Fatal NMI", "Bus Fatal Error", "Bus Degraded"),
    0x1D: ("Initiated by power up", "Initiated by hard reset", "Initiated by warm reset",
           "User requested PXE boot", "Automatic boot to diagnostic", "OS initiated hard reset",
           "OS initiated warm reset", "System Restart"),
    0x1F: ("A: boot completed", "C: boot completed", "PXE boot completed", "Diagnostic boot completed",
           "CD-ROM boot completed", "ROM boot completed", "boot completed - device not specified"),
    0x22: ("S0/G0: working", "S1: sleeping with system hw & processor context maintained",
           "S2: sleeping, processor context lost", "S3: sleeping, processor & hw context lost, memory retained",
           "S4: non-volatile sleep/suspend-to-disk", "S5/G2: soft-off", "S4/S5: soft-off",
           "G3: mechanical off", "Sleeping in S1/S2/S3 state", "G1: sleeping", "S5: entered by override",
           "Legacy ON state", "Legacy OFF state", "Unknown"),
    0x23: ("Timer expired", "Hard reset", "Power down", "Power cycle", "reserved", "reserved", "reserved",
           "reserved", "Timer interrupt"),
}

#: IPMI 2.0 table 42-2 generic discrete offsets (event/reading types 02h-0Ch), as ipmitool names them
GENERIC_EVENTS: dict[int, tuple[str, ...]] = {
    0x02: ("Transition to Idle", "Transition to Active", "Transition to Busy"),
    0x03: ("State Deasserted", "State Asserted"),
    0x04: ("Predictive Failure Deasserted", "Predictive Failure Asserted"),
    0x05: ("Limit Not Exceeded", "Limit Exceeded"),
    0x06: ("Performance Met", "Performance Lags"),
    0x07: ("Transition to OK", "Transition to Non-critical from OK", "Transition to Critical from less severe",
           "Transition to Non-recoverable from less severe", "Transition to Non-critical from more severe",
           "Transition to Critical from Non-recoverable", "Transition to Non-recoverable", "Monitor",
           "Informational"),
    0x08: ("Device Absent", "Device Present"),
    0x09: ("Device Disabled", "Device Enabled"),
    0x0A: ("Transition to Running", "Transition to In Test", "Transition to Power Off",
           "Transition to On Line", "Transition to Off Line", "Transition to Off Duty", "Transition to Degraded",
           "Transition to Power Save", "Install Error"),
    0x0B: ("Fully Redundant", "Redundancy Lost", "Redundancy Degraded",
           "Non-Redundant: Sufficient from Redundant", "Non-Redundant: Sufficient from Insufficient",
           "Non-Redundant: Insufficient Resources", "Redundancy Degraded from Fully Redundant",
           "Redundancy Degraded from Non-redundant"),
    0x0C: ("D0 Power State", "D1 Power State", "D2 Power State", "D3 Power State"),
}


def sensor_type(code: int) -> str:
    return SENSOR_TYPES[code] if 0 <= code < len(SENSOR_TYPES) else ("OEM reserved" if code >= 0xC0 else "reserved")


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
    if event_type_code == 0x01:
        names: tuple[str, ...] = THRESHOLD_EVENTS
    elif event_type_code == 0x6F:
        names = SENSOR_SPECIFIC_EVENTS.get(sensor_type_code, ())
    else:
        names = GENERIC_EVENTS.get(event_type_code, ())
    return names[offset] if offset < len(names) else f"Unknown event 0x{offset:02x}"
