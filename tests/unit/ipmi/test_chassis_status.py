"""Chassis status fields."""

import unittest

from rackharness.ipmi.chassis_status import POWER_RESTORE_SHIFT, PowerRestorePolicy


class ChassisStatusTest(unittest.TestCase):
    def test_restore_policy_fits_bits_6_5(self):
        self.assertEqual([int(p) << POWER_RESTORE_SHIFT for p in PowerRestorePolicy], [0x00, 0x20, 0x40])


if __name__ == "__main__":
    unittest.main()
