"""Sensor/Event netfn (0x04) commands (IPMI 2.0 chapters 29 and 35).

Readings are computed from the node state on every request
(:meth:`~rackharness.bmc.node_protocol.ManagedNode.read_sensor`). The device-SDR commands (0x20-0x22)
answer from the same repository as the storage-netfn SDR commands.
"""

from __future__ import annotations

import struct

from rackharness.bmc.commands import sdr
from rackharness.bmc.commands.sdr_records import discrete_mask, repository_for, threshold_masks
from rackharness.bmc.commands.table import CommandContext, CommandError, CommandTable, require
from rackharness.bmc.message import NetFn, Privilege
from rackharness.bmc.sensor_record import SensorRecord
from rackharness.ipmi.completion_codes import Completion
from rackharness.ipmi.sel_records import EVM_REV, SYSTEM_EVENT_RECORD
from rackharness.ipmi.sensor_thresholds import THRESHOLD_NAMES

COMMANDS = CommandTable()
SENSOR_EVENT = NetFn.SENSOR_EVENT

READING_FLAGS = 0x40 | 0x80  # byte 2: sensor scanning and event messages enabled
READING_UNAVAILABLE = 0x20
BYTE4_RESERVED = 0x80  # Get Sensor Reading byte 4 bit 7 "returned as 1b"
REMOTE_CONSOLE_GENERATOR = 0x81  # software id 40h (remote console), as a generator id byte


def _sensor(ctx: CommandContext, number: int) -> SensorRecord:
    sensor = ctx.node.profile.sensor(number)
    if sensor is None:
        raise CommandError(Completion.REQUESTED_DATA_NOT_PRESENT)
    return sensor


@COMMANDS.command(SENSOR_EVENT, 0x20, Privilege.USER, length=(0, 1))
def get_device_sdr_info(ctx: CommandContext, data: bytes) -> bytes:
    """Section 35.2: sensor count (or SDR count if bit 0 set), static population on LUN 0."""
    repo = repository_for(ctx.node.profile)
    count = len(repo.records) if data and data[0] & 0x01 else len(ctx.node.profile.sensors)
    return bytes([count & 0xFF, 0x01])


@COMMANDS.command(SENSOR_EVENT, 0x21, Privilege.USER, length=6)
def get_device_sdr(ctx: CommandContext, data: bytes) -> bytes:
    return sdr.read_sdr(ctx, data)


@COMMANDS.command(SENSOR_EVENT, 0x22, Privilege.USER)
def reserve_device_sdr_repository(ctx: CommandContext, data: bytes) -> bytes:
    return struct.pack("<H", sdr.new_reservation(ctx))


@COMMANDS.command(SENSOR_EVENT, 0x2D, Privilege.USER, length=1)
def get_sensor_reading(ctx: CommandContext, data: bytes) -> bytes:
    """Section 35.14: reading, flags, threshold comparison bits or discrete state bits."""
    sensor = _sensor(ctx, data[0])
    reading = ctx.node.read_sensor(sensor)
    flags = READING_FLAGS | (0 if reading.available else READING_UNAVAILABLE)
    return bytes([reading.raw, flags, reading.state & 0xFF, BYTE4_RESERVED | ((reading.state >> 8) & 0x7F)])


@COMMANDS.command(SENSOR_EVENT, 0x27, Privilege.USER, length=1)
def get_sensor_thresholds(ctx: CommandContext, data: bytes) -> bytes:
    """Section 35.9: readable mask, then LNC, LC, LNR, UNC, UC, UNR raw values."""
    sensor = _sensor(ctx, data[0])
    if not sensor.is_threshold:
        raise CommandError(Completion.ILLEGAL_FOR_SENSOR_OR_RECORD)
    return bytes([sensor.threshold_mask]) + bytes(sensor.threshold_raw(n) for n in THRESHOLD_NAMES)


@COMMANDS.command(SENSOR_EVENT, 0x25, Privilege.USER, length=2)
def get_sensor_hysteresis(ctx: CommandContext, data: bytes) -> bytes:
    """Section 35.7: positive- and negative-going hysteresis (raw counts)."""
    sensor = _sensor(ctx, data[0])
    if not sensor.is_threshold:
        raise CommandError(Completion.ILLEGAL_FOR_SENSOR_OR_RECORD)
    return bytes([sensor.hysteresis, sensor.hysteresis])


@COMMANDS.command(SENSOR_EVENT, 0x29, Privilege.USER, length=1)
def get_sensor_event_enable(ctx: CommandContext, data: bytes) -> bytes:
    """Section 35.11: event messages + scanning enabled; the SDR's event masks are enabled."""
    sensor = _sensor(ctx, data[0])
    if sensor.is_threshold:
        assertion, deassertion, _ = threshold_masks(sensor)
        assertion &= 0x0FFF
        deassertion &= 0x0FFF
    else:
        assertion = deassertion = discrete_mask(sensor)
    return bytes([0xC0]) + struct.pack("<HH", assertion, deassertion)


@COMMANDS.command(SENSOR_EVENT, 0x2F, Privilege.USER, length=1)
def get_sensor_type(ctx: CommandContext, data: bytes) -> bytes:
    sensor = _sensor(ctx, data[0])
    return bytes([sensor.sensor_type, sensor.event_type])


@COMMANDS.command(SENSOR_EVENT, 0x02, Privilege.OPERATOR, length=(5, 8))
def platform_event(ctx: CommandContext, data: bytes) -> bytes:
    """Section 29.3: log the event in the SEL.

    Over LAN the request starts with EvMRev (5-7 bytes); from a system interface it starts with
    the generator id (8 bytes). Missing event data 2/3 are 0xFF ("unspecified").
    """
    if len(data) == 8:
        generator, body = data[0], data[1:]
    else:
        generator, body = REMOTE_CONSOLE_GENERATOR, data
    require(body[0] in (0x03, 0x04))  # EvMRev: IPMI 1.0 / 1.5+
    event_data = bytes(body[4:]) + b"\xff" * (3 - len(body[4:]))
    record = (
        struct.pack("<HBIBB", 0, SYSTEM_EVENT_RECORD, 0, generator, ctx.session.channel << 4)
        + bytes([EVM_REV, body[1], body[2], body[3]])
        + event_data[:3]
    )
    if ctx.node.sel.add_record(record) is None:
        raise CommandError(Completion.OUT_OF_SPACE)
    return b""
