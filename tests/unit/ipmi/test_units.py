"""Sensor unit type codes."""

import unittest

from rackharness.ipmi.units import UNIT_CODES, UNIT_NAMES, unit_name


class UnitsTest(unittest.TestCase):
    def test_names(self):
        self.assertEqual(unit_name(1), "degrees C")
        self.assertEqual(unit_name(18), "RPM")
        self.assertEqual(unit_name(200), "unspecified")

    def test_profile_names_map_to_ipmitools_names(self):
        self.assertEqual(UNIT_NAMES[UNIT_CODES["watts"]], "Watts")
        self.assertEqual(UNIT_NAMES[UNIT_CODES["rpm"]], "RPM")
        self.assertEqual(UNIT_NAMES[UNIT_CODES["kelvin"]], "degrees K")


if __name__ == "__main__":
    unittest.main()
