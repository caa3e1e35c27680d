"""LAN configuration parameters (transport netfn 0x0C, IPMI 2.0 section 23.1-23.2, table 23-4).

Values come from the node's :class:`~rackharness.bmc.node_protocol.BmcSettings` (address, MAC, netmask,
gateway, UDP port); a Set LAN Configuration Parameters stores an override on the node and later
reads return it. Setting the address does not move the BMC's socket (the rack binds it from the
spec). Cipher suites 3 and 17 are the ones the session layer offers.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Callable

from rackharness.bmc.commands.table import CommandContext, CommandError, CommandTable, require
from rackharness.bmc.message import NetFn, Privilege
from rackharness.bmc.node_protocol import BmcSettings
from rackharness.ipmi.completion_codes import Completion

COMMANDS = CommandTable()
TRANSPORT = NetFn.TRANSPORT

PARAMETER_REVISION = 0x11
CURRENT_CHANNEL = 0x0E
READ_ONLY = 0x82  # table 23-3 completion: attempt to write a read-only parameter
SET_IN_PROGRESS_NOT_COMPLETE = 0x81
AUTH_MD5_PASSWORD = 0x14  # auth type bits: 4 straight password, 2 MD5
CIPHER_SUITES = (3, 17)
ADMIN_NIBBLE = 0x4


def _ipv4(text: str) -> bytes:
    return ipaddress.IPv4Address(text).packed


def _mac(text: str) -> bytes:
    return bytes(int(part, 16) for part in text.replace("-", ":").split(":"))


def _cipher_suite_privileges() -> bytes:
    nibbles = [ADMIN_NIBBLE] * len(CIPHER_SUITES) + [0] * (16 - len(CIPHER_SUITES))
    return bytes([0]) + bytes(nibbles[i] | nibbles[i + 1] << 4 for i in range(0, 16, 2))


@dataclass(frozen=True)
class LanParameter:
    name: str
    length: int | None  # exact length accepted by Set; None = read-only
    default: Callable[[BmcSettings], bytes]


PARAMETERS: dict[int, LanParameter] = {
    0: LanParameter("set in progress", 1, lambda b: b"\x00"),
    1: LanParameter("authentication type support", None, lambda b: bytes([AUTH_MD5_PASSWORD])),
    2: LanParameter("authentication type enables", 5, lambda b: bytes([AUTH_MD5_PASSWORD] * 4 + [0])),
    3: LanParameter("IP address", 4, lambda b: _ipv4(b.host)),
    4: LanParameter("IP address source", 1, lambda b: b"\x01"),  # static
    5: LanParameter("MAC address", None, lambda b: _mac(b.mac)),
    6: LanParameter("subnet mask", 4, lambda b: _ipv4(b.netmask)),
    7: LanParameter("IPv4 header parameters", 3, lambda b: b"\x40\x40\x10"),  # TTL 64, DF, TOS
    8: LanParameter("primary RMCP port", None, lambda b: b.port.to_bytes(2, "little")),
    10: LanParameter("BMC-generated ARP control", 1, lambda b: b"\x02"),  # answers ARP
    11: LanParameter("gratuitous ARP interval", 1, lambda b: b"\x04"),  # 2 s
    12: LanParameter("default gateway address", 4, lambda b: _ipv4(b.gateway)),
    13: LanParameter("default gateway MAC", 6, lambda b: bytes(6)),
    14: LanParameter("backup gateway address", 4, lambda b: bytes(4)),
    15: LanParameter("backup gateway MAC", 6, lambda b: bytes(6)),
    16: LanParameter("community string", 18, lambda b: b"public".ljust(18, b"\0")),
    17: LanParameter("number of destinations", None, lambda b: b"\x00"),
    20: LanParameter("802.1q VLAN ID", 2, lambda b: b"\x00\x00"),  # disabled
    21: LanParameter("802.1q VLAN priority", 1, lambda b: b"\x00"),
    22: LanParameter("cipher suite entry support", None, lambda b: bytes([len(CIPHER_SUITES)])),
    23: LanParameter("cipher suite entries", None, lambda b: bytes([0, *CIPHER_SUITES]).ljust(17, b"\0")),
    24: LanParameter("cipher suite privilege levels", 9, lambda b: _cipher_suite_privileges()),
    26: LanParameter("bad password threshold", 6, lambda b: bytes(6)),
}


def _check_channel(ctx: CommandContext, byte: int) -> None:
    channel = byte & 0x0F
    require(channel in (CURRENT_CHANNEL, ctx.node.spec.bmc.channel))


def lan_parameter(ctx: CommandContext, selector: int) -> bytes:
    """The current value: an override set over IPMI, else the default from the BMC spec."""
    override = ctx.node.lan_overrides.get(selector)
    return override if override is not None else PARAMETERS[selector].default(ctx.node.spec.bmc)


@COMMANDS.command(TRANSPORT, 0x02, Privilege.OPERATOR, length=4)
def get_lan_configuration_parameters(ctx: CommandContext, data: bytes) -> bytes:
    """Table 23-3: revision, then the data (omitted when bit 7 asks for the revision only)."""
    _check_channel(ctx, data[0])
    selector = data[1]
    if selector not in PARAMETERS:
        raise CommandError(Completion.PARAMETER_NOT_SUPPORTED)
    if data[0] & 0x80:
        return bytes([PARAMETER_REVISION])
    return bytes([PARAMETER_REVISION]) + lan_parameter(ctx, selector)


@COMMANDS.command(TRANSPORT, 0x01, Privilege.ADMINISTRATOR, length=(3, 20))
def set_lan_configuration_parameters(ctx: CommandContext, data: bytes) -> bytes:
    """Table 23-2."""
    _check_channel(ctx, data[0])
    selector, value = data[1], bytes(data[2:])
    parameter = PARAMETERS.get(selector)
    if parameter is None:
        raise CommandError(Completion.PARAMETER_NOT_SUPPORTED)
    if parameter.length is None:
        raise CommandError(READ_ONLY)
    if len(value) != parameter.length:
        raise CommandError(Completion.REQUEST_DATA_LENGTH_INVALID)
    if selector == 0:
        state = value[0] & 0x03
        if state == 1 and lan_parameter(ctx, 0)[0] == 1:
            raise CommandError(SET_IN_PROGRESS_NOT_COMPLETE)
        value = bytes([0 if state == 2 else state])  # commit write completes at once
    elif selector == 4:
        require(value[0] & 0x0F <= 4)
    ctx.node.lan_overrides[selector] = value
    return b""
