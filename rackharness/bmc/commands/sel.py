"""SEL commands (storage netfn 0x0A, IPMI 2.0 chapter 31) over the node's
:class:`~rackharness.bmc.node_protocol.EventLog`.

Erasure completes at once: Clear SEL answers "erase completed" for both initiate and status.
"""

from __future__ import annotations

import struct

from rackharness.bmc.commands.table import CommandContext, CommandError, CommandTable, require
from rackharness.bmc.message import NetFn, Privilege
from rackharness.ipmi.completion_codes import Completion
from rackharness.ipmi.sel_records import SEL_RECORD_BYTES

COMMANDS = CommandTable()
STORAGE = NetFn.STORAGE

SEL_VERSION = 0x51
# Operation support (table 31-2 byte 14): bit 7 overflow, delete, reserve, allocation info.
DELETE_SUPPORTED, RESERVE_SUPPORTED, ALLOCATION_INFO_SUPPORTED = 0x08, 0x02, 0x01
CLEAR_MAGIC = b"CLR"
INITIATE_ERASE, GET_ERASE_STATUS = 0xAA, 0x00
ERASE_COMPLETED = 0x01


@COMMANDS.command(STORAGE, 0x40, Privilege.USER)
def get_sel_info(ctx: CommandContext, data: bytes) -> bytes:
    """Table 31-2."""
    log = ctx.node.sel
    support = DELETE_SUPPORTED | RESERVE_SUPPORTED | ALLOCATION_INFO_SUPPORTED
    if log.overflow:
        support |= 0x80
    return (
        bytes([SEL_VERSION])
        + struct.pack("<HHII", len(log), min(log.free_bytes, 0xFFFE), log.last_add_time, log.last_erase_time)
        + bytes([support])
    )


@COMMANDS.command(STORAGE, 0x41, Privilege.USER)
def get_sel_allocation_info(ctx: CommandContext, data: bytes) -> bytes:
    """Table 31-3: one 16-byte allocation unit per entry."""
    log = ctx.node.sel
    free_units = log.capacity - len(log)
    return struct.pack("<HHHHB", log.capacity, SEL_RECORD_BYTES, free_units, free_units, 1)


@COMMANDS.command(STORAGE, 0x42, Privilege.USER)
def reserve_sel(ctx: CommandContext, data: bytes) -> bytes:
    return struct.pack("<H", ctx.node.sel.reserve())


@COMMANDS.command(STORAGE, 0x43, Privilege.USER, length=6)
def get_sel_entry(ctx: CommandContext, data: bytes) -> bytes:
    """Table 31-5: id 0 = first, 0xFFFF = last; offset/count read part of the 16 bytes."""
    reservation, record_id, offset, count = struct.unpack("<HHBB", data)
    log = ctx.node.sel
    if offset and not log.reservation_valid(reservation):
        raise CommandError(Completion.RESERVATION_CANCELLED)
    found = log.find(record_id)
    if found is None:
        raise CommandError(Completion.REQUESTED_DATA_NOT_PRESENT)
    record, next_id = found
    require(offset < SEL_RECORD_BYTES, Completion.PARAMETER_OUT_OF_RANGE)
    end = SEL_RECORD_BYTES if count == 0xFF else min(SEL_RECORD_BYTES, offset + count)
    return struct.pack("<H", next_id) + record[offset:end]


@COMMANDS.command(STORAGE, 0x44, Privilege.OPERATOR, length=SEL_RECORD_BYTES)
def add_sel_entry(ctx: CommandContext, data: bytes) -> bytes:
    record_id = ctx.node.sel.add_record(data)
    if record_id is None:
        raise CommandError(Completion.OUT_OF_SPACE)
    return struct.pack("<H", record_id)


@COMMANDS.command(STORAGE, 0x46, Privilege.OPERATOR, length=4)
def delete_sel_entry(ctx: CommandContext, data: bytes) -> bytes:
    reservation, record_id = struct.unpack("<HH", data)
    log = ctx.node.sel
    if not log.reservation_valid(reservation):
        raise CommandError(Completion.RESERVATION_CANCELLED)
    deleted = log.delete(record_id)
    if deleted is None:
        raise CommandError(Completion.REQUESTED_DATA_NOT_PRESENT)
    return struct.pack("<H", deleted)


@COMMANDS.command(STORAGE, 0x47, Privilege.OPERATOR, length=6)
def clear_sel(ctx: CommandContext, data: bytes) -> bytes:
    """Table 31-9: reservation, 'C' 'L' 'R', AAh initiate / 00h get status -> progress."""
    reservation = struct.unpack_from("<H", data)[0]
    log = ctx.node.sel
    if not log.reservation_valid(reservation):
        raise CommandError(Completion.RESERVATION_CANCELLED)
    require(data[2:5] == CLEAR_MAGIC and data[5] in (INITIATE_ERASE, GET_ERASE_STATUS))
    if data[5] == INITIATE_ERASE:
        log.clear()
    return bytes([ERASE_COMPLETED])


@COMMANDS.command(STORAGE, 0x48, Privilege.USER)
def get_sel_time(ctx: CommandContext, data: bytes) -> bytes:
    return struct.pack("<I", ctx.node.sel.now())


@COMMANDS.command(STORAGE, 0x49, Privilege.OPERATOR, length=4)
def set_sel_time(ctx: CommandContext, data: bytes) -> bytes:
    ctx.node.sel.set_time(struct.unpack("<I", data)[0])
    return b""
