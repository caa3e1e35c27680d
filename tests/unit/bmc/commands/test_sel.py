"""SEL commands: info, reservations, entries, add/delete/clear, time, capacity."""

import struct
import unittest

from rackharness.bmc.message import Privilege
from rackharness.ipmi.completion_codes import Completion
from tests.support.virtual_node import WALL_CLOCK_START, Bmc

STORAGE = 0x0A
OEM_RECORD = bytes([0, 0, 0xC1]) + bytes(13)


def get_entry(bmc, record_id, reservation=0, offset=0, count=0xFF):
    return bmc.call(STORAGE, 0x43, struct.pack("<HHBB", reservation, record_id, offset, count))


class SelTest(unittest.TestCase):
    def setUp(self):
        self.bmc = Bmc()
        self.bmc.node.power_on()  # logs ACPI S0 + System Restart
        self.bmc.node.power_off()  # logs ACPI S5 + Power Unit off

    def test_info_counts_entries_and_free_space(self):
        info = self.bmc.ok(STORAGE, 0x40)
        self.assertEqual(info[0], 0x51)
        entries, free = struct.unpack("<HH", info[1:5])
        self.assertEqual((entries, free), (4, (512 - 4) * 16))
        self.assertEqual(struct.unpack("<I", info[5:9])[0], int(self.bmc.clock.wall()))
        self.assertEqual(info[13], 0x0B)  # delete, reserve, allocation info

    def test_walk_from_first_to_last(self):
        ids, record_id = [], 0
        while record_id != 0xFFFF:
            data = get_entry(self.bmc, record_id).data
            record_id = struct.unpack("<H", data[:2])[0]
            ids.append(struct.unpack("<H", data[2:4])[0])
            self.assertEqual(len(data), 18)
        self.assertEqual(ids, [1, 2, 3, 4])

    def test_record_layout_of_a_power_off_event(self):
        record = get_entry(self.bmc, 0xFFFF).data[2:]
        self.assertEqual(record[2], 0x02)  # system event record
        self.assertEqual(struct.unpack("<I", record[3:7])[0], int(self.bmc.clock.wall()))
        self.assertEqual(record[7:10], b"\x20\x00\x04")  # BMC generator, EvM rev 4
        self.assertEqual(record[10:14], b"\x09\x60\x6f\x00")  # Power Unit #0x60, power off
        self.assertEqual(record[14:16], b"\xff\xff")

    def test_partial_read_needs_a_valid_reservation(self):
        self.assertEqual(get_entry(self.bmc, 1, 0, 2, 4).completion_code, Completion.RESERVATION_CANCELLED)
        reservation = struct.unpack("<H", self.bmc.ok(STORAGE, 0x42))[0]
        self.assertEqual(len(get_entry(self.bmc, 1, reservation, 2, 4).data), 6)
        self.bmc.ok(STORAGE, 0x42)
        self.assertEqual(get_entry(self.bmc, 1, reservation, 2, 4).completion_code, Completion.RESERVATION_CANCELLED)

    def test_add_entry_assigns_id_and_timestamp(self):
        record = bytes([0xAA, 0xAA, 0x02, 0, 0, 0, 0, 0x41, 0x00, 0x04, 0x12, 0x01, 0x6F, 0x02, 0xFF, 0xFF])
        record_id = struct.unpack("<H", self.bmc.ok(STORAGE, 0x44, record))[0]
        stored = get_entry(self.bmc, record_id).data[2:]
        self.assertEqual(struct.unpack("<H", stored[:2])[0], record_id)
        self.assertNotEqual(stored[3:7], bytes(4))
        self.assertEqual(stored[7:], record[7:])
        self.assertEqual(
            self.bmc.call(STORAGE, 0x44, record, privilege=Privilege.USER).completion_code,
            Completion.INSUFFICIENT_PRIVILEGE,
        )

    def test_delete_and_clear(self):
        reservation = self.bmc.ok(STORAGE, 0x42)
        self.assertEqual(self.bmc.ok(STORAGE, 0x46, reservation + b"\x02\x00"), b"\x02\x00")
        self.assertEqual(get_entry(self.bmc, 2).completion_code, Completion.REQUESTED_DATA_NOT_PRESENT)
        self.assertEqual(
            self.bmc.call(STORAGE, 0x47, b"\x00\x00CLR\xaa").completion_code, Completion.RESERVATION_CANCELLED
        )
        self.assertEqual(
            self.bmc.call(STORAGE, 0x47, reservation + b"CLX\xaa").completion_code, Completion.INVALID_DATA_FIELD
        )
        self.assertEqual(self.bmc.ok(STORAGE, 0x47, reservation + b"CLR\xaa"), b"\x01")
        self.assertEqual(self.bmc.ok(STORAGE, 0x47, reservation + b"CLR\x00"), b"\x01")
        self.assertEqual(len(self.bmc.node.sel), 0)
        self.assertEqual(get_entry(self.bmc, 0).completion_code, Completion.REQUESTED_DATA_NOT_PRESENT)
        info = self.bmc.ok(STORAGE, 0x40)
        self.assertEqual(struct.unpack("<I", info[9:13])[0], int(self.bmc.clock.wall()))

    def test_full_sel_refuses_adds_and_flags_overflow(self):
        log = self.bmc.node.sel
        while len(log) < log.capacity:
            log.add_record(OEM_RECORD)
        self.assertEqual(self.bmc.call(STORAGE, 0x44, OEM_RECORD).completion_code, Completion.OUT_OF_SPACE)
        self.bmc.node.power_on()  # events are dropped, nothing breaks
        self.assertEqual(self.bmc.ok(STORAGE, 0x40)[13] & 0x80, 0x80)
        alloc = self.bmc.ok(STORAGE, 0x41)
        self.assertEqual(struct.unpack("<HHH", alloc[:6]), (512, 16, 0))

    def test_sel_time_can_be_set(self):
        now = struct.unpack("<I", self.bmc.ok(STORAGE, 0x48))[0]
        self.assertEqual(now, int(WALL_CLOCK_START + self.bmc.clock.now))
        self.bmc.ok(STORAGE, 0x49, struct.pack("<I", 1_500_000_000))
        self.bmc.clock.advance(10)
        self.assertEqual(struct.unpack("<I", self.bmc.ok(STORAGE, 0x48))[0], 1_500_000_010)


if __name__ == "__main__":
    unittest.main()
