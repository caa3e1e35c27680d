"""What a hardware profile tells the BMC about its node: Get Device ID data and the FRU 0 fields.

Immutable and shared by every node of a profile; the FRU text fields are templates the node fills
with its own identity (:meth:`~rackharness.bmc.node_protocol.ManagedNode.render`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """Get Device ID reply data (IPMI 2.0 table 20-2)."""

    device_id: int
    device_revision: int
    firmware_major: int
    firmware_minor: int  # printed as BCD by ipmitool: 0x25 reads "2.25"
    ipmi_version: int  # BCD, 0x02 = IPMI 2.0
    additional_device_support: int
    manufacturer_id: int  # IANA enterprise number: Quanta 7244, Dell 674, Intel 343
    product_id: int
    aux_firmware: bytes  # 4 bytes
    controller_name: str  # ID string of the BMC's management controller locator SDR


@dataclass(frozen=True, slots=True)
class FruData:
    """FRU 0 fields; ``*_serial`` and asset tag are templates such as ``"QTF{serial}"``."""

    chassis_type: int
    chassis_part_number: str
    chassis_serial: str
    board_mfg_date: dt.datetime
    board_manufacturer: str
    board_product: str
    board_serial: str
    board_part_number: str
    product_manufacturer: str
    product_name: str
    product_part_number: str
    product_version: str
    product_serial: str
    product_asset_tag: str
    six_bit_fields: frozenset[str]  # field names stored as 6-bit packed ASCII
