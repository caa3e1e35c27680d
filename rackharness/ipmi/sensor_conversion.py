"""The linear conversion of a full sensor record (IPMI 2.0 section 36.3, table 43-1 bytes 25-30)::

    y = (M * x + B * 10**B_exp) * 10**R_exp

where ``x`` is the raw 8-bit reading and ``y`` the value in the sensor's unit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Conversion:
    """The linear conversion factors of one sensor."""

    m: int = 1
    b: int = 0
    b_exp: int = 0
    r_exp: int = 0
    signed: bool = False  # analog data format 2's complement instead of unsigned

    def to_value(self, raw: int) -> float:
        if self.signed and raw >= 0x80:
            raw -= 0x100
        return (self.m * raw + self.b * 10**self.b_exp) * 10**self.r_exp

    def to_raw(self, value: float) -> int:
        """The raw byte closest to ``value``, clamped to the 8-bit range."""
        raw = round((value / 10**self.r_exp - self.b * 10**self.b_exp) / self.m)
        if self.signed:
            return max(-128, min(127, raw)) & 0xFF
        return max(0, min(255, raw))
