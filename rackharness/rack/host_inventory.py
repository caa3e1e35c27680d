"""What a node's microkernel sees of its own hardware: dmidecode, lspci, lshw, lsblk, lsscsi, ohai, ...

Everything is derived from the node's hardware profile (``fixtures/hardware/<name>.yaml``:
``catalogs.dmi``, ``hardware.cpu/memory/nics/disks/pci``) and its spec (serial, UUID, MACs, host IP),
so the same node prints the same inventory every boot and agrees with its BMC: the SMBIOS system
serial and UUID are the FRU product serial and the BMC's system GUID, NIC i carries MAC i of
the spec (the MACs iPXE reports to ``/api/current/profiles``).

Output layouts follow the tools' real output closely enough for RackHD's parsers
(on-tasks ``lib/utils/job-utils/command-parser.js``): dmidecode 2.12 text, ``lspci -nn -vmm``
records, ``lshw -json`` (system → core → pci → network with ``serial`` = MAC), ``lsblk`` / ``lsscsi --size``
columns, ohai JSON, ``lldpcli ... -f keyvalue``, storcli JSON with no controller.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from rackharness.rack.node import VirtualNode

HOSTNAME = "monorail-micro"
PREFIX_LENGTH = 22  # RackHD's default southbound DHCP range is 172.31.128.0/22
_ID = re.compile(r"\s*\[([0-9a-fA-F]{4})\]$")


def _split_id(text: str) -> tuple[str, str]:
    """``"Intel Corporation [8086]"`` -> ("Intel Corporation", "8086")."""
    match = _ID.search(text)
    return (text[: match.start()], match.group(1).lower()) if match else (text, "")


class HostInventory:
    """The host side of one node, as the microkernel's tools print it."""

    def __init__(self, node: VirtualNode) -> None:
        self.node = node
        self.spec = node.spec
        self.hardware: dict[str, Any] = node.profile.hardware

    # -- identity ------------------------------------------------------------------------------
    def render(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.node.render(value)
        if isinstance(value, list):
            return [self.render(v) for v in value]
        if isinstance(value, dict):
            return {k: self.render(v) for k, v in value.items()}
        return value

    @property
    def dmi(self) -> dict[str, Any]:
        return self.render(self.node.profile.catalogs.get("dmi", {}))

    def nics(self) -> list[dict[str, Any]]:
        """The profile's NICs, each with its MAC (spec order) and, for the first, the PXE address."""
        out = []
        for i, nic in enumerate(self.hardware.get("nics") or []):
            mac = self.spec.macs[i] if i < len(self.spec.macs) else _derived_mac(self.spec.macs, i)
            out.append({**nic, "mac": mac, "ip": self.spec.ip if i == 0 else ""})
        return out

    def disks(self) -> list[dict[str, Any]]:
        return [self.render(d) for d in self.hardware.get("disks") or []]

    def _serial_of(self, what: str, length: int = 10) -> str:
        return hashlib.sha256(f"{self.spec.uuid}/{what}".encode()).hexdigest()[:length].upper()

    # -- dmidecode -----------------------------------------------------------------------------
    def dmidecode(self) -> str:
        dmi = self.dmi
        blocks: list[tuple[int, int, int, str, dict[str, Any]]] = []
        for dmi_type, (key, size) in enumerate(
            (
                ("BIOS Information", 24),
                ("System Information", 27),
                ("Base Board Information", 15),
                ("Chassis Information", 22),
            )
        ):
            if key in dmi:
                values = dict(dmi[key])
                if "UUID" in values:
                    values["UUID"] = str(values["UUID"]).upper()  # dmidecode prints SMBIOS >= 2.6 UUIDs upper case
                blocks.append((dmi_type * 0x100, dmi_type, size, key, values))
        cpu = self.hardware.get("cpu") or {}
        for socket in range(int(cpu.get("sockets", 0) or 0)):
            cores = int(cpu.get("cores_per_socket", 1))
            blocks.append(
                (
                    0x400 + socket,
                    4,
                    42,
                    "Processor Information",
                    {
                        "Socket Designation": f"CPU{socket}",
                        "Type": "Central Processor",
                        "Family": "Xeon",
                        "Manufacturer": "Intel",
                        "Version": cpu.get("model", "Unknown"),
                        "Max Speed": f"{cpu.get('speed_mhz', 0)} MHz",
                        "Current Speed": f"{cpu.get('speed_mhz', 0)} MHz",
                        "Status": "Populated, Enabled",
                        "Core Count": str(cores),
                        "Core Enabled": str(cores),
                        "Thread Count": str(cores * int(cpu.get("threads_per_core", 1))),
                    },
                )
            )
        dimms = (self.hardware.get("memory") or {}).get("dimms") or {}
        for i in range(int(dimms.get("count", 0) or 0)):
            blocks.append(
                (
                    0x1100 + i,
                    17,
                    40,
                    "Memory Device",
                    {
                        "Total Width": "72 bits",
                        "Data Width": "64 bits",
                        "Size": f"{dimms.get('size_mb', 0)} MB",
                        "Form Factor": "DIMM",
                        "Locator": f"DIMM_{chr(ord('A') + i // 2)}{i % 2}",
                        "Bank Locator": f"NODE {1 + i * 2 // max(1, int(dimms.get('count', 1)))}",
                        "Type": dimms.get("type", "DDR4"),
                        "Speed": f"{dimms.get('speed_mts', 0)} MHz",
                        "Manufacturer": dimms.get("manufacturer", "Unknown"),
                        "Serial Number": self._serial_of(f"dimm{i}", 8),
                        "Part Number": dimms.get("part_number", "Unknown"),
                    },
                )
            )
        lines = [
            "# dmidecode 2.12",
            "SMBIOS 2.8 present.",
            f"{len(blocks) + 1} structures occupying {sum(b[2] for b in blocks) + 4} bytes.",
            "Table at 0x7AE07000.",
            "",
        ]
        for handle, dmi_type, size, key, values in blocks:
            lines += [f"Handle 0x{handle:04X}, DMI type {dmi_type}, {size} bytes", key]
            for name, value in values.items():
                if isinstance(value, list):
                    lines.append(f"\t{name}:")
                    lines += [f"\t\t{item}" for item in value]
                else:
                    lines.append(f"\t{name}: {value}")
            lines.append("")
        lines += ["Handle 0x7F00, DMI type 127, 4 bytes", "End Of Table", ""]
        return "\n".join(lines)

    # -- lspci ---------------------------------------------------------------------------------
    def lspci(self) -> str:
        records = []
        for dev in self.hardware.get("pci") or []:
            fields = [
                ("Slot", dev["slot"]),
                ("Class", dev["class"]),
                ("Vendor", dev["vendor"]),
                ("Device", dev["device"]),
            ]
            fields += [
                (label, dev[key])
                for label, key in (("SVendor", "svendor"), ("SDevice", "sdevice"), ("Rev", "rev"), ("ProgIf", "progif"))
                if dev.get(key)
            ]
            records.append("\n".join(f"{label}:\t{value}" for label, value in fields))
        return "".join(record + "\n\n" for record in records)

    # -- lshw ----------------------------------------------------------------------------------
    def lshw(self) -> str:
        dmi = self.dmi
        system = dmi.get("System Information", {})
        board = dmi.get("Base Board Information", {})
        bios = dmi.get("BIOS Information", {})
        chassis = dmi.get("Chassis Information", {})
        cpu = self.hardware.get("cpu") or {}
        memory = self.hardware.get("memory") or {}
        nics_by_slot = {nic.get("pci"): nic for nic in self.nics()}
        pci_children = []
        for index, dev in enumerate(self.hardware.get("pci") or []):
            vendor, vendor_id = _split_id(dev["vendor"])
            product, product_id = _split_id(dev["device"])
            klass, class_id = _split_id(dev["class"])
            nic = nics_by_slot.get(dev["slot"])
            bus = f"pci@0000:{dev['slot']}"
            if nic is not None:
                child = {
                    "id": f"network:{len([c for c in pci_children if c['class'] == 'network'])}",
                    "class": "network",
                    "claimed": True,
                    "handle": f"PCI:0000:{dev['slot']}",
                    "description": "Ethernet interface",
                    "product": product,
                    "vendor": vendor,
                    "physid": f"{index}",
                    "businfo": bus,
                    "logicalname": nic["name"],
                    "version": dev.get("rev", "00"),
                    "serial": nic["mac"],
                    "units": "bit/s",
                    "size": int(nic.get("speed_mbps", 1000)) * 1_000_000,
                    "capacity": int(nic.get("speed_mbps", 1000)) * 1_000_000,
                    "width": 64,
                    "clock": 33000000,
                    "configuration": {
                        "autonegotiation": "on",
                        "broadcast": "yes",
                        "driver": nic.get("driver", ""),
                        "duplex": "full",
                        "firmware": str(nic.get("firmware", "")),
                        **({"ip": nic["ip"]} if nic["ip"] else {}),
                        "latency": "0",
                        "link": "yes",
                        "multicast": "yes",
                        "speed": f"{int(nic.get('speed_mbps', 1000)) // 1000}Gbit/s"
                        if int(nic.get("speed_mbps", 1000)) >= 1000
                        else f"{nic.get('speed_mbps')}Mbit/s",
                    },
                    "capabilities": {
                        "pciexpress": "PCI Express",
                        "bus_master": "bus mastering",
                        "ethernet": True,
                        "physical": "Physical interface",
                    },
                }
            else:
                kind = {
                    "0106": "storage",
                    "0104": "storage",
                    "0300": "display",
                    "0600": "bridge",
                    "0601": "bridge",
                }.get(class_id, "generic")
                child = {
                    "id": f"{kind}:{index}",
                    "class": kind,
                    "claimed": True,
                    "handle": f"PCI:0000:{dev['slot']}",
                    "description": klass,
                    "product": product,
                    "vendor": vendor,
                    "physid": f"{index}",
                    "businfo": bus,
                    "version": dev.get("rev", "00"),
                    "width": 32,
                    "clock": 33000000,
                    "configuration": {"latency": "0"},
                    "capabilities": {},
                }
            child["vendor_id"], child["product_id"] = vendor_id, product_id
            pci_children.append(child)
        core_children: list[dict[str, Any]] = [
            {
                "id": "firmware",
                "class": "memory",
                "claimed": True,
                "description": "BIOS",
                "vendor": bios.get("Vendor", ""),
                "physid": "0",
                "version": bios.get("Version", ""),
                "date": bios.get("Release Date", ""),
                "units": "bytes",
                "size": 65536,
                "capacity": 16777216,
                "capabilities": {
                    "pci": "PCI bus",
                    "upgrade": "BIOS EEPROM can be upgraded",
                    "acpi": "ACPI",
                    "uefi": "UEFI specification is supported",
                },
            },
        ]
        for socket in range(int(cpu.get("sockets", 0) or 0)):
            cores = int(cpu.get("cores_per_socket", 1))
            core_children.append(
                {
                    "id": f"cpu:{socket}",
                    "class": "processor",
                    "claimed": True,
                    "handle": f"DMI:{0x400 + socket:04X}",
                    "description": "CPU",
                    "product": cpu.get("model", ""),
                    "vendor": "Intel Corp.",
                    "physid": f"{0x400 + socket:x}",
                    "businfo": f"cpu@{socket}",
                    "version": cpu.get("model", ""),
                    "slot": f"CPU{socket}",
                    "units": "Hz",
                    "size": int(cpu.get("speed_mhz", 0)) * 1_000_000,
                    "capacity": int(cpu.get("speed_mhz", 0)) * 1_000_000,
                    "width": 64,
                    "configuration": {
                        "cores": str(cores),
                        "enabledcores": str(cores),
                        "threads": str(cores * int(cpu.get("threads_per_core", 1))),
                    },
                    "capabilities": {"x86-64": "64bits extensions (x86-64)", "fpu": "mathematical co-processor"},
                }
            )
        dimms = memory.get("dimms") or {}
        banks = [
            {
                "id": f"bank:{i}",
                "class": "memory",
                "claimed": True,
                "handle": f"DMI:{0x1100 + i:04X}",
                "description": f"DIMM {dimms.get('type', 'DDR4')} Synchronous {dimms.get('speed_mts', 0)} MHz",
                "product": dimms.get("part_number", ""),
                "vendor": dimms.get("manufacturer", ""),
                "physid": f"{i}",
                "serial": self._serial_of(f"dimm{i}", 8),
                "slot": f"DIMM_{chr(ord('A') + i // 2)}{i % 2}",
                "units": "bytes",
                "size": int(dimms.get("size_mb", 0)) * 1024 * 1024,
                "width": 64,
            }
            for i in range(int(dimms.get("count", 0) or 0))
        ]
        core_children.append(
            {
                "id": "memory",
                "class": "memory",
                "claimed": True,
                "description": "System Memory",
                "physid": "1000",
                "slot": "System board or motherboard",
                "units": "bytes",
                "size": int(memory.get("total_kb", 0)) * 1024,
                "children": banks,
            }
        )
        core_children.append(
            {
                "id": "pci",
                "class": "bridge",
                "claimed": True,
                "handle": "PCIBUS:0000:00",
                "description": "Host bridge",
                "physid": "100",
                "businfo": "pci@0000:00:00.0",
                "children": pci_children,
            }
        )
        disks = self.disks()
        if disks:
            core_children.append(
                {
                    "id": "scsi",
                    "class": "storage",
                    "claimed": True,
                    "physid": "1",
                    "logicalname": "scsi0",
                    "children": [
                        {
                            "id": f"disk:{i}",
                            "class": "disk",
                            "claimed": True,
                            "handle": f"SCSI:00:00:{i}:00",
                            "description": "ATA Disk" if d.get("vendor") == "ATA" else "SCSI Disk",
                            "product": d.get("model", ""),
                            "vendor": d.get("vendor", ""),
                            "physid": f"0.{i}.0",
                            "businfo": f"scsi@0:0.{i}.0",
                            "logicalname": f"/dev/{d['name']}",
                            "dev": f"8:{16 * i}",
                            "version": str(d.get("firmware", "")),
                            "serial": d.get("serial", ""),
                            "units": "bytes",
                            "size": int(float(d["size_gb"]) * 1_000_000_000),
                            "configuration": {"ansiversion": "5", "logicalsectorsize": "512", "sectorsize": "512"},
                        }
                        for i, d in enumerate(disks)
                    ],
                }
            )
        tree = {
            "id": HOSTNAME,
            "class": "system",
            "claimed": True,
            "handle": "DMI:0100",
            "description": chassis.get("Type", "Computer"),
            "product": system.get("Product Name", ""),
            "vendor": system.get("Manufacturer", ""),
            "version": system.get("Version", ""),
            "serial": system.get("Serial Number", ""),
            "width": 64,
            "configuration": {
                "boot": "normal",
                "chassis": "rackmount",
                "family": system.get("Family", ""),
                "sku": system.get("SKU Number", ""),
                "uuid": str(system.get("UUID", "")).upper(),
            },
            "capabilities": {
                "smbios-2.8": "SMBIOS version 2.8",
                "dmi-2.7": "DMI version 2.7",
                "vsyscall32": "32-bit processes",
            },
            "children": [
                {
                    "id": "core",
                    "class": "bus",
                    "claimed": True,
                    "handle": "DMI:0200",
                    "description": "Motherboard",
                    "product": board.get("Product Name", ""),
                    "vendor": board.get("Manufacturer", ""),
                    "physid": "0",
                    "version": board.get("Version", ""),
                    "serial": board.get("Serial Number", ""),
                    "slot": board.get("Location In Chassis", ""),
                    "children": core_children,
                }
            ],
        }
        return json.dumps(tree, indent=2) + "\n"

    # -- block devices -------------------------------------------------------------------------
    def lsblk(self) -> str:
        lines = ["KNAME TYPE ROTA"]
        lines += [f"{d['name']:<5} disk  {1 if d.get('rotational') else 0:>3}" for d in self.disks()]
        return "\n".join(lines) + "\n"

    def lsscsi(self) -> str:
        lines = []
        for i, d in enumerate(self.disks()):
            size = f"{float(d['size_gb']) / 1000:.1f}TB" if float(d["size_gb"]) >= 1000 else f"{int(d['size_gb'])}GB"
            lines.append(
                f"[0:0:{i}:0]    disk    {d.get('vendor', 'ATA'):<8} {d.get('model', ''):<16} "
                f"{str(d.get('firmware', '')):<4}  /dev/{d['name']}   {size}"
            )
        return "\n".join(lines) + ("\n" if lines else "")

    # -- ohai ----------------------------------------------------------------------------------
    def ohai(self) -> str:
        dmi = self.dmi
        cpu = self.hardware.get("cpu") or {}
        memory = self.hardware.get("memory") or {}
        interfaces: dict[str, Any] = {
            "lo": {
                "encapsulation": "Loopback",
                "state": "unknown",
                "flags": ["LOOPBACK", "UP"],
                "addresses": {
                    "127.0.0.1": {"family": "inet", "prefixlen": "8", "netmask": "255.0.0.0", "scope": "Node"}
                },
            }
        }
        for nic in self.nics():
            addresses: dict[str, Any] = {nic["mac"].upper(): {"family": "lladdr"}}
            if nic["ip"]:
                addresses[nic["ip"]] = {
                    "family": "inet",
                    "prefixlen": str(PREFIX_LENGTH),
                    "netmask": "255.255.252.0",
                    "scope": "Global",
                }
            interfaces[nic["name"]] = {
                "type": re.sub(r"\d+$", "", nic["name"]),
                "encapsulation": "Ethernet",
                "state": "up",
                "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
                "mtu": "1500",
                "addresses": addresses,
            }
        processors = {}
        sockets, cores = int(cpu.get("sockets", 0) or 0), int(cpu.get("cores_per_socket", 1))
        threads = cores * int(cpu.get("threads_per_core", 1))
        for n in range(sockets * threads):
            processors[str(n)] = {
                "vendor_id": cpu.get("vendor", "GenuineIntel"),
                "model_name": cpu.get("model", ""),
                "mhz": f"{cpu.get('speed_mhz', 0)}.000",
                "physical_id": str(n // threads),
                "core_id": str(n % cores),
                "cores": str(cores),
            }
        first = self.nics()[0] if self.nics() else {"mac": "", "ip": ""}
        data = {
            "hostname": HOSTNAME,
            "fqdn": HOSTNAME,
            "domain": None,
            "os": "linux",
            "os_version": "3.16.0-25-generic",
            "platform": "ubuntu",
            "platform_version": "14.04",
            "platform_family": "debian",
            "ipaddress": first["ip"] or None,
            "macaddress": first["mac"].upper(),
            "kernel": {"name": "Linux", "release": "3.16.0-25-generic", "machine": "x86_64", "os": "GNU/Linux"},
            "dmi": {
                "bios": _snake(dmi.get("BIOS Information", {})),
                "system": _snake(dmi.get("System Information", {})),
                "base_board": _snake(dmi.get("Base Board Information", {})),
                "chassis": _snake(dmi.get("Chassis Information", {})),
            },
            "cpu": {**processors, "total": sockets * threads, "real": sockets},
            "memory": {"total": f"{memory.get('total_kb', 0)}kB"},
            "network": {"interfaces": interfaces, "default_interface": self.nics()[0]["name"] if self.nics() else None},
            "block_device": {
                d["name"]: {
                    "size": str(int(float(d["size_gb"]) * 1_000_000_000 // 512)),
                    "model": d.get("model", ""),
                    "vendor": d.get("vendor", ""),
                    "rotational": "1" if d.get("rotational") else "0",
                    "state": "running",
                }
                for d in self.disks()
            },
        }
        return json.dumps(data, indent=2) + "\n"

    # -- ip ------------------------------------------------------------------------------------
    def ip_addr(self) -> str:
        lines = [
            "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default",
            "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0",
            "    inet 127.0.0.1/8 scope host lo",
            "       valid_lft forever preferred_lft forever",
        ]
        for i, nic in enumerate(self.nics(), start=2):
            lines += [
                f"{i}: {nic['name']}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000",
                f"    link/ether {nic['mac']} brd ff:ff:ff:ff:ff:ff promiscuity 0",
            ]
            if nic["ip"]:
                lines += [
                    f"    inet {nic['ip']}/{PREFIX_LENGTH} brd 172.31.131.255 scope global {nic['name']}",
                    "       valid_lft forever preferred_lft forever",
                ]
        return "\n".join(lines) + "\n"

    def ip_link(self) -> str:
        lines = [
            "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default",
            "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0",
        ]
        for i, nic in enumerate(self.nics(), start=2):
            lines += [
                f"{i}: {nic['name']}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT "
                "group default qlen 1000",
                f"    link/ether {nic['mac']} brd ff:ff:ff:ff:ff:ff promiscuity 0",
            ]
        return "\n".join(lines) + "\n"

    # -- LLDP, SMART, drive ids, RAID ------------------------------------------------------------
    def lldp(self) -> str:
        """Every NIC is cabled to port N of a virtual top-of-rack switch."""
        lines = []
        for i, nic in enumerate(self.nics()):
            name = nic["name"]
            port = (self.spec.index - 1) * 4 + i + 1
            lines += [
                f"lldp.{name}.via=LLDP",
                f"lldp.{name}.rid=1",
                "lldp.{0}.age=0 day, 00:00:05".format(name),
                f"lldp.{name}.chassis.mac=52:54:00:ff:00:01",
                f"lldp.{name}.chassis.name=rackharness-tor",
                f"lldp.{name}.chassis.descr=rackharness virtual top-of-rack switch",
                f"lldp.{name}.port.ifname=Ethernet{port}",
                f"lldp.{name}.port.descr={self.spec.name} {name}",
                f"lldp.{name}.vlan.vlan-id=1",
            ]
        return "\n".join(lines) + ("\n" if lines else "")

    def smart(self) -> str:
        blocks = []
        for d in self.disks():
            blocks.append(
                "\n".join(
                    [
                        f"####/dev/{d['name']} {d['name']}",
                        "smartctl 6.2 2013-07-26 r3841 [x86_64-linux-3.16.0-25-generic] (local build)",
                        "Copyright (C) 2002-13, Bruce Allen, Christian Franke, www.smartmontools.org",
                        "",
                        "###SMART Information###",
                        "=== START OF INFORMATION SECTION ===",
                        f"Device Model:     {d.get('model', '')}",
                        f"Serial Number:    {d.get('serial', '')}",
                        f"Firmware Version: {d.get('firmware', '')}",
                        f"User Capacity:    {int(float(d['size_gb']) * 1_000_000_000):,} bytes [{d['size_gb']} GB]",
                        f"Rotation Rate:    {'7200 rpm' if d.get('rotational') else 'Solid State Device'}",
                        "SMART support is: Available - device has SMART capability.",
                        "SMART support is: Enabled",
                        "",
                        "=== START OF READ SMART DATA SECTION ===",
                        "SMART overall-health self-assessment test result: PASSED",
                        "",
                        "###Controller Information###",
                        "controller_name=ahci",
                        "controller_PCI_BDF=0000:00:1f.2",
                        "host_ID=0",
                        "channel_ID=0",
                        "target_ID=0",
                        "lun_ID=0",
                        "",
                    ]
                )
            )
        return "\n".join(blocks)

    def driveid(self) -> str:
        drives = []
        for i, d in enumerate(self.disks()):
            model = str(d.get("model", "")).replace(" ", "_")
            drives.append(
                {
                    "scsiId": f"0:0:{i}:0",
                    "virtualDisk": "",
                    "devName": d["name"],
                    "identifier": i,
                    "esxiWwid": f"t10.ATA_____{model}_{d.get('serial', '')}",
                    "linuxWwid": f"/dev/disk/by-id/ata-{model}_{d.get('serial', '')}",
                }
            )
        return json.dumps(drives) + "\n"

    @staticmethod
    def storcli(args: list[str]) -> str:
        if args[:2] == ["show", "ctrlcount"]:
            return (
                json.dumps(
                    {
                        "Controllers": [
                            {
                                "Command Status": {"Controller": "None", "Status": "Success", "Description": "None"},
                                "Response Data": {"Controller Count": 0},
                            }
                        ]
                    },
                    indent=1,
                )
                + "\n"
            )
        controller = args[0][2:] if args and args[0].startswith("/c") else "0"
        return (
            json.dumps(
                {
                    "Controllers": [
                        {
                            "Command Status": {
                                "Controller": controller,
                                "Status": "Failure",
                                "Description": f"Controller {controller} not found",
                            }
                        }
                    ]
                },
                indent=1,
            )
            + "\n"
        )


def _snake(section: dict[str, Any]) -> dict[str, Any]:
    return {re.sub(r"[^a-z0-9]+", "_", k.lower()).strip("_"): v for k, v in section.items()}


def _derived_mac(macs: list[str], index: int) -> str:
    """A MAC for a NIC beyond the spec's list: the first MAC with the NIC number as last octet."""
    head = macs[0].rsplit(":", 1)[0] if macs else "02:00:00:00:00"
    return f"{head}:{index:02x}"
