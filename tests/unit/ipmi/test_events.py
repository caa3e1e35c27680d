"""Event offsets and the text ipmitool prints for them."""

import unittest

from rackharness.ipmi.events import GENERIC_EVENTS, THRESHOLD_EVENTS, event_description, trimmed_event_description


class EventDescriptionTest(unittest.TestCase):
    def test_sel_list_text_keeps_ipmitools_trailing_space(self):
        self.assertEqual(event_description(0x02, 0x01, 0x00), "Lower Non-critical going low ")
        self.assertEqual(event_description(0x09, 0x6F, 0x00), "Power off/down")
        self.assertEqual(event_description(0x09, 0x6F, 0x0E, "?"), "?")
        self.assertEqual(event_description(0x22, 0x6F, 0x0D, "?"), "?", "an empty name is unknown")

    def test_trimmed_text_is_what_rackhds_parser_keeps(self):
        self.assertEqual(trimmed_event_description(0x02, 0x81, 0x00), "Lower Non-critical going low")
        self.assertEqual(trimmed_event_description(0x09, 0x6F, 0x0E), "Unknown event 0x0e")
        self.assertEqual(trimmed_event_description(0x02, 0x01, 0x0C), "Unknown event 0x0c")
        self.assertEqual(trimmed_event_description(0x1D, 0xEF, 0x01), "Initiated by hard reset")

    def test_threshold_events_are_the_generic_table_trimmed(self):
        self.assertEqual(len(THRESHOLD_EVENTS), len(GENERIC_EVENTS[0x01]))
        self.assertFalse([name for name in THRESHOLD_EVENTS if name != name.strip()])


if __name__ == "__main__":
    unittest.main()
