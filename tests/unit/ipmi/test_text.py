"""ipmitool's words for App netfn fields."""

import unittest

from rackharness.ipmi.text import device_support_names, privilege_name


class TextTest(unittest.TestCase):
    def test_device_support_bits_in_mc_info_order(self):
        self.assertEqual(device_support_names(0x05), ["Sensor Device", "SEL Device"])
        self.assertEqual(len(device_support_names(0xFF)), 8)
        self.assertEqual(device_support_names(0), [])

    def test_privilege_limits(self):
        self.assertEqual(privilege_name(0x34), "ADMINISTRATOR", "only the low nibble counts")
        self.assertEqual(privilege_name(0x0F), "NO ACCESS")
        self.assertEqual(privilege_name(0x07), "Unknown")


if __name__ == "__main__":
    unittest.main()
