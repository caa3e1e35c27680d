"""Chassis netfn: status bits, control, identify, POH and system boot options 0-5."""

import struct
import unittest

from rackharness.ipmi.completion_codes import Completion
from tests.support.virtual_node import Bmc

CHASSIS = 0x00
# What `ipmitool chassis bootdev pxe options=persistent,efiboot` sends (param 5).
BOOTDEV_PXE_PERSISTENT_EFI = b"\x05\xe0\x04\x00\x00\x00"
BOOTDEV_PXE_NEXT_BOOT = b"\x05\x80\x04\x00\x00\x00"


class StatusAndControlTest(unittest.TestCase):
    def test_status_follows_power_and_restore_policy(self):
        bmc = Bmc()
        status = bmc.ok(CHASSIS, 0x01)
        self.assertEqual(len(status), 4)
        self.assertEqual(status[0] & 0x01, 0)
        self.assertEqual((status[0] >> 5) & 0x03, 1)  # restore policy "previous"
        bmc.ok(CHASSIS, 0x02, b"\x01")
        status = bmc.ok(CHASSIS, 0x01)
        self.assertEqual(status[0] & 0x01, 1)
        self.assertEqual(status[1] & 0x10, 0x10)  # last power event: IPMI command
        self.assertEqual(status[2] & 0x40, 0x40)  # identify supported

    def test_control_cycle_while_off_is_not_supported_in_present_state(self):
        self.assertEqual(Bmc().call(CHASSIS, 0x02, b"\x02").completion_code, Completion.NOT_SUPPORTED_IN_PRESENT_STATE)

    def test_control_off_soft_and_diag(self):
        bmc = Bmc(initial_power="on")
        bmc.ok(CHASSIS, 0x02, b"\x04")
        bmc.ok(CHASSIS, 0x02, b"\x05")
        bmc.clock.advance(5)
        self.assertFalse(bmc.node.is_on)
        self.assertEqual(bmc.call(CHASSIS, 0x02, b"\x09").completion_code, Completion.INVALID_DATA_FIELD)

    def test_power_control_fault_bit_after_failed_power_on(self):
        bmc = Bmc(fault="power-on-fails")
        bmc.ok(CHASSIS, 0x02, b"\x01")
        status = bmc.ok(CHASSIS, 0x01)
        self.assertEqual(status[0] & 0x11, 0x10)

    def test_identify_state_bits(self):
        bmc = Bmc()
        bmc.ok(CHASSIS, 0x04, b"\x0a")
        self.assertEqual((bmc.ok(CHASSIS, 0x01)[2] >> 4) & 0x03, 1)
        bmc.ok(CHASSIS, 0x04, b"\x00\x01")
        self.assertEqual((bmc.ok(CHASSIS, 0x01)[2] >> 4) & 0x03, 2)
        bmc.ok(CHASSIS, 0x04, b"\x00\x00")
        self.assertEqual((bmc.ok(CHASSIS, 0x01)[2] >> 4) & 0x03, 0)

    def test_capabilities_and_restore_policy(self):
        bmc = Bmc()
        self.assertEqual(bmc.ok(CHASSIS, 0x00), bytes([0, 0x20, 0x20, 0x20, 0x20]))
        self.assertEqual(bmc.ok(CHASSIS, 0x06, b"\x02"), b"\x07")
        self.assertEqual((bmc.ok(CHASSIS, 0x01)[0] >> 5) & 0x03, 2)

    def test_poh_counter_counts_hours_on(self):
        bmc = Bmc()
        bmc.ok(CHASSIS, 0x02, b"\x01")
        bmc.clock.advance(3 * 3600 + 10)
        data = bmc.ok(CHASSIS, 0x0F)
        self.assertEqual(data[0], 60)
        self.assertEqual(struct.unpack("<I", data[1:5])[0], 3)


class BootOptionsTest(unittest.TestCase):
    def test_persistent_efi_pxe_round_trips(self):
        bmc = Bmc()
        bmc.ok(CHASSIS, 0x08, b"\x04\x01\x01")  # ipmitool first acknowledges boot info
        bmc.ok(CHASSIS, 0x08, BOOTDEV_PXE_PERSISTENT_EFI)
        self.assertEqual(bmc.ok(CHASSIS, 0x09, b"\x05\x00\x00"), b"\x01\x05\xe0\x04\x00\x00\x00")
        bmc.ok(CHASSIS, 0x02, b"\x01")
        bmc.ok(CHASSIS, 0x02, b"\x03")
        self.assertEqual(bmc.ok(CHASSIS, 0x09, b"\x05\x00\x00")[2:4], b"\xe0\x04")
        self.assertEqual(bmc.node.last_boot_device, "pxe")

    def test_next_boot_setting_is_cleared_by_power_on(self):
        bmc = Bmc()
        bmc.ok(CHASSIS, 0x08, BOOTDEV_PXE_NEXT_BOOT)
        bmc.ok(CHASSIS, 0x02, b"\x01")
        self.assertEqual(bmc.node.last_boot_device, "pxe")
        self.assertEqual(bmc.ok(CHASSIS, 0x09, b"\x05\x00\x00")[2:], bytes(5))

    def test_parameters_0_to_4(self):
        bmc = Bmc()
        bmc.ok(CHASSIS, 0x08, b"\x00\x01")
        self.assertEqual(bmc.ok(CHASSIS, 0x09, b"\x00\x00\x00"), b"\x01\x00\x01")
        self.assertEqual(bmc.call(CHASSIS, 0x08, b"\x00\x01").completion_code, 0x81)
        bmc.ok(CHASSIS, 0x08, b"\x00\x02")  # commit write
        self.assertEqual(bmc.ok(CHASSIS, 0x09, b"\x00\x00\x00")[2], 0)
        bmc.ok(CHASSIS, 0x08, b"\x03\x1f")
        self.assertEqual(bmc.ok(CHASSIS, 0x09, b"\x03\x00\x00")[2], 0x1F)
        bmc.ok(CHASSIS, 0x08, b"\x04\x03\x01")
        self.assertEqual(bmc.ok(CHASSIS, 0x09, b"\x04\x00\x00")[2:], b"\x00\x01")
        bmc.ok(CHASSIS, 0x08, b"\x81\x05")  # mark parameter 1 invalid
        self.assertEqual(bmc.ok(CHASSIS, 0x09, b"\x01\x00\x00"), b"\x01\x81\x05")

    def test_unsupported_parameter_and_bad_length(self):
        bmc = Bmc()
        self.assertEqual(bmc.call(CHASSIS, 0x09, b"\x07\x00\x00").completion_code, 0x80)
        self.assertEqual(bmc.call(CHASSIS, 0x08, b"\x06" + bytes(9)).completion_code, 0x80)
        self.assertEqual(
            bmc.call(CHASSIS, 0x08, b"\x05\x80\x04").completion_code, Completion.REQUEST_DATA_LENGTH_INVALID
        )


if __name__ == "__main__":
    unittest.main()
