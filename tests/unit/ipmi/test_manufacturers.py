"""Manufacturer names of IANA enterprise numbers."""

import unittest

from rackharness.ipmi.manufacturers import manufacturer_name


class ManufacturersTest(unittest.TestCase):
    def test_names(self):
        self.assertEqual(manufacturer_name(7244), "Quanta Computer Inc.")
        self.assertEqual(manufacturer_name(99999), "Unknown")


if __name__ == "__main__":
    unittest.main()
