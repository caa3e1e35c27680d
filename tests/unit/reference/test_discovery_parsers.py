"""RackHD's command parser in Python: each catalog task's output (shaped like the real tools', see
tests/support/discovery_outputs.py) becomes the catalog RackHD 2.60.7 would store, quirks included."""

import json
import unittest

from rackharness.reference.discovery import parsers
from tests.support import discovery_outputs as out

FILL = {
    "serial": "RH000001",
    "uuid": "0c6d1a4e-9a63-5c8d-8a9e-000000000001",
    "bmc_ip": "127.0.0.1",
    "bmc_mac": "52:54:00:00:01:b0",
    "product": "D51B-2U (dual 10G LoM)",
}


def reply(cmd, stdout, error=None, **extra):
    return {"cmd": cmd, "stdout": stdout, "stderr": "", "error": error, **extra}


def failure(cmd, code=1):
    """How bootstrap.js reports a failed exec: no stdout/stderr, error = node's exec error."""
    return {"cmd": cmd, "error": {"killed": False, "code": code, "signal": None, "cmd": cmd}}


class DmiTest(unittest.TestCase):
    def setUp(self):
        self.result = parsers.parse_task(reply("sudo dmidecode", out.DMIDECODE.format(**FILL)))
        self.data = self.result.data

    def test_sections_keys_and_lists(self):
        self.assertEqual((self.result.source, self.result.store, self.result.error), ("dmi", True, None))
        system = self.data["System Information"]
        self.assertEqual(system["Manufacturer"], "Quanta")
        self.assertEqual(system["Serial Number"], "RH000001")
        self.assertEqual(system["UUID"], FILL["uuid"])
        self.assertEqual(
            self.data["BIOS Information"]["Characteristics"],
            ["PCI is supported", "BIOS is upgradeable", "BIOS shadowing is allowed"],
        )
        self.assertEqual(
            self.data["Base Board Information"]["Features"], ["Board is a hosting board", "Board is replaceable"]
        )
        self.assertNotIn("End Of Table", self.data)
        self.assertNotIn("SMBIOS 2.8 present.", self.data)

    def test_repeated_sections_become_an_array(self):
        cpus = self.data["Processor Information"]
        self.assertEqual([cpu["Socket Designation"] for cpu in cpus], ["CPU0", "CPU1"])

    def test_a_count_followed_by_items_becomes_the_items(self):
        self.assertEqual(self.data["BIOS Language Information"]["Installable Languages"], ["en|US|iso8859-1"])
        self.assertEqual(self.data["Chassis Information"]["Contained Elements"], ["<OUT OF SPEC> (0)"])

    def test_only_the_text_between_the_first_two_colons_is_kept(self):
        text = "Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tVersion: 1:2:3\n\nEnd Of Table\n"
        self.assertEqual(
            parsers.parse_task(reply("sudo dmidecode", text)).data, {"System Information": {"Version": "1"}}
        )

    def test_a_failure_fails_the_task_and_garbage_raises(self):
        result = parsers.parse_task(failure("sudo dmidecode"))
        self.assertEqual((result.source, result.store), ("dmi", False))
        self.assertIn("code 1", result.error)
        with self.assertRaises(parsers.CatalogParseError):
            parsers.parse_task(reply("sudo dmidecode", "Handle 1\nSection\n\titem without key\n"))
        with self.assertRaises(parsers.CatalogParseError):
            parsers.parse_task({"cmd": "sudo dmidecode", "error": None})  # no stdout at all


class LanPrintTest(unittest.TestCase):
    def test_channel_1_is_the_bmc_catalog_with_a_lookup(self):
        result = parsers.parse_task(reply("sudo ipmitool lan print", out.LAN_PRINT.format(**FILL)))
        self.assertEqual((result.source, result.store), ("bmc", True))
        data = result.data
        self.assertEqual(data["IP Address"], "127.0.0.1")
        self.assertEqual(data["MAC Address"], "52:54:00:00:01:b0")
        self.assertEqual(data["IP Address Source"], "Static Address")
        self.assertEqual(
            data["Auth Type Enable"],
            {
                "Callback": "MD5 PASSWORD ",
                "User": "MD5 PASSWORD ",
                "Operator": "MD5 PASSWORD ",
                "Admin": "MD5 PASSWORD ",
                "OEM": "",
            },
        )
        self.assertEqual(data["Cipher Suite Priv Max"][:2], ["aaXXXXXXXXXXXXX", "X=Cipher Suite Unused"])
        self.assertEqual(len(data["Cipher Suite Priv Max"]), 7)
        self.assertNotIn("Invalid password disable", data)  # no " : " on that line
        self.assertEqual(result.lookups, [{"ip": "127.0.0.1", "mac": "52:54:00:00:01:b0"}])

    def test_other_channels_and_errors(self):
        self.assertEqual(
            parsers.parse_task(reply("sudo ipmitool lan print 2", "MAC Address : 02:00:00:00:00:01\n")).source, "bmc-2"
        )
        self.assertEqual(parsers.parse_task(reply("sudo ipmitool lan print 3", "IP Address : 0.0.0.0\n")).source, "rmm")
        missing = parsers.parse_task(failure("sudo ipmitool lan print 2"))
        self.assertEqual((missing.source, missing.store, missing.error), ("bmc-2", False, None))
        first = parsers.parse_task(failure("sudo ipmitool lan print"))
        self.assertEqual(first.source, "bmc")
        self.assertIsNotNone(first.error)

    def test_unset_bmc_is_not_stored_and_no_address_no_lookup(self):
        text = "IP Address              : 0.0.0.0\nMAC Address             : 00:00:00:00:00:00\n"
        result = parsers.parse_task(reply("sudo ipmitool lan print", text))
        self.assertEqual((result.store, result.lookups), (False, []))


class IpmiCatalogsTest(unittest.TestCase):
    def test_sel_information(self):
        result = parsers.parse_task(reply("sudo ipmitool sel", out.SEL_INFO))
        self.assertEqual(result.source, "ipmi-sel-information")
        self.assertEqual(result.data["Entries"], "2")
        self.assertEqual(result.data["# Free Units"], "510")
        self.assertEqual(result.data["Last Add Time"], "11/21/2026 13:39:45")

    def test_sel_list(self):
        result = parsers.parse_task(reply("sudo ipmitool sel list -c", out.SEL_LIST))
        self.assertEqual(result.source, "ipmi-sel")
        self.assertEqual(result.data["1"], ["11/21/2026", "13:39:40", "Power Unit #0x51", "Power off/down", "Asserted"])
        self.assertEqual(parsers.parse_task(reply("sudo ipmitool sel list -c", "")).data, {})

    def test_mc_info(self):
        data = parsers.parse_task(reply("sudo ipmitool mc info", out.MC_INFO)).data
        self.assertEqual(data["Manufacturer Name"], "Quanta Computer Inc.")
        self.assertEqual(data["Firmware Revision"], "3.16")
        self.assertEqual(data["Additional Device Support"][0], "Sensor Device")
        self.assertEqual(len(data["Additional Device Support"]), 7)
        self.assertEqual(data["Aux Firmware Rev Info"], ["0x00"] * 4)
        self.assertIsNotNone(parsers.parse_task(reply("sudo ipmitool mc info", "")).error)

    def test_fru_keeps_text_up_to_the_second_colon(self):
        data = parsers.parse_task(reply("sudo ipmitool fru", out.FRU.format(**FILL))).data
        fru = data["Builtin FRU Device (ID 0)"]
        self.assertEqual(fru["Product Serial"], "RH000001")
        self.assertEqual(fru["Product Name"], "D51B-2U (dual 10G LoM)")
        self.assertEqual(fru["Board Mfg Date"], "Mon Sep 21 08")
        self.assertEqual(fru["Chassis Part Number"], "31S2BCS0040")

    def test_user_summary_and_list(self):
        summary = parsers.parse_task(reply("sudo ipmitool user summary 1", out.USER_SUMMARY))
        self.assertEqual(
            (summary.source, summary.data),
            ("ipmi-user-summary-1", {"Maximum IDs": "10", "Enabled User Count": "1", "Fixed Name Count": "1"}),
        )
        users = parsers.parse_task(reply("sudo ipmitool -c user list 1", out.USER_LIST_CSV))
        self.assertEqual(users.source, "ipmi-user-list-1")
        # ipmitool -c prints no header: RackHD 2.60.7 names the columns as ipmitool's table does, every row a user
        # (../shared/rackhd-captures: "1": {"ID": "1", "Name": "", "Callin": "true", ...})
        row = {"Callin": "true", "Link Auth": "false"}
        self.assertEqual(
            users.data,
            {
                "1": {**row, "ID": "1", "Name": "", "IPMI Msg": "false", "Channel Priv Limit": "NO ACCESS"},
                "2": {**row, "ID": "2", "Name": "admin", "IPMI Msg": "true", "Channel Priv Limit": "ADMINISTRATOR"},
                "3": {**row, "ID": "3", "Name": "", "IPMI Msg": "false", "Channel Priv Limit": "NO ACCESS"},
            },
        )
        self.assertEqual(
            parsers.parse_task(reply("sudo ipmitool -c user list 3", "1,a\n2,b\n")).source, "rmm-user-list"
        )
        channel_2 = parsers.parse_task(failure("sudo ipmitool user summary 2"))
        self.assertEqual((channel_2.source, channel_2.store, channel_2.error), ("ipmi-user-summary-2", False, None))


class HostCatalogsTest(unittest.TestCase):
    def test_lspci_splits_like_javascript(self):
        result = parsers.parse_task(reply("sudo lspci -nn -vmm", out.LSPCI))
        self.assertEqual(result.source, "lspci")
        self.assertEqual(len(result.data), 2)
        nic = result.data[1]
        self.assertEqual(nic["Class"], "Ethernet controller [0200]")
        self.assertEqual(nic["Device"], "82599ES 10-Gigabit SFI/SFP+ Network Connection [10fb]")
        self.assertEqual(nic["Slot"], "01")  # "Slot:\t01:00.0".split(/:[\t\s]?/, 2)

    def test_lshw_with_nic_lookups(self):
        macs = ["52:54:00:00:01:00", "52:54:00:00:01:01"]
        result = parsers.parse_task(reply("sudo lshw -json", out.lshw(macs)))
        self.assertEqual((result.source, result.store), ("lshw", True))
        self.assertEqual(result.data["product"], "D51B-2U (dual 10G LoM)")
        self.assertEqual(result.lookups, [{"mac": mac} for mac in macs])
        broken = parsers.parse_task(reply("sudo lshw -json", json.dumps([{"id": "x"}])))  # newer lshw: a list
        self.assertIsNotNone(broken.error)

    def test_lsscsi_with_rotation(self):
        result = parsers.parse_task(reply(parsers.LSSCSI, out.LSBLK_LSSCSI))
        self.assertEqual(result.source, "lsscsi")
        first, second = result.data
        self.assertEqual((first["devicePath"], first["size"], first["rotational"]), ("/dev/sda", "1.00TB", True))
        self.assertEqual(second["modelName"], "INTEL SSDSC2BB48")  # words of the model joined back
        self.assertEqual((second["revisionString"], second["rotational"]), ("0370", False))

    def test_ohai_and_lldp(self):
        self.assertEqual(
            parsers.parse_task(reply(parsers.OHAI, '{"ipaddress": "1.2.3.4"}')).data, {"ipaddress": "1.2.3.4"}
        )
        lldp = parsers.parse_task(reply(parsers.LLDP, "lldp.eth0.chassis.name=sw1\nlldp.eth0.port.ifname=Eth1/3\n"))
        self.assertEqual(lldp.data, {"eth0": {"chassis": {"name": "sw1"}, "port": {"ifname": "Eth1/3"}}})


class DispatchTest(unittest.TestCase):
    def test_unknown_command(self):
        result = parsers.parse_task(reply("sudo dmidecode -t 1", "x"))
        self.assertEqual(result.error, "No parser exists for command sudo dmidecode -t 1")

    def test_parse_unknown_formats(self):
        self.assertEqual(parsers.parse_unknown(reply("x", '{"a": 1}', source="custom", format="json")).data, {"a": 1})
        self.assertEqual(parsers.parse_unknown(reply("x", "text", source="raw", format="raw")).data, {"data": "text"})
        self.assertEqual(parsers.parse_unknown(reply("x", "", source="raw", format="raw")).error, "No data")

    def test_js_helpers(self):
        self.assertTrue(parsers.js_truthy({}))
        self.assertFalse(parsers.js_truthy(""))
        self.assertEqual(parsers.js_parse_int(" 12 kB"), 12)
        self.assertIsNone(parsers.js_parse_int("en|US"))
