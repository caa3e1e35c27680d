"""SDR records built from a hardware profile (IPMI 2.0 chapter 43), shared by all its nodes.

- threshold sensors -> Full Sensor Record, type 0x01 (table 43-1);
- discrete sensors -> Compact Sensor Record, type 0x02 (table 43-2);
- FRU 0 -> FRU Device Locator, type 0x11 (table 43-7);
- the BMC -> Management Controller Device Locator, type 0x12 (table 43-8).

Every record starts with the 5-byte header: record id (LS first), SDR version 0x51, record type,
length of the rest. The repository is immutable; :func:`repository_for` builds it once per profile.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from rackharness.bmc.node_protocol import NodeProfile
from rackharness.bmc.sensor_record import SensorRecord
from rackharness.ipmi.entities import ENTITY_CODES
from rackharness.ipmi.sensor_thresholds import is_lower

SDR_VERSION = 0x51
FULL_SENSOR, COMPACT_SENSOR, FRU_LOCATOR, MC_LOCATOR = 0x01, 0x02, 0x11, 0x12
BMC_ADDRESS = 0x20
LAST_RECORD_ID = 0xFFFF
TEXT_8BIT = 0xC0  # type/length byte: 8-bit ASCII + Latin-1 (section 43.15)
ENTITY_SYSTEM_BOARD = ENTITY_CODES["system_board"]
ENTITY_MANAGEMENT_MODULE = ENTITY_CODES["system_management_module"]

# Threshold -> (assertion event bit, comparison-returned bit in the lower/upper reading masks)
# (table 43-1 bytes 15-18).
_EVENT_BITS = {"lnc": 0, "lc": 2, "lnr": 4, "unc": 7, "uc": 9, "unr": 11}
_COMPARISON_BITS = {"lnc": 12, "lc": 13, "lnr": 14, "unc": 12, "uc": 13, "unr": 14}


def id_string(text: str) -> bytes:
    raw = text.encode("latin-1", "replace")[:16]
    return bytes([TEXT_8BIT | len(raw)]) + raw


def _record(record_id: int, record_type: int, body: bytes) -> bytes:
    return struct.pack("<HBBB", record_id, SDR_VERSION, record_type, len(body)) + body


def _ten_bit(value: int) -> tuple[int, int]:
    """A 10-bit 2's complement value as (LS 8 bits, MS 2 bits in bits 7:6)."""
    value &= 0x3FF
    return value & 0xFF, (value >> 8) << 6


def threshold_masks(sensor: SensorRecord) -> tuple[int, int, int]:
    """Assertion / deassertion event masks with comparison bits, readable+settable mask."""
    assertion = deassertion = 0
    for name, _ in sensor.thresholds:
        bit = 1 << _EVENT_BITS[name]
        assertion |= bit
        deassertion |= bit
        if is_lower(name):
            assertion |= 1 << _COMPARISON_BITS[name]
        else:
            deassertion |= 1 << _COMPARISON_BITS[name]
    readable = sensor.threshold_mask
    return assertion, deassertion, readable  # settable mask stays 0: Set Sensor Thresholds absent


def full_sensor_record(record_id: int, s: SensorRecord) -> bytes:
    c = s.conversion
    assertion, deassertion, readable = threshold_masks(s)
    capabilities = 0x40 | 0x10 | (0x04 if s.thresholds else 0)  # auto re-arm, hysteresis readable
    m_ls, m_ms = _ten_bit(c.m)
    b_ls, b_ms = _ten_bit(c.b)
    nominal = c.to_raw(s.nominal) if s.nominal is not None else 0
    body = (
        bytes(
            [
                BMC_ADDRESS,
                0x00,
                s.number,
                s.entity_id,
                s.entity_instance & 0x7F,
                0x7F,  # init: scanning, events, thresholds, hysteresis, type; events+scanning enabled
                capabilities,
                s.sensor_type,
                s.event_type,
            ]
        )
        + struct.pack("<HHBB", assertion, deassertion, readable, 0x00)
        + bytes(
            [
                0x80 if c.signed else 0x00,
                s.unit,
                0x00,  # units 1 (analog format), base, modifier
                0x00,  # linearization: linear
                m_ls,
                m_ms,
                b_ls,
                b_ms,
                0x00,
                ((c.r_exp & 0x0F) << 4) | (c.b_exp & 0x0F),
                0x01 if s.nominal is not None else 0x00,
                nominal,
                0x00,
                0x00,  # nominal, normal max/min
                0x7F if c.signed else 0xFF,
                0x80 if c.signed else 0x00,  # sensor max / min reading
            ]
        )
        + bytes(s.threshold_raw(n) for n in ("unr", "uc", "unc", "lnr", "lc", "lnc"))
        + bytes(
            [
                s.hysteresis,
                s.hysteresis,
                0x00,
                0x00,
                0x00,  # hysteresis +/-, reserved x2, OEM
            ]
        )
        + id_string(s.name)
    )
    return _record(record_id, FULL_SENSOR, body)


def discrete_mask(sensor: SensorRecord) -> int:
    return sum(1 << offset for offset in sensor.supported_states)


def compact_sensor_record(record_id: int, s: SensorRecord) -> bytes:
    mask = discrete_mask(s)
    body = (
        bytes(
            [
                BMC_ADDRESS,
                0x00,
                s.number,
                s.entity_id,
                s.entity_instance & 0x7F,
                0x67,  # init: scanning, events, sensor type; event generation + scanning enabled
                0x40,  # capabilities: auto re-arm, no hysteresis, no thresholds, per-state event control
                s.sensor_type,
                s.event_type,
            ]
        )
        + struct.pack("<HHH", mask, mask, mask)
        + bytes(
            [
                0xC0,
                s.unit,
                0x00,  # units 1: no analog reading
                0x01,
                0x00,  # record sharing: one sensor
                0x00,
                0x00,  # hysteresis
                0x00,
                0x00,
                0x00,
                0x00,  # reserved x3, OEM
            ]
        )
        + id_string(s.name)
    )
    return _record(record_id, COMPACT_SENSOR, body)


def fru_locator_record(record_id: int, name: str) -> bytes:
    body = bytes(
        [
            BMC_ADDRESS,
            0x00,  # device access address, FRU device id 0
            0x80,  # logical FRU device, LUN 0, private bus 0
            0x00,
            0x00,  # channel 0, reserved
            0x10,
            0x00,  # device type: IPMI FRU inventory, modifier
            ENTITY_SYSTEM_BOARD,
            0x01,
            0x00,  # FRU entity id / instance, OEM
        ]
    ) + id_string(name)
    return _record(record_id, FRU_LOCATOR, body)


def mc_locator_record(record_id: int, name: str, capabilities: int) -> bytes:
    body = bytes(
        [
            BMC_ADDRESS,
            0x00,  # slave address, channel 0
            0x00,  # ACPI notification not required, global init: enable event messages
            capabilities,
            0x00,
            0x00,
            0x00,  # device capabilities (= Get Device ID byte 6), reserved
            ENTITY_MANAGEMENT_MODULE,
            0x01,
            0x00,
        ]
    ) + id_string(name)
    return _record(record_id, MC_LOCATOR, body)


@dataclass(frozen=True)
class SdrRepository:
    records: tuple[bytes, ...]  # record id n is records[n - 1]
    addition_timestamp: int

    def find(self, record_id: int) -> tuple[bytes, int] | None:
        """The record (0 = first) and the id of the next one (0xFFFF after the last)."""
        index = 0 if record_id == 0 else record_id - 1
        if not 0 <= index < len(self.records):
            return None
        next_id = index + 2 if index + 1 < len(self.records) else LAST_RECORD_ID
        return self.records[index], next_id

    @property
    def size_bytes(self) -> int:
        return sum(len(r) for r in self.records)


def build_repository(profile: NodeProfile) -> SdrRepository:
    records: list[bytes] = []
    for sensor in profile.sensors:
        build = full_sensor_record if sensor.is_threshold else compact_sensor_record
        records.append(build(len(records) + 1, sensor))
    records.append(fru_locator_record(len(records) + 1, profile.fru.board_product))
    records.append(
        mc_locator_record(len(records) + 1, profile.device.controller_name, profile.device.additional_device_support)
    )
    # A per-profile "last addition" time: SDR caches (FreeIPMI keys them by host) notice a
    # different repository behind the same address.
    digest = zlib.crc32(b"".join(records))
    return SdrRepository(tuple(records), addition_timestamp=1_420_070_400 + digest % 157_680_000)


_REPOSITORIES: dict[int, tuple[NodeProfile, SdrRepository]] = {}


def repository_for(profile: NodeProfile) -> SdrRepository:
    """The shared repository of a profile (built on first use, kept for the process)."""
    cached = _REPOSITORIES.get(id(profile))
    if cached is None or cached[0] is not profile:
        cached = _REPOSITORIES[id(profile)] = (profile, build_repository(profile))
    return cached[1]
