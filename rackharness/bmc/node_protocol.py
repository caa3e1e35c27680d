"""What the IPMI command set needs of the node it manages: the protocol the node model plugs into.

The command set (:mod:`rackharness.bmc.commands`) is written against :class:`ManagedNode` and the
smaller protocols here, never against the node model (the rack's ``VirtualNode``, which imports
this package, not the other way round). The node model satisfies them structurally: a
``VirtualNode`` is a ``ManagedNode``, its hardware profile a :class:`NodeProfile`, and so on.
The plain data the BMC serves as it is are BMC classes the node model builds or extends:
:class:`~rackharness.bmc.node_description.DeviceIdentity`,
:class:`~rackharness.bmc.node_description.FruData` and
:class:`~rackharness.bmc.sensor_record.SensorRecord`. A test can serve the command set any object
with these members.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol, Sequence, runtime_checkable

from rackharness.bmc.node_description import DeviceIdentity, FruData
from rackharness.bmc.sensor_record import SensorRecord
from rackharness.bmc.users import UserTable
from rackharness.ipmi.chassis_status import PowerRestorePolicy


class BmcSettings(Protocol):
    """The BMC's LAN settings (what ``lan print`` reports before any Set LAN Configuration)."""

    host: str
    port: int
    mac: str
    netmask: str
    gateway: str
    channel: int  # the LAN channel number


class NodeIdentity(Protocol):
    uuid: str  # system GUID
    bmc: BmcSettings


class SensorReading(Protocol):
    """What Get Sensor Reading reports (section 35.14)."""

    raw: int
    state: int  # threshold comparison bits or discrete state offsets (15 bits)
    available: bool


class NodeProfile(Protocol):
    """The immutable hardware description a node's BMC serves (shared by nodes of a profile)."""

    device: DeviceIdentity
    fru: FruData
    sensors: Sequence[SensorRecord]
    catalogs: Mapping[str, Any]  # "dmi" -> "BIOS Information" -> "Version" is the firmware version

    def sensor(self, number: int) -> SensorRecord | None: ...


class BootOptionsState(Protocol):
    """System boot option parameters 0-5 (section 28.12), stored as the bytes a tool sets."""

    flags: bytearray  # parameter 5, 5 bytes
    set_in_progress: int
    service_partition_selector: int
    service_partition_scan: int
    valid_bit_clearing: int
    ack_data: int
    invalid_mask: int  # bit n: parameter n marked invalid/locked


class EventLog(Protocol):
    """The System Event Log (chapter 31) with its reservation."""

    capacity: int
    overflow: bool
    last_add_time: int
    last_erase_time: int

    def __len__(self) -> int: ...

    @property
    def free_bytes(self) -> int: ...

    def add_record(self, record: bytes) -> int | None: ...

    def find(self, record_id: int) -> tuple[bytes, int] | None: ...

    def delete(self, record_id: int) -> int | None: ...

    def clear(self) -> None: ...

    def reserve(self) -> int: ...

    def reservation_valid(self, reservation_id: int) -> bool: ...

    def now(self) -> int: ...

    def set_time(self, seconds: int) -> None: ...


@runtime_checkable
class ManagedNode(Protocol):
    """The node behind one BMC: power, boot options, SEL, sensors, users, LAN overrides."""

    spec: NodeIdentity
    profile: NodeProfile
    users: UserTable
    boot: BootOptionsState
    sel: EventLog
    lan_overrides: dict[int, bytes]  # Set LAN Configuration Parameters, by selector
    power_control_fault: bool
    last_power_event: int
    power_restore_policy: PowerRestorePolicy
    boot_count: int

    @property
    def name(self) -> str: ...

    @property
    def is_on(self) -> bool: ...

    def render(self, template: str) -> str:
        """A profile template (``"QTF{serial}"``) filled with this node's identity."""

    def read_sensor(self, sensor: SensorRecord) -> SensorReading:
        """The sensor's reading now, computed from the node's state."""

    # Chassis Control (table 28-4): each answers False when refused in the present state.
    def power_on(self) -> bool: ...

    def power_off(self) -> bool: ...

    def power_cycle(self) -> bool: ...

    def hard_reset(self) -> bool: ...

    def diagnostic_interrupt(self) -> bool: ...

    def soft_off(self) -> bool: ...

    def identify(self, interval: int | None = None, *, force: bool = False) -> None: ...

    def identify_state(self) -> int:
        """0 off, 1 timed on, 2 indefinitely on (Chassis Status byte 3 bits 5:4)."""

    def powered_on_seconds(self) -> float: ...
