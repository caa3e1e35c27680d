"""One sensor as the BMC describes it in its SDR (IPMI 2.0 chapter 43) and answers for it (chapter 35).

These are the inputs of the full and compact sensor records and of the sensor commands; how a
reading follows the node (values off and on, jitter, warmup) is the node model's, which extends
:class:`SensorRecord` with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rackharness.ipmi.sensor_conversion import Conversion
from rackharness.ipmi.sensor_thresholds import threshold_mask
from rackharness.ipmi.sensor_types import THRESHOLD


@dataclass(frozen=True, slots=True)
class SensorRecord:
    name: str  # the SDR id string, at most 16 bytes
    number: int
    entity_id: int
    entity_instance: int
    sensor_type: int
    event_type: int
    unit: int  # base unit code
    conversion: Conversion
    thresholds: tuple[tuple[str, float], ...]  # (name, value) in THRESHOLD_NAMES order
    hysteresis: int  # raw counts, both directions
    nominal: float | None
    supported_states: tuple[int, ...]  # discrete state offsets the sensor can assert

    @property
    def is_threshold(self) -> bool:
        return self.event_type == THRESHOLD

    @property
    def threshold_mask(self) -> int:
        """Readable (and settable) threshold bits, IPMI 2.0 section 35.9 layout."""
        return threshold_mask(name for name, _ in self.thresholds)

    def threshold_raw(self, name: str) -> int:
        """The raw byte of a threshold (0 for one the sensor does not have)."""
        for threshold, value in self.thresholds:
            if threshold == name:
                return self.conversion.to_raw(value)
        return 0
