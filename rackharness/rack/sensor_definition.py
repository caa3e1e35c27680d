"""One sensor of a hardware profile: identity, units, linear conversion, thresholds, behaviour.

The conversion is the IPMI "linear" formula (IPMI 2.0 section 36.3):

    y = (M * x + B * 10**B_exp) * 10**R_exp

where ``x`` is the raw 8-bit reading and ``y`` the value in the sensor's unit. Profiles write
thresholds and readings in engineering units; they are turned into raw bytes here once, at load.

Behaviour (how the reading follows the node) is data too:

- ``when_off`` / ``when_on``: the reading with the host powered off / on (absent = no reading;
  the keys are not ``off``/``on`` because YAML 1.1 reads those as booleans);
- ``jitter``: +- amplitude of a small deterministic wobble while on (fans, watts);
- ``warmup``: seconds a temperature takes to climb from ``off`` to ``on`` after power on;
- ``domain``: ``host`` sensors lose their threshold events while the host is off (a BMC ignores
  a powered-down entity), ``standby`` sensors (inlet temperature, PSU status) always report;
- discrete sensors list the asserted state offsets ``states_off`` / ``states_on`` (table 42-3).
"""
from __future__ import annotations

from dataclasses import dataclass

from rackharness.rack.profile_fields import FieldReader
from rackharness.rack.sensor_codes import (ENTITIES, EVENT_READING_TYPES, SENSOR_TYPES, THRESHOLD,
                                           UNITS)

# Threshold names in the bit order of the readable/settable masks and of Get Sensor Thresholds
# (IPMI 2.0 section 35.9): bit0 LNC, bit1 LC, bit2 LNR, bit3 UNC, bit4 UC, bit5 UNR.
THRESHOLD_NAMES = ("lnc", "lc", "lnr", "unc", "uc", "unr")
MAX_SENSOR_NAME_BYTES = 16


@dataclass(frozen=True, slots=True)
class Conversion:
    """The linear conversion factors of a full sensor record (table 43-1 bytes 25-30)."""

    m: int = 1
    b: int = 0
    b_exp: int = 0
    r_exp: int = 0
    signed: bool = False  # analog data format 2's complement instead of unsigned

    def to_value(self, raw: int) -> float:
        if self.signed and raw >= 0x80:
            raw -= 0x100
        return (self.m * raw + self.b * 10 ** self.b_exp) * 10 ** self.r_exp

    def to_raw(self, value: float) -> int:
        """The raw byte closest to ``value``, clamped to the 8-bit range."""
        raw = round((value / 10 ** self.r_exp - self.b * 10 ** self.b_exp) / self.m)
        if self.signed:
            return max(-128, min(127, raw)) & 0xFF
        return max(0, min(255, raw))


@dataclass(frozen=True, slots=True)
class SensorDefinition:
    name: str
    number: int
    entity_id: int
    entity_instance: int
    sensor_type: int
    event_type: int
    unit: int
    conversion: Conversion
    thresholds: tuple[tuple[str, float], ...]  # (name, value) in THRESHOLD_NAMES order
    hysteresis: int  # raw counts, both directions
    nominal: float | None
    reading_off: float | None
    reading_on: float | None
    jitter: float
    warmup: float
    domain: str
    states_off: tuple[int, ...]
    states_on: tuple[int, ...]
    supported_states: tuple[int, ...]

    @property
    def is_threshold(self) -> bool:
        return self.event_type == THRESHOLD

    @property
    def threshold_mask(self) -> int:
        """Readable (and settable) threshold bits, IPMI 2.0 section 35.9 layout."""
        present = {name for name, _ in self.thresholds}
        return sum(1 << i for i, name in enumerate(THRESHOLD_NAMES) if name in present)

    def threshold_raw(self, name: str) -> int:
        for threshold, value in self.thresholds:
            if threshold == name:
                return self.conversion.to_raw(value)
        return 0

    @classmethod
    def from_fields(cls, f: FieldReader) -> "SensorDefinition":
        f.only("name", "number", "entity", "type", "event_type", "unit", "conversion",
               "thresholds", "hysteresis", "nominal", "reading", "domain", "states")
        name = f.text("name")
        if not name or len(name.encode("latin-1", "replace")) > MAX_SENSOR_NAME_BYTES:
            f.fail(f"sensor name must be 1..{MAX_SENSOR_NAME_BYTES} characters", "name")
        entity_id, entity_instance = _parse_entity(f)
        event_type = f.code("event_type", EVENT_READING_TYPES, "threshold")
        conversion = Conversion()
        thresholds: tuple[tuple[str, float], ...] = ()
        if f.has("conversion"):
            c = f.section("conversion")
            c.only("m", "b", "b_exp", "r_exp", "signed")
            conversion = Conversion(
                m=c.integer("m", 1, low=-512, high=511), b=c.integer("b", 0, low=-512, high=511),
                b_exp=c.integer("b_exp", 0, low=-8, high=7), r_exp=c.integer("r_exp", 0, low=-8, high=7),
                signed=c.boolean("signed", False))
            if conversion.m == 0:
                c.fail("m must not be 0", "m")
        if f.has("thresholds"):
            t = f.section("thresholds")
            unknown = set(t.data) - set(THRESHOLD_NAMES)
            if unknown:
                t.fail(f"unknown threshold(s) {sorted(unknown)}; use {', '.join(THRESHOLD_NAMES)}")
            thresholds = tuple((n, t.number(n)) for n in THRESHOLD_NAMES if t.has(n))
        reading = f.section("reading", {})
        reading.only("when_off", "when_on", "jitter", "warmup", "states_off", "states_on")
        states_off = reading.int_list("states_off", [], high=14)
        states_on = reading.int_list("states_on", [], high=14)
        supported = f.int_list("states", sorted(set(states_off) | set(states_on)), high=14)
        return cls(
            name=name,
            number=f.integer("number", low=0, high=0xFE),
            entity_id=entity_id,
            entity_instance=entity_instance,
            sensor_type=f.code("type", SENSOR_TYPES),
            event_type=event_type,
            unit=f.code("unit", UNITS, "unspecified"),
            conversion=conversion,
            thresholds=thresholds,
            hysteresis=f.integer("hysteresis", 0, low=0, high=255),
            nominal=f.optional_number("nominal"),
            reading_off=reading.optional_number("when_off"),
            reading_on=reading.optional_number("when_on"),
            jitter=reading.number("jitter", 0.0),
            warmup=reading.number("warmup", 0.0),
            domain=f.choice("domain", ("host", "standby"), "host"),
            states_off=states_off,
            states_on=states_on,
            supported_states=supported,
        )


def _parse_entity(f: FieldReader) -> tuple[int, int]:
    """``entity: processor.1`` or ``entity: "3.1"`` (RackHD's "Entity Id" notation)."""
    text = f.text("entity")
    kind, _, instance = text.rpartition(".")
    if not kind:
        kind, instance = text, "1"
    sub = FieldReader(f.source, {"entity": kind, "instance": instance}, f.where)
    return sub.code("entity", ENTITIES), sub.integer("instance", low=0, high=0x7F)
