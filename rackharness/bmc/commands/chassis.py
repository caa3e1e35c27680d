"""Chassis netfn (0x00) commands (IPMI 2.0 chapter 28), boot options aside (:mod:`.boot_options`)."""

from __future__ import annotations

import struct

from rackharness.bmc.commands.table import CommandContext, CommandError, CommandTable, require
from rackharness.bmc.message import NetFn, Privilege
from rackharness.ipmi.chassis_status import (
    IDENTIFY_STATE_SHIFT,
    IDENTIFY_SUPPORTED,
    POWER_CONTROL_FAULT,
    POWER_IS_ON,
    POWER_RESTORE_SHIFT,
    PowerRestorePolicy,
)
from rackharness.ipmi.completion_codes import Completion

COMMANDS = CommandTable()
CHASSIS = NetFn.CHASSIS

BMC_ADDRESS = 0x20
POH_MINUTES_PER_COUNT = 60


@COMMANDS.command(CHASSIS, 0x00, Privilege.USER)
def get_chassis_capabilities(ctx: CommandContext, data: bytes) -> bytes:
    """Table 28-1: no intrusion sensor / lockout / interlock; FRU, SDR, SEL, SM all at the BMC."""
    return bytes([0x00, BMC_ADDRESS, BMC_ADDRESS, BMC_ADDRESS, BMC_ADDRESS])


@COMMANDS.command(CHASSIS, 0x01, Privilege.USER)
def get_chassis_status(ctx: CommandContext, data: bytes) -> bytes:
    """Table 28-3: power state / restore policy, last power event, misc state, panel buttons."""
    node = ctx.node
    power = POWER_IS_ON if node.is_on else 0
    if node.power_control_fault:
        power |= POWER_CONTROL_FAULT
    power |= int(node.power_restore_policy) << POWER_RESTORE_SHIFT
    misc = IDENTIFY_SUPPORTED | (node.identify_state() << IDENTIFY_STATE_SHIFT)
    return bytes([power, node.last_power_event, misc, 0x00])


@COMMANDS.command(CHASSIS, 0x02, Privilege.OPERATOR, length=1)
def chassis_control(ctx: CommandContext, data: bytes) -> bytes:
    """Table 28-4: 0 down, 1 up, 2 cycle, 3 hard reset, 4 diagnostic interrupt, 5 soft off."""
    node = ctx.node
    actions = {
        0: node.power_off,
        1: node.power_on,
        2: node.power_cycle,
        3: node.hard_reset,
        4: node.diagnostic_interrupt,
        5: node.soft_off,
    }
    action = actions.get(data[0] & 0x0F)
    require(action is not None)
    if not action():
        raise CommandError(Completion.NOT_SUPPORTED_IN_PRESENT_STATE)
    return b""


@COMMANDS.command(CHASSIS, 0x04, Privilege.OPERATOR, length=(0, 2))
def chassis_identify(ctx: CommandContext, data: bytes) -> bytes:
    """Section 28.5: optional interval in seconds (default 15, 0 = off), optional force-on bit."""
    interval = data[0] if data else None
    force = len(data) > 1 and bool(data[1] & 0x01)
    ctx.node.identify(interval, force=force)
    return b""


@COMMANDS.command(CHASSIS, 0x06, Privilege.OPERATOR, length=1)
def set_power_restore_policy(ctx: CommandContext, data: bytes) -> bytes:
    """Section 28.8: 0 always off, 1 previous, 2 always on, 3 no change; answers the supported set."""
    policy = data[0] & 0x07
    require(policy <= 3)
    if policy != 3:
        ctx.node.power_restore_policy = PowerRestorePolicy(policy)
    return bytes([0x07])


@COMMANDS.command(CHASSIS, 0x07, Privilege.USER)
def get_system_restart_cause(ctx: CommandContext, data: bytes) -> bytes:
    """Section 28.11: 1 = chassis control command (every restart here is one), channel."""
    cause = 0x01 if ctx.node.boot_count else 0x00
    return bytes([cause, ctx.node.spec.bmc.channel])


@COMMANDS.command(CHASSIS, 0x0F, Privilege.USER)
def get_poh_counter(ctx: CommandContext, data: bytes) -> bytes:
    """Section 28.14: minutes per count, then the 32-bit counter (LS byte first)."""
    counts = int(ctx.node.powered_on_seconds() // 60 // POH_MINUTES_PER_COUNT)
    return bytes([POH_MINUTES_PER_COUNT]) + struct.pack("<I", counts & 0xFFFFFFFF)
