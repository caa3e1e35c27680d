"""App netfn (0x06) commands: device identity, GUIDs, channels, users (IPMI 2.0 ch. 20 and 22).

The session commands (Get Channel Authentication Capabilities, Set Session Privilege, Close
Session, ...) belong to the session layer and are not served here.
"""

from __future__ import annotations

import struct
import uuid

from rackharness.bmc.commands.table import CommandContext, CommandError, CommandTable, require
from rackharness.bmc.message import NetFn, Privilege
from rackharness.bmc.users import MAX_NAME_BYTES, MAX_PASSWORD_BYTES, MAX_USERS, BmcUser
from rackharness.ipmi.completion_codes import Completion

COMMANDS = CommandTable()
APP = NetFn.APP

CURRENT_CHANNEL = 0x0E
SYSTEM_INTERFACE_CHANNEL = 0x0F
IPMI_IANA = b"\xf2\x1b\x00"  # 7154, the IPMI forum: Get Channel Info vendor id
MEDIUM_802_3_LAN, MEDIUM_IPMB, MEDIUM_SYSTEM_INTERFACE = 0x04, 0x01, 0x0C
PROTOCOL_IPMB, PROTOCOL_KCS = 0x01, 0x05
MULTI_SESSION = 0x80
NO_ACCESS = 0x0F
USER_ENABLED, USER_DISABLED = 0x40, 0x80  # Get User Access byte 2 bits 7:6
SYSTEM_INFO_REVISION = 0x11
DEVICE_GUID_NAMESPACE = uuid.UUID("5a4f7c5e-4c1b-4e0f-9a43-72616b686172")  # derives BMC GUIDs


def ipmi_guid(value: uuid.UUID) -> bytes:
    """A GUID in IPMI order (section 20.8, table 20-10): the RFC 4122 bytes, LS byte first."""
    return value.bytes[::-1]


@COMMANDS.command(APP, 0x01, Privilege.USER)
def get_device_id(ctx: CommandContext, data: bytes) -> bytes:
    """Table 20-2: 11 bytes plus the 4-byte auxiliary firmware revision = 15 bytes."""
    d = ctx.node.profile.device
    return (
        bytes(
            [
                d.device_id,
                d.device_revision & 0x0F,  # bit 7 clear: SDRs are in the repository
                d.firmware_major & 0x7F,
                d.firmware_minor,
                d.ipmi_version,
                d.additional_device_support,
            ]
        )
        + struct.pack("<I", d.manufacturer_id)[:3]
        + struct.pack("<H", d.product_id)
        + d.aux_firmware
    )


@COMMANDS.command(APP, 0x02, Privilege.ADMINISTRATOR)
def cold_reset(ctx: CommandContext, data: bytes) -> bytes:
    """Section 20.2: the BMC restarts; the host is not affected. Nothing to re-initialise here."""
    return b""


@COMMANDS.command(APP, 0x03, Privilege.ADMINISTRATOR)
def warm_reset(ctx: CommandContext, data: bytes) -> bytes:
    return b""


@COMMANDS.command(APP, 0x04, Privilege.USER)
def get_self_test_results(ctx: CommandContext, data: bytes) -> bytes:
    return b"\x55\x00"  # table 20-4: 55h "no error", byte 2 = 0


@COMMANDS.command(APP, 0x08, Privilege.USER)
def get_device_guid(ctx: CommandContext, data: bytes) -> bytes:
    return ipmi_guid(uuid.uuid5(DEVICE_GUID_NAMESPACE, ctx.node.spec.uuid.lower()))


@COMMANDS.command(APP, 0x37, Privilege.USER)
def get_system_guid(ctx: CommandContext, data: bytes) -> bytes:
    return ipmi_guid(uuid.UUID(ctx.node.spec.uuid))


@COMMANDS.command(APP, 0x2F, Privilege.USER)
def get_bmc_global_enables(ctx: CommandContext, data: bytes) -> bytes:
    return b"\x0c"  # bit 3 system event logging, bit 2 event message buffer (section 22.2)


def _channel(ctx: CommandContext, byte: int) -> int:
    channel = byte & 0x0F
    return ctx.session.channel if channel == CURRENT_CHANNEL else channel


@COMMANDS.command(APP, 0x42, Privilege.USER, length=1)
def get_channel_info(ctx: CommandContext, data: bytes) -> bytes:
    """Table 22-29: the LAN channel, IPMB (0) and the system interface (0xF) exist."""
    channel = _channel(ctx, data[0])
    if channel == ctx.node.spec.bmc.channel:
        medium, protocol, sessions = MEDIUM_802_3_LAN, PROTOCOL_IPMB, MULTI_SESSION | 1
    elif channel == 0:
        medium, protocol, sessions = MEDIUM_IPMB, PROTOCOL_IPMB, 0
    elif channel == SYSTEM_INTERFACE_CHANNEL:
        medium, protocol, sessions = MEDIUM_SYSTEM_INTERFACE, PROTOCOL_KCS, 0
    else:
        raise CommandError(Completion.INVALID_DATA_FIELD)
    return bytes([channel, medium, protocol, sessions]) + IPMI_IANA + b"\x00\x00"


@COMMANDS.command(APP, 0x41, Privilege.USER, length=2)
def get_channel_access(ctx: CommandContext, data: bytes) -> bytes:
    """Table 22-28: always available, PEF alerting and per-message auth enabled, ADMIN limit."""
    require(_channel(ctx, data[0]) == ctx.node.spec.bmc.channel)
    require(data[1] >> 6 in (1, 2))  # 01b non-volatile, 10b volatile settings
    return bytes([0x02, int(Privilege.ADMINISTRATOR)])


def _user_slot(byte: int) -> int:
    user_id = byte & 0x3F
    require(1 <= user_id <= MAX_USERS)
    return user_id


@COMMANDS.command(APP, 0x44, Privilege.OPERATOR, length=2)
def get_user_access(ctx: CommandContext, data: bytes) -> bytes:
    """Table 22-33."""
    require(_channel(ctx, data[0]) == ctx.node.spec.bmc.channel)
    users = ctx.node.users
    user = users.slot(_user_slot(data[1]))
    enabled = 0
    access = NO_ACCESS
    if user is not None:
        enabled = USER_ENABLED if user.enabled else USER_DISABLED
        if user.ipmi_messaging:
            access = 0x10 | int(user.privilege_limit)
        if user.link_auth:
            access |= 0x20
    return bytes([MAX_USERS, enabled | users.enabled_count, users.fixed_name_count, access])


@COMMANDS.command(APP, 0x46, Privilege.OPERATOR, length=1)
def get_user_name(ctx: CommandContext, data: bytes) -> bytes:
    user = ctx.node.users.slot(_user_slot(data[0]))
    name = user.name.encode("utf-8") if user is not None else b""
    return name.ljust(MAX_NAME_BYTES, b"\0")


@COMMANDS.command(APP, 0x45, Privilege.ADMINISTRATOR, length=1 + MAX_NAME_BYTES)
def set_user_name(ctx: CommandContext, data: bytes) -> bytes:
    user_id = _user_slot(data[0])
    require(user_id != 1)  # the null user's name is fixed
    name = data[1:].split(b"\0", 1)[0].decode("utf-8", "replace")
    user = ctx.node.users.slot(user_id)
    if user is None:
        ctx.node.users.put(BmcUser(user_id, name, "", Privilege.USER, enabled=False))
    else:
        user.name = name
    return b""


@COMMANDS.command(APP, 0x47, Privilege.ADMINISTRATOR, length=(2, 2 + MAX_PASSWORD_BYTES))
def set_user_password(ctx: CommandContext, data: bytes) -> bytes:
    """Table 22-32: disable / enable / set password / test password."""
    user = ctx.node.users.slot(_user_slot(data[0]))
    operation = data[1] & 0x03
    if operation in (0, 1):
        require(user is not None)
        user.enabled = operation == 1
        return b""
    size = MAX_PASSWORD_BYTES if data[0] & 0x80 else 16
    if len(data) != 2 + size:
        raise CommandError(Completion.REQUEST_DATA_LENGTH_INVALID)
    password = data[2:].rstrip(b"\0").decode("utf-8", "replace")
    require(user is not None)
    if operation == 2:
        user.password = password
        return b""
    if user.password != password:
        raise CommandError(0x80)  # password test failed
    return b""


@COMMANDS.command(APP, 0x43, Privilege.ADMINISTRATOR, length=(3, 4))
def set_user_access(ctx: CommandContext, data: bytes) -> bytes:
    """Table 22-31 (privilege 0xF = no access: IPMI messaging off)."""
    require(_channel(ctx, data[0]) == ctx.node.spec.bmc.channel)
    user = ctx.node.users.slot(_user_slot(data[1]))
    require(user is not None)
    limit = data[2] & 0x0F
    require(limit in (1, 2, 3, 4, 5, NO_ACCESS))
    if data[0] & 0x80:  # bits 6:4 are to be changed
        user.link_auth = bool(data[0] & 0x20)
        user.ipmi_messaging = bool(data[0] & 0x10)
    if limit == NO_ACCESS:
        user.ipmi_messaging = False
    else:
        user.privilege_limit = Privilege(limit)
    return b""


def _system_info_strings(ctx: CommandContext) -> dict[int, str]:
    """Get System Info parameters 1-4 (table 22-16): firmware version, system / OS names."""
    bios = ctx.node.profile.catalogs.get("dmi", {}).get("BIOS Information", {})
    return {1: str(bios.get("Version", "")), 2: ctx.node.name, 3: "", 4: ""}


@COMMANDS.command(APP, 0x59, Privilege.USER, length=4)
def get_system_info_parameters(ctx: CommandContext, data: bytes) -> bytes:
    selector, set_selector = data[1], data[2]
    strings = _system_info_strings(ctx)
    if selector not in strings:
        raise CommandError(Completion.PARAMETER_NOT_SUPPORTED)
    if data[0] & 0x80:
        return bytes([SYSTEM_INFO_REVISION])
    text = strings[selector].encode("latin-1", "replace")
    if set_selector == 0:  # set 0: selector, encoding (ASCII/Latin-1), length, bytes 1-14
        block = bytes([0, 0x00, len(text)]) + text[:14].ljust(14, b"\0")
    else:
        block = bytes([set_selector]) + text[14 + (set_selector - 1) * 16 :][:16].ljust(16, b"\0")
    return bytes([SYSTEM_INFO_REVISION]) + block
