"""SDR repository commands (storage netfn 0x0A, IPMI 2.0 chapter 33).

The repository is read-only (records come from the profile, see :mod:`.sdr_records`): no add,
delete or update mode. Partial reads (offset > 0) need the current reservation (section 33.9);
a newer reservation cancels the older one (0xC5), as on real BMCs.
"""

from __future__ import annotations

import struct

from rackharness.bmc.commands.sdr_records import SDR_VERSION, repository_for
from rackharness.bmc.commands.table import CommandContext, CommandError, CommandTable
from rackharness.bmc.message import NetFn, Privilege
from rackharness.ipmi.completion_codes import Completion

COMMANDS = CommandTable()
STORAGE = NetFn.STORAGE

REPOSITORY_BYTES = 4096  # nominal repository size reported as total / free space
ALLOCATION_UNIT = 16
MAX_RECORD_UNITS = 5  # 80 bytes: a full sensor record with a 16-byte name is 64
UNSPECIFIED_TIME = 0xFFFFFFFF
# Operation support (table 33-3 byte 14): non-modal update, reserve and allocation info supported.
OPERATION_SUPPORT = 0x20 | 0x02 | 0x01


@COMMANDS.command(STORAGE, 0x20, Privilege.USER)
def get_sdr_repository_info(ctx: CommandContext, data: bytes) -> bytes:
    """Table 33-3."""
    repo = repository_for(ctx.node.profile)
    free = max(0, REPOSITORY_BYTES - repo.size_bytes)
    return (
        bytes([SDR_VERSION])
        + struct.pack("<HHII", len(repo.records), free, repo.addition_timestamp, UNSPECIFIED_TIME)
        + bytes([OPERATION_SUPPORT])
    )


@COMMANDS.command(STORAGE, 0x21, Privilege.USER)
def get_sdr_repository_allocation_info(ctx: CommandContext, data: bytes) -> bytes:
    """Table 33-4: units possible, unit size, free units, largest free block, max record size."""
    repo = repository_for(ctx.node.profile)
    total_units = REPOSITORY_BYTES // ALLOCATION_UNIT
    used_units = sum(-(-len(r) // ALLOCATION_UNIT) for r in repo.records)
    free_units = max(0, total_units - used_units)
    return struct.pack("<HHHHB", total_units, ALLOCATION_UNIT, free_units, free_units, MAX_RECORD_UNITS)


@COMMANDS.command(STORAGE, 0x22, Privilege.USER)
def reserve_sdr_repository(ctx: CommandContext, data: bytes) -> bytes:
    return struct.pack("<H", new_reservation(ctx))


@COMMANDS.command(STORAGE, 0x23, Privilege.USER, length=6)
def get_sdr(ctx: CommandContext, data: bytes) -> bytes:
    return read_sdr(ctx, data)


def new_reservation(ctx: CommandContext) -> int:
    ctx.state.sdr_reservation = ctx.state.sdr_reservation % 0xFFFF + 1  # never 0
    return ctx.state.sdr_reservation


def read_sdr(ctx: CommandContext, data: bytes) -> bytes:
    """Get SDR (table 33-5): next record id, then ``count`` bytes of the record from ``offset``."""
    reservation, record_id, offset, count = struct.unpack("<HHBB", data)
    if offset and reservation != ctx.state.sdr_reservation:
        raise CommandError(Completion.RESERVATION_CANCELLED)
    found = repository_for(ctx.node.profile).find(record_id)
    if found is None:
        raise CommandError(Completion.REQUESTED_DATA_NOT_PRESENT)
    record, next_id = found
    if offset >= len(record):
        raise CommandError(Completion.PARAMETER_OUT_OF_RANGE)
    end = len(record) if count == 0xFF else min(len(record), offset + count)
    return struct.pack("<H", next_id) + record[offset:end]
