"""FRU inventory commands (storage netfn 0x0A, IPMI 2.0 chapter 34): FRU 0 only, read-only.

The image is built on the first request and kept per node (a few hundred bytes), see
:mod:`.fru_image`.
"""

from __future__ import annotations

import struct

from rackharness.bmc.commands.fru_image import build_fru_image
from rackharness.bmc.commands.table import CommandContext, CommandError, CommandTable, require
from rackharness.bmc.message import NetFn, Privilege
from rackharness.ipmi.completion_codes import Completion

COMMANDS = CommandTable()
STORAGE = NetFn.STORAGE

BUILTIN_FRU = 0
ACCESS_BY_BYTES = 0x00
MAX_READ_BYTES = 224  # larger reads answer 0xCA; tools then retry with smaller chunks


def _image(ctx: CommandContext, fru_id: int) -> bytes:
    if fru_id != BUILTIN_FRU:
        raise CommandError(Completion.REQUESTED_DATA_NOT_PRESENT)
    if ctx.state.fru_image is None:
        ctx.state.fru_image = build_fru_image(ctx.node)
    return ctx.state.fru_image


@COMMANDS.command(STORAGE, 0x10, Privilege.USER, length=1)
def get_fru_inventory_area_info(ctx: CommandContext, data: bytes) -> bytes:
    """Table 34-2: area size (LS first), accessed by bytes."""
    return struct.pack("<HB", len(_image(ctx, data[0])), ACCESS_BY_BYTES)


@COMMANDS.command(STORAGE, 0x11, Privilege.USER, length=4)
def read_fru_data(ctx: CommandContext, data: bytes) -> bytes:
    """Table 34-3: count returned, then the bytes (fewer at the end of the area)."""
    fru_id, offset, count = struct.unpack("<BHB", data)
    image = _image(ctx, fru_id)
    require(offset < len(image), Completion.PARAMETER_OUT_OF_RANGE)
    if count > MAX_READ_BYTES:
        raise CommandError(Completion.CANNOT_RETURN_REQUESTED_BYTES)
    chunk = image[offset : offset + count]
    return bytes([len(chunk)]) + chunk
