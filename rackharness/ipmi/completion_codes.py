"""Completion codes (IPMI 2.0 table 5-2) and the text ipmitool 1.8.19 prints for them."""

from __future__ import annotations

import enum


class Completion(enum.IntEnum):
    """The completion codes the virtual BMC answers with."""

    OK = 0x00
    NODE_BUSY = 0xC0
    INVALID_COMMAND = 0xC1
    INVALID_FOR_LUN = 0xC2
    TIMEOUT = 0xC3
    OUT_OF_SPACE = 0xC4
    RESERVATION_CANCELLED = 0xC5
    REQUEST_DATA_TRUNCATED = 0xC6
    REQUEST_DATA_LENGTH_INVALID = 0xC7
    REQUEST_DATA_FIELD_LENGTH_EXCEEDED = 0xC8
    PARAMETER_OUT_OF_RANGE = 0xC9
    CANNOT_RETURN_REQUESTED_BYTES = 0xCA
    REQUESTED_DATA_NOT_PRESENT = 0xCB
    INVALID_DATA_FIELD = 0xCC
    ILLEGAL_FOR_SENSOR_OR_RECORD = 0xCD
    CANNOT_RESPOND = 0xCE
    DUPLICATE_REQUEST = 0xCF
    SDR_IN_UPDATE_MODE = 0xD0
    FIRMWARE_UPDATE_MODE = 0xD1
    BMC_INITIALIZING = 0xD2
    DESTINATION_UNAVAILABLE = 0xD3
    INSUFFICIENT_PRIVILEGE = 0xD4
    NOT_SUPPORTED_IN_PRESENT_STATE = 0xD5
    PARAMETER_NOT_SUPPORTED = 0x80  # command-specific (e.g. boot option / LAN parameter not supported)
    UNSPECIFIED = 0xFF


#: code -> ipmitool's text (``IPMI command failed: <text>``), its misspelling included
COMPLETION_TEXT: dict[int, str] = {
    0xC0: "Node busy",
    0xC1: "Invalid command",
    0xC2: "Invalid command on LUN",
    0xC3: "Timeout",
    0xC4: "Out of space",
    0xC5: "Reservation cancelled or invalid",
    0xC6: "Request data truncated",
    0xC7: "Request data length invalid",
    0xC8: "Request data field length limit exceeded",
    0xC9: "Parameter out of range",
    0xCA: "Cannot return number of requested data bytes",
    0xCB: "Requested sensor, data, or record not found",
    0xCC: "Invalid data field in request",
    0xCD: "Command illegal for specified sensor or record type",
    0xCE: "Command response could not be provided",
    0xCF: "Cannot execute duplicated request",
    0xD0: "SDR Repository in update mode",
    0xD1: "Device firmeware in update mode",
    0xD2: "BMC initialization in progress",
    0xD3: "Destination unavailable",
    0xD4: "Insufficient privilege level",
    0xD5: "Command not supported in present state",
    0xFF: "Unspecified error",
}


def completion_text(code: int) -> str:
    return COMPLETION_TEXT.get(code, f"Unknown (0x{code:02X})")
