"""Chassis state the node model keeps and Get Chassis Status reports (IPMI 2.0 section 28.2, table 28-3)."""

from __future__ import annotations

import enum


class PowerRestorePolicy(enum.IntEnum):
    """Chassis Status byte 1 bits 6:5 and Set Power Restore Policy (section 28.8)."""

    ALWAYS_OFF = 0
    PREVIOUS = 1
    ALWAYS_ON = 2


# Byte 1 "current power state" bits.
POWER_IS_ON = 0x01
POWER_CONTROL_FAULT = 0x10
POWER_RESTORE_SHIFT = 5

# Byte 2 "last power event" bits.
LAST_POWER_ON_BY_COMMAND = 0x10

# Byte 3 "misc chassis state": identify supported, identify state in bits 5:4.
IDENTIFY_SUPPORTED = 0x40
IDENTIFY_STATE_SHIFT = 4
IDENTIFY_OFF, IDENTIFY_TIMED, IDENTIFY_INDEFINITE = 0, 1, 2
DEFAULT_IDENTIFY_SECONDS = 15  # Chassis Identify without an interval (section 28.5)
