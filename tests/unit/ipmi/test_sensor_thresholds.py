"""Threshold names and their mask bits."""

import unittest

from rackharness.ipmi.sensor_thresholds import THRESHOLD_NAMES, is_lower, threshold_mask


class SensorThresholdsTest(unittest.TestCase):
    def test_mask_bits_follow_the_name_order(self):
        self.assertEqual(threshold_mask(["lc", "uc"]), 0b010010)
        self.assertEqual(threshold_mask(THRESHOLD_NAMES), 0x3F)
        self.assertEqual(threshold_mask([]), 0)

    def test_lower_and_upper(self):
        self.assertEqual([n for n in THRESHOLD_NAMES if is_lower(n)], ["lnc", "lc", "lnr"])


if __name__ == "__main__":
    unittest.main()
