"""Every node of a real local rack, checked with the real clients RackHD and operators use.

ipmitool -I lanplus with no -C (what RackHD runs), -C 3 and -C 17; FreeIPMI over LAN_2_0; and
pyghmi's client — each against every node, with the content checked against the node's spec
and hardware profile (never against the BMC code itself).
"""

import re
import unittest

from pyghmi.ipmi.command import Command

from rackharness.rack.layout import PACKAGED_PROFILES
from rackharness.rack.profile import ProfileLibrary
from tests.functional.checkers import fields, freeipmi, ipmitool, require
from tests.functional.stack_fixture import PrivateStack

CIPHERS = (None, 3, 17)


def setUpModule():
    global STACK, NODES, PROFILES
    require("ipmitool")
    STACK = PrivateStack(nodes=4)
    unittest.addModuleCleanup(STACK.cleanup)
    STACK.up()
    NODES = STACK.info().nodes
    PROFILES = ProfileLibrary(PACKAGED_PROFILES)


class IpmitoolTest(unittest.TestCase):
    def run_ok(self, node, *command, cipher=None):
        result = ipmitool(node, *command, cipher=cipher)
        self.assertEqual(
            result.returncode, 0, f"{node.name} `ipmitool {' '.join(command)}` (-C {cipher}): {result.stderr}"
        )
        return result.stdout

    def test_power_status_on_off_cycle_with_every_cipher_choice(self):
        for node in NODES:
            for cipher in CIPHERS:
                with self.subTest(node=node.name, cipher=cipher):
                    self.run_ok(node, "chassis", "power", "off", cipher=cipher)
                    self.assertIn(
                        "Chassis Power is off", self.run_ok(node, "chassis", "power", "status", cipher=cipher)
                    )
                    self.run_ok(node, "chassis", "power", "on", cipher=cipher)
                    self.assertIn("Chassis Power is on", self.run_ok(node, "chassis", "power", "status", cipher=cipher))
                    self.run_ok(node, "chassis", "power", "cycle", cipher=cipher)
                    self.assertIn("Chassis Power is on", self.run_ok(node, "chassis", "power", "status", cipher=cipher))

    def test_mc_info_matches_the_profile(self):
        for node in NODES:
            device = PROFILES.get(node.profile).device
            for cipher in CIPHERS:
                with self.subTest(node=node.name, cipher=cipher):
                    info = fields(self.run_ok(node, "mc", "info", cipher=cipher))
                    self.assertEqual(info["Manufacturer ID"], str(device.manufacturer_id))
                    self.assertEqual(info["IPMI Version"], "2.0")
                    self.assertIn(f"{device.product_id:#06x}", info["Product ID"])

    def test_bootdev_pxe_persistent_efi_round_trip(self):
        for node in NODES:
            with self.subTest(node=node.name):
                self.run_ok(node, "chassis", "bootdev", "pxe", "options=persistent,efiboot")
                flags = self.run_ok(node, "chassis", "bootparam", "get", "5")
                self.assertIn("Options apply to all future boots", flags)
                self.assertIn("BIOS EFI boot", flags)
                self.assertIn("Force PXE", flags)
                self.run_ok(node, "chassis", "bootdev", "disk")
                flags = self.run_ok(node, "chassis", "bootparam", "get", "5")
                self.assertIn("Force Boot from default Hard-Drive", flags)
                self.assertIn("Options apply to only next boot", flags)
                self.assertIn("BIOS PC Compatible (legacy) boot", flags)

    def test_sdr_list_has_every_profile_sensor_and_follows_power(self):
        for node in NODES:
            sensors = PROFILES.get(node.profile).sensors
            with self.subTest(node=node.name):
                self.run_ok(node, "chassis", "power", "off")
                off = self._readings(self.run_ok(node, "sdr", "list"))
                self.run_ok(node, "chassis", "power", "on")
                on = self._readings(self.run_ok(node, "sdr", "list"))
                for sensor in sensors:
                    self.assertIn(sensor.name[:16], on, f"{sensor.name} missing from `sdr list`")
                fans = [s.name[:16] for s in sensors if s.sensor_type == 0x04]
                self.assertTrue(fans)
                for fan in fans:
                    self.assertEqual(self._number(off[fan]), 0, f"{fan} spins while the node is off")
                    self.assertGreater(self._number(on[fan]), 1000, f"{fan} does not spin while the node is on")

    def test_sel_records_power_transitions_and_clears(self):
        for node in NODES:
            with self.subTest(node=node.name):
                self.run_ok(node, "sel", "clear")
                self.run_ok(node, "chassis", "power", "off")
                self.run_ok(node, "chassis", "power", "on")
                listing = self.run_ok(node, "sel", "list").strip().splitlines()
                self.assertGreaterEqual(len(listing), 2, listing)
                self.assertTrue(any("Power" in line or "ACPI" in line for line in listing), listing)
                info = fields(self.run_ok(node, "sel", "info"))
                self.assertEqual(int(info["Entries"]), len(listing))
                self.run_ok(node, "sel", "clear")
                after = self.run_ok(node, "sel", "list").strip().splitlines()
                self.assertLessEqual(len(after), 1, after)  # at most the "log cleared" entry

    def test_fru_print_shows_the_node_identity(self):
        for node in NODES:
            fru = PROFILES.get(node.profile).fru
            with self.subTest(node=node.name):
                printed = fields(self.run_ok(node, "fru", "print", "0"))
                self.assertEqual(printed["Board Mfg"], fru.board_manufacturer)
                self.assertEqual(printed["Board Product"], fru.board_product)
                self.assertEqual(printed["Product Manufacturer"], fru.product_manufacturer)
                self.assertEqual(printed["Product Name"], fru.product_name)
                self.assertEqual(printed["Product Serial"], fru.product_serial.replace("{serial}", node.serial))
                self.assertEqual(printed["Board Part Number"], fru.board_part_number)

    def test_lan_print_shows_the_bmc_address_and_mac(self):
        for node in NODES:
            with self.subTest(node=node.name):
                lan = fields(self.run_ok(node, "lan", "print", "1"))
                self.assertEqual(lan["IP Address"], node.bmc.host)
                self.assertEqual(lan["MAC Address"], node.bmc_mac)
                self.assertEqual(lan["IP Address Source"], "Static Address")

    def test_user_list_shows_the_configured_admin(self):
        for node in NODES:
            with self.subTest(node=node.name):
                rows = [line.split() for line in self.run_ok(node, "user", "list", "1").splitlines()[1:]]
                admin = [row for row in rows if len(row) > 1 and row[1] == node.bmc.user]
                self.assertEqual(len(admin), 1, rows)
                self.assertEqual(admin[0][-1], "ADMINISTRATOR")

    def test_wrong_password_and_unknown_user_fail_fast(self):
        node = NODES[0]
        for kwargs in ({"password": "wrong-password"}, {"user": "nobody"}):
            with self.subTest(**kwargs):
                result = ipmitool(node, "chassis", "power", "status", timeout=5, **kwargs)
                self.assertNotEqual(result.returncode, 0)
                self.assertNotIn("Chassis Power", result.stdout)

    @staticmethod
    def _readings(output):
        return {line.split("|")[0].strip(): line.split("|")[1].strip() for line in output.splitlines() if "|" in line}

    @staticmethod
    def _number(reading):
        match = re.match(r"([\d.]+)", reading)
        return float(match.group(1)) if match else 0.0


class FreeIpmiTest(unittest.TestCase):
    def setUp(self):
        require("ipmipower")

    def test_ipmi_power_bmc_info_and_sensors(self):
        for node in NODES:
            with self.subTest(node=node.name):
                power = freeipmi("ipmipower", node, "--stat")
                self.assertEqual(power.returncode, 0, power.stderr)
                self.assertRegex(power.stdout, r": (on|off)\s*$")
                info = freeipmi("bmc-info", node)
                self.assertEqual(info.returncode, 0, info.stderr)
                self.assertIn("IPMI Version", info.stdout)
                cache = STACK.state_dir / f"freeipmi-{node.name}"
                cache.mkdir(mode=0o700, exist_ok=True)
                sensors = freeipmi(
                    "ipmi-sensors", node, "--sdr-cache-recreate", "--quiet-cache", f"--sdr-cache-directory={cache}"
                )
                self.assertEqual(sensors.returncode, 0, sensors.stderr)
                for sensor in PROFILES.get(node.profile).sensors:
                    self.assertIn(sensor.name[:16], sensors.stdout)


class PyghmiTest(unittest.TestCase):
    def test_login_power_and_boot_device(self):
        for node in NODES:
            with self.subTest(node=node.name):
                ipmi = Command(bmc=node.bmc.host, port=node.bmc.port, userid=node.bmc.user, password=node.bmc.password)
                ipmi.set_power("off", wait=True)
                self.assertEqual(ipmi.get_power()["powerstate"], "off")
                ipmi.set_power("on", wait=True)
                self.assertEqual(ipmi.get_power()["powerstate"], "on")
                ipmi.set_bootdev("network", persist=True, uefiboot=True)
                boot = ipmi.get_bootdev()
                self.assertEqual(boot["bootdev"], "network")
                self.assertTrue(boot["persistent"])
                self.assertEqual(boot.get("uefimode"), True)
