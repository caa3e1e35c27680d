"""A fake hypervisor: VMs in a dict, every call written down; it keeps the contract the real sides keep."""

from __future__ import annotations

import threading

from rackharness.rack.hypervisor import ABSENT, OFF, ON, Hypervisor, VmNotFound


class FakeHypervisor(Hypervisor):
    """``vms``: VM name → "on" | "off". ``fail`` (an exception) is raised by the next power commands;
    ``gate`` (a threading.Event) holds every power command until it is set; ``boot_slowly`` leaves a
    started VM off (it is still coming up) until the test says otherwise."""

    kind = "fake"

    def __init__(self, vms: dict[str, str] | None = None) -> None:
        super().__init__(runner=None)
        self.vms = dict(vms or {})
        self.calls: list[tuple[str, ...]] = []
        self.fail: Exception | None = None
        self.gate: threading.Event | None = None
        self.boot_slowly = False
        self._lock = threading.Lock()

    # -- what a test does to the VMs behind the hypervisor's back ------------------------------------
    def set_state(self, vm: str, state: str) -> None:
        with self._lock:
            if state == ABSENT:
                self.vms.pop(vm, None)
            else:
                self.vms[vm] = state

    def commands(self) -> list[tuple[str, ...]]:
        """The power commands called so far (reads left out)."""
        return [c for c in self.calls if c[0] not in ("state", "states")]

    # -- the contract --------------------------------------------------------------------------------
    def state(self, vm: str) -> str:
        with self._lock:
            self.calls.append(("state", vm))
            return self.vms.get(vm, ABSENT)

    def states(self, vms) -> dict[str, str]:
        vms = list(vms)
        with self._lock:
            self.calls.append(("states", *vms))
            return {vm: self.vms.get(vm, ABSENT) for vm in vms}

    def _command(self, verb: str, vm: str, new: str | None) -> None:
        if self.gate is not None:
            self.gate.wait(10)
        with self._lock:
            self.calls.append((verb, vm))
            if self.fail is not None:
                raise self.fail
            if vm not in self.vms:
                raise VmNotFound(f"no fake VM {vm!r}", command=f"fake {verb} {vm}")
            if new is not None:
                self.vms[vm] = OFF if new == ON and self.boot_slowly else new

    def power_on(self, vm: str) -> None:
        self._command("power_on", vm, ON)

    def power_off(self, vm: str) -> None:
        self._command("power_off", vm, OFF)

    def reset(self, vm: str) -> None:
        self._command("reset", vm, ON)

    def soft_off(self, vm: str) -> None:
        self._command("soft_off", vm, OFF)
