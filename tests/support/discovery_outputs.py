"""What a microkernel's commands print, shaped like the real tools: the ipmitool texts were captured
from ipmitool 1.8.19 against a virtual BMC over lanplus (`lan print`, `sel`, `mc info`, `user
summary 1`, `-c user list 1`, `fru`, the channel-2 errors); dmidecode, lspci, lshw and lsblk/lsscsi
follow those tools' layouts on a two-socket server. ``outputs(...)`` fills in one node's identity.
"""

import json

DMIDECODE = """# dmidecode 3.1
Getting SMBIOS data from sysfs.
SMBIOS 2.8 present.
103 structures occupying 5563 bytes.
Table at 0x7AEAC000.

Handle 0x0000, DMI type 0, 24 bytes
BIOS Information
\tVendor: American Megatrends Inc.
\tVersion: S2B_3A14
\tRelease Date: 09/11/2015
\tAddress: 0xF0000
\tRuntime Size: 64 kB
\tROM Size: 16384 kB
\tCharacteristics:
\t\tPCI is supported
\t\tBIOS is upgradeable
\t\tBIOS shadowing is allowed
\tBIOS Revision: 5.6

Handle 0x0001, DMI type 1, 27 bytes
System Information
\tManufacturer: Quanta
\tProduct Name: {product}
\tVersion: A1
\tSerial Number: {serial}
\tUUID: {uuid}
\tWake-up Type: Power Switch
\tSKU Number: S2B
\tFamily: Default string

Handle 0x0002, DMI type 2, 15 bytes
Base Board Information
\tManufacturer: Quanta
\tProduct Name: S2B-MB
\tVersion: 31S2BMB00D0
\tSerial Number: QTF3ES{serial}
\tFeatures:
\t\tBoard is a hosting board
\t\tBoard is replaceable
\tChassis Handle: 0x0003

Handle 0x0003, DMI type 3, 22 bytes
Chassis Information
\tManufacturer: Quanta
\tType: Rack Mount Chassis
\tLock: Not Present
\tContained Elements: 1
\t\t<OUT OF SPEC> (0)
\tSKU Number: To be filled by O.E.M.

Handle 0x0004, DMI type 4, 42 bytes
Processor Information
\tSocket Designation: CPU0
\tType: Central Processor
\tVersion: Intel(R) Xeon(R) CPU E5-2650 v3 @ 2.30GHz
\tCore Count: 10
\tThread Count: 20

Handle 0x0005, DMI type 4, 42 bytes
Processor Information
\tSocket Designation: CPU1
\tType: Central Processor
\tVersion: Intel(R) Xeon(R) CPU E5-2650 v3 @ 2.30GHz
\tCore Count: 10
\tThread Count: 20

Handle 0x0006, DMI type 13, 22 bytes
BIOS Language Information
\tLanguage Description Format: Long
\tInstallable Languages: 1
\t\ten|US|iso8859-1
\tCurrently Installed Language: en|US|iso8859-1

Handle 0x007F, DMI type 127, 4 bytes
End Of Table

"""

LAN_PRINT = """Set in Progress         : Set Complete
Auth Type Support       : MD5 PASSWORD 
Auth Type Enable        : Callback : MD5 PASSWORD 
                        : User     : MD5 PASSWORD 
                        : Operator : MD5 PASSWORD 
                        : Admin    : MD5 PASSWORD 
                        : OEM      : 
IP Address Source       : Static Address
IP Address              : {bmc_ip}
Subnet Mask             : 255.255.255.0
MAC Address             : {bmc_mac}
SNMP Community String   : public
IP Header               : TTL=0x40 Flags=0x40 Precedence=0x00 TOS=0x10
BMC ARP Control         : ARP Responses Enabled, Gratuitous ARP Disabled
Gratituous ARP Intrvl   : 2.0 seconds
Default Gateway IP      : 0.0.0.0
Default Gateway MAC     : 00:00:00:00:00:00
Backup Gateway IP       : 0.0.0.0
Backup Gateway MAC      : 00:00:00:00:00:00
802.1q VLAN ID          : Disabled
802.1q VLAN Priority    : 0
RMCP+ Cipher Suites     : 3,17
Cipher Suite Priv Max   : aaXXXXXXXXXXXXX
                        :     X=Cipher Suite Unused
                        :     c=CALLBACK
                        :     u=USER
                        :     o=OPERATOR
                        :     a=ADMIN
                        :     O=OEM
Bad Password Threshold  : 0
Invalid password disable: no
Attempt Count Reset Int.: 0
User Lockout Interval   : 0
"""  # noqa: W291 (ipmitool prints the trailing spaces)

SEL_INFO = """SEL Information
Version          : 1.5 (v1.5, v2 compliant)
Entries          : 2
Free Space       : 8160 bytes 
Percent Used     : 0%
Last Add Time    : 11/21/2026 13:39:45
Last Del Time    : Not Available
Overflow         : false
Supported Cmds   : 'Delete' 'Reserve' 'Get Alloc Info' 
# of Alloc Units : 512
Alloc Unit Size  : 16
# Free Units     : 510
Largest Free Blk : 510
Max Record Size  : 1
"""  # noqa: W291

SEL_LIST = """1,11/21/2026,13:39:40,Power Unit #0x51,Power off/down,Asserted
2,11/21/2026,13:39:45,Power Unit #0x51,Power off/down,Deasserted
"""

MC_INFO = """Device ID                 : 32
Device Revision           : 1
Firmware Revision         : 3.16
IPMI Version              : 2.0
Manufacturer ID           : 7244
Manufacturer Name         : Quanta Computer Inc.
Product ID                : 3409 (0x0d51)
Product Name              : Unknown (0xD51)
Device Available          : yes
Provides Device SDRs      : no
Additional Device Support :
    Sensor Device
    SDR Repository Device
    SEL Device
    FRU Inventory Device
    IPMB Event Receiver
    IPMB Event Generator
    Chassis Device
Aux Firmware Rev Info     : 
    0x00
    0x00
    0x00
    0x00
"""  # noqa: W291

USER_SUMMARY = """Maximum IDs\t    : 10
Enabled User Count  : 1
Fixed Name Count    : 1
"""

USER_LIST_CSV = """1,,true,false,false,NO ACCESS
2,admin,true,false,true,ADMINISTRATOR
3,,true,false,false,NO ACCESS
"""

FRU = """FRU Device Description : Builtin FRU Device (ID 0)
 Chassis Type          : Rack Mount Chassis
 Chassis Part Number   : 31S2BCS0040 
 Chassis Serial        : QTFCJ{serial}
 Board Mfg Date        : Mon Sep 21 08:00:00 2015 UTC
 Board Mfg             : Quanta
 Board Product         : S2B-MB
 Board Serial          : QTF3ES{serial}
 Board Part Number     : 31S2BMB00D0
 Product Manufacturer  : Quanta
 Product Name          : {product}
 Product Part Number   : 1S2BZZZ000U
 Product Version       : A1
 Product Serial        : {serial}

"""  # noqa: W291

LSPCI = """Slot:\t00:00.0
Class:\tHost bridge [0600]
Vendor:\tIntel Corporation [8086]
Device:\tXeon E7 v3/Xeon E5 v3/Core i7 DMI2 [2f00]
SVendor:\tQuanta Computer Inc [152d]
SDevice:\tDevice [8986]
Rev:\t02

Slot:\t01:00.0
Class:\tEthernet controller [0200]
Vendor:\tIntel Corporation [8086]
Device:\t82599ES 10-Gigabit SFI/SFP+ Network Connection [10fb]
SVendor:\tQuanta Computer Inc [152d]
SDevice:\tDevice [89a0]
Rev:\t01
"""

LSBLK_LSSCSI = """KNAME TYPE ROTA
sda   disk    1
sda1  part    1
sdb   disk    0
BREAK
[0:0:0:0]    disk    ATA      ST1000NM0033-9ZM  SN04  /dev/sda   1.00TB
[1:0:0:0]    disk    ATA      INTEL SSDSC2BB48 0370  /dev/sdb    480GB
"""


def lshw(macs):
    """``lshw -json`` (an object, as lshw B.02.17 prints it): the NICs sit under a PCI bridge."""
    nics = [
        {
            "id": f"network:{i}",
            "class": "network",
            "description": "Ethernet interface",
            "product": "82599ES 10-Gigabit SFI/SFP+ Network Connection",
            "vendor": "Intel Corporation",
            "businfo": f"pci@0000:01:00.{i}",
            "logicalname": f"eth{i}",
            "serial": mac,
            "capabilities": {"pm": "Power Management", "1000bt-fd": "1Gbit/s (full duplex)"},
        }
        for i, mac in enumerate(macs)
    ]
    return json.dumps(
        {
            "id": "rackhd-node",
            "class": "system",
            "claimed": True,
            "description": "Rack Mount Chassis",
            "product": "D51B-2U (dual 10G LoM)",
            "vendor": "Quanta",
            "capabilities": {"smbios-2.8": "SMBIOS version 2.8", "dmi-2.7": "DMI version 2.7"},
            "children": [
                {
                    "id": "core",
                    "class": "bus",
                    "description": "Motherboard",
                    "children": [
                        {"id": "cpu:0", "class": "processor", "product": "Intel(R) Xeon(R) CPU E5-2650 v3 @ 2.30GHz"},
                        {
                            "id": "pci:0",
                            "class": "bridge",
                            "description": "Host bridge",
                            "children": [
                                {"id": "pci:1", "class": "bridge", "description": "PCI bridge", "children": nics},
                                {"id": "storage", "class": "storage", "description": "SATA controller"},
                            ],
                        },
                    ],
                }
            ],
        },
        indent=2,
    )


OHAI = """{{"hostname": "node-{serial}", "platform": "ubuntu", "platform_version": "14.04", "kernel": {{"name": "Linux"}}}}
"""


def outputs(serial, uuid, bmc_ip, bmc_mac, macs, product="D51B-2U (dual 10G LoM)"):
    """cmd → (exit code, stdout, stderr) for every command RackHD's discovery sends this node."""
    fill = {"serial": serial, "uuid": uuid, "bmc_ip": bmc_ip, "bmc_mac": bmc_mac, "product": product}
    table = {
        "sudo dmidecode": (0, DMIDECODE.format(**fill), ""),
        "sudo ohai --directory /etc/ohai/plugins": (0, OHAI.format(**fill), ""),
        "sudo ipmitool lan print": (0, LAN_PRINT.format(**fill), ""),
        "sudo ipmitool sel": (0, SEL_INFO, ""),
        "sudo ipmitool sel list -c": (0, SEL_LIST, ""),
        "sudo ipmitool mc info": (0, MC_INFO, ""),
        "sudo ipmitool user summary 1": (0, USER_SUMMARY, ""),
        "sudo ipmitool -c user list 1": (0, USER_LIST_CSV, ""),
        "sudo ipmitool fru": (0, FRU.format(**fill), ""),
        "sudo lspci -nn -vmm": (0, LSPCI, ""),
        "sudo lshw -json": (0, lshw(macs), ""),
        "sudo lsblk -o KNAME,TYPE,ROTA; echo BREAK; sudo lsscsi --size": (0, LSBLK_LSSCSI, ""),
        "sudo ipmitool chassis bootdev pxe": (0, "Set Boot Device to pxe\n", ""),
        "": (0, "", ""),
    }
    for channel in range(2, 16):
        table[f"sudo ipmitool lan print {channel}"] = (1, "", f"Invalid channel: {channel}\n")
        table[f"sudo ipmitool user summary {channel}"] = (1, "", "IPMI command failed: Invalid data field in request\n")
        table[f"sudo ipmitool -c user list {channel}"] = (1, "", "IPMI command failed: Invalid data field in request\n")
    return table
