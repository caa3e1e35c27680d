"""The SEL record format."""

import unittest

from rackharness.ipmi.sel_records import SYSTEM_EVENT_RECORD, timestamped


class SelRecordsTest(unittest.TestCase):
    def test_only_non_timestamped_oem_records_keep_their_time(self):
        self.assertTrue(timestamped(SYSTEM_EVENT_RECORD))
        self.assertTrue(timestamped(0xC0), "timestamped OEM")
        self.assertFalse(timestamped(0xE0))


if __name__ == "__main__":
    unittest.main()
