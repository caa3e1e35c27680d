"""The linear conversion of a full sensor record (IPMI 2.0 section 36.3)."""

import unittest

from rackharness.ipmi.sensor_conversion import Conversion


class ConversionTest(unittest.TestCase):
    def test_linear_formula_round_trips(self):
        volts = Conversion(m=6, r_exp=-2)
        self.assertEqual(volts.to_raw(12.06), 201)
        self.assertAlmostEqual(volts.to_value(201), 12.06)

    def test_signed_readings_use_twos_complement(self):
        signed = Conversion(signed=True)
        self.assertEqual(signed.to_raw(-7), 0xF9)
        self.assertEqual(signed.to_value(0xF9), -7)

    def test_raw_is_clamped_to_a_byte(self):
        self.assertEqual(Conversion(m=100).to_raw(99999), 255)
        self.assertEqual(Conversion().to_raw(-5), 0)


if __name__ == "__main__":
    unittest.main()
