"""Sensor unit type codes (IPMI 2.0 table 43-15): ipmitool's names and the profiles' names."""
from __future__ import annotations

#: code -> ipmitool 1.8's name (``unit_desc``, ``ipmi_sdr.h``)
UNIT_NAMES: tuple[str, ...] = (
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

#: a hardware profile's name -> code
UNIT_CODES: dict[str, int] = {
    "unspecified": 0,
    "degrees_c": 1,
    "degrees_f": 2,
    "kelvin": 3,
    "volts": 4,
    "amps": 5,
    "watts": 6,
    "joules": 7,
    "rpm": 18,
}


def unit_name(code: int) -> str:
    """ipmitool's name of a unit; "unspecified" for a code past its table."""
    return UNIT_NAMES[code] if 0 <= code < len(UNIT_NAMES) else "unspecified"
