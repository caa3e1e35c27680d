"""Sensor readings follow the node; pyghmi decodes them with our SDRs."""

import struct
import unittest

from rackharness.ipmi.completion_codes import Completion
from rackharness.rack.sensor_readings import threshold_state
from tests.support.virtual_node import Bmc
from tests.unit.bmc.commands.pyghmi_decoders import NoCommand, read_all_sdrs, sdr_entry

SENSOR = 0x04


class ReadingTest(unittest.TestCase):
    def setUp(self):
        self.bmc = Bmc()
        self.entries = {sdr_entry(r).name: sdr_entry(r) for r in read_all_sdrs(self.bmc)[:-2]}

    def reading(self, name):
        entry = self.entries[name]
        raw = self.bmc.ok(SENSOR, 0x2D, bytes([entry.sensor_number]))
        return entry.decode_sensor_reading(NoCommand(), bytearray(raw))

    def offsets(self, name):
        return [state_id & 0xFF for state_id in self.reading(name).state_ids]

    def test_powered_off_node_reads_cold_with_stopped_fans_and_no_alarm(self):
        self.assertEqual(self.reading("Fan_SYS0_1").value, 0)
        self.assertEqual(self.reading("Fan_SYS0_1").states, [])
        self.assertAlmostEqual(self.reading("Temp_CPU0").value, 24, delta=0.6)
        self.assertLess(self.reading("Power_SYS").value, 20)
        self.assertEqual(self.offsets("ACPI_Pwr_State"), [0x05])  # S5/G2 soft-off
        self.assertEqual(self.offsets("PSU1_Status"), [0x00])  # presence detected
        self.assertEqual(self.offsets("Pwr_Unit_Status"), [0x00])  # power off/down

    def test_running_node_reads_warm_with_spinning_fans(self):
        self.bmc.node.power_on()
        self.bmc.clock.advance(600)
        self.assertAlmostEqual(self.reading("Temp_CPU0").value, 46, delta=1.6)
        self.assertAlmostEqual(self.reading("Fan_SYS0_1").value, 7100, delta=250)
        self.assertAlmostEqual(self.reading("Power_SYS").value, 265, delta=16)
        self.assertAlmostEqual(self.reading("Volt_P12V").value, 12.06, delta=0.04)
        self.assertEqual(self.offsets("ACPI_Pwr_State"), [0x00])  # S0/G0 working
        self.assertEqual(self.offsets("Pwr_Unit_Status"), [])

    def test_temperature_warms_up_after_power_on(self):
        self.bmc.node.power_on()
        self.bmc.clock.advance(30)
        early = self.reading("Temp_Outlet").value
        self.bmc.clock.advance(300)
        self.assertLess(early, self.reading("Temp_Outlet").value)

    def test_jitter_is_deterministic_per_node_and_time(self):
        self.bmc.node.power_on()
        first = self.bmc.ok(SENSOR, 0x2D, b"\x30")
        self.assertEqual(first, self.bmc.ok(SENSOR, 0x2D, b"\x30"))
        twin = Bmc()
        twin.node.power_on()
        self.assertEqual(first, twin.ok(SENSOR, 0x2D, b"\x30"))

    def test_threshold_crossing_sets_comparison_bits(self):
        self.bmc.node.power_on()
        bits = self.bmc.ok(SENSOR, 0x2D, b"\x30")[2]
        self.assertEqual(bits, 0)
        fan = self.bmc.node.profile.sensor(0x30)
        self.assertEqual(threshold_state(fan, 4), 0b011)  # 400 RPM: below LNC and LC
        self.assertEqual(threshold_state(fan, 70), 0)

    def test_power_on_failure_asserts_soft_power_control_failure(self):
        bmc = Bmc(fault="power-on-fails")
        bmc.node.power_on()
        self.assertEqual(bmc.ok(SENSOR, 0x2D, b"\x60")[2] & 0x20, 0x20)

    def test_unknown_sensor(self):
        self.assertEqual(self.bmc.call(SENSOR, 0x2D, b"\x99").completion_code, Completion.REQUESTED_DATA_NOT_PRESENT)


class ThresholdAndEventTest(unittest.TestCase):
    def test_thresholds_hysteresis_and_event_enables(self):
        bmc = Bmc()
        self.assertEqual(bmc.ok(SENSOR, 0x27, b"\x01"), bytes([0x38, 0, 0, 0, 84, 87, 90]))
        self.assertEqual(bmc.ok(SENSOR, 0x25, b"\x01\xff"), b"\x02\x02")
        enables = bmc.ok(SENSOR, 0x29, b"\x01")
        self.assertEqual(enables[0], 0xC0)
        self.assertEqual(struct.unpack("<H", enables[1:3])[0], (1 << 7) | (1 << 9) | (1 << 11))
        self.assertEqual(bmc.call(SENSOR, 0x27, b"\x50").completion_code, Completion.ILLEGAL_FOR_SENSOR_OR_RECORD)
        self.assertEqual(bmc.ok(SENSOR, 0x2F, b"\x50"), b"\x08\x6f")

    def test_platform_event_lands_in_the_sel(self):
        bmc = Bmc()
        bmc.ok(SENSOR, 0x02, b"\x04\x01\x01\x01\x57\x00\x5a")  # ipmitool "event 1"-like
        record = bmc.node.sel.records()[-1]
        self.assertEqual(record[7:9], b"\x81\x10")  # remote console software id, channel 1
        self.assertEqual(record[9:16], b"\x04\x01\x01\x01\x57\x00\x5a")


if __name__ == "__main__":
    unittest.main()
