"""LAN configuration parameters from the BMC spec, and Set LAN Configuration Parameters."""

import unittest

from rackharness.bmc.message import Privilege
from rackharness.ipmi.completion_codes import Completion
from tests.support.virtual_node import Bmc

TRANSPORT = 0x0C


def get(bmc, selector, channel=0x01):
    return bmc.ok(TRANSPORT, 0x02, bytes([channel, selector, 0, 0]))


class LanConfigurationTest(unittest.TestCase):
    def test_addresses_come_from_the_bmc_spec(self):
        bmc = Bmc()
        self.assertEqual(get(bmc, 3), b"\x11\x7f\x00\x00\x01")
        self.assertEqual(get(bmc, 4), b"\x11\x01")  # static
        self.assertEqual(get(bmc, 5), b"\x11\x52\x54\x00\xaa\x00\x01")
        self.assertEqual(get(bmc, 6), b"\x11\xff\xff\x00\x00")
        self.assertEqual(get(bmc, 12), b"\x11\xac\x1f\x00\x01")
        self.assertEqual(get(bmc, 8), b"\x11" + (16001).to_bytes(2, "little"))
        self.assertEqual(get(bmc, 3, channel=0x0E), get(bmc, 3))

    def test_cipher_suites_3_and_17_for_admin(self):
        bmc = Bmc()
        self.assertEqual(get(bmc, 22), b"\x11\x02")
        entries = get(bmc, 23)
        self.assertEqual((len(entries), entries[2:4]), (18, b"\x03\x11"))
        self.assertEqual(get(bmc, 24)[1:4], b"\x00\x44\x00")

    def test_fixed_shapes(self):
        bmc = Bmc()
        for selector, length in (
            (0, 1),
            (1, 1),
            (2, 5),
            (7, 3),
            (13, 6),
            (14, 4),
            (16, 18),
            (17, 1),
            (20, 2),
            (21, 1),
            (26, 6),
        ):
            self.assertEqual(len(get(bmc, selector)) - 1, length, selector)
        self.assertEqual(bmc.ok(TRANSPORT, 0x02, b"\x81\x03\x00\x00"), b"\x11")

    def test_set_then_get_and_refusals(self):
        bmc = Bmc()
        bmc.ok(TRANSPORT, 0x01, b"\x01\x03\x0a\x01\x02\x03")
        self.assertEqual(get(bmc, 3), b"\x11\x0a\x01\x02\x03")
        self.assertEqual(bmc.call(TRANSPORT, 0x01, b"\x01\x05" + bytes(6)).completion_code, 0x82)
        self.assertEqual(
            bmc.call(TRANSPORT, 0x01, b"\x01\x03\x0a").completion_code, Completion.REQUEST_DATA_LENGTH_INVALID
        )
        self.assertEqual(bmc.call(TRANSPORT, 0x02, b"\x01\x63\x00\x00").completion_code, 0x80)
        self.assertEqual(bmc.call(TRANSPORT, 0x02, b"\x05\x03\x00\x00").completion_code, Completion.INVALID_DATA_FIELD)
        self.assertEqual(
            bmc.call(TRANSPORT, 0x02, b"\x01\x03\x00\x00", privilege=Privilege.USER).completion_code,
            Completion.INSUFFICIENT_PRIVILEGE,
        )

    def test_set_in_progress_protocol(self):
        bmc = Bmc()
        bmc.ok(TRANSPORT, 0x01, b"\x01\x00\x01")
        self.assertEqual(bmc.call(TRANSPORT, 0x01, b"\x01\x00\x01").completion_code, 0x81)
        bmc.ok(TRANSPORT, 0x01, b"\x01\x00\x02")
        self.assertEqual(get(bmc, 0), b"\x11\x00")


if __name__ == "__main__":
    unittest.main()
