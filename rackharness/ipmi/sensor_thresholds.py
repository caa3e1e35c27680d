"""Sensor threshold names (IPMI 2.0 section 35.9).

In the bit order of the readable/settable masks and of Get Sensor Thresholds: bit0 LNC, bit1 LC,
bit2 LNR, bit3 UNC, bit4 UC, bit5 UNR. Names starting with ``l`` are lower thresholds (crossed
going low), the others upper ones.
"""

from __future__ import annotations

from typing import Iterable

THRESHOLD_NAMES: tuple[str, ...] = ("lnc", "lc", "lnr", "unc", "uc", "unr")


def is_lower(name: str) -> bool:
    """A lower threshold (crossed when the reading is at or below it)."""
    return name.startswith("l")


def threshold_mask(names: Iterable[str]) -> int:
    """The readable-threshold mask of the thresholds present (section 35.9 layout)."""
    present = set(names)
    return sum(1 << bit for bit, name in enumerate(THRESHOLD_NAMES) if name in present)
