"""FRU chassis type codes."""

import unittest

from rackharness.ipmi.chassis_types import CHASSIS_TYPE_CODES, chassis_type_name


class ChassisTypesTest(unittest.TestCase):
    def test_profile_names_and_ipmitools_names(self):
        self.assertEqual(chassis_type_name(CHASSIS_TYPE_CODES["rack_mount_chassis"]), "Rack Mount Chassis")
        self.assertEqual(chassis_type_name(CHASSIS_TYPE_CODES["main_server_chassis"]), "Main Server Chassis")
        self.assertEqual(chassis_type_name(0x7F), "Unknown")


if __name__ == "__main__":
    unittest.main()
