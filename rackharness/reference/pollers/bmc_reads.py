"""The IPMI requests behind RackHD's poller commands, as raw request/response bytes.

RackHD's pollers run ipmitool (on-tasks ``lib/utils/job-utils/ipmitool.js``): ``raw 0x00 0x01``
(chassis), ``sel`` (SEL information), ``-c sel list last 25`` (sel), ``sel writeraw`` + ``sel get``
(selEntries), ``-v sdr`` (sdr), ``-c sdr type 0xd`` (driveHealth). The target sends the IPMI requests
those commands send, over one logged-in pyghmi session (:class:`RawBmc` wraps anything with pyghmi's
``raw_command``), and :mod:`.sdr` / :mod:`.sel` turn the bytes into RackHD's data:

* Get Chassis Status (netfn 00h cmd 01h);
* Get SEL Info (0Ah/40h), Get SEL Allocation Info (0Ah/41h), Get SEL Entry (0Ah/43h) from the first
  record to FFFFh;
* Reserve SDR Repository (0Ah/22h), Get SDR Repository Info (0Ah/20h), Get SDR (0Ah/23h: the 5-byte
  header, then the body in 16-byte parts under the reservation, as ipmitool reads), Get Sensor
  Reading (04h/2Dh).

The SDR repository is static on a BMC: :class:`SdrCache` keeps each BMC's records and reads them
again only when Get SDR Repository Info reports another record count or addition time.
"""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from typing import Any, Hashable

CHASSIS, SENSOR_EVENT, STORAGE = 0x00, 0x04, 0x0A
FIRST_RECORD, LAST_RECORD = 0x0000, 0xFFFF
SDR_HEADER_BYTES = 5
SDR_CHUNK = 16
RESERVATION_CANCELLED = 0xC5
MAX_RECORDS = 4096  # a walk longer than this means a BMC whose "next record" ids loop


class IpmiReadError(Exception):
    """A request the BMC refused or a response that makes no sense; the message says which."""


class CompletionError(IpmiReadError):
    def __init__(self, what: str, code: int) -> None:
        super().__init__(f"{what}: the BMC answered completion code 0x{code:02x}")
        self.code = code


class RawBmc:
    """Raw IPMI requests on one logged-in session (a pyghmi ``Command``, or a test's stand-in)."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def request(self, netfn: int, command: int, data: bytes = b"", *, what: str = "") -> bytes:
        what = what or f"netfn 0x{netfn:02x} cmd 0x{command:02x}"
        response = self.session.raw_command(netfn=netfn, command=command, data=list(data))
        if not isinstance(response, dict):
            raise IpmiReadError(f"{what}: no response from the BMC")
        if response.get("code"):
            raise CompletionError(what, int(response["code"]))
        if response.get("error"):
            raise IpmiReadError(f"{what}: {response['error']}")
        return bytes(response.get("data") or b"")


@dataclass(frozen=True)
class SelInfo:
    """Get SEL Info (IPMI 2.0 table 31-2), plus Get SEL Allocation Info when the BMC supports it."""

    version: int
    entries: int
    free_bytes: int
    last_add: int
    last_erase: int
    support: int
    allocation: tuple[int, int, int, int, int] | None = None  # units, unit size, free, largest free, max record


@dataclass(frozen=True)
class SensorReading:
    """Get Sensor Reading (IPMI 2.0 section 35.14)."""

    raw: int
    flags: int
    states: int  # threshold comparison bits, or discrete states 0-14

    @property
    def available(self) -> bool:
        """Scanning enabled and the reading not flagged unavailable."""
        return bool(self.flags & 0x40) and not self.flags & 0x20


def chassis_status(bmc: RawBmc) -> bytes:
    data = bmc.request(CHASSIS, 0x01, what="Get Chassis Status")
    if len(data) < 3:
        raise IpmiReadError(f"Get Chassis Status: expected at least 3 data bytes, got {data.hex()}")
    return data


def sel_info(bmc: RawBmc) -> SelInfo:
    data = bmc.request(STORAGE, 0x40, what="Get SEL Info")
    if len(data) < 14:
        raise IpmiReadError(f"Get SEL Info: expected 14 data bytes, got {len(data)}")
    entries, free, last_add, last_erase = struct.unpack_from("<HHII", data, 1)
    allocation = None
    if data[13] & 0x01:  # Get SEL Allocation Info supported
        try:
            allocation = struct.unpack_from("<HHHHB", bmc.request(STORAGE, 0x41, what="Get SEL Allocation Info"))
        except (IpmiReadError, struct.error):
            allocation = None
    return SelInfo(data[0], entries, free, last_add, last_erase, data[13], allocation)


def sel_records(bmc: RawBmc) -> list[bytes]:
    """Every 16-byte SEL record, first to last (an empty SEL answers "not present": [])."""
    records, record_id = [], FIRST_RECORD
    while record_id != LAST_RECORD and len(records) < MAX_RECORDS:
        try:
            data = bmc.request(STORAGE, 0x43, struct.pack("<HHBB", 0, record_id, 0, 0xFF), what="Get SEL Entry")
        except CompletionError as exc:
            if exc.code == 0xCB and not records:  # requested data not present: the SEL is empty
                return []
            raise
        if len(data) < 18:
            raise IpmiReadError(f"Get SEL Entry {record_id:#06x}: expected 18 data bytes, got {len(data)}")
        records.append(data[2:18])
        record_id = struct.unpack_from("<H", data)[0]
    return records


def sdr_repository_stamp(bmc: RawBmc) -> tuple[int, int]:
    """(record count, most recent addition time) from Get SDR Repository Info."""
    data = bmc.request(STORAGE, 0x20, what="Get SDR Repository Info")
    if len(data) < 14:
        raise IpmiReadError(f"Get SDR Repository Info: expected 14 data bytes, got {len(data)}")
    count, _free, added = struct.unpack_from("<HHI", data, 1)
    return count, added


def sdr_records(bmc: RawBmc) -> list[bytes]:
    """Every SDR record (header included), read as ipmitool reads them."""
    reservation = _reserve_sdr(bmc)
    records, record_id = [], FIRST_RECORD
    while record_id != LAST_RECORD and len(records) < MAX_RECORDS:
        for attempt in (1, 2):  # a reservation cancelled meanwhile: take a new one and read again
            try:
                record_id_next, record = _read_sdr(bmc, reservation, record_id)
                break
            except CompletionError as exc:
                if exc.code != RESERVATION_CANCELLED or attempt == 2:
                    raise
                reservation = _reserve_sdr(bmc)
        records.append(record)
        record_id = record_id_next
    return records


def _reserve_sdr(bmc: RawBmc) -> int:
    data = bmc.request(STORAGE, 0x22, what="Reserve SDR Repository")
    return struct.unpack_from("<H", data)[0] if len(data) >= 2 else 0


def _read_sdr(bmc: RawBmc, reservation: int, record_id: int) -> tuple[int, bytes]:
    head = bmc.request(
        STORAGE,
        0x23,
        struct.pack("<HHBB", reservation, record_id, 0, SDR_HEADER_BYTES),
        what=f"Get SDR {record_id:#06x}",
    )
    if len(head) < 2 + SDR_HEADER_BYTES:
        raise IpmiReadError(f"Get SDR {record_id:#06x}: short header {head.hex()}")
    next_id, record = struct.unpack_from("<H", head)[0], head[2 : 2 + SDR_HEADER_BYTES]
    length = record[4]
    while len(record) < SDR_HEADER_BYTES + length:
        offset = len(record)
        part = bmc.request(
            STORAGE,
            0x23,
            struct.pack("<HHBB", reservation, record_id, offset, min(SDR_CHUNK, SDR_HEADER_BYTES + length - offset)),
            what=f"Get SDR {record_id:#06x} at {offset}",
        )
        if len(part) <= 2:
            raise IpmiReadError(f"Get SDR {record_id:#06x}: no bytes at offset {offset}")
        record += part[2:]
    return next_id, record


def sensor_reading(bmc: RawBmc, number: int) -> SensorReading | None:
    """The sensor's reading, or None when the BMC has none for it (a completion code)."""
    try:
        data = bmc.request(SENSOR_EVENT, 0x2D, bytes([number]), what=f"Get Sensor Reading {number:#04x}")
    except CompletionError:
        return None
    if len(data) < 2:
        return None
    states = data[2] if len(data) > 2 else 0
    if len(data) > 3:
        states |= (data[3] & 0x7F) << 8
    return SensorReading(data[0], data[1], states)


class SdrCache:
    """Each BMC's SDR records, read again only when its repository info changes. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[Hashable, tuple[tuple[int, int], list[bytes]]] = {}

    def records(self, key: Hashable, bmc: RawBmc) -> list[bytes]:
        stamp = sdr_repository_stamp(bmc)
        with self._lock:
            cached = self._records.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        records = sdr_records(bmc)
        with self._lock:
            self._records[key] = (stamp, records)
        return records

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._records.pop(key, None)
