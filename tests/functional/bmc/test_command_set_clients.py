"""The node command set (NodeCommandHandler) behind the real BmcServer, judged by the real
clients: ipmitool (`mc info`, `sdr list`, `sel list`, `fru print`, `lan print`, `user list`,
`chassis bootdev` / `bootparam get 5`, `mc guid`) and FreeIPMI (bmc-info, ipmi-sensors,
ipmi-sel, ipmi-fru), over loopback UDP. Each client test is skipped only when its binary is
not installed.
"""

import asyncio
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unittest
import uuid

from rackharness.bmc.commands.app import ipmi_guid
from rackharness.bmc.commands.dispatch import NodeCommandHandler
from rackharness.bmc.server import BmcEndpoint, BmcServer
from rackharness.rack.node import VirtualNode
from tests.support.virtual_node import PROFILES, node_spec

HOST = "127.0.0.1"
PASSWORD = "admin"


def requires(binary):
    return unittest.skipUnless(shutil.which(binary), f"{binary} binary is not installed")


class NodeBehindServer(unittest.TestCase):
    """One Quanta node (the RackHD reference hardware) served on an asyncio loop thread."""

    profile = "quanta-d51"

    @classmethod
    def setUpClass(cls):
        cls.loop = asyncio.new_event_loop()
        cls.thread = threading.Thread(target=cls.loop.run_forever, daemon=True)
        cls.thread.start()
        spec = node_spec(profile=cls.profile, serial="QX0042")
        cls.node = VirtualNode(spec, PROFILES.get(cls.profile), cls.loop)
        cls.server = BmcServer()
        # The session layer answers Get System GUID itself, with these bytes: IPMI order.
        endpoint = cls.on_loop(
            cls.server.add(
                BmcEndpoint(
                    HOST, 0, cls.node.users, NodeCommandHandler(cls.node), ipmi_guid(uuid.UUID(spec.uuid)), spec.name
                )
            )
        )
        cls.port = endpoint.port
        cls.cache = tempfile.mkdtemp(prefix="fipmi-")
        os.chmod(cls.cache, 0o700)

    @classmethod
    def tearDownClass(cls):
        async def close():
            cls.server.close()

        cls.on_loop(close())
        cls.loop.call_soon_threadsafe(cls.loop.stop)
        cls.thread.join(5)
        cls.loop.close()
        shutil.rmtree(cls.cache, ignore_errors=True)

    @classmethod
    def on_loop(cls, coro):
        return asyncio.run_coroutine_threadsafe(coro, cls.loop).result(10)

    def node_call(self, function):
        async def wrapper():
            return function()

        return self.on_loop(wrapper())

    def run_tool(self, *argv):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, f"{' '.join(argv)}: {done.stderr}")
        return done.stdout

    def ipmitool(self, *args):
        return self.run_tool(
            "ipmitool",
            "-I",
            "lanplus",
            "-H",
            HOST,
            "-p",
            str(self.port),
            "-U",
            "admin",
            "-P",
            PASSWORD,
            "-N",
            "2",
            "-R",
            "3",
            *args,
        )

    def freeipmi(self, tool, *args):
        return self.run_tool(tool, "-h", f"{HOST}:{self.port}", "-u", "admin", "-p", PASSWORD, "-D", "LAN_2_0", *args)


@requires("ipmitool")
class IpmitoolTest(NodeBehindServer):
    def test_mc_info_and_guid(self):
        out = self.ipmitool("mc", "info")
        self.assertRegex(out, r"Manufacturer ID\s+: 7244")
        self.assertRegex(out, r"Firmware Revision\s+: 3\.16")
        guid = self.ipmitool("mc", "guid")
        self.assertIn(self.node.spec.uuid.lower(), guid)
        self.assertRegex(guid, r"GUID Encoding\s+: IPMI")

    def test_sdr_list_names_every_sensor_and_reads_them(self):
        self.node_call(self.node.power_on)
        out = self.ipmitool("sdr", "list")
        for sensor in self.node.profile.sensors:
            self.assertIn(sensor.name, out)
        self.assertRegex(out, r"Volt_P12V\s+\| 12\.\d+ Volts\s+\| ok")
        self.assertRegex(out, r"Fan_SYS0_1\s+\| \d{4} RPM\s+\| ok")
        self.assertRegex(out, r"Power_SYS\s+\| \d+ Watts\s+\| ok")
        self.assertNotIn("| cr", out)

    def test_sel_list_shows_power_transitions(self):
        self.node_call(self.node.power_on)
        self.node_call(self.node.power_off)
        out = self.ipmitool("sel", "list")
        self.assertIn("S0/G0: working", out)
        self.assertIn("S5/G2: soft-off", out)
        self.assertIn("Power off/down", out)

    def test_fru_print(self):
        out = self.ipmitool("fru", "print", "0")
        self.assertRegex(out, r"Board Product\s+: S2B-MB")
        self.assertRegex(out, r"Board Serial\s+: QTF3ESQX0042")
        self.assertRegex(out, r"Product Name\s+: D51B-2U \(dual 10G LoM\)")
        self.assertRegex(out, r"Board Mfg Date\s+: Mon Sep 21 08:00:00 2015")

    def test_lan_print(self):
        out = self.ipmitool("lan", "print", "1")
        self.assertRegex(out, r"IP Address\s+: 127\.0\.0\.1")
        self.assertRegex(out, r"MAC Address\s+: 52:54:00:aa:00:01")
        self.assertRegex(out, r"IP Address Source\s+: Static Address")
        self.assertRegex(out, r"RMCP\+ Cipher Suites\s+: 3,17")

    def test_user_list(self):
        out = self.ipmitool("user", "list", "1")
        self.assertRegex(out, r"2\s+admin\s+true\s+false\s+true\s+ADMINISTRATOR")
        self.assertRegex(out, r"3\s+viewer\s+true\s+false\s+true\s+USER")

    def test_bootdev_persistent_efi_reads_back(self):
        self.ipmitool("chassis", "bootdev", "pxe", "options=persistent,efiboot")
        out = self.ipmitool("chassis", "bootparam", "get", "5")
        self.assertIn("Boot Flag Valid", out)
        self.assertIn("Options apply to all future boots", out)
        self.assertIn("BIOS EFI boot", out)
        self.assertIn("Force PXE", out)

    def test_power_commands(self):
        self.ipmitool("chassis", "power", "off")
        self.assertIn("Chassis Power is off", self.ipmitool("chassis", "power", "status"))
        self.ipmitool("chassis", "power", "on")
        self.assertRegex(self.ipmitool("chassis", "status"), r"System Power\s+: on")


class FreeIpmiTest(NodeBehindServer):
    profile = "dell-r630"

    @requires("bmc-info")
    def test_bmc_info_accepts_the_device_id(self):
        out = self.freeipmi("bmc-info")
        self.assertRegex(out, r"Manufacturer ID\s+: Dell Inc\. \(674\)")
        self.assertRegex(out, r"IPMI Version\s+: 2\.0")
        self.assertIn(self.node.spec.uuid.lower(), out)

    @requires("ipmi-sensors")
    def test_ipmi_sensors(self):
        self.node_call(self.node.power_on)
        out = self.freeipmi("ipmi-sensors", f"--sdr-cache-directory={self.cache}")
        self.assertRegex(out, r"Inlet Temp\s+\| Temperature\s+\| 2\d\.00\s+\| C\s+\| 'OK'")
        self.assertRegex(out, r"Pwr Consumption\s+\| Other Units Based Sensor \| \d+\.00\s+\| W")
        self.assertRegex(out, r"PS1 Status\s+\| Power Supply\s+\| N/A\s+\| N/A\s+\| 'Presence detected'")
        self.assertEqual(len(re.findall(r"^\d+\s+\|", out, re.M)), len(self.node.profile.sensors))

    @requires("ipmi-sel")
    def test_ipmi_sel(self):
        self.node_call(self.node.power_on)
        out = self.freeipmi("ipmi-sel", f"--sdr-cache-directory={self.cache}")
        self.assertIn("Initiated by power up", out)

    @requires("ipmi-fru")
    def test_ipmi_fru(self):
        out = self.freeipmi("ipmi-fru", f"--sdr-cache-directory={self.cache}")
        self.assertIn("FRU Board Product Name: PowerEdge R630", out)
        self.assertIn("FRU Product Serial Number: QX0042", out)


if __name__ == "__main__":
    unittest.main()
