"""Entity id codes."""

import unittest

from rackharness.ipmi.entities import ENTITY_CODES, ENTITY_NAMES, entity_name


class EntitiesTest(unittest.TestCase):
    def test_names(self):
        self.assertEqual(entity_name(0x03), "Processor")
        self.assertEqual(entity_name(0x36), "Unknown")

    def test_every_profile_name_is_a_code_ipmitool_names(self):
        for name, code in ENTITY_CODES.items():
            with self.subTest(name=name):
                self.assertIn(code, ENTITY_NAMES)
        self.assertEqual(ENTITY_NAMES[ENTITY_CODES["system_board"]], "System Board")


if __name__ == "__main__":
    unittest.main()
