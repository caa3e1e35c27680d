"""SDR sensor records and readings as RackHD's ``sdr`` and ``driveHealth`` poller data.

RackHD runs ``ipmitool -v sdr`` and parses each sensor's block with ``parseSdrData`` (on-tasks
``ipmi-parser.js``, 2.60.7): every ``Key : value`` line becomes a camelCased key, with
``sensorId`` ("CPU1 Temp (0xe)"), ``entityId`` ("3.1") and ``entryIdName`` ("Processor"),
``sdrType`` ("Threshold" | "Discrete"), ``sensorType`` ("Temperature"), ``sensorReading`` ("41")
and ``sensorReadingUnits`` ("degrees C") split out of ipmitool's lines, ``statesAsserted`` a list,
and ``nominalReading``/``normalMinimum``/``normalMaximum`` "" when the record gives none. Records
that are not sensors (FRU and controller locators) have no sensor type and are left out, as the
parser leaves them out. This module decodes Full (01h) and Compact (02h) Sensor Records (IPMI 2.0
tables 43-1, 43-2) and prints their values as ipmitool 1.8 does (``%.3f`` thresholds, readings
without decimals when whole).

``driveHealth`` is ``ipmitool -c sdr type 0xd`` through ``parseDriveHealthData``: one
``{name, status}`` per Drive Slot (sensor type 0Dh) sensor whose reading is available, ``status``
its asserted state ("Drive Present", ...) or "Not Present"; a node without drive sensors gives [].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rackharness.ipmi.entities import entity_name
from rackharness.ipmi.events import trimmed_event_description
from rackharness.ipmi.sensor_types import sensor_type_name
from rackharness.ipmi.units import unit_name
from rackharness.reference.pollers.bmc_reads import SensorReading

FULL_SENSOR, COMPACT_SENSOR = 0x01, 0x02
THRESHOLD_TYPE, DRIVE_SLOT = 0x01, 0x0D
#: threshold name, readable-mask bit, comparison-status bit, ipmitool's line
THRESHOLDS = (
    ("unr", 5, "Upper non-recoverable"),
    ("ucr", 4, "Upper critical"),
    ("unc", 3, "Upper non-critical"),
    ("lnr", 2, "Lower non-recoverable"),
    ("lcr", 1, "Lower critical"),
    ("lnc", 0, "Lower non-critical"),
)
_MASK_ORDER = (("lnr", 2), ("lcr", 1), ("lnc", 0), ("unc", 3), ("ucr", 4), ("unr", 5))
_EVENT_NAMES = ("lnc-", "lnc+", "lcr-", "lcr+", "lnr-", "lnr+", "unc-", "unc+", "ucr-", "ucr+", "unr-", "unr+")
#: ipmitool's status words, worst first: (comparison bit, status)
_STATUS = (
    (2, "Lower Non-Recoverable"),
    (5, "Upper Non-Recoverable"),
    (1, "Lower Critical"),
    (4, "Upper Critical"),
    (0, "Lower Non-Critical"),
    (3, "Upper Non-Critical"),
)
_EVENT_CONTROL = ("Per-threshold", "Entire Sensor Only", "Global Disable Only", "No Events From Sensor")
_LINEARIZE = (
    lambda x: x,
    math.log,
    math.log10,
    math.log2,
    math.exp,
    lambda x: 10**x,
    lambda x: 2**x,
    lambda x: 1 / x,
    lambda x: x * x,
    lambda x: x**3,
    math.sqrt,
    lambda x: math.copysign(abs(x) ** (1 / 3), x),
)


def _twos(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


def _id_string(type_length: int, data: bytes) -> str:
    raw = data[: type_length & 0x1F]
    if type_length >> 6 in (0, 3):  # unicode (in practice ASCII) or 8-bit ASCII + Latin-1
        return raw.decode("latin-1").rstrip("\x00")
    return raw.hex()


@dataclass(frozen=True)
class SensorRecord:
    """What a Full or Compact Sensor Record says about one sensor."""

    kind: int
    number: int
    name: str
    entity_id: int
    entity_instance: int
    capabilities: int
    sensor_type: int
    event_type: int
    assertion_mask: int
    deassertion_mask: int
    reading_mask: int
    units1: int
    base_unit: int
    modifier_unit: int
    body: bytes

    @property
    def is_threshold(self) -> bool:
        return self.event_type == THRESHOLD_TYPE

    @property
    def analog_format(self) -> int:
        return self.units1 >> 6

    @property
    def analog(self) -> bool:
        return self.kind == FULL_SENSOR and self.analog_format != 3

    # -- full-record conversion (IPMI 2.0 section 36.3) ------------------------------------------
    def _factors(self) -> tuple[int, int, int, int, int]:
        b = self.body
        m = _twos(b[19] | ((b[20] & 0xC0) << 2), 10)
        offset = _twos(b[21] | ((b[22] & 0xC0) << 2), 10)
        return m, offset, _twos(b[24] >> 4, 4), _twos(b[24] & 0x0F, 4), b[20] & 0x3F

    def _signed(self, raw: int) -> int:
        if self.analog_format == 1:
            return -(~raw & 0xFF) if raw & 0x80 else raw
        if self.analog_format == 2:
            return _twos(raw, 8)
        return raw

    def value(self, raw: int) -> float:
        m, offset, r_exp, b_exp, _tol = self._factors()
        linear = (m * self._signed(raw) + offset * 10**b_exp) * 10**r_exp
        function = self.body[18] & 0x7F
        try:
            return float(_LINEARIZE[function](linear)) if function < len(_LINEARIZE) else float(linear)
        except (ValueError, ZeroDivisionError, OverflowError):
            return float(linear)

    def tolerance(self) -> float:
        m, _offset, r_exp, _b_exp, tol = self._factors()
        return (m * tol / 2) * 10**r_exp

    def hysteresis(self, raw: int) -> float:
        m, _offset, r_exp, _b_exp, _tol = self._factors()
        return m * raw * 10**r_exp

    def units(self) -> str:
        percent = "% " if self.units1 & 0x01 else ""
        relation = (self.units1 >> 1) & 0x03
        if relation == 1:
            return f"{percent}{unit_name(self.base_unit)}/{unit_name(self.modifier_unit)}"
        if relation == 2:
            return f"{percent}{unit_name(self.base_unit)}*{unit_name(self.modifier_unit)}"
        return "percent" if self.base_unit == 0 and percent else f"{percent}{unit_name(self.base_unit)}"


def decode_record(record: bytes) -> SensorRecord | None:
    """A Full or Compact Sensor Record (header included); None for any other record type."""
    if len(record) < 5 or record[3] not in (FULL_SENSOR, COMPACT_SENSOR):
        return None
    kind, b = record[3], record[5:]
    id_at = 42 if kind == FULL_SENSOR else 26
    if len(b) <= id_at:
        return None
    return SensorRecord(
        kind,
        b[2],
        _id_string(b[id_at], b[id_at + 1 :]),
        b[3],
        b[4] & 0x7F,
        b[6],
        b[7],
        b[8],
        b[9] | b[10] << 8,
        b[11] | b[12] << 8,
        b[13] | b[14] << 8,
        b[15],
        b[16],
        b[17],
        bytes(b),
    )


def _number(value: float) -> str:
    """ipmitool's ``%.*f`` with 0 decimals for a whole value, else 3."""
    return f"{value:.0f}" if value == int(value) else f"{value:.3f}"


def _state_names(record: SensorRecord, bits: int) -> list[str]:
    return [
        trimmed_event_description(record.sensor_type, record.event_type, offset)
        for offset in range(15)
        if bits & (1 << offset)
    ]


def _threshold_lines(record: SensorRecord, reading: SensorReading | None) -> dict[str, Any]:
    b, entry = record.body, {}
    if reading is not None and reading.available and record.analog:
        entry["sensorReading"] = _number(record.value(reading.raw))
        entry["sensorReadingUnits"] = record.units()
        entry["status"] = next((text for bit, text in _STATUS if reading.states & (1 << bit)), "ok")
    else:
        entry["sensorReading"], entry["sensorReadingUnits"] = "No Reading", ""
        entry["status"] = "Not Available"
    if record.kind != FULL_SENSOR:
        return entry
    flags = b[25]
    for bit, key, raw in ((0, "nominalReading", b[26]), (2, "normalMinimum", b[28]), (1, "normalMaximum", b[27])):
        if flags & (1 << bit):
            entry[key] = f"{record.value(raw):.3f}"
    readable = record.reading_mask & 0x3F
    for (name, bit, _line), raw in zip(THRESHOLDS, b[31:37]):
        if readable & (1 << bit):
            entry[_camel(_line)] = f"{record.value(raw):.3f}"
    for key, raw in (("positiveHysteresis", b[37]), ("negativeHysteresis", b[38])):
        entry[key] = "Unspecified" if raw in (0x00, 0xFF) else f"{record.hysteresis(raw):.3f}"
    unspecified_min = {0: 0x00, 1: 0xFF, 2: 0x80}.get(record.analog_format)
    unspecified_max = {0: 0xFF, 1: 0x00, 2: 0x7F}.get(record.analog_format)
    entry["minimumSensorRange"] = "Unspecified" if b[30] == unspecified_min else f"{record.value(b[30]):.3f}"
    entry["maximumSensorRange"] = "Unspecified" if b[29] == unspecified_max else f"{record.value(b[29]):.3f}"
    return entry


def _camel(line: str) -> str:
    words = line.replace("-", " ").split()
    return words[0].lower() + "".join(word[:1].upper() + word[1:].lower() for word in words[1:])


def _mask_names(mask: int) -> str:
    return " ".join(name for name, bit in _MASK_ORDER if mask & (1 << bit))


def sdr_entry(record: SensorRecord, reading: SensorReading | None) -> dict[str, Any]:
    """One sensor as ``parseSdrData`` shapes ``ipmitool -v sdr`` output."""
    sdr_type = "Threshold" if record.is_threshold else "Discrete"
    entry: dict[str, Any] = {
        "sensorId": f"{record.name} (0x{record.number:x})",
        "entityId": f"{record.entity_id}.{record.entity_instance}",
        "entryIdName": entity_name(record.entity_id),
        "sdrType": sdr_type,
        "sensorType": sensor_type_name(record.sensor_type),
        "sensorReading": "",
        "sensorReadingUnits": "",
        "nominalReading": "",
        "normalMinimum": "",
        "normalMaximum": "",
        "statesAsserted": [],
    }
    if record.is_threshold:
        entry.update(_threshold_lines(record, reading))
    else:
        available = reading is not None and reading.available
        entry["sensorReading"] = f"{reading.raw:x}h" if available else "No Reading"
        entry["statesAsserted"] = _state_names(record, reading.states) if available else []
    entry["eventMessageControl"] = _EVENT_CONTROL[record.capabilities & 0x03]
    if record.is_threshold:
        entry["readableThresholds"] = _mask_names(record.reading_mask & 0x3F) or "Not Readable"
        entry["settableThresholds"] = _mask_names(record.reading_mask >> 8) or "Not Settable"
        comparison = ((record.assertion_mask >> 12) & 0x07) | (((record.deassertion_mask >> 12) & 0x07) << 3)
        entry["thresholdReadMask"] = _mask_names(comparison)
        for key, mask in (
            ("assertionsEnabled", record.assertion_mask),
            ("deassertionsEnabled", record.deassertion_mask),
        ):
            enabled = " ".join(name for bit, name in enumerate(_EVENT_NAMES) if mask & (1 << bit))
            entry[key] = [enabled] if enabled else []
    else:
        entry["assertionsEnabled"] = _state_names(record, record.assertion_mask & 0x7FFF)
        entry["deassertionsEnabled"] = _state_names(record, record.deassertion_mask & 0x7FFF)
    return entry


def sdr_data(records: list[SensorRecord], readings: dict[int, SensorReading | None]) -> list[dict[str, Any]]:
    """RackHD's ``sdr`` poller data: one entry per sensor with every required key non-empty."""
    entries = [sdr_entry(record, readings.get(record.number)) for record in records]
    required = ("sensorId", "entityId", "sdrType", "sensorType", "sensorReading")
    return [entry for entry in entries if all(entry.get(key) for key in required)]


def drive_health(records: list[SensorRecord], readings: dict[int, SensorReading | None]) -> list[dict[str, str]]:
    """RackHD's ``driveHealth`` poller data from the Drive Slot sensors with a reading."""
    health = []
    for record in records:
        reading = readings.get(record.number)
        if record.sensor_type != DRIVE_SLOT or reading is None or not reading.available:
            continue
        states = _state_names(record, reading.states)
        health.append({"name": record.name, "status": states[0] if states else "Not Present"})
    return health
