"""Sensor readings computed on demand from a node's state (nothing is stored per sensor).

A reading is what Get Sensor Reading (IPMI 2.0 section 35.14) reports: the raw byte, whether a
reading is available, and the state bits - threshold comparison bits for threshold sensors
(bit0 at/below LNC, bit1 LC, bit2 LNR, bit3 at/above UNC, bit4 UC, bit5 UNR) or the asserted
offsets of a discrete sensor (table 42-3). See :mod:`rackharness.rack.sensor_definition` for the
behaviour fields (off/on values, jitter, warmup, power domain).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rackharness.ipmi.events import POWER_UNIT_SOFT_CONTROL_FAILURE
from rackharness.ipmi.sensor_thresholds import THRESHOLD_NAMES, is_lower
from rackharness.ipmi.sensor_types import POWER_UNIT
from rackharness.rack.sensor_definition import SensorDefinition

if TYPE_CHECKING:
    from rackharness.rack.node import VirtualNode

JITTER_PERIOD_SECONDS = 5.0  # a jittering reading changes at most this often


@dataclass(frozen=True, slots=True)
class SensorReading:
    raw: int
    state: int  # threshold bits or discrete offsets (15 bits)
    available: bool = True


def read_sensor(sensor: SensorDefinition, node: "VirtualNode", now: float) -> SensorReading:
    if not sensor.is_threshold:
        return SensorReading(raw=0, state=_discrete_state(sensor, node))
    value = _value(sensor, node, now)
    if value is None:
        return SensorReading(raw=0, state=0, available=False)
    raw = sensor.conversion.to_raw(value)
    if sensor.domain == "host" and not node.is_on:
        return SensorReading(raw=raw, state=0)  # a powered-down entity raises no thresholds
    return SensorReading(raw=raw, state=threshold_state(sensor, raw))


def threshold_state(sensor: SensorDefinition, raw: int) -> int:
    """The comparison bits of Get Sensor Reading byte 3 for a raw reading."""
    value = sensor.conversion.to_value(raw)
    state = 0
    for name, _ in sensor.thresholds:
        limit = sensor.conversion.to_value(sensor.threshold_raw(name))
        crossed = value <= limit if is_lower(name) else value >= limit
        if crossed:
            state |= 1 << THRESHOLD_NAMES.index(name)
    return state


def _value(sensor: SensorDefinition, node: "VirtualNode", now: float) -> float | None:
    if not node.is_on:
        return sensor.reading_off
    on, off = sensor.reading_on, sensor.reading_off
    if on is None:
        return None
    value = on
    if sensor.warmup > 0 and off is not None and node.on_since is not None:
        progress = min(1.0, max(0.0, (now - node.on_since) / sensor.warmup))
        value = off + (on - off) * progress
    if sensor.jitter:
        value += sensor.jitter * _wobble(node.spec.serial, sensor.number, now)
    return value


def _wobble(serial: str, sensor_number: int, now: float) -> float:
    """Deterministic value in [-1, 1] for this node, sensor and time slot."""
    slot = int(now // JITTER_PERIOD_SECONDS)
    digest = zlib.crc32(f"{serial}/{sensor_number}/{slot}".encode())
    return (digest % 2001) / 1000.0 - 1.0


def _discrete_state(sensor: SensorDefinition, node: "VirtualNode") -> int:
    offsets = sensor.states_on if node.is_on else sensor.states_off
    state = sum(1 << offset for offset in offsets)
    if sensor.sensor_type == POWER_UNIT and node.power_control_fault:
        state |= 1 << POWER_UNIT_SOFT_CONTROL_FAILURE  # asserted after a failed power on
    return state
