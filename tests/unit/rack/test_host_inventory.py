"""The host inventory the microkernel's tools print: derived from the profile, agreeing with the spec and BMC."""

import json
import re
import unittest

from rackharness.rack.host_inventory import HostInventory
from tests.support.virtual_node import make_node

MACS = ["52:54:00:00:01:00", "52:54:00:00:01:01", "52:54:00:00:01:02", "52:54:00:00:01:03"]


def inventory(profile="quanta-d51"):
    node, _ = make_node(profile, macs=MACS[:2] if profile == "quanta-d51" else MACS, ip="172.31.128.2")
    return HostInventory(node)


def parse_dmi(text):
    """RackHD's dmi parser in short: sections between 'Handle' lines, tab-indented 'key: value'."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Handle"))
    end = max(i for i, line in enumerate(lines) if line == "End Of Table")
    parsed, key, sub = {}, None, None
    for line in lines[start:end]:
        if line.startswith("Handle"):
            continue
        if not line:
            key = None
        elif key is None:
            key = line.strip()
            if key in parsed:
                parsed[key] = parsed[key] if isinstance(parsed[key], list) else [parsed[key]]
                parsed[key].append({})
            else:
                parsed[key] = {}
        else:
            target = parsed[key][-1] if isinstance(parsed[key], list) else parsed[key]
            if line.endswith(":"):
                sub = line.split(":")[0].strip()
                target[sub] = []
            elif ":" in line:
                name, _, value = line.partition(":")
                target[name.strip()] = value.strip()
            else:
                target[sub].append(line.strip())
    return parsed


class HostInventoryTest(unittest.TestCase):
    def test_dmidecode_carries_the_nodes_serial_and_uuid(self):
        inv = inventory()
        dmi = parse_dmi(inv.dmidecode())
        system = dmi["System Information"]
        self.assertEqual(system["Serial Number"], "SN00001")
        self.assertEqual(system["UUID"], inv.spec.uuid.upper())
        self.assertEqual(system["Product Name"], "D51B-2U (dual 10G LoM)")
        self.assertEqual(len(dmi["Processor Information"]), 2)
        self.assertEqual(len(dmi["Memory Device"]), 16)
        self.assertIn("UEFI is supported", dmi["BIOS Information"]["Characteristics"])
        self.assertEqual(dmi["Base Board Information"]["Serial Number"], "QTF3ESSN00001")  # FRU board serial

    def test_lspci_records(self):
        records = [r for r in inventory("dell-r630").lspci().split("\n\n") if r]
        self.assertEqual(len(records), 7)
        first = dict(line.split(":\t", 1) for line in records[0].splitlines())
        self.assertEqual(first["Vendor"], "Intel Corporation [8086]")
        self.assertEqual(first["Slot"], "00:00.0")

    def test_lshw_nics_carry_the_node_macs_where_rackhd_looks(self):
        inv = inventory("dell-r630")
        tree = json.loads(inv.lshw())
        macs = []
        for child in tree["children"][0]["children"]:  # RackHD: parsed.children[0].children, ids "pci*"
            if child["id"].startswith("pci"):
                macs += [c["serial"] for c in child.get("children", []) if c["id"].startswith("network")]
        self.assertEqual(macs, MACS)
        self.assertEqual(tree["serial"], "SN00001")

    def test_lsblk_and_lsscsi_columns(self):
        inv = inventory()
        self.assertEqual(inv.lsblk().splitlines(), ["KNAME TYPE ROTA", "sda   disk    0", "sdb   disk    1"])
        rows = [[w for w in line.split(" ") if w] for line in inv.lsscsi().splitlines()]
        self.assertEqual(rows[0], ["[0:0:0:0]", "disk", "ATA", "INTEL", "SSDSC2BB48", "0370", "/dev/sda", "480GB"])
        self.assertEqual(rows[1][-2:], ["/dev/sdb", "2.0TB"])

    def test_ohai_is_json_with_the_pxe_address(self):
        inv = inventory()
        data = json.loads(inv.ohai())
        self.assertEqual(data["ipaddress"], "172.31.128.2")
        self.assertEqual(data["dmi"]["system"]["serial_number"], "SN00001")
        self.assertIn("172.31.128.2", data["network"]["interfaces"]["eth0"]["addresses"])
        self.assertEqual(data["cpu"]["real"], 2)

    def test_lldp_driveid_smart_and_storcli(self):
        inv = inventory()
        lldp = dict(line.split("=", 1) for line in inv.lldp().splitlines())
        self.assertEqual(lldp["lldp.eth0.chassis.name"], "rackharness-tor")
        drives = json.loads(inv.driveid())
        self.assertEqual([d["devName"] for d in drives], ["sda", "sdb"])
        self.assertEqual(len(re.findall(r"^####/dev/", inv.smart(), re.MULTILINE)), 2)
        self.assertEqual(
            json.loads(inv.storcli(["show", "ctrlcount"]))["Controllers"][0]["Response Data"], {"Controller Count": 0}
        )
        self.assertEqual(
            json.loads(inv.storcli(["/c0", "show", "all"]))["Controllers"][0]["Command Status"]["Status"], "Failure"
        )
