"""The words ipmitool 1.8.19 prints for IPMI codes (data only; no I/O).

Used by :mod:`rackharness.rack.inband_ipmi` to print ``mc info`` and ``sel list`` exactly as the
ipmitool a microkernel runs would. The strings were read off ipmitool 1.8.19 printing SEL records
added to a virtual BMC (``ipmitool raw 0x0a 0x44 ...`` then ``sel list``), so they include its
quirks (a trailing space after the "going low" threshold events, "Drive Slot / Bay").
"""
from __future__ import annotations

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

#: sensor type code -> ipmitool's name (``sel list`` column 4, before " #0x<number>")
SENSOR_TYPE_NAMES: tuple[str, ...] = (
    "reserved", "Temperature", "Voltage", "Current", "Fan", "Physical Security", "Platform Security",
    "Processor", "Power Supply", "Power Unit", "Cooling Device", "Other", "Memory", "Drive Slot / Bay",
    "POST Memory Resize", "System Firmwares", "Event Logging Disabled", "Watchdog1", "System Event",
    "Critical Interrupt", "Button", "Module / Board", "Microcontroller", "Add-in Card", "Chassis",
    "Chip Set", "Other FRU", "Cable / Interconnect", "Terminator", "System Boot Initiated", "Boot Error",
    "OS Boot", "OS Critical Stop", "Slot / Connector", "System ACPI Power State", "Watchdog2",
    "Platform Alert", "Entity Presence", "Monitor ASIC", "LAN", "Management Subsys Health", "Battery",
    "Session Audit", "Version Change", "FRU State",
)

#: generic event/reading types (IPMI 2.0 table 42-2) -> offset descriptions
GENERIC_EVENTS: dict[int, tuple[str, ...]] = {
    0x01: ("Lower Non-critical going low ", "Lower Non-critical going high", "Lower Critical going low ",
           "Lower Critical going high", "Lower Non-recoverable going low ", "Lower Non-recoverable going high",
           "Upper Non-critical going low ", "Upper Non-critical going high", "Upper Critical going low ",
           "Upper Critical going high", "Upper Non-recoverable going low ", "Upper Non-recoverable going high"),
    0x02: ("Transition to Idle", "Transition to Active", "Transition to Busy"),
    0x03: ("State Deasserted", "State Asserted"),
    0x07: ("Transition to OK", "Transition to Non-critical from OK", "Transition to Critical from less severe",
           "Transition to Non-recoverable from less severe", "Transition to Non-critical from more severe",
           "Transition to Critical from Non-recoverable", "Transition to Non-recoverable", "Monitor",
           "Informational"),
    0x08: ("Device Absent", "Device Present"),
    0x0A: ("Transition to Running", "Transition to In Test", "Transition to Power Off", "Transition to On Line",
           "Transition to Off Line", "Transition to Off Duty", "Transition to Degraded", "Transition to Power Save",
           "Install Error"),
    0x0B: ("Fully Redundant", "Redundancy Lost", "Redundancy Degraded", "Non-Redundant: Sufficient from Redundant",
           "Non-Redundant: Sufficient from Insufficient", "Non-Redundant: Insufficient Resources",
           "Redundancy Degraded from Fully Redundant", "Redundancy Degraded from Non-Redundant"),
}

#: sensor-specific events (event/reading type 0x6F, IPMI 2.0 table 42-3): sensor type -> offsets
SENSOR_SPECIFIC_EVENTS: dict[int, tuple[str, ...]] = {
    0x05: ("General Chassis intrusion", "Drive Bay intrusion", "I/O Card area intrusion", "Processor area intrusion",
           "System unplugged from LAN", "Unauthorized dock", "FAN area intrusion"),
    0x07: ("IERR", "Thermal Trip", "FRB1/BIST failure", "FRB2/Hang in POST failure",
           "FRB3/Processor startup/init failure", "Configuration Error", "SM BIOS Uncorrectable CPU-complex Error",
           "Presence detected", "Disabled", "Terminator presence detected", "Throttled",
           "Uncorrectable machine check exception", "Correctable machine check error"),
    0x08: ("Presence detected", "Failure detected", "Predictive failure", "Power Supply AC lost",
           "AC lost or out-of-range", "AC out-of-range", "Config Error", "Power Supply Inactive"),
    0x09: ("Power off/down", "Power cycle", "240VA power down", "Interlock power down", "AC lost",
           "Soft-power control failure", "Failure detected", "Predictive failure"),
    0x0C: ("Correctable ECC", "Uncorrectable ECC", "Parity", "Memory Scrub Failed", "Memory Device Disabled",
           "Correctable ECC logging limit reached", "Presence Detected", "Configuration Error", "Spare",
           "Throttled", "Critical Overtemperature"),
    0x0D: ("Drive Present", "Drive Fault", "Predictive Failure", "Hot Spare", "Parity Check In Progress",
           "In Critical Array", "In Failed Array", "Rebuild In Progress", "Rebuild Aborted"),
    0x12: ("System Reconfigured", "OEM System boot event", "Undetermined system hardware failure",
           "Entry added to auxiliary log", "PEF Action", "Timestamp Clock Sync"),
    0x13: ("NMI/Diag Interrupt", "Bus Timeout", "I/O Channel check NMI", "Software NMI", "PCI PERR", "PCI SERR",
           "EISA failsafe timeout", "Bus Correctable error", "Bus Uncorrectable error", "Fatal NMI",
           "Bus Fatal Error", "Bus Degraded"),
    0x1D: ("Initiated by power up", "Initiated by hard reset", "Initiated by warm reset", "User requested PXE boot",
           "Automatic boot to diagnostic", "OS initiated hard reset", "OS initiated warm reset", "System Restart"),
    0x1F: ("A: boot completed", "C: boot completed", "PXE boot completed", "Diagnostic boot completed",
           "CD-ROM boot completed", "ROM boot completed", "boot completed - device not specified",
           "Installation started", "Installation completed", "Installation aborted", "Installation failed"),
    0x22: ("S0/G0: working", "S1: sleeping with system hw & processor context maintained",
           "S2: sleeping, processor context lost", "S3: sleeping, processor & hw context lost, memory retained",
           "S4: non-volatile sleep/suspend-to-disk", "S5/G2: soft-off", "S4/S5: soft-off", "G3: mechanical off",
           "Sleeping in S1/S2/S3 state", "G1: sleeping", "S5: entered by override", "Legacy ON state",
           "Legacy OFF state", "", "Unknown"),
    0x23: ("Timer expired", "Hard reset", "Power down", "Power cycle", "reserved", "reserved", "reserved",
           "reserved", "Timer interrupt"),
    0x29: ("Low", "Failed", "Presence Detected"),
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
    return SENSOR_TYPE_NAMES[code] if code < len(SENSOR_TYPE_NAMES) else "Unknown"


def event_description(sensor_type: int, event_type: int, offset: int) -> str:
    """ipmitool's event text for a standard SEL record ('' where it prints nothing)."""
    if event_type == 0x6F:
        table = SENSOR_SPECIFIC_EVENTS.get(sensor_type, ())
    else:
        table = GENERIC_EVENTS.get(event_type, ())
    return table[offset] if offset < len(table) else ""


def completion_text(code: int) -> str:
    return COMPLETION_TEXT.get(code, f"Unknown (0x{code:02X})")
