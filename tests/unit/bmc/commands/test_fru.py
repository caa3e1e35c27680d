"""FRU 0: bytes parsed by pyghmi's FRU decoder and by FreeIPMI's ipmi-fru."""

import shutil
import struct
import subprocess
import tempfile
import unittest
from pathlib import Path

from pyghmi.ipmi.fru import FRU, unpack6bitascii

from rackharness.bmc.commands.fru_image import encode_field, pack_6bit_ascii
from rackharness.ipmi.completion_codes import Completion
from tests.support.virtual_node import Bmc

STORAGE = 0x0A


def read_fru(bmc, chunk=32) -> bytes:
    size = struct.unpack("<H", bmc.ok(STORAGE, 0x10, b"\x00")[:2])[0]
    image = b""
    while len(image) < size:
        data = bmc.ok(STORAGE, 0x11, struct.pack("<BHB", 0, len(image), min(chunk, size - len(image))))
        self_count, part = data[0], data[1:]
        assert self_count == len(part)
        image += part
    return image


class FruTest(unittest.TestCase):
    def test_pyghmi_parses_every_area(self):
        bmc = Bmc("dell-r630", serial="7XK9F42")
        info = FRU(rawdata=bytearray(read_fru(bmc))).info
        self.assertEqual(info["Chassis type"], "Rack Mount Chassis")
        self.assertEqual(info["Chassis serial number"], "7XK9F42")
        self.assertEqual(info["Board manufacture date"], "2016-02-04T14:52")
        self.assertEqual(info["Board manufacturer"], "DELL")
        self.assertEqual(info["Board serial number"], "CNFCP007XK9F42")
        self.assertEqual(info["Product name"], "PowerEdge R630")
        self.assertEqual(info["Serial Number"], "7XK9F42")
        self.assertEqual(info["Asset Number"], "node-1")

    def test_six_bit_field_decodes(self):
        info = FRU(rawdata=bytearray(read_fru(Bmc()))).info
        self.assertEqual(info["Chassis part number"], "31S2BCS0040")
        self.assertEqual(info["Board product name"], "S2B-MB")

    def test_header_and_area_checksums_are_zero_sums(self):
        image = read_fru(Bmc())
        self.assertEqual(image[0], 1)
        self.assertEqual(sum(image[:8]) & 0xFF, 0)
        for offset_byte in image[2:5]:
            start = offset_byte * 8
            length = image[start + 1] * 8
            self.assertEqual(sum(image[start : start + length]) & 0xFF, 0)
        self.assertEqual(len(image) % 8, 0)

    def test_read_limits(self):
        bmc = Bmc()
        self.assertEqual(
            bmc.call(STORAGE, 0x11, b"\x00\x00\x00\xf0").completion_code, Completion.CANNOT_RETURN_REQUESTED_BYTES
        )
        self.assertEqual(
            bmc.call(STORAGE, 0x11, b"\x00\x00\x10\x10").completion_code, Completion.PARAMETER_OUT_OF_RANGE
        )
        self.assertEqual(bmc.call(STORAGE, 0x10, b"\x01").completion_code, Completion.REQUESTED_DATA_NOT_PRESENT)
        size = struct.unpack("<H", bmc.ok(STORAGE, 0x10, b"\x00")[:2])[0]
        tail = bmc.ok(STORAGE, 0x11, struct.pack("<BHB", 0, size - 3, 16))
        self.assertEqual(tail[0], 3)

    def test_fields_encode_per_the_fru_spec(self):
        self.assertEqual(encode_field(""), b"\xc0")
        self.assertEqual(encode_field("A"), b"\xc2A ")  # never the C1h end marker
        packed = pack_6bit_ascii("IPMI")
        self.assertEqual(unpack6bitascii(bytearray(packed)), "IPMI")
        self.assertIsNone(pack_6bit_ascii("lower"))
        self.assertEqual(encode_field("lower", six_bit=True)[0], 0xC5)

    @unittest.skipUnless(shutil.which("ipmi-fru"), "FreeIPMI not installed")
    def test_freeipmi_reads_the_image(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "fru.bin"
            path.write_bytes(read_fru(Bmc(serial="ABC123")))
            out = subprocess.run(["ipmi-fru", f"--fru-file={path}"], capture_output=True, text=True, timeout=30).stdout
        self.assertIn("FRU Board Product Name: S2B-MB", out)
        self.assertIn("FRU Product Serial Number: ABC123", out)
        self.assertIn("FRU Board Manufacturing Date/Time: 09/21/15 - 08:00:00", out)


if __name__ == "__main__":
    unittest.main()
