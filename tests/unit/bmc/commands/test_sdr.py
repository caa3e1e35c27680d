"""SDR repository: records decoded by pyghmi, partial reads, reservations, sharing."""

import struct
import unittest

from rackharness.bmc.commands.sdr_records import repository_for
from rackharness.ipmi.completion_codes import Completion
from tests.support.virtual_node import Bmc
from tests.unit.bmc.commands.pyghmi_decoders import read_all_sdrs, sdr_entry

STORAGE = 0x0A


class SdrRepositoryTest(unittest.TestCase):
    def test_every_sensor_has_a_record_pyghmi_decodes(self):
        for profile in ("quanta-d51", "dell-r630"):
            bmc = Bmc(profile)
            records = read_all_sdrs(bmc)
            sensors = bmc.node.profile.sensors
            self.assertEqual(len(records), len(sensors) + 2)
            for record, sensor in zip(records, sensors):
                entry = sdr_entry(record)
                self.assertEqual(entry.rectype, 0x01 if sensor.is_threshold else 0x02)
                self.assertEqual(
                    (entry.sensor_name, entry.sensor_number, entry.sensor_type_number),
                    (sensor.name, sensor.number, sensor.sensor_type),
                )
                if sensor.is_threshold:
                    self.assertEqual(entry.m, sensor.conversion.m)
                    self.assertEqual(entry.has_thresholds, bool(sensor.thresholds))
            fru = sdr_entry(records[-2])
            self.assertEqual((fru.rectype, fru.fru_number, fru.fru_name), (0x11, 0, bmc.node.profile.fru.board_product))
            self.assertEqual(sdr_entry(records[-1]).rectype, 0x12)

    def test_units_and_formula_decode_to_engineering_values(self):
        records = {sdr_entry(r).name: sdr_entry(r) for r in read_all_sdrs(Bmc())[:-2]}
        volts = records["Volt_P12V"]
        self.assertEqual(volts.unit_suffix.strip(), "V")
        self.assertAlmostEqual(volts.decode_value(None, 201), 12.06)
        self.assertEqual(records["Power_SYS"].sensor_type, "Power")  # other units + watts
        self.assertEqual(records["Fan_SYS0_1"].unit_suffix.strip(), "RPM")

    def test_whole_record_read_with_ff_and_header_layout(self):
        bmc = Bmc()
        data = bmc.ok(STORAGE, 0x23, struct.pack("<HHBB", 0, 0, 0, 0xFF))
        next_id, record = struct.unpack("<H", data[:2])[0], data[2:]
        self.assertEqual(next_id, 2)
        self.assertEqual(record[:4], b"\x01\x00\x51\x01")
        self.assertEqual(record[4], len(record) - 5)
        last = bmc.ok(STORAGE, 0x23, struct.pack("<HHBB", 0, 24, 0, 0xFF))
        self.assertEqual(last[:2], b"\xff\xff")

    def test_partial_read_needs_the_current_reservation(self):
        bmc = Bmc()
        old = struct.unpack("<H", bmc.ok(STORAGE, 0x22))[0]
        bmc.ok(STORAGE, 0x22)  # somebody else reserves
        stale = bmc.call(STORAGE, 0x23, struct.pack("<HHBB", old, 1, 5, 8))
        self.assertEqual(stale.completion_code, Completion.RESERVATION_CANCELLED)

    def test_missing_record_and_offset_out_of_range(self):
        bmc = Bmc()
        self.assertEqual(
            bmc.call(STORAGE, 0x23, struct.pack("<HHBB", 0, 99, 0, 5)).completion_code,
            Completion.REQUESTED_DATA_NOT_PRESENT,
        )
        reservation = struct.unpack("<H", bmc.ok(STORAGE, 0x22))[0]
        self.assertEqual(
            bmc.call(STORAGE, 0x23, struct.pack("<HHBB", reservation, 1, 200, 5)).completion_code,
            Completion.PARAMETER_OUT_OF_RANGE,
        )

    def test_repository_info_and_allocation(self):
        bmc = Bmc()
        info = bmc.ok(STORAGE, 0x20)
        self.assertEqual(info[0], 0x51)
        self.assertEqual(struct.unpack("<H", info[1:3])[0], 24)
        self.assertEqual(info[13] & 0x03, 0x03)
        alloc = bmc.ok(STORAGE, 0x21)
        self.assertEqual(struct.unpack("<HH", alloc[:4]), (256, 16))

    def test_repository_is_shared_between_nodes_of_a_profile(self):
        a, b = Bmc(index=1), Bmc(index=2)
        self.assertIs(repository_for(a.node.profile), repository_for(b.node.profile))
        self.assertNotEqual(
            repository_for(Bmc("dell-r630").node.profile).addition_timestamp,
            repository_for(a.node.profile).addition_timestamp,
        )

    def test_device_sdr_commands_answer_from_the_same_repository(self):
        bmc = Bmc()
        self.assertEqual(bmc.ok(0x04, 0x20), bytes([len(bmc.node.profile.sensors), 0x01]))
        self.assertEqual(
            bmc.ok(0x04, 0x21, struct.pack("<HHBB", 0, 1, 0, 0xFF)),
            bmc.ok(STORAGE, 0x23, struct.pack("<HHBB", 0, 1, 0, 0xFF)),
        )


if __name__ == "__main__":
    unittest.main()
