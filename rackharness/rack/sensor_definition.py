"""One sensor of a hardware profile: identity, units, linear conversion, thresholds, behaviour.

The conversion is the IPMI "linear" formula (:class:`~rackharness.ipmi.sensor_conversion.Conversion`).
Profiles write thresholds and readings in engineering units; they are turned into raw bytes here
once, at load.

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

from rackharness.bmc.sensor_record import SensorRecord
from rackharness.ipmi.entities import ENTITY_CODES
from rackharness.ipmi.sensor_conversion import Conversion
from rackharness.ipmi.sensor_thresholds import THRESHOLD_NAMES
from rackharness.ipmi.sensor_types import EVENT_READING_TYPE_CODES, SENSOR_TYPE_CODES
from rackharness.ipmi.units import UNIT_CODES
from rackharness.rack.profile_fields import FieldReader

MAX_SENSOR_NAME_BYTES = 16


@dataclass(frozen=True, slots=True)
class SensorDefinition(SensorRecord):
    """A sensor's SDR fields (:class:`SensorRecord`) and how its reading follows the node."""

    reading_off: float | None
    reading_on: float | None
    jitter: float
    warmup: float
    domain: str
    states_off: tuple[int, ...]
    states_on: tuple[int, ...]

    @classmethod
    def from_fields(cls, f: FieldReader) -> "SensorDefinition":
        f.only(
            "name",
            "number",
            "entity",
            "type",
            "event_type",
            "unit",
            "conversion",
            "thresholds",
            "hysteresis",
            "nominal",
            "reading",
            "domain",
            "states",
        )
        name = f.text("name")
        if not name or len(name.encode("latin-1", "replace")) > MAX_SENSOR_NAME_BYTES:
            f.fail(f"sensor name must be 1..{MAX_SENSOR_NAME_BYTES} characters", "name")
        entity_id, entity_instance = _parse_entity(f)
        event_type = f.code("event_type", EVENT_READING_TYPE_CODES, "threshold")
        conversion = Conversion()
        thresholds: tuple[tuple[str, float], ...] = ()
        if f.has("conversion"):
            c = f.section("conversion")
            c.only("m", "b", "b_exp", "r_exp", "signed")
            conversion = Conversion(
                m=c.integer("m", 1, low=-512, high=511),
                b=c.integer("b", 0, low=-512, high=511),
                b_exp=c.integer("b_exp", 0, low=-8, high=7),
                r_exp=c.integer("r_exp", 0, low=-8, high=7),
                signed=c.boolean("signed", False),
            )
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
            sensor_type=f.code("type", SENSOR_TYPE_CODES),
            event_type=event_type,
            unit=f.code("unit", UNIT_CODES, "unspecified"),
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
    return sub.code("entity", ENTITY_CODES), sub.integer("instance", low=0, high=0x7F)
