"""``ipmitool`` as the microkernel runs it: in-band, on the node's own BMC, printed like ipmitool 1.8.19.

A real microkernel reaches its BMC through the system interface (KCS, ``/dev/ipmi0``) with
administrator rights and no password. Here :class:`InBandIpmi` calls the node's very
:class:`~rackharness.bmc.commands.dispatch.NodeCommandHandler` — the one its LAN endpoint serves —
on the system-interface channel (0x0F), so what the agent prints is decoded from the bytes the BMC
answers over the network too: the same FRU image, LAN parameters, SEL records, user table.

:class:`IpmiTool` implements the subcommands RackHD's microkernel tasks run (on-tasks
``Task.Catalog.bmc``, ``Task.Node.PxeBoot``)::

    lan print [CHANNEL]          sel | sel info            sel list [-c]       mc info
    user summary [CHANNEL]       user list [CHANNEL] [-c]  fru | fru print     chassis bootdev DEV [options=...]
    chassis power status         chassis status

Layouts and words were taken from ipmitool 1.8.19 run against a virtual BMC over lanplus; the
functional test ``tests/functional/test_boot_agent_ipmitool.py`` keeps them equal. Anything else
answers exit code 127 ("not emulated") so a command RackHD sends that the agent does not know shows
up at once instead of passing silently.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import struct
from dataclasses import dataclass

from rackharness.bmc.message import IpmiRequest, IpmiResponse, NetFn, Privilege, SessionContext
from rackharness.ipmi.chassis_types import chassis_type_name
from rackharness.ipmi.completion_codes import completion_text
from rackharness.ipmi.events import event_description
from rackharness.ipmi.manufacturers import manufacturer_name
from rackharness.ipmi.sensor_types import sel_list_sensor_type_name
from rackharness.ipmi.text import device_support_names, privilege_name

SYSTEM_INTERFACE = 0x0F
LAN_MEDIUM = 0x04
MAX_CHANNEL = 11
FRU_EPOCH = dt.datetime(1996, 1, 1, tzinfo=dt.timezone.utc)
BOOT_DEVICES = {
    "none": 0x00,
    "pxe": 0x04,
    "force_pxe": 0x04,
    "disk": 0x08,
    "force_disk": 0x08,
    "safe": 0x0C,
    "diag": 0x10,
    "cdrom": 0x14,
    "force_cdrom": 0x14,
    "bios": 0x18,
    "force_bios": 0x18,
    "floppy": 0x3C,
}
NOT_EMULATED = 127


@dataclass(frozen=True)
class Result:
    """What a command printed and how it exited (shell semantics)."""

    code: int
    stdout: str = ""
    stderr: str = ""


class IpmiFailure(Exception):
    """A command answered a non-zero completion code."""

    def __init__(self, completion: int) -> None:
        super().__init__(completion_text(completion))
        self.completion = completion


class InBandIpmi:
    """The system interface of one node's BMC: requests straight into its command handler."""

    SESSION = SessionContext(username="", privilege=Privilege.ADMINISTRATOR, channel=SYSTEM_INTERFACE)

    def __init__(self, handler) -> None:
        self.handler = handler  # a NodeCommandHandler (anything with handle(request, session))

    def call(self, netfn: int, command: int, data: bytes = b"") -> bytes:
        response: IpmiResponse = self.handler.handle(IpmiRequest(int(netfn), command, bytes(data)), self.SESSION)
        if response.completion_code != 0:
            raise IpmiFailure(response.completion_code)
        return response.data


def _timestamp(seconds: int) -> tuple[str, str]:
    """ipmitool's numeric SEL date and time (UTC)."""
    when = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    return when.strftime("%m/%d/%y"), when.strftime("%H:%M:%S") + " UTC"


def _ip(data: bytes) -> str:
    return str(ipaddress.IPv4Address(bytes(data[:4])))


def _mac(data: bytes) -> str:
    return ":".join(f"{b:02x}" for b in data[:6])


def _auth_types(bits: int) -> str:
    names = ((0x01, "NONE"), (0x02, "MD2"), (0x04, "MD5"), (0x10, "PASSWORD"), (0x20, "OEM"))
    return "".join(f"{name} " for bit, name in names if bits & bit)


class IpmiTool:
    """The ipmitool subcommands RackHD's microkernel runs, answered from one node's BMC."""

    def __init__(self, ipmi: InBandIpmi) -> None:
        self.ipmi = ipmi

    # -- entry point -----------------------------------------------------------------------------
    def run(self, argv: list[str]) -> Result:
        """``argv`` after the program name, e.g. ``["-c", "user", "list", "1"]``."""
        csv = "-c" in argv
        words = [a for a in argv if a != "-c"]
        if words[:2] == ["-I", "open"]:  # the explicit in-band interface
            words = words[2:]
        if any(w.startswith("-") for w in words):
            return self._not_emulated(argv)
        try:
            return self._dispatch(words, csv) or self._not_emulated(argv)
        except IpmiFailure as exc:
            return Result(1, "", f"IPMI command failed: {exc}\n")

    def _dispatch(self, words: list[str], csv: bool) -> Result | None:
        head, rest = (words[0] if words else ""), words[1:]
        if head == "lan" and rest[:1] == ["print"] and len(rest) <= 2:
            return self.lan_print(rest[1] if len(rest) == 2 else None)
        if head == "sel" and rest in ([], ["info"]):
            return self.sel_info()
        if head == "sel" and rest == ["list"]:
            return self.sel_list(csv)
        if head == "mc" and rest == ["info"]:
            return self.mc_info()
        if head == "user" and rest[:1] in (["summary"], ["list"]) and len(rest) <= 2:
            channel = rest[1] if len(rest) == 2 else None
            return self.user_summary(channel) if rest[0] == "summary" else self.user_list(channel, csv)
        if head == "fru" and rest in ([], ["print"], ["print", "0"]):
            return self.fru_print()
        if head == "chassis" and rest[:1] == ["bootdev"] and len(rest) in (2, 3):
            return self.chassis_bootdev(rest[1], rest[2] if len(rest) == 3 else "")
        if head == "chassis" and rest in (["power", "status"], ["status"]):
            return self.chassis_status(rest == ["status"])
        return None

    @staticmethod
    def _not_emulated(argv: list[str]) -> Result:
        return Result(
            NOT_EMULATED,
            "",
            f"ipmitool {' '.join(argv)}: not emulated by the rackharness boot agent (command not found)\n",
        )

    # -- channels --------------------------------------------------------------------------------
    def _is_lan_channel(self, channel: int) -> bool:
        try:
            info = self.ipmi.call(NetFn.APP, 0x42, bytes([channel]))
        except IpmiFailure:
            return False
        return (info[1] & 0x7F) == LAN_MEDIUM

    def _lan_channel(self, text: str | None) -> int | Result:
        if text is None:
            for channel in range(1, MAX_CHANNEL + 1):
                if self._is_lan_channel(channel):
                    return channel
            return Result(1, "", "Channel 1 is not a LAN channel\n")
        channel = _channel_number(text)
        if channel is None or not self._is_lan_channel(channel):
            return Result(1, "", f"Invalid channel: {text}\n")
        return channel

    # -- lan print -------------------------------------------------------------------------------
    def _lan(self, channel: int, selector: int) -> bytes | None:
        try:
            return self.ipmi.call(NetFn.TRANSPORT, 0x02, bytes([channel, selector, 0, 0]))[1:]
        except IpmiFailure:
            return None  # ipmitool leaves out a parameter the BMC does not support

    def lan_print(self, channel_text: str | None) -> Result:
        channel = self._lan_channel(channel_text)
        if isinstance(channel, Result):
            return channel
        p = {
            selector: self._lan(channel, selector)
            for selector in (0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 26)
        }
        out: list[str] = []

        def line(label: str, value: str) -> None:
            out.append(f"{label:<24}: {value}")

        if p[0] is not None:
            line(
                "Set in Progress",
                {0: "Set Complete", 1: "Set In Progress", 2: "Commit Write"}.get(p[0][0] & 0x03, "Reserved"),
            )
        if p[1] is not None:
            line("Auth Type Support", _auth_types(p[1][0]))
        if p[2] is not None:
            for i, role in enumerate(("Callback", "User", "Operator", "Admin", "OEM")):
                out.append(f"{'Auth Type Enable' if i == 0 else '':<24}: {role:<8} : {_auth_types(p[2][i])}")
        if p[4] is not None:
            line(
                "IP Address Source",
                {0: "Unspecified", 1: "Static Address", 2: "DHCP Address", 3: "BIOS Assigned Address", 4: "Other"}.get(
                    p[4][0] & 0x0F, "Other"
                ),
            )
        if p[3] is not None:
            line("IP Address", _ip(p[3]))
        if p[6] is not None:
            line("Subnet Mask", _ip(p[6]))
        if p[5] is not None:
            line("MAC Address", _mac(p[5]))
        if p[16] is not None:
            line("SNMP Community String", p[16].split(b"\0", 1)[0].decode("latin-1"))
        if p[7] is not None:
            ttl, flags, tos = p[7][:3]
            line(
                "IP Header",
                f"TTL=0x{ttl:02x} Flags=0x{flags & 0xE0:02x} Precedence=0x{tos & 0xE0:02x} TOS=0x{tos & 0x1E:02x}",
            )
        if p[10] is not None:
            arp = p[10][0]
            line(
                "BMC ARP Control",
                f"ARP Responses {'Enabled' if arp & 0x02 else 'Disabled'}, "
                f"Gratuitous ARP {'Enabled' if arp & 0x01 else 'Disabled'}",
            )
        if p[11] is not None:
            line("Gratituous ARP Intrvl", f"{p[11][0] / 2:.1f} seconds")
        for selector, label in (
            (12, "Default Gateway IP"),
            (13, "Default Gateway MAC"),
            (14, "Backup Gateway IP"),
            (15, "Backup Gateway MAC"),
        ):
            if p[selector] is not None:
                line(label, _ip(p[selector]) if selector in (12, 14) else _mac(p[selector]))
        if p[20] is not None:
            vlan = p[20][0] | (p[20][1] & 0x0F) << 8
            line("802.1q VLAN ID", str(vlan) if p[20][1] & 0x80 else "Disabled")
        if p[21] is not None:
            line("802.1q VLAN Priority", str(p[21][0] & 0x07))
        if p[23] is not None:
            suites = []
            for i, suite in enumerate(p[23][1:]):
                if i > 0 and suite == 0:
                    break
                suites.append(str(suite))
            line("RMCP+ Cipher Suites", ",".join(suites))
        if p[24] is not None:
            letters = {0x0: "X", 0x1: "c", 0x2: "u", 0x3: "o", 0x4: "a", 0x5: "O"}
            nibbles = [n for byte in p[24][1:9] for n in (byte & 0x0F, byte >> 4)][:15]
            line("Cipher Suite Priv Max", "".join(letters.get(n, "?") for n in nibbles))
            for legend in ("X=Cipher Suite Unused", "c=CALLBACK", "u=USER", "o=OPERATOR", "a=ADMIN", "O=OEM"):
                out.append(f"{'':<24}:     {legend}")
        if p[26] is not None:
            b = p[26]
            line("Bad Password Threshold", str(b[1]))
            out.append(f"Invalid password disable: {'yes' if b[0] & 0x01 else 'no'}")
            line("Attempt Count Reset Int.", str((b[2] | b[3] << 8) * 10))
            line("User Lockout Interval", str((b[4] | b[5] << 8) * 10))
        return Result(0, "\n".join(out) + "\n")

    # -- SEL -------------------------------------------------------------------------------------
    def sel_info(self) -> Result:
        info = self.ipmi.call(NetFn.STORAGE, 0x40)
        version = info[0]
        entries, free = struct.unpack_from("<HH", info, 1)
        last_add, last_del = struct.unpack_from("<II", info, 5)
        support = info[13]
        percent = int(100 * (entries * 16 / (entries * 16 + free))) if entries else 0
        out = [
            "SEL Information",
            f"Version          : {version & 0xF}.{version >> 4 & 0xF} "
            f"({'v1.5, v2 compliant' if version in (0x51, 0x02) else 'Unknown'})",
            f"Entries          : {entries}",
            f"Free Space       : {free} bytes {'or more' if free == 65535 else ''}",
            f"Percent Used     : {'unknown' if free >= 65535 else f'{percent}%'}",
            f"Last Add Time    : {self._sel_time(entries, last_add)}",
            f"Last Del Time    : {self._sel_time(entries, last_del)}",
            f"Overflow         : {'true' if support & 0x80 else 'false'}",
        ]
        commands = [
            name
            for bit, name in (
                (0x08, "'Delete' "),
                (0x04, "'Partial Add' "),
                (0x02, "'Reserve' "),
                (0x01, "'Get Alloc Info' "),
            )
            if support & bit
        ]
        out.append("Supported Cmds   : " + ("".join(commands) if support & 0x0F else "None"))
        if support & 0x01:
            units, size, free_units, largest, max_record = struct.unpack("<HHHHB", self.ipmi.call(NetFn.STORAGE, 0x41))
            out += [
                f"# of Alloc Units : {units}",
                f"Alloc Unit Size  : {size}",
                f"# Free Units     : {free_units}",
                f"Largest Free Blk : {largest}",
                f"Max Record Size  : {max_record}",
            ]
        return Result(0, "\n".join(out) + "\n")

    @staticmethod
    def _sel_time(entries: int, stamp: int) -> str:
        if not entries or stamp == 0xFFFFFFFF:
            return "Not Available"
        date, time_ = _timestamp(stamp)
        return f"{date} {time_}"

    def sel_records(self) -> list[bytes]:
        """Every SEL record, read with Get SEL Entry from the first until 0xFFFF."""
        records, record_id = [], 0x0000
        while True:
            data = self.ipmi.call(NetFn.STORAGE, 0x43, struct.pack("<HHBB", 0, record_id, 0, 0xFF))
            records.append(data[2:18])
            record_id = struct.unpack_from("<H", data)[0]
            if record_id == 0xFFFF or len(records) > 0xFFFF:
                return records

    def sel_list(self, csv: bool) -> Result:
        entries = struct.unpack_from("<H", self.ipmi.call(NetFn.STORAGE, 0x40), 1)[0]
        if entries == 0:
            return Result(0, "SEL has no entries\n")
        lines = [format_sel_record(record, csv) for record in self.sel_records()]
        return Result(0, "\n".join(lines) + "\n")

    # -- mc info ---------------------------------------------------------------------------------
    def mc_info(self) -> Result:
        d = self.ipmi.call(NetFn.APP, 0x01)
        manufacturer = d[6] | d[7] << 8 | (d[8] & 0x0F) << 16
        product = d[9] | d[10] << 8
        out = [
            f"Device ID                 : {d[0]}",
            f"Device Revision           : {d[1] & 0x0F}",
            f"Firmware Revision         : {d[2] & 0x7F}.{d[3]:02x}",
            f"IPMI Version              : {d[4] & 0xF:x}.{(d[4] & 0xF0) >> 4:x}",
            f"Manufacturer ID           : {manufacturer}",
            f"Manufacturer Name         : {manufacturer_name(manufacturer)}",
            f"Product ID                : {product} (0x{d[10]:02x}{d[9]:02x})",
            f"Product Name              : Unknown (0x{product:X})",
            f"Device Available          : {'no' if d[2] & 0x80 else 'yes'}",
            f"Provides Device SDRs      : {'yes' if d[1] & 0x80 else 'no'}",
            "Additional Device Support :",
        ]
        out += [f"    {name}" for name in device_support_names(d[5])]
        if len(d) >= 15:
            out.append("Aux Firmware Rev Info     : ")
            out += [f"    0x{b:02x}" for b in d[11:15]]
        return Result(0, "\n".join(out) + "\n")

    # -- users -----------------------------------------------------------------------------------
    def _user_channel(self, text: str | None) -> int | Result:
        if text is None:
            return self._lan_channel(None)
        channel = _channel_number(text)
        if channel is None:
            return Result(1, "", f"Invalid channel: {text}\n")
        return channel

    def user_summary(self, channel_text: str | None) -> Result:
        channel = self._user_channel(channel_text)
        if isinstance(channel, Result):
            return channel
        access = self.ipmi.call(NetFn.APP, 0x44, bytes([channel, 1]))
        return Result(
            0,
            f"Maximum IDs\t    : {access[0] & 0x3F}\nEnabled User Count  : {access[1] & 0x3F}\n"
            f"Fixed Name Count    : {access[2] & 0x3F}\n",
        )

    def user_list(self, channel_text: str | None, csv: bool) -> Result:
        channel = self._user_channel(channel_text)
        if isinstance(channel, Result):
            return channel
        first = self.ipmi.call(NetFn.APP, 0x44, bytes([channel, 1]))
        out = [] if csv else ["ID  Name\t     Callin  Link Auth\tIPMI Msg   Channel Priv Limit"]
        for user_id in range(1, (first[0] & 0x3F) + 1):
            access = first if user_id == 1 else self.ipmi.call(NetFn.APP, 0x44, bytes([channel, user_id]))
            name = self.ipmi.call(NetFn.APP, 0x46, bytes([user_id])).split(b"\0", 1)[0].decode("utf-8", "replace")
            bits = access[3]
            fields = (
                str(user_id),
                name,
                "false" if bits & 0x40 else "true",
                "true" if bits & 0x20 else "false",
                "true" if bits & 0x10 else "false",
                privilege_name(bits),
            )
            if csv:
                out.append(",".join(fields))
            else:
                out.append(f"{fields[0]:<4}{fields[1]:<17}{fields[2]:<8}{fields[3]:<11}{fields[4]:<11}{fields[5]}")
        return Result(0, "\n".join(out) + "\n")

    # -- FRU -------------------------------------------------------------------------------------
    def fru_image(self) -> bytes:
        size = struct.unpack_from("<H", self.ipmi.call(NetFn.STORAGE, 0x10, b"\x00"))[0]
        image = bytearray()
        while len(image) < size:
            chunk = self.ipmi.call(NetFn.STORAGE, 0x11, struct.pack("<BHB", 0, len(image), min(32, size - len(image))))
            if chunk[0] == 0:
                break
            image += chunk[1 : 1 + chunk[0]]
        return bytes(image)

    def fru_print(self) -> Result:
        out = ["FRU Device Description : Builtin FRU Device (ID 0)"]
        out += [f" {label:<22}: {value}" for label, value in decode_fru(self.fru_image())]
        return Result(0, "\n".join(out) + "\n\n")

    # -- chassis ---------------------------------------------------------------------------------
    def chassis_bootdev(self, device: str, options: str) -> Result:
        if device not in BOOT_DEVICES:
            return self._not_emulated(["chassis", "bootdev", device])
        flags0 = 0x80
        for option in options.removeprefix("options=").split(",") if options else []:
            if option == "persistent":
                flags0 |= 0x40
            elif option == "efiboot":
                flags0 |= 0x20
            elif option:
                return self._not_emulated(["chassis", "bootdev", device, options])
        self.ipmi.call(NetFn.CHASSIS, 0x08, bytes([0x00, 0x01]))  # set in progress
        self.ipmi.call(NetFn.CHASSIS, 0x08, bytes([0x04, 0x01, 0x01]))  # boot info acknowledge
        self.ipmi.call(NetFn.CHASSIS, 0x08, bytes([0x05, flags0, BOOT_DEVICES[device], 0, 0, 0]))
        self.ipmi.call(NetFn.CHASSIS, 0x08, bytes([0x00, 0x00]))  # set complete
        return Result(0, f"Set Boot Device to {device}\n")

    def chassis_status(self, full: bool) -> Result:
        status = self.ipmi.call(NetFn.CHASSIS, 0x01)
        if not full:
            return Result(0, f"Chassis Power is {'on' if status[0] & 0x01 else 'off'}\n")
        return Result(
            0,
            f"System Power         : {'on' if status[0] & 0x01 else 'off'}\n"
            f"Power Overload       : {'true' if status[0] & 0x02 else 'false'}\n"
            f"Power Interlock      : {'active' if status[0] & 0x04 else 'inactive'}\n"
            f"Main Power Fault     : {'true' if status[0] & 0x08 else 'false'}\n"
            f"Power Control Fault  : {'true' if status[0] & 0x10 else 'false'}\n",
        )


def _channel_number(text: str) -> int | None:
    try:
        value = int(text, 0)
    except ValueError:
        return None
    return value if 0 <= value <= 0x0F else None


def format_sel_record(record: bytes, csv: bool) -> str:
    """One ``sel list`` line for a 16-byte SEL record."""
    record_id, record_type = struct.unpack_from("<HB", record)
    sep = "," if csv else " | "
    head = f"{record_id:x}" if csv else f"{record_id:4x}"
    if record_type >= 0xE0:  # non-timestamped OEM
        fields = ["", ""] if csv else []
        return sep.join([head, *fields, f"OEM record {record_type:02x}", record[3:16].hex()])
    date, time_ = _timestamp(struct.unpack_from("<I", record, 3)[0])
    if record_type >= 0xC0:  # timestamped OEM: manufacturer id, then OEM data
        manufacturer = int.from_bytes(record[7:10], "little")
        return sep.join(
            [head, date, time_, f"OEM record {record_type:02x}", f"{manufacturer:06x}", record[10:16].hex()]
        )
    sensor_type, number, direction_type, data1 = record[10], record[11], record[12], record[13]
    event_type = direction_type & 0x7F
    name = f"{sel_list_sensor_type_name(sensor_type)} #0x{number:02x}"
    description = event_description(sensor_type, event_type, data1 & 0x0F)
    state = "Deasserted" if direction_type & 0x80 else "Asserted"
    return sep.join([head, date, time_, name, description, state])


# -- FRU decoding (Platform Management FRU Information Storage Definition v1.0) ---------------------
def _unpack_6bit(data: bytes) -> str:
    chars = []
    for i in range(0, len(data) - len(data) % 3, 3):
        value = data[i] | data[i + 1] << 8 | data[i + 2] << 16
        chars += [chr(((value >> shift) & 0x3F) + 0x20) for shift in (0, 6, 12, 18)]
    return "".join(chars)


def _fields(area: bytes, offset: int) -> list[str]:
    """The type/length fields of an info area from ``offset`` up to the C1h end marker."""
    out = []
    while offset < len(area) and area[offset] != 0xC1:
        type_length = area[offset]
        length = type_length & 0x3F
        raw = area[offset + 1 : offset + 1 + length]
        kind = type_length >> 6
        if kind == 0b10:
            out.append(_unpack_6bit(raw))
        elif kind == 0b00:
            out.append(raw.hex())
        else:
            out.append(raw.decode("latin-1"))
        offset += 1 + length
    return out


def decode_fru(image: bytes) -> list[tuple[str, str]]:
    """(label, value) pairs in ipmitool's ``fru print`` order; empty fields are left out as it does."""
    if len(image) < 8 or image[0] != 0x01:
        return []
    pairs: list[tuple[str, str]] = []

    def add(label: str, value: str) -> None:
        if value:
            pairs.append((label, value))

    chassis_at, board_at, product_at = image[2] * 8, image[3] * 8, image[4] * 8
    if chassis_at:
        area = image[chassis_at : chassis_at + image[chassis_at + 1] * 8]
        pairs.append(("Chassis Type", chassis_type_name(area[2])))
        fields = _fields(area, 3)
        for label, value in zip(("Chassis Part Number", "Chassis Serial"), fields):
            add(label, value)
        for value in fields[2:]:
            add("Chassis Extra", value)
    if board_at:
        area = image[board_at : board_at + image[board_at + 1] * 8]
        minutes = int.from_bytes(area[3:6], "little")
        when = FRU_EPOCH + dt.timedelta(minutes=minutes)
        pairs.append(("Board Mfg Date", f"{when:%a %b} {when.day:>2} {when:%H:%M:%S %Y} UTC"))
        fields = _fields(area, 6)
        for label, value in zip(("Board Mfg", "Board Product", "Board Serial", "Board Part Number"), fields):
            add(label, value)
        for value in fields[5:]:
            add("Board Extra", value)
    if product_at:
        area = image[product_at : product_at + image[product_at + 1] * 8]
        fields = _fields(area, 3)
        labels = (
            "Product Manufacturer",
            "Product Name",
            "Product Part Number",
            "Product Version",
            "Product Serial",
            "Product Asset Tag",
        )
        for label, value in zip(labels, fields):
            add(label, value)
        for value in fields[7:]:
            add("Product Extra", value)
    return pairs
