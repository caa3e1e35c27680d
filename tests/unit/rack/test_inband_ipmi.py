"""In-band ipmitool: printed like ipmitool 1.8.19, decoded from what the node's BMC answers."""

import unittest

from rackharness.bmc.message import NetFn
from rackharness.rack.inband_ipmi import InBandIpmi, IpmiTool, decode_fru, format_sel_record
from tests.support.virtual_node import Bmc


def tool(profile="quanta-d51", **overrides):
    bmc = Bmc(profile, **overrides)
    return bmc, IpmiTool(InBandIpmi(bmc.handler))


def fields(text):
    """``Label : value`` lines as a dict (the way RackHD's parsers read them)."""
    return {k.strip(): v.strip() for k, _, v in (line.partition(" : ") for line in text.splitlines()) if _}


class IpmiToolTest(unittest.TestCase):
    def test_mc_info_is_the_device_id_the_bmc_answers(self):
        _, ipmitool = tool("quanta-d51")
        result = ipmitool.run(["mc", "info"])
        self.assertEqual(result.code, 0)
        self.assertTrue(result.stdout.startswith("Device ID                 : 32\n"), result.stdout)
        info = fields(result.stdout)
        self.assertEqual(info["Firmware Revision"], "3.16")
        self.assertEqual(info["Manufacturer ID"], "7244")
        self.assertEqual(info["Manufacturer Name"], "Quanta Computer Inc.")
        self.assertEqual(info["Product ID"], "3409 (0x0d51)")
        self.assertIn("    Chassis Device\nAux Firmware Rev Info     : \n    0x00\n", result.stdout)

    def test_fru_print_shows_the_node_identity(self):
        bmc, ipmitool = tool("dell-r630")
        text = ipmitool.run(["fru"]).stdout
        self.assertTrue(text.startswith("FRU Device Description : Builtin FRU Device (ID 0)\n"))
        self.assertIn(" Product Serial        : SN00001\n", text)
        self.assertIn(" Board Mfg Date        : Thu Feb  4 14:52:00 2016 UTC\n", text)
        self.assertIn(" Product Asset Tag     : node-1\n", text)
        self.assertTrue(text.endswith("\n\n"))
        self.assertEqual(ipmitool.run(["fru", "print"]).stdout, text)

    def test_six_bit_fru_fields_keep_their_padding(self):
        pairs = dict(decode_fru(IpmiTool(InBandIpmi(Bmc("quanta-d51").handler)).fru_image()))
        self.assertEqual(pairs["Chassis Part Number"], "31S2BCS0040 ")  # 6-bit ASCII pads to 4 characters
        self.assertNotIn("Product Asset Tag", pairs)  # empty fields are not printed

    def test_lan_print_follows_the_bmc_spec_and_its_overrides(self):
        bmc, ipmitool = tool()
        lan = fields(ipmitool.run(["lan", "print"]).stdout)
        self.assertEqual(
            (lan["IP Address"], lan["MAC Address"], lan["Subnet Mask"]),
            ("127.0.0.1", "52:54:00:aa:00:01", "255.255.0.0"),
        )
        self.assertEqual(lan["IP Address Source"], "Static Address")
        bmc.ok(NetFn.TRANSPORT, 0x01, bytes([1, 3, 10, 1, 2, 3]))  # Set LAN parameter 3: IP address
        self.assertEqual(fields(ipmitool.run(["lan", "print", "1"]).stdout)["IP Address"], "10.1.2.3")

    def test_other_channels_fail_like_ipmitool(self):
        _, ipmitool = tool()
        self.assertEqual(ipmitool.run(["lan", "print", "2"]).stderr, "Invalid channel: 2\n")
        self.assertEqual(ipmitool.run(["lan", "print", "2"]).code, 1)
        summary = ipmitool.run(["user", "summary", "3"])
        self.assertEqual((summary.code, summary.stderr), (1, "IPMI command failed: Invalid data field in request\n"))

    def test_users_show_names_and_privileges_never_passwords(self):
        _, ipmitool = tool()
        listing = ipmitool.run(["-c", "user", "list", "1"]).stdout.splitlines()
        self.assertEqual(
            listing[:3],
            ["1,,true,false,false,NO ACCESS", "2,admin,true,false,true,ADMINISTRATOR", "3,viewer,true,false,true,USER"],
        )
        self.assertEqual(len(listing), 10)
        table = ipmitool.run(["user", "list", "1"]).stdout
        self.assertIn("2   admin            true    false      true       ADMINISTRATOR\n", table)
        self.assertNotIn("viewer,viewer", table)
        self.assertEqual(fields(ipmitool.run(["user", "summary", "1"]).stdout)["Enabled User Count"], "2")

    def test_sel_is_the_nodes_log(self):
        bmc, ipmitool = tool()
        self.assertEqual(ipmitool.run(["sel", "list", "-c"]).stdout, "SEL has no entries\n")
        bmc.node.power_on()
        rows = ipmitool.run(["sel", "list", "-c"]).stdout.splitlines()
        self.assertEqual(
            [r.split(",")[3:] for r in rows],
            [
                ["System ACPI Power State #0x61", "S0/G0: working", "Asserted"],
                ["System Boot Initiated #0x62", "Initiated by power up", "Asserted"],
            ],
        )
        self.assertEqual(ipmitool.run(["-c", "sel", "list"]).stdout, "\n".join(rows) + "\n")
        info = fields(ipmitool.run(["sel"]).stdout)
        self.assertEqual((info["Entries"], info["Free Space"], info["Percent Used"]), ("2", "8160 bytes", "0%"))
        self.assertTrue(ipmitool.run(["sel"]).stdout.startswith("SEL Information\nVersion          : 1.5 (v1.5"))

    def test_sel_lines_in_both_layouts(self):
        record = bytes([0x0A, 0x00, 0x02, 0x00, 0xF1, 0x53, 0x65, 0x20, 0x00, 0x04, 0x01, 0x01, 0x81, 0x09, 0xFF, 0xFF])
        self.assertEqual(
            format_sel_record(record, csv=True),
            "a,11/14/23,22:13:20 UTC,Temperature #0x01,Upper Critical going high,Deasserted",
        )
        self.assertEqual(
            format_sel_record(record, csv=False),
            "   a | 11/14/23 | 22:13:20 UTC | Temperature #0x01 | Upper Critical going high | Deasserted",
        )

    def test_chassis_bootdev_sets_the_nodes_boot_flags(self):
        bmc, ipmitool = tool()
        self.assertEqual(ipmitool.run(["chassis", "bootdev", "pxe"]).stdout, "Set Boot Device to pxe\n")
        self.assertEqual((bmc.node.boot.device, bmc.node.boot.persistent), ("pxe", False))
        ipmitool.run(["chassis", "bootdev", "disk", "options=persistent,efiboot"])
        self.assertEqual((bmc.node.boot.device, bmc.node.boot.persistent, bmc.node.boot.efi), ("disk", True, True))
        self.assertEqual(ipmitool.run(["chassis", "power", "status"]).stdout, "Chassis Power is off\n")

    def test_anything_else_is_not_emulated(self):
        _, ipmitool = tool()
        for argv in (
            ["sdr"],
            ["lan", "set", "1", "ipaddr", "10.0.0.1"],
            ["-I", "lanplus", "mc", "info"],
            ["chassis", "bootdev", "usb"],
        ):
            result = ipmitool.run(argv)
            self.assertEqual(result.code, 127, argv)
            self.assertIn("command not found", result.stderr)
