"""The System Event Log as RackHD's ``selInformation``, ``sel`` and ``selEntries`` poller data.

RackHD parses ipmitool's text (on-tasks ``ipmi-parser.js``, 2.60.7); these functions print what
ipmitool 1.8 prints for the same IPMI answers and shape it as the parser does:

* ``selInformation`` (``ipmitool sel``, ``parseSelInformationData``): ``{"Version": "1.5 (v1.5, v2
  compliant)", "Entries": "4", "Free Space": "8128 bytes", "Percent Used": "0%", "Last Add Time":
  "11/14/2023 22:13:20", "Last Del Time": "Not Available", "Overflow": "false", "Supported Cmds":
  "'Delete' 'Reserve' 'Get Alloc Info'", ...}`` - every value a string;
* ``sel`` (``ipmitool -c sel list last 25``, ``parseSelData``): the last 25 records as
  ``{logId, date, time, sensorType, sensorNumber, event, value}`` ("1", "11/14/2023", "22:13:20",
  "Power Unit", "#0x66", "Power off/down", "Asserted");
* ``selEntries`` (``sel writeraw`` + ``sel get``, ``parseSelDataEntries``): the records added since
  the previous run, each ``{"SEL Record ID": "0001", "Record Type": "02", "Timestamp": ...,
  "Generator ID", "EvM Revision", "Sensor Type", "Sensor Number", "Event Type", "Event Direction",
  "Event Data", "Description", "Event Type Code": "6f", "Sensor Type Code": "09"}``. Where RackHD
  keeps its place (``config.lastPreviouslyReadSelEntry``, ``config.lastSelDeleteTimeLastRun``) the
  caller keeps it too (:func:`new_entries`).

Timestamps are shown in UTC; a time before 20000000h (seconds since the BMC's initialisation) is
"Pre-Init", as ipmitool shows it.
"""

from __future__ import annotations

import struct
import time
from typing import Any

from rackharness.ipmi.events import trimmed_event_description
from rackharness.ipmi.sensor_types import event_type_name, sensor_type_name
from rackharness.reference.pollers.bmc_reads import SelInfo

SEL_LIST_LAST = 25  # ipmitool -c sel list last 25
UNSPECIFIED_TIMES = (0x00000000, 0xFFFFFFFF)
PRE_INIT = 0x20000000
FIRST_MARKER = "0000"


def _date_time(stamp: int) -> tuple[str, str]:
    if stamp < PRE_INIT:
        return "Pre-Init", f"{stamp:010d}"
    moment = time.gmtime(stamp)
    return time.strftime("%m/%d/%Y", moment), time.strftime("%H:%M:%S", moment)


def _timestamp(stamp: int) -> str:
    if stamp in UNSPECIFIED_TIMES:
        return "Not Available"
    date, clock = _date_time(stamp)
    return f"{date} {clock}"


def selinformation(info: SelInfo) -> dict[str, str]:
    """``ipmitool sel`` (SEL Information) as ``parseSelInformationData`` reads it."""
    used = info.entries * 16
    data = {
        "Version": f"{info.version & 0x0F}.{info.version >> 4} (v1.5, v2 compliant)",
        "Entries": str(info.entries),
        "Free Space": f"over {0xFFFE} bytes" if info.free_bytes >= 0xFFFE else f"{info.free_bytes} bytes",
        "Percent Used": f"{int(100 * used / (used + info.free_bytes))}%" if used + info.free_bytes else "unknown",
        "Last Add Time": _timestamp(info.last_add),
        "Last Del Time": _timestamp(info.last_erase),
        "Overflow": "true" if info.support & 0x80 else "false",
        "Supported Cmds": " ".join(
            f"'{name}'"
            for bit, name in ((0x08, "Delete"), (0x04, "Partial Add"), (0x02, "Reserve"), (0x01, "Get Alloc Info"))
            if info.support & bit
        ),
    }
    if info.allocation is not None:
        units, size, free, largest, max_record = info.allocation
        data.update(
            {
                "# of Alloc Units": str(units),
                "Alloc Unit Size": str(size),
                "# Free Units": str(free),
                "Largest Free Blk": str(largest),
                "Max Record Size": str(max_record),
            }
        )
    return data


def _fields(record: bytes) -> dict[str, Any]:
    record_id, record_type, stamp = struct.unpack_from("<HBI", record)
    return {
        "id": record_id,
        "type": record_type,
        "stamp": stamp,
        "generator": struct.unpack_from("<H", record, 7)[0],
        "evm": record[9],
        "sensor_type": record[10],
        "sensor": record[11],
        "event_type": record[12] & 0x7F,
        "deassertion": bool(record[12] & 0x80),
        "data": record[13:16],
    }


def _is_system_event(record: bytes) -> bool:
    return len(record) >= 16 and record[2] == 0x02


def sel(records: list[bytes], last: int = SEL_LIST_LAST) -> list[dict[str, str]]:
    """``ipmitool -c sel list last N`` as ``parseSelData`` reads it (OEM records have no 6 fields: skipped)."""
    listed = []
    for record in records[-last:] if last else records:
        if not _is_system_event(record):
            continue
        f = _fields(record)
        date, clock = _date_time(f["stamp"])
        listed.append(
            {
                "logId": f"{f['id']:x}",
                "date": date,
                "time": clock,
                "sensorType": sensor_type_name(f["sensor_type"]),
                "sensorNumber": f"#0x{f['sensor']:02x}",
                "event": trimmed_event_description(f["sensor_type"], f["event_type"], f["data"][0]),
                "value": "Deasserted" if f["deassertion"] else "Asserted",
            }
        )
    return listed


def sel_entry(record: bytes) -> dict[str, str]:
    """One record as ``ipmitool sel get`` prints it, plus RackHD's two codes from ``sel writeraw``."""
    record_id, record_type = struct.unpack_from("<HB", record)
    if not _is_system_event(record):
        return {
            "SEL Record ID": f"{record_id:04x}",
            "Record Type": f"{record_type:02x}",
            "Event Type Code": "",
            "Sensor Type Code": "",
        }
    f = _fields(record)
    return {
        "SEL Record ID": f"{record_id:04x}",
        "Record Type": f"{record_type:02x}",
        "Timestamp": _timestamp(f["stamp"]),
        "Generator ID": f"{f['generator']:04x}",
        "EvM Revision": f"{f['evm']:02x}",
        "Sensor Type": sensor_type_name(f["sensor_type"]),
        "Sensor Number": f"{f['sensor']:02x}",
        "Event Type": event_type_name(f["event_type"]),
        "Event Direction": "Deassertion Event" if f["deassertion"] else "Assertion Event",
        "Event Data": f["data"].hex(),
        "Description": trimmed_event_description(f["sensor_type"], f["event_type"], f["data"][0]),
        "Event Type Code": f"{f['event_type']:02x}",
        "Sensor Type Code": f"{f['sensor_type']:02x}",
    }


def new_entries(
    records: list[bytes], info: SelInfo, place: dict[str, Any]
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """(the records after ``place``, the new place) - RackHD's collectIpmiSelEntries bookkeeping.

    ``place`` is the poller's ``{lastPreviouslyReadSelEntry: "0007", lastSelDeleteTimeLastRun: <erase
    time>}``; a SEL erased since (another erase time) is read from its start again. When the last
    entry read is no longer in the SEL, every entry counts as new, as in RackHD.
    """
    erased = info.last_erase if info.last_erase not in UNSPECIFIED_TIMES else None
    marker = str(place.get("lastPreviouslyReadSelEntry") or FIRST_MARKER).zfill(4)
    if erased is not None and place.get("lastSelDeleteTimeLastRun") not in (None, erased):
        marker = FIRST_MARKER
    entries = [sel_entry(record) for record in records]
    ids = [entry["SEL Record ID"] for entry in entries]
    fresh = entries[ids.index(marker) + 1 :] if marker in ids else entries
    new_place = {"lastPreviouslyReadSelEntry": ids[-1] if ids else marker, "lastSelDeleteTimeLastRun": erased}
    return fresh, new_place
