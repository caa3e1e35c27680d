"""RackHD's six IPMI poller commands (``config.command``), each from raw IPMI to RackHD's data.

========================  =========================================  ===================================
command (default every)   ipmitool in RackHD (on-tasks ipmitool.js)   data (on-tasks ipmi-parser.js)
========================  =========================================  ===================================
``chassis`` (15 s)        ``raw 0x00 0x01``                           ``{power: bool, uid: "Off"|...}``
``selInformation`` (60 s) ``sel``                                     ``{"Version": ..., "Entries": ...}``
``sel`` (60 s)            ``-c sel list last 25``                     ``[{logId, date, time, ...}]``
``selEntries`` (60 s)     ``sel writeraw`` + ``sel get``              new records since the last run
``sdr`` (60 s)            ``-v sdr``                                  ``[{sensorId, entityId, ...}]``
``driveHealth`` (30 s)    ``-c sdr type 0xd``                         ``[{name, status}]``
========================  =========================================  ===================================

Each command is ``fn(run) -> data``; ``run`` (:class:`CommandRun`) holds the raw BMC session, the
BMC's key for the SDR cache, and the poller's SEL place (``selEntries`` updates it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from rackharness.reference.pollers import sdr as sdr_data
from rackharness.reference.pollers import sel as sel_data
from rackharness.reference.pollers.bmc_reads import (
    RawBmc,
    SdrCache,
    chassis_status,
    sel_info,
    sel_records,
    sensor_reading,
)

#: IPMI 2.0 table 28-3 byte 3 bits 5:4, as ipmi-parser.js names the chassis identify state
UID_STATES = ("Off", "Temporary On", "On", "Reserved")


@dataclass
class CommandRun:
    bmc: RawBmc
    key: Hashable  # the BMC's identity, for caches shared by pollers of one BMC
    sdr_cache: SdrCache
    place: dict[str, Any] = field(default_factory=dict)  # selEntries: where the last run stopped


def parse_chassis(status: bytes) -> dict[str, Any]:
    """Get Chassis Status bytes as ``parseChassisData``: power = byte 1 bit 0, uid = byte 3 bits 5:4."""
    return {"uid": UID_STATES[(status[2] >> 4) & 0x03], "power": bool(status[0] & 0x01)}


def chassis(run: CommandRun) -> dict[str, Any]:
    return parse_chassis(chassis_status(run.bmc))


def selinformation(run: CommandRun) -> dict[str, str]:
    return sel_data.selinformation(sel_info(run.bmc))


def sel(run: CommandRun) -> list[dict[str, str]]:
    return sel_data.sel(sel_records(run.bmc))


def sel_entries(run: CommandRun) -> list[dict[str, str]]:
    info = sel_info(run.bmc)
    entries, place = sel_data.new_entries(sel_records(run.bmc) if info.entries else [], info, run.place)
    run.place.clear()
    run.place.update(place)
    return entries


def _sensors(run: CommandRun, wanted: Callable[[sdr_data.SensorRecord], bool]) -> tuple[list, dict]:
    records = [r for r in map(sdr_data.decode_record, run.sdr_cache.records(run.key, run.bmc)) if r and wanted(r)]
    return records, {r.number: sensor_reading(run.bmc, r.number) for r in records}


def sdr(run: CommandRun) -> list[dict[str, Any]]:
    return sdr_data.sdr_data(*_sensors(run, lambda record: True))


def drive_health(run: CommandRun) -> list[dict[str, str]]:
    return sdr_data.drive_health(*_sensors(run, lambda record: record.sensor_type == sdr_data.DRIVE_SLOT))


COMMANDS: dict[str, Callable[[CommandRun], Any]] = {
    "chassis": chassis,
    "selInformation": selinformation,
    "sel": sel,
    "selEntries": sel_entries,
    "sdr": sdr,
    "driveHealth": drive_health,
}

#: discovery's default pollers (Task.Inline.Pollers.CreateDefault): command -> pollInterval in ms
DEFAULT_INTERVALS_MS = {
    "sdr": 60000,
    "selInformation": 60000,
    "sel": 60000,
    "selEntries": 60000,
    "chassis": 15000,
    "driveHealth": 30000,
}
