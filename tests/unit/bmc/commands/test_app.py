"""App netfn commands: Get Device ID layout, GUIDs, channels, users, system info."""

import struct
import unittest
import uuid

from rackharness.bmc.message import Privilege
from rackharness.ipmi.completion_codes import Completion
from tests.support.virtual_node import Bmc

APP = 0x06


class DeviceIdTest(unittest.TestCase):
    def test_get_device_id_is_the_15_byte_layout_of_table_20_2(self):
        data = Bmc("dell-r630").ok(APP, 0x01)
        self.assertEqual(len(data), 15)
        device_id, revision, fw_major, fw_minor, ipmi_version, support = data[:6]
        self.assertEqual((device_id, revision & 0x0F, fw_major, fw_minor, ipmi_version), (0x20, 1, 2, 0x41, 0x02))
        self.assertEqual(support, 0xBF)
        self.assertEqual(int.from_bytes(data[6:9], "little"), 674)
        self.assertEqual(struct.unpack("<H", data[9:11])[0], 0x0100)
        self.assertEqual(data[11:15], bytes([0, 0x0A, 0, 0]))

    def test_quanta_manufacturer_id(self):
        self.assertEqual(int.from_bytes(Bmc().ok(APP, 0x01)[6:9], "little"), 7244)

    def test_system_guid_is_the_node_uuid_in_ipmi_byte_order(self):
        bmc = Bmc()
        data = bmc.ok(APP, 0x37)
        self.assertEqual(uuid.UUID(bytes=data[::-1]), uuid.UUID(bmc.node.spec.uuid))

    def test_device_guid_is_stable_and_differs_from_the_system_guid(self):
        bmc = Bmc()
        self.assertEqual(bmc.ok(APP, 0x08), Bmc().ok(APP, 0x08))
        self.assertNotEqual(bmc.ok(APP, 0x08), bmc.ok(APP, 0x37))

    def test_self_test_passes_and_resets_are_accepted(self):
        bmc = Bmc()
        self.assertEqual(bmc.ok(APP, 0x04), b"\x55\x00")
        bmc.ok(APP, 0x02)
        bmc.ok(APP, 0x03)
        self.assertEqual(bmc.ok(APP, 0x2F), b"\x0c")


class ChannelTest(unittest.TestCase):
    def test_lan_channel_info_for_the_current_channel(self):
        data = Bmc().ok(APP, 0x42, b"\x0e")
        self.assertEqual(data[:3], bytes([1, 0x04, 0x01]))  # channel 1, 802.3 LAN, IPMB-1.0
        self.assertEqual(data[3] & 0xC0, 0x80)  # multi-session
        self.assertEqual(data[4:7], b"\xf2\x1b\x00")  # IPMI forum IANA 7154

    def test_missing_channel_is_invalid_data_field(self):
        self.assertEqual(Bmc().call(APP, 0x42, b"\x05").completion_code, Completion.INVALID_DATA_FIELD)

    def test_channel_access(self):
        self.assertEqual(Bmc().ok(APP, 0x41, b"\x01\x40"), bytes([0x02, 0x04]))


class UserTest(unittest.TestCase):
    def test_user_access_reports_slots_enabled_count_and_privilege(self):
        bmc = Bmc()
        self.assertEqual(bmc.ok(APP, 0x44, b"\x01\x02"), bytes([10, 0x40 | 2, 1, 0x14]))
        self.assertEqual(bmc.ok(APP, 0x44, b"\x01\x03")[3], 0x12)  # viewer: USER
        self.assertEqual(bmc.ok(APP, 0x44, b"\x01\x01")[1] & 0xC0, 0x80)  # null user disabled
        self.assertEqual(bmc.ok(APP, 0x44, b"\x01\x05")[3], 0x0F)  # empty slot: no access
        self.assertEqual(bmc.call(APP, 0x44, b"\x01\x0b").completion_code, Completion.INVALID_DATA_FIELD)

    def test_user_name_is_16_bytes_zero_padded(self):
        bmc = Bmc()
        self.assertEqual(bmc.ok(APP, 0x46, b"\x02"), b"admin".ljust(16, b"\0"))
        self.assertEqual(bmc.ok(APP, 0x46, b"\x07"), bytes(16))

    def test_create_user_set_password_enable_and_test(self):
        bmc = Bmc()
        bmc.ok(APP, 0x45, b"\x04" + b"ops".ljust(16, b"\0"))
        bmc.ok(APP, 0x47, b"\x04\x02" + b"secret".ljust(16, b"\0"))
        bmc.ok(APP, 0x47, b"\x04\x01")
        bmc.ok(APP, 0x43, b"\x91\x04\x03")
        user = bmc.node.users.by_name("ops")
        self.assertEqual(
            (user.password, user.privilege_limit, user.ipmi_messaging), ("secret", Privilege.OPERATOR, True)
        )
        bmc.ok(APP, 0x47, b"\x84\x03" + b"secret".ljust(20, b"\0"))
        self.assertEqual(bmc.call(APP, 0x47, b"\x04\x03" + b"wrong".ljust(16, b"\0")).completion_code, 0x80)

    def test_user_administration_needs_admin(self):
        response = Bmc().call(APP, 0x45, b"\x04" + bytes(16), privilege=Privilege.OPERATOR)
        self.assertEqual(response.completion_code, Completion.INSUFFICIENT_PRIVILEGE)


class SystemInfoTest(unittest.TestCase):
    def test_firmware_version_and_system_name(self):
        bmc = Bmc()
        firmware = bmc.ok(APP, 0x59, b"\x00\x01\x00\x00")
        self.assertEqual(firmware[0], 0x11)
        self.assertEqual(firmware[4 : 4 + firmware[3]], b"S2B_3A19")
        name = bmc.ok(APP, 0x59, b"\x00\x02\x00\x00")
        self.assertEqual(name[4 : 4 + name[3]], b"node-1")
        self.assertEqual(bmc.call(APP, 0x59, b"\x00\x09\x00\x00").completion_code, 0x80)


if __name__ == "__main__":
    unittest.main()
