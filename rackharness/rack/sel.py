"""The System Event Log of one node's BMC (IPMI 2.0 chapter 31, record format section 32.1).

Records are the 16-byte SEL format (:mod:`rackharness.ipmi.sel_records`).

The log holds at most ``capacity`` records; once full, new events are dropped and the overflow
flag is set (the spec's behaviour for a non-circular SEL). A reservation (section 31.4.1) is
cancelled by a newer reservation; the holder's own clear or delete keeps it valid, so a tool can
poll the erase status or delete several entries with one reservation.
"""

from __future__ import annotations

import struct
import time
from typing import Callable

from rackharness.ipmi.sel_records import (
    BMC_GENERATOR_ID,
    EVM_REV,
    FIRST_RECORD,
    LAST_RECORD,
    SEL_RECORD_BYTES,
    SYSTEM_EVENT_RECORD,
    timestamped,
)

DEFAULT_CAPACITY = 512


class SystemEventLog:
    __slots__ = (
        "capacity",
        "_clock",
        "_time_offset",
        "_records",
        "_next_id",
        "_reservation",
        "last_add_time",
        "last_erase_time",
        "overflow",
    )

    def __init__(self, capacity: int = DEFAULT_CAPACITY, clock: Callable[[], float] = time.time) -> None:
        self.capacity = capacity
        self._clock = clock
        self._time_offset = 0.0  # set by Set SEL Time
        self._records: list[bytes] = []
        self._next_id = 1
        self._reservation = 0  # 0: none handed out yet
        self.last_add_time = 0xFFFFFFFF  # "unspecified" until the first add / erase
        self.last_erase_time = 0xFFFFFFFF
        self.overflow = False

    # --- time -------------------------------------------------------------------------------
    def now(self) -> int:
        return int(self._clock() + self._time_offset) & 0xFFFFFFFF

    def set_time(self, seconds: int) -> None:
        self._time_offset = seconds - self._clock()

    # --- contents ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

    @property
    def free_bytes(self) -> int:
        return (self.capacity - len(self._records)) * SEL_RECORD_BYTES

    def records(self) -> list[bytes]:
        return list(self._records)

    def add_event(
        self,
        sensor_type: int,
        sensor_number: int,
        offset: int,
        *,
        event_type: int = 0x6F,
        deassertion: bool = False,
        data2: int = 0xFF,
        data3: int = 0xFF,
        generator_id: int = BMC_GENERATOR_ID,
    ) -> int | None:
        """Log a system event; returns its record id, or None when the SEL is full."""
        record = struct.pack(
            "<HBIHBBBB3B",
            0,
            SYSTEM_EVENT_RECORD,
            0,
            generator_id,
            EVM_REV,
            sensor_type,
            sensor_number,
            (0x80 if deassertion else 0) | (event_type & 0x7F),
            offset & 0x0F,
            data2,
            data3,
        )
        return self.add_record(record)

    def add_record(self, record: bytes) -> int | None:
        """Store a 16-byte record, assigning its id (and timestamp unless OEM non-timestamped)."""
        if len(record) != SEL_RECORD_BYTES:
            raise ValueError(f"a SEL record is {SEL_RECORD_BYTES} bytes, got {len(record)}")
        if len(self._records) >= self.capacity:
            self.overflow = True
            return None
        record_id = self._next_id
        self._next_id = 1 if self._next_id >= 0xFFFE else self._next_id + 1
        stamp = self.now()
        body = bytearray(record)
        struct.pack_into("<H", body, 0, record_id)
        if timestamped(body[2]):
            struct.pack_into("<I", body, 3, stamp)
        self._records.append(bytes(body))
        self.last_add_time = stamp
        return record_id

    def find(self, record_id: int) -> tuple[bytes, int] | None:
        """The record with this id (0 = first, 0xFFFF = last) and the id of the next record."""
        if not self._records:
            return None
        if record_id == FIRST_RECORD:
            index = 0
        elif record_id == LAST_RECORD:
            index = len(self._records) - 1
        else:
            index = next((i for i, r in enumerate(self._records) if _record_id(r) == record_id), None)
            if index is None:
                return None
        next_id = _record_id(self._records[index + 1]) if index + 1 < len(self._records) else LAST_RECORD
        return self._records[index], next_id

    def delete(self, record_id: int) -> int | None:
        found = self.find(record_id)
        if found is None:
            return None
        deleted = _record_id(found[0])
        self._records = [r for r in self._records if _record_id(r) != deleted]
        return deleted

    def clear(self) -> None:
        self._records = []
        self._next_id = 1
        self.overflow = False
        self.last_erase_time = self.now()

    # --- reservations -----------------------------------------------------------------------
    def reserve(self) -> int:
        """A new reservation id (never 0); it replaces the previous one."""
        self._reservation = self._reservation % 0xFFFF + 1
        return self._reservation

    def reservation_valid(self, reservation_id: int) -> bool:
        return reservation_id != 0 and reservation_id == self._reservation


def _record_id(record: bytes) -> int:
    return record[0] | (record[1] << 8)
