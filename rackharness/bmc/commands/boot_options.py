"""Set / Get System Boot Options (chassis 0x08 / 0x09, IPMI 2.0 section 28.12, table 28-14).

Parameters 0-5 are served; 6 and 7 (boot initiator info / mailbox) answer 0x80 "parameter not
supported". Get replies are ``[parameter version 1, valid bit | selector, data...]``; bit 7 of
the selector byte is set when the parameter was marked invalid/locked by a Set with bit 7.
"""

from __future__ import annotations

from rackharness.bmc.commands.table import CommandContext, CommandError, CommandTable
from rackharness.bmc.message import NetFn, Privilege
from rackharness.bmc.node_protocol import BootOptionsState
from rackharness.ipmi.boot_parameters import COMMIT_WRITE, SET_COMPLETE, SET_IN_PROGRESS
from rackharness.ipmi.completion_codes import Completion

COMMANDS = CommandTable()

PARAMETER_VERSION = 0x01
SET_IN_PROGRESS_NOT_COMPLETE = 0x81  # table 28-13 completion: set-in-progress already active
PARAMETER_LENGTHS = {0: 1, 1: 1, 2: 1, 3: 1, 4: 2, 5: 5}


def _read(boot: BootOptionsState, selector: int) -> bytes:
    if selector == 0:
        return bytes([boot.set_in_progress])
    if selector == 1:
        return bytes([boot.service_partition_selector])
    if selector == 2:
        return bytes([boot.service_partition_scan])
    if selector == 3:
        return bytes([boot.valid_bit_clearing])
    if selector == 4:
        return bytes([0x00, boot.ack_data])  # write mask reads as 0
    return bytes(boot.flags)


def _write(boot: BootOptionsState, selector: int, value: bytes) -> None:
    if selector == 0:
        state = value[0] & 0x03
        if state == SET_IN_PROGRESS and boot.set_in_progress == SET_IN_PROGRESS:
            raise CommandError(SET_IN_PROGRESS_NOT_COMPLETE)
        boot.set_in_progress = SET_COMPLETE if state == COMMIT_WRITE else state
    elif selector == 1:
        boot.service_partition_selector = value[0]
    elif selector == 2:
        boot.service_partition_scan = value[0] & 0x03
    elif selector == 3:
        boot.valid_bit_clearing = value[0] & 0x1F
    elif selector == 4:
        mask, bits = value[0] & 0x1F, value[1] & 0x1F
        boot.ack_data = (boot.ack_data & ~mask) | (bits & mask)
    else:
        boot.flags[:] = value


@COMMANDS.command(NetFn.CHASSIS, 0x08, Privilege.OPERATOR, length=(1, 17))
def set_system_boot_options(ctx: CommandContext, data: bytes) -> bytes:
    selector, value = data[0] & 0x7F, data[1:]
    if selector not in PARAMETER_LENGTHS:
        raise CommandError(Completion.PARAMETER_NOT_SUPPORTED)
    if len(value) != PARAMETER_LENGTHS[selector]:
        raise CommandError(Completion.REQUEST_DATA_LENGTH_INVALID)
    boot = ctx.node.boot
    _write(boot, selector, value)
    if data[0] & 0x80:
        boot.invalid_mask |= 1 << selector
    else:
        boot.invalid_mask &= ~(1 << selector)
    return b""


@COMMANDS.command(NetFn.CHASSIS, 0x09, Privilege.OPERATOR, length=3)
def get_system_boot_options(ctx: CommandContext, data: bytes) -> bytes:
    selector = data[0] & 0x7F
    if selector not in PARAMETER_LENGTHS:
        raise CommandError(Completion.PARAMETER_NOT_SUPPORTED)
    boot = ctx.node.boot
    invalid = 0x80 if boot.invalid_mask & (1 << selector) else 0
    return bytes([PARAMETER_VERSION, invalid | selector]) + _read(boot, selector)
