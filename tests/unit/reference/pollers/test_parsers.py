"""RackHD's poller data shapes from IPMI bytes: chassis, SEL information/list/entries, SDR, drive health.

Expected values are what ipmitool prints and on-tasks' ipmi-parser.js makes of it (contract §6);
pyghmi's SDR decoder is the independent judge of sensor conversions.
"""

import re
import struct
import unittest

import pyghmi.ipmi.private.constants as event_constants
from pyghmi.ipmi.sdr import SDREntry

from rackharness.bmc.commands.sdr_records import repository_for
from rackharness.reference.pollers import sdr, sel
from rackharness.reference.pollers.bmc_reads import SelInfo, SensorReading
from rackharness.reference.pollers.cache import PollerCache, js_date
from rackharness.reference.pollers.commands import parse_chassis
from tests.support.virtual_node import PROFILES

STAMP = 1_700_000_000  # 11/14/2023 22:13:20 UTC


def record(record_id, sensor_type, number, offset, *, event_type=0x6F, deassert=False, stamp=STAMP, kind=0x02):
    return struct.pack(
        "<HBIHBBBB3B",
        record_id,
        kind,
        stamp,
        0x0020,
        0x04,
        sensor_type,
        number,
        (0x80 if deassert else 0) | event_type,
        offset,
        0xFF,
        0xFF,
    )


def drive_slot_record(name="Drive 0", number=0x80):
    """A Compact Sensor Record of a Drive Slot sensor (table 43-2)."""
    body = (
        bytes([0x20, 0, number, 0x04, 0x01, 0x67, 0x40, 0x0D, 0x6F])
        + struct.pack("<HHH", 0x03, 0x03, 0x03)
        + bytes([0xC0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0])
        + bytes([0xC0 | len(name)])
        + name.encode()
    )
    return struct.pack("<HBBB", 9, 0x51, 0x02, len(body)) + body


class ChassisTest(unittest.TestCase):
    def test_power_bit_and_identify_state(self):
        self.assertEqual(parse_chassis(bytes([0x21, 0x00, 0x50, 0x00])), {"uid": "Temporary On", "power": True})
        self.assertEqual(parse_chassis(bytes([0x60, 0x10, 0x60])), {"uid": "On", "power": False})
        self.assertEqual(parse_chassis(bytes([0x00, 0x00, 0x70])), {"uid": "Reserved", "power": False})


class SelInformationTest(unittest.TestCase):
    def test_ipmitool_sel_fields(self):
        info = SelInfo(0x51, 4, 8128, STAMP, 0xFFFFFFFF, 0x0B, (512, 16, 508, 508, 1))
        self.assertEqual(
            sel.selinformation(info),
            {
                "Version": "1.5 (v1.5, v2 compliant)",
                "Entries": "4",
                "Free Space": "8128 bytes",
                "Percent Used": "0%",
                "Last Add Time": "11/14/2023 22:13:20",
                "Last Del Time": "Not Available",
                "Overflow": "false",
                "Supported Cmds": "'Delete' 'Reserve' 'Get Alloc Info'",
                "# of Alloc Units": "512",
                "Alloc Unit Size": "16",
                "# Free Units": "508",
                "Largest Free Blk": "508",
                "Max Record Size": "1",
            },
        )

    def test_overflow_large_free_space_and_no_allocation_info(self):
        data = sel.selinformation(SelInfo(0x51, 0, 0xFFFF, 0, 0, 0x80 | 0x02))
        self.assertEqual(
            (data["Free Space"], data["Percent Used"], data["Overflow"], data["Supported Cmds"]),
            ("over 65534 bytes", "0%", "true", "'Reserve'"),
        )
        self.assertEqual(data["Last Add Time"], "Not Available")
        self.assertNotIn("# of Alloc Units", data)


class SelListTest(unittest.TestCase):
    def test_parse_sel_data_fields(self):
        listed = sel.sel(
            [
                record(1, 0x09, 0x66, 0x00),
                record(0x1A, 0x22, 0x67, 0x05, deassert=True),
                record(3, 0x01, 0x0E, 0x09, event_type=0x01, stamp=100),
            ]
        )
        self.assertEqual(
            listed[0],
            {
                "logId": "1",
                "date": "11/14/2023",
                "time": "22:13:20",
                "sensorType": "Power Unit",
                "sensorNumber": "#0x66",
                "event": "Power off/down",
                "value": "Asserted",
            },
        )
        self.assertEqual(
            (listed[1]["logId"], listed[1]["event"], listed[1]["value"]), ("1a", "S5/G2: soft-off", "Deasserted")
        )
        self.assertEqual(
            (listed[2]["date"], listed[2]["time"], listed[2]["event"]),
            ("Pre-Init", "0000000100", "Upper Critical going high"),
        )

    def test_last_25_and_oem_records_skipped(self):
        records = [record(i, 0x09, 0x66, 0) for i in range(1, 31)] + [bytes([31, 0, 0xC1]) + bytes(13)]
        listed = sel.sel(records)
        self.assertEqual([e["logId"] for e in listed], [f"{i:x}" for i in range(7, 31)])


class SelEntriesTest(unittest.TestCase):
    def test_sel_get_fields(self):
        entry = sel.sel_entry(record(7, 0x09, 0x66, 0x01))
        self.assertEqual(
            entry,
            {
                "SEL Record ID": "0007",
                "Record Type": "02",
                "Timestamp": "11/14/2023 22:13:20",
                "Generator ID": "0020",
                "EvM Revision": "04",
                "Sensor Type": "Power Unit",
                "Sensor Number": "66",
                "Event Type": "Sensor-specific Discrete",
                "Event Direction": "Assertion Event",
                "Event Data": "01ffff",
                "Description": "Power cycle",
                "Event Type Code": "6f",
                "Sensor Type Code": "09",
            },
        )

    def test_new_entries_keep_their_place(self):
        info = SelInfo(0x51, 2, 8000, STAMP, 0xFFFFFFFF, 0x0B)
        records = [record(1, 0x09, 0x66, 0), record(2, 0x09, 0x66, 1)]
        fresh, place = sel.new_entries(records, info, {})
        self.assertEqual([e["SEL Record ID"] for e in fresh], ["0001", "0002"])
        self.assertEqual(place, {"lastPreviouslyReadSelEntry": "0002", "lastSelDeleteTimeLastRun": None})
        self.assertEqual(sel.new_entries(records, info, place)[0], [])
        more = records + [record(3, 0x09, 0x66, 0)]
        self.assertEqual([e["SEL Record ID"] for e in sel.new_entries(more, info, place)[0]], ["0003"])

    def test_a_cleared_sel_is_read_from_its_start(self):
        place = {"lastPreviouslyReadSelEntry": "0002", "lastSelDeleteTimeLastRun": STAMP - 50}
        info = SelInfo(0x51, 1, 8000, STAMP, STAMP, 0x0B)
        fresh, new_place = sel.new_entries([record(2, 0x09, 0x66, 0)], info, place)
        self.assertEqual([e["SEL Record ID"] for e in fresh], ["0002"], "the same id after an erase is new")
        self.assertEqual(new_place["lastSelDeleteTimeLastRun"], STAMP)

    def test_a_vanished_marker_reports_every_entry(self):
        info = SelInfo(0x51, 1, 8000, STAMP, 0xFFFFFFFF, 0x0B)
        fresh, _ = sel.new_entries([record(9, 0x09, 0x66, 0)], info, {"lastPreviouslyReadSelEntry": "0004"})
        self.assertEqual(len(fresh), 1)


class SdrTest(unittest.TestCase):
    def setUp(self):
        self.profile = PROFILES.get("dell-r630")
        self.records = [r for r in map(sdr.decode_record, repository_for(self.profile).records) if r]

    def by_name(self, name):
        return next(r for r in self.records if r.name == name)

    def test_only_sensor_records_decode(self):
        self.assertEqual(len(self.records), len(self.profile.sensors))
        self.assertIsNone(sdr.decode_record(repository_for(self.profile).records[-1]))  # MC locator

    def test_conversions_agree_with_pyghmi(self):
        for raw_record in repository_for(self.profile).records:
            mine = sdr.decode_record(raw_record)
            if mine is None or not mine.analog:
                continue
            theirs = SDREntry(bytearray(raw_record), event_constants)
            self.assertEqual((mine.name, mine.number), (theirs.sensor_name, theirs.sensor_number))
            for raw in (0, 1, 37, 200, 255):
                signed = raw - 256 if theirs.numeric_format == 2 and raw > 127 else raw  # pyghmi signs before decoding
                self.assertAlmostEqual(mine.value(raw), theirs.decode_value(None, signed), places=6, msg=mine.name)

    def test_threshold_entry_as_parse_sdr_data_makes_it(self):
        inlet = self.by_name("Inlet Temp")
        entry = sdr.sdr_entry(inlet, SensorReading(22, 0xC0, 0x00))
        self.assertEqual(
            {
                k: entry[k]
                for k in (
                    "sensorId",
                    "entityId",
                    "entryIdName",
                    "sdrType",
                    "sensorType",
                    "sensorReading",
                    "sensorReadingUnits",
                    "status",
                    "nominalReading",
                    "upperCritical",
                    "lowerCritical",
                    "statesAsserted",
                )
            },
            {
                "sensorId": "Inlet Temp (0x4)",
                "entityId": "7.1",
                "entryIdName": "System Board",
                "sdrType": "Threshold",
                "sensorType": "Temperature",
                "sensorReading": "22",
                "sensorReadingUnits": "degrees C",
                "status": "ok",
                "nominalReading": "",
                "upperCritical": "47.000",
                "lowerCritical": "-7.000",
                "statesAsserted": [],
            },
        )
        self.assertEqual(entry["readableThresholds"], "lcr lnc unc ucr")
        self.assertEqual(entry["assertionsEnabled"], ["lnc- lcr- unc+ ucr+"])

    def test_status_and_fractional_readings(self):
        volts = self.by_name("3.3V")
        entry = sdr.sdr_entry(volts, SensorReading(volts_raw := 180, 0xC0, 0x10))
        self.assertEqual((entry["sensorReading"], entry["status"]), (f"{volts.value(volts_raw):.3f}", "Upper Critical"))
        unavailable = sdr.sdr_entry(volts, SensorReading(0, 0xE0, 0))
        self.assertEqual((unavailable["sensorReading"], unavailable["status"]), ("No Reading", "Not Available"))

    def test_discrete_entry_lists_asserted_states(self):
        entry = sdr.sdr_entry(self.by_name("PS1 Status"), SensorReading(0, 0xC0, 0x0001))
        self.assertEqual(
            (entry["sdrType"], entry["sensorType"], entry["sensorReading"], entry["statesAsserted"]),
            ("Discrete", "Power Supply", "0h", ["Presence detected"]),
        )
        self.assertEqual(entry["assertionsEnabled"], ["Presence detected", "Failure detected", "Power Supply AC lost"])

    def test_sdr_data_drops_sensors_without_required_values(self):
        readings = {r.number: SensorReading(10, 0xC0, 0) for r in self.records}
        data = sdr.sdr_data(self.records, readings)
        self.assertEqual(len(data), len(self.records))
        self.assertEqual(sdr.sdr_data([], {}), [])

    def test_drive_health(self):
        drive = sdr.decode_record(drive_slot_record())
        self.assertEqual(
            sdr.drive_health([drive], {0x80: SensorReading(0, 0xC0, 0x01)}),
            [{"name": "Drive 0", "status": "Drive Present"}],
        )
        self.assertEqual(
            sdr.drive_health([drive], {0x80: SensorReading(0, 0xC0, 0)}), [{"name": "Drive 0", "status": "Not Present"}]
        )
        self.assertEqual(sdr.drive_health([drive], {0x80: SensorReading(0, 0xE0, 0x01)}), [], "no reading: left out")
        self.assertEqual(sdr.drive_health(self.records, {}), [], "no drive sensors")


class DateAndCacheTest(unittest.TestCase):
    def test_js_date(self):
        self.assertEqual(js_date(STAMP), "Tue Nov 14 2023 22:13:20 GMT+0000 (UTC)")
        self.assertRegex(js_date(), re.compile(r"^\w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT\+0000 \(UTC\)$"))

    def test_cache_keeps_the_last_entries_as_copies(self):
        cache = PollerCache(3)
        for n in range(5):
            cache.add("p", {"n": n})
        self.assertEqual(cache.entries("p"), [{"n": 2}, {"n": 3}, {"n": 4}])
        self.assertEqual(cache.entries("p", latest_only=True), [{"n": 4}])
        cache.entries("p")[0]["n"] = 99
        self.assertEqual(cache.entries("p")[0], {"n": 2})
        self.assertEqual(cache.entries("other"), [])
        cache.drop("p")
        self.assertNotIn("p", cache)
        with self.assertRaises(ValueError):
            PollerCache(0)


if __name__ == "__main__":
    unittest.main()
