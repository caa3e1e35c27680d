"""System boot option parameters."""

import unittest

from rackharness.ipmi.boot_parameters import BOOT_DEVICE_NAMES, BOOT_DEVICE_SELECTORS, DEVICE_MASK, DEVICE_SHIFT


class BootParametersTest(unittest.TestCase):
    def test_selectors_fit_the_device_bits_and_name_back(self):
        for name, selector in BOOT_DEVICE_SELECTORS.items():
            with self.subTest(name=name):
                self.assertEqual((selector << DEVICE_SHIFT) & ~DEVICE_MASK, 0)
                self.assertEqual(BOOT_DEVICE_NAMES[selector], name)


if __name__ == "__main__":
    unittest.main()
