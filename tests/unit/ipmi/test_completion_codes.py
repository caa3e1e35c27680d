"""Completion codes and ipmitool's text for them."""

import unittest

from rackharness.ipmi.completion_codes import COMPLETION_TEXT, Completion, completion_text


class CompletionCodesTest(unittest.TestCase):
    def test_text(self):
        self.assertEqual(completion_text(Completion.INSUFFICIENT_PRIVILEGE), "Insufficient privilege level")
        self.assertEqual(completion_text(0x80), "Unknown (0x80)", "command-specific codes have no generic text")

    def test_every_generic_code_the_bmc_answers_has_ipmitools_text(self):
        generic = [code for code in Completion if code >= 0xC0]
        self.assertEqual([code for code in generic if code not in COMPLETION_TEXT], [])


if __name__ == "__main__":
    unittest.main()
