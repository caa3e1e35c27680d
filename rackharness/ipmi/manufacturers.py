"""IANA enterprise numbers (Get Device ID manufacturer id) -> ipmitool 1.8.19's "Manufacturer Name"."""

from __future__ import annotations

#: the manufacturers of the shipped profiles
MANUFACTURER_NAMES: dict[int, str] = {
    343: "Intel Corporation",
    674: "Dell Inc.",
    7244: "Quanta Computer Inc.",
    10876: "Super Micro Computer Inc.",
    11: "Hewlett-Packard",
    2: "IBM",
    19046: "Lenovo",
}


def manufacturer_name(iana: int) -> str:
    """``mc info``'s manufacturer name; "Unknown" for a number missing here."""
    return MANUFACTURER_NAMES.get(iana, "Unknown")
