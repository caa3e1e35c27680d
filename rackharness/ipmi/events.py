"""Event offsets (IPMI 2.0 tables 42-2 and 42-3) and the text ipmitool prints for them.

The strings are ipmitool 1.8.19's ``generic_event_types`` and ``sensor_specific_event_types``
(``ipmi_sel.h``), quirks included (a trailing space after the "going low" threshold events), as
``ipmitool sel list`` prints them. An offset ipmitool has no name for is ``""`` in a table.
RackHD's parser keeps ``sel get`` and ``sdr`` text trimmed: :func:`trimmed_event_description`.
"""

from __future__ import annotations

from rackharness.ipmi.sensor_types import SENSOR_SPECIFIC, THRESHOLD

#: IPMI 2.0 table 42-2 event/reading types 01h (threshold) to 0Ch: offset -> ipmitool's ``generic_event_types``
GENERIC_EVENTS: dict[int, tuple[str, ...]] = {
    0x01: (
        "Lower Non-critical going low ",
        "Lower Non-critical going high",
        "Lower Critical going low ",
        "Lower Critical going high",
        "Lower Non-recoverable going low ",
        "Lower Non-recoverable going high",
        "Upper Non-critical going low ",
        "Upper Non-critical going high",
        "Upper Critical going low ",
        "Upper Critical going high",
        "Upper Non-recoverable going low ",
        "Upper Non-recoverable going high",
    ),
    0x02: ("Transition to Idle", "Transition to Active", "Transition to Busy"),
    0x03: ("State Deasserted", "State Asserted"),
    0x04: ("Predictive Failure Deasserted", "Predictive Failure Asserted"),
    0x05: ("Limit Not Exceeded", "Limit Exceeded"),
    0x06: ("Performance Met", "Performance Lags"),
    0x07: (
        "Transition to OK",
        "Transition to Non-critical from OK",
        "Transition to Critical from less severe",
        "Transition to Non-recoverable from less severe",
        "Transition to Non-critical from more severe",
        "Transition to Critical from Non-recoverable",
        "Transition to Non-recoverable",
        "Monitor",
        "Informational",
    ),
    0x08: ("Device Absent", "Device Present"),
    0x09: ("Device Disabled", "Device Enabled"),
    0x0A: (
        "Transition to Running",
        "Transition to In Test",
        "Transition to Power Off",
        "Transition to On Line",
        "Transition to Off Line",
        "Transition to Off Duty",
        "Transition to Degraded",
        "Transition to Power Save",
        "Install Error",
    ),
    0x0B: (
        "Fully Redundant",
        "Redundancy Lost",
        "Redundancy Degraded",
        "Non-Redundant: Sufficient from Redundant",
        "Non-Redundant: Sufficient from Insufficient",
        "Non-Redundant: Insufficient Resources",
        "Redundancy Degraded from Fully Redundant",
        "Redundancy Degraded from Non-Redundant",
    ),
    0x0C: ("D0 Power State", "D1 Power State", "D2 Power State", "D3 Power State"),
}

#: IPMI 2.0 table 42-3 sensor-specific offsets (event/reading type 6Fh): sensor type -> ipmitool's
#: ``sensor_specific_event_types`` (the entry for any event data 2, where it has several)
SENSOR_SPECIFIC_EVENTS: dict[int, tuple[str, ...]] = {
    0x05: (
        "General Chassis intrusion",
        "Drive Bay intrusion",
        "I/O Card area intrusion",
        "Processor area intrusion",
        "System unplugged from LAN",
        "Unauthorized dock",
        "FAN area intrusion",
    ),
    0x07: (
        "IERR",
        "Thermal Trip",
        "FRB1/BIST failure",
        "FRB2/Hang in POST failure",
        "FRB3/Processor startup/init failure",
        "Configuration Error",
        "SM BIOS Uncorrectable CPU-complex Error",
        "Presence detected",
        "Disabled",
        "Terminator presence detected",
        "Throttled",
        "Uncorrectable machine check exception",
        "Correctable machine check error",
    ),
    0x08: (
        "Presence detected",
        "Failure detected",
        "Predictive failure",
        "Power Supply AC lost",
        "AC lost or out-of-range",
        "AC out-of-range, but present",
        "Config Error",
        "Power Supply Inactive",
    ),
    0x09: (
        "Power off/down",
        "Power cycle",
        "240VA power down",
        "Interlock power down",
        "AC lost",
        "Soft-power control failure",
        "Failure detected",
        "Predictive failure",
    ),
    0x0C: (
        "Correctable ECC",
        "Uncorrectable ECC",
        "Parity",
        "Memory Scrub Failed",
        "Memory Device Disabled",
        "Correctable ECC logging limit reached",
        "Presence Detected",
        "Configuration Error",
        "Spare",
        "Throttled",
        "Critical Overtemperature",
    ),
    0x0D: (
        "Drive Present",
        "Drive Fault",
        "Predictive Failure",
        "Hot Spare",
        "Parity Check In Progress",
        "In Critical Array",
        "In Failed Array",
        "Rebuild In Progress",
        "Rebuild Aborted",
    ),
    0x10: (
        "Correctable memory error logging disabled",
        "Event logging disabled",
        "Log area reset/cleared",
        "All event logging disabled",
        "Log full",
        "Log almost full",
    ),
    0x12: (
        "System Reconfigured",
        "OEM System boot event",
        "Undetermined system hardware failure",
        "Entry added to auxiliary log",
        "PEF Action",
        "Timestamp Clock Sync",
    ),
    0x13: (
        "NMI/Diag Interrupt",
        "Bus Timeout",
        "I/O Channel check NMI",
        "Software NMI",
        "PCI PERR",
        "PCI SERR",
        "EISA failsafe timeout",
        "Bus Correctable error",
        "Bus Uncorrectable error",
        "Fatal NMI",
        "Bus Fatal Error",
        "Bus Degraded",
    ),
    0x1D: (
        "Initiated by power up",
        "Initiated by hard reset",
        "Initiated by warm reset",
        "User requested PXE boot",
        "Automatic boot to diagnostic",
        "OS initiated hard reset",
        "OS initiated warm reset",
        "System Restart",
    ),
    0x1F: (
        "A: boot completed",
        "C: boot completed",
        "PXE boot completed",
        "Diagnostic boot completed",
        "CD-ROM boot completed",
        "ROM boot completed",
        "boot completed - device not specified",
        "Installation started",
        "Installation completed",
        "Installation aborted",
        "Installation failed",
    ),
    0x22: (
        "S0/G0: working",
        "S1: sleeping with system hw & processor context maintained",
        "S2: sleeping, processor context lost",
        "S3: sleeping, processor & hw context lost, memory retained",
        "S4: non-volatile sleep/suspend-to-disk",
        "S5/G2: soft-off",
        "S4/S5: soft-off",
        "G3: mechanical off",
        "Sleeping in S1/S2/S3 state",
        "G1: sleeping",
        "S5: entered by override",
        "Legacy ON state",
        "Legacy OFF state",
        "",
        "Unknown",
    ),
    0x23: (
        "Timer expired",
        "Hard reset",
        "Power down",
        "Power cycle",
        "reserved",
        "reserved",
        "reserved",
        "reserved",
        "Timer interrupt",
    ),
    0x29: ("Low", "Failed", "Presence Detected"),
}

#: event/reading type 01h (threshold) offsets without the trailing space ipmitool prints after "going low"
THRESHOLD_EVENTS: tuple[str, ...] = tuple(name.rstrip() for name in GENERIC_EVENTS[THRESHOLD])

# Sensor-specific offsets a node logs on power transitions (table 42-3).
POWER_UNIT_POWER_OFF = 0x00  # Power Unit (0x09): power off / power down
POWER_UNIT_POWER_CYCLE = 0x01
POWER_UNIT_SOFT_CONTROL_FAILURE = 0x05
ACPI_S0_G0_WORKING = 0x00  # System ACPI Power State (0x22)
ACPI_S5_G2_SOFT_OFF = 0x05
RESTART_POWER_UP = 0x00  # System Boot / Restart Initiated (0x1D)
RESTART_HARD_RESET = 0x01
RESTART_WARM_RESET = 0x02
CRITICAL_INTERRUPT_FRONT_PANEL_NMI = 0x00  # Critical Interrupt (0x13)


def event_description(sensor_type: int, event_type: int, offset: int, unknown: str = "") -> str:
    """ipmitool's text for an event of a standard SEL record (``sel list``); ``unknown`` where it has none."""
    if event_type == SENSOR_SPECIFIC:
        table = SENSOR_SPECIFIC_EVENTS.get(sensor_type, ())
    else:
        table = GENERIC_EVENTS.get(event_type, ())
    return (table[offset] if offset < len(table) else "") or unknown


def trimmed_event_description(sensor_type: int, event_type: int, offset: int) -> str:
    """An event (or asserted state) as RackHD's poller data holds it: trimmed, ``Unknown event 0x..``."""
    event_type &= 0x7F
    offset &= 0x0F
    unknown = f"Unknown event 0x{offset:02x}"
    if event_type == THRESHOLD:
        return THRESHOLD_EVENTS[offset] if offset < len(THRESHOLD_EVENTS) else unknown
    return event_description(sensor_type, event_type, offset, unknown)
