"""One virtual node: power, boot options, identify, SEL, users - the state its BMC serves.

Power is a small state machine driven by Chassis Control (IPMI 2.0 section 28.3)::

    off --on--> powering-on --(spec.power_on_delay)--> on
    on --off--> off          on --soft--> (SOFT_OFF_DELAY) --> off      on --reset--> on
    on --cycle--> off --> powering-on --> on
    on --hard reset / warm reset (the OS's reboot)--> on, booting again

``power_on_delay`` 0 turns the node on at once. With ``spec.fault == "power-on-fails"`` a power
on is accepted but the node stays off and the power-control-fault status bit is set. Every
transition logs SEL events (ACPI power state S0/G0 or S5/G2, Power Unit, System Restart) and
notifies power listeners, which is how other parts of the harness learn that a node booted and
from which device (``last_boot_device``): the boot agent (rackharness.rack.boot_agent) netboots it,
or the VM power link (rackharness.rack.vm_power) acts on the node's VM. A change that happened
outside the BMC (the VM stopped by itself) comes in through ``observe_power``, which notifies nobody.

``scheduler`` is anything with ``call_later(delay, callback) -> handle`` (``handle.cancel()``)
and ``time()``: the rack's asyncio loop, or a manual clock in tests.
"""

from __future__ import annotations

import enum
import logging
import time
from typing import Any, Callable, Protocol

from rackharness.bmc.message import Privilege
from rackharness.bmc.users import BmcUser, UserTable
from rackharness.ipmi import events
from rackharness.ipmi.chassis_status import (
    DEFAULT_IDENTIFY_SECONDS,
    IDENTIFY_INDEFINITE,
    IDENTIFY_OFF,
    IDENTIFY_TIMED,
    LAST_POWER_ON_BY_COMMAND,
    PowerRestorePolicy,
)
from rackharness.ipmi.sensor_types import ACPI_POWER_STATE, CRITICAL_INTERRUPT, POWER_UNIT, SYSTEM_RESTART
from rackharness.rack.boot_options import BootOptions
from rackharness.rack.profile import HardwareProfile, render_template
from rackharness.rack.sel import SystemEventLog
from rackharness.rack.sensor_definition import SensorDefinition
from rackharness.rack.sensor_readings import SensorReading, read_sensor
from rackharness.rack.spec import NodeSpec

log = logging.getLogger(__name__)

SOFT_OFF_DELAY = 2.0  # seconds an ACPI shutdown takes
INITIAL_UPTIME = 3600.0  # a node that starts "on" has been running (warm) for this long


class Scheduler(Protocol):
    def call_later(self, delay: float, callback: Callable[[], Any]) -> Any: ...

    def time(self) -> float: ...


class PowerState(str, enum.Enum):
    OFF = "off"
    POWERING_ON = "powering-on"
    ON = "on"


PowerListener = Callable[["VirtualNode", str], None]  # event: "on" | "off" | "reset"


def users_from_spec(spec: NodeSpec) -> UserTable:
    return UserTable([BmcUser(u.user_id, u.name, u.password, Privilege[u.privilege.upper()]) for u in spec.bmc.users])


class VirtualNode:
    __slots__ = (
        "spec",
        "profile",
        "scheduler",
        "users",
        "boot",
        "sel",
        "power_state",
        "on_since",
        "_on_seconds",
        "_pending",
        "power_control_fault",
        "last_power_event",
        "identify_until",
        "identify_forced",
        "power_restore_policy",
        "lan_overrides",
        "last_boot_device",
        "boot_count",
        "_listeners",
    )

    def __init__(
        self,
        spec: NodeSpec,
        profile: HardwareProfile,
        scheduler: Scheduler,
        *,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.spec = spec
        self.profile = profile
        self.scheduler = scheduler
        self.users = users_from_spec(spec)
        self.boot = BootOptions()
        self.sel = SystemEventLog(clock=wall_clock)
        self.power_state = PowerState.OFF
        self.on_since: float | None = None
        self._on_seconds = 0.0  # accumulated before on_since (power-on hours counter)
        self._pending: Any = None  # timer handle of a powering-on or soft-off in progress
        self.power_control_fault = False
        self.last_power_event = 0
        self.identify_until = 0.0
        self.identify_forced = False
        self.power_restore_policy = PowerRestorePolicy.PREVIOUS
        self.lan_overrides: dict[int, bytes] = {}  # Set LAN Configuration Parameters
        self.last_boot_device: str | None = None
        self.boot_count = 0
        self._listeners: list[PowerListener] = []
        if spec.initial_power == "on":
            self.power_state = PowerState.ON  # was on before the BMC came up: no boot, no event
            self.on_since = scheduler.time() - INITIAL_UPTIME

    # --- identity ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.spec.name

    def render(self, template: str) -> str:
        s = self.spec
        return render_template(template, serial=s.serial, name=s.name, index=s.index, uuid=s.uuid)

    # --- power ------------------------------------------------------------------------------
    @property
    def is_on(self) -> bool:
        return self.power_state is PowerState.ON

    def add_power_listener(self, listener: PowerListener) -> None:
        self._listeners.append(listener)

    def power_on(self) -> bool:
        """Chassis Control "power up"; a no-op when already on or powering on."""
        if self.power_state is not PowerState.OFF:
            return True
        self._cancel_pending()
        self.last_power_event = LAST_POWER_ON_BY_COMMAND
        if self.spec.fault == "power-on-fails":
            self.power_control_fault = True
            self._log(POWER_UNIT, events.POWER_UNIT_SOFT_CONTROL_FAILURE)
            return True
        self.power_state = PowerState.POWERING_ON
        if self.spec.power_on_delay <= 0:
            self._finish_power_on()
        else:
            self._pending = self.scheduler.call_later(self.spec.power_on_delay, self._finish_power_on)
        return True

    def power_off(self, *, cycle: bool = False) -> bool:
        """Chassis Control "power down" (hard off, no OS shutdown)."""
        self._cancel_pending()
        if self.power_state is PowerState.OFF:
            return True
        was_on = self.is_on
        self._accumulate_on_time()
        self.power_state = PowerState.OFF
        self.on_since = None
        if was_on:
            self._log(ACPI_POWER_STATE, events.ACPI_S5_G2_SOFT_OFF)
            self._log(POWER_UNIT, events.POWER_UNIT_POWER_CYCLE if cycle else events.POWER_UNIT_POWER_OFF)
        self._notify("off")
        return True

    def power_cycle(self) -> bool:
        """Off then on; refused (False) when off, as IPMI 2.0 table 28-4 recommends."""
        if self.power_state is PowerState.OFF:
            return False
        self.power_off(cycle=True)
        return self.power_on()

    def hard_reset(self) -> bool:
        """Reset a running host: it boots again (boot flags apply); refused when not on."""
        if not self.is_on:
            return False
        self._log(SYSTEM_RESTART, events.RESTART_HARD_RESET)
        self._boot("reset")
        return True

    def warm_reset(self) -> bool:
        """The running OS restarts the host (``reboot``): a warm reset, boot flags apply; refused when not on."""
        if not self.is_on:
            return False
        self._log(SYSTEM_RESTART, events.RESTART_WARM_RESET)
        self._boot("reset")
        return True

    def soft_off(self) -> bool:
        """ACPI shutdown: the "OS" powers the node off after SOFT_OFF_DELAY."""
        if self.is_on and self._pending is None:
            self._pending = self.scheduler.call_later(SOFT_OFF_DELAY, self._finish_soft_off)
        return True

    def diagnostic_interrupt(self) -> bool:
        """Pulse a diagnostic interrupt (NMI); logged when the host is running."""
        if self.is_on:
            self._log(CRITICAL_INTERRUPT, events.CRITICAL_INTERRUPT_FRONT_PANEL_NMI)
        return True

    def observe_power(self, on: bool) -> None:
        """The machine behind this node was seen turning on or off by itself (a VM started or stopped outside
        the BMC): follow it, logging the SEL events a BMC logs for that change, without notifying power
        listeners (nothing is to act on a change that already happened). A power on is a boot: boot flags
        apply, as they do for any POST."""
        if on == self.is_on:
            return
        self._cancel_pending()
        if on:
            self.power_state = PowerState.ON
            self.on_since = self.scheduler.time()
            self.power_control_fault = False
            self.last_power_event = 0
            self._log(ACPI_POWER_STATE, events.ACPI_S0_G0_WORKING)
            self._log(SYSTEM_RESTART, events.RESTART_POWER_UP)
            self.last_boot_device = self.boot.consume_for_boot()
            self.boot_count += 1
            return
        self._accumulate_on_time()
        self.power_state = PowerState.OFF
        self.on_since = None
        self._log(ACPI_POWER_STATE, events.ACPI_S5_G2_SOFT_OFF)
        self._log(POWER_UNIT, events.POWER_UNIT_POWER_OFF)

    def powered_on_seconds(self) -> float:
        running = self.scheduler.time() - self.on_since if self.on_since is not None else 0.0
        return self._on_seconds + running

    def _finish_power_on(self) -> None:
        self._pending = None
        self.power_state = PowerState.ON
        self.on_since = self.scheduler.time()
        self.power_control_fault = False
        self._log(ACPI_POWER_STATE, events.ACPI_S0_G0_WORKING)
        self._log(SYSTEM_RESTART, events.RESTART_POWER_UP)
        self._boot("on")

    def _finish_soft_off(self) -> None:
        self._pending = None
        self.power_off()

    def _boot(self, event: str) -> None:
        self.last_boot_device = self.boot.consume_for_boot()
        self.boot_count += 1
        self._notify(event)

    def _accumulate_on_time(self) -> None:
        if self.on_since is not None:
            self._on_seconds += self.scheduler.time() - self.on_since

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _notify(self, event: str) -> None:
        for listener in list(self._listeners):
            try:
                listener(self, event)
            except Exception:  # a listener must not break the BMC
                log.exception("power listener of node %s failed on %r", self.name, event)

    def _log(self, sensor_type: int, offset: int) -> None:
        sensor = self.profile.sensor_of_type(sensor_type)
        if sensor is not None:
            self.sel.add_event(sensor_type, sensor.number, offset)

    # --- chassis identify -------------------------------------------------------------------
    def identify(self, interval: int | None = None, *, force: bool = False) -> None:
        self.identify_forced = force
        seconds = DEFAULT_IDENTIFY_SECONDS if interval is None else interval
        self.identify_until = 0.0 if force else self.scheduler.time() + seconds

    def identify_state(self) -> int:
        """0 off, 1 temporary (timed) on, 2 indefinite on (Chassis Status byte 3 bits 5:4)."""
        if self.identify_forced:
            return IDENTIFY_INDEFINITE
        return IDENTIFY_TIMED if self.scheduler.time() < self.identify_until else IDENTIFY_OFF

    # --- sensors ----------------------------------------------------------------------------
    def read_sensor(self, sensor: SensorDefinition) -> SensorReading:
        """The sensor's reading now (what Get Sensor Reading reports)."""
        return read_sensor(sensor, self, self.scheduler.time())

    def __repr__(self) -> str:
        return f"VirtualNode({self.name!r}, {self.profile.name}, {self.power_state.value})"
