"""Sensor type and event/reading type codes, and ipmitool's names for them."""

import unittest

from rackharness.ipmi import sensor_types
from rackharness.ipmi.sensor_types import (
    SENSOR_TYPE_CODES,
    SENSOR_TYPE_NAMES,
    event_type_name,
    sel_list_sensor_type_name,
    sensor_type_name,
)


class SensorTypesTest(unittest.TestCase):
    def test_names_of_known_and_unknown_codes(self):
        self.assertEqual(sensor_type_name(0x09), "Power Unit")
        self.assertEqual(sensor_type_name(0x99), "reserved")
        self.assertEqual(sensor_type_name(0xC3), "OEM reserved")

    def test_sel_list_calls_every_code_past_the_table_unknown(self):
        self.assertEqual(sel_list_sensor_type_name(0x22), "System ACPI Power State")
        self.assertEqual(sel_list_sensor_type_name(0x99), "Unknown")
        self.assertEqual(sel_list_sensor_type_name(0xC3), "Unknown")

    def test_every_profile_name_is_a_code_ipmitool_names(self):
        for name, code in SENSOR_TYPE_CODES.items():
            with self.subTest(name=name):
                self.assertLess(code, len(SENSOR_TYPE_NAMES))
        self.assertEqual(SENSOR_TYPE_NAMES[sensor_types.POWER_UNIT], "Power Unit")
        self.assertEqual(SENSOR_TYPE_NAMES[sensor_types.SYSTEM_RESTART], "System Boot Initiated")

    def test_event_type_names_ignore_the_direction_bit(self):
        self.assertEqual(event_type_name(0x6F | 0x80), "Sensor-specific Discrete")
        self.assertEqual(event_type_name(sensor_types.THRESHOLD), "Threshold")
        self.assertEqual(event_type_name(0x07), "Generic Discrete")
        self.assertEqual(event_type_name(0x75), "OEM")
        self.assertEqual(event_type_name(0x20), "Unspecified")


if __name__ == "__main__":
    unittest.main()
