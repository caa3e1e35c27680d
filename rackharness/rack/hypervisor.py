"""A VM's power through its hypervisor's command line: libvirt (``virsh``) and VirtualBox (``VBoxManage``).

:class:`Hypervisor` is the contract every side keeps (tests/unit/vm/test_hypervisor.py runs one contract
class against a fake, a replayed libvirt call log and a replayed VirtualBox one):

* ``state(vm)`` is ``"on"`` (running, paused, shutting down: the machine has power), ``"off"`` or
  ``"absent"`` (no such VM); ``states(vms)`` the same for many VMs with as few commands as the tool allows;
* ``power_on`` / ``power_off`` (hard, pulling the plug) / ``soft_off`` (the ACPI power button) are
  idempotent: starting a running VM or stopping a stopped one succeeds;
* ``reset`` restarts a running VM at once and starts one that is off;
* acting on a VM that does not exist raises :class:`VmNotFound`; any other failure :class:`HypervisorError`,
  carrying the command line and what the tool printed on stderr (these commands carry no secret).

Every command goes through one seam, a :class:`CommandRunner` (``subprocess.run`` with a timeout); tests
hand it a :class:`~rackharness.tapes.proxy.ReplayProxy` as its ``subprocess`` module and replay the call
logs in ``fixtures/calls/``. Nothing runs at import time.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from rackharness.errors import RackHarnessError, UsageError

ON, OFF, ABSENT = "on", "off", "absent"
COMMAND_TIMEOUT = 60.0  # seconds one hypervisor command may take (a VM start under TCG takes ~1 s)


class HypervisorError(RackHarnessError):
    """A hypervisor command failed: ``command`` (the argv as a shell line), ``returncode``, ``stderr``."""

    def __init__(
        self,
        message: str,
        *,
        command: str = "",
        returncode: int | None = None,
        stderr: str = "",
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.command, self.returncode, self.stderr = command, returncode, stderr


class VmNotFound(HypervisorError):
    """The hypervisor has no VM (domain) of that name."""


@dataclass
class CommandResult:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def command(self) -> str:
        return shlex.join(self.argv)

    def error(self, what: str, cls: type[HypervisorError] = HypervisorError) -> HypervisorError:
        return cls(
            f"{what}: `{self.command}` exited {self.returncode}: {self.stderr.strip() or self.stdout.strip()}",
            command=self.command,
            returncode=self.returncode,
            stderr=self.stderr,
        )


class CommandRunner:
    """Runs one command line through ``subprocess_module.run`` (the real module, or a recording/replaying proxy)."""

    def __init__(self, subprocess_module: Any = subprocess, *, timeout: float = COMMAND_TIMEOUT) -> None:
        self.subprocess, self.timeout = subprocess_module, timeout

    def run(self, argv: Sequence[str]) -> CommandResult:
        argv = list(argv)
        try:
            done = self.subprocess.run(argv, capture_output=True, text=True, timeout=self.timeout)
        except RackHarnessError:
            raise  # a replay that does not match its log is a test failure, not a hypervisor error
        except FileNotFoundError as exc:
            raise HypervisorError(
                f"`{shlex.join(argv)}`: {argv[0]} is not installed",
                command=shlex.join(argv),
                hint=INSTALL_HINTS.get(argv[0]),
            ) from exc
        except Exception as exc:  # TimeoutExpired, OSError, and their replayed forms
            raise HypervisorError(f"`{shlex.join(argv)}` failed: {exc}", command=shlex.join(argv)) from exc
        return CommandResult(argv, done.returncode, done.stdout or "", done.stderr or "")


INSTALL_HINTS = {
    "virsh": "apt-get install -y libvirt-clients (and libvirt-daemon-system for a local libvirtd)",
    "VBoxManage": "install VirtualBox (VBoxManage comes with it)",
}


class Hypervisor:
    """One hypervisor's VMs, by name. Subclasses implement the five commands; ``states`` may batch."""

    kind = ""

    def __init__(self, runner: CommandRunner | None = None) -> None:
        self.runner = runner or CommandRunner()

    def state(self, vm: str) -> str:
        raise NotImplementedError

    def states(self, vms: Iterable[str]) -> dict[str, str]:
        return {vm: self.state(vm) for vm in vms}

    def power_on(self, vm: str) -> None:
        raise NotImplementedError

    def power_off(self, vm: str) -> None:
        raise NotImplementedError

    def reset(self, vm: str) -> None:
        raise NotImplementedError

    def soft_off(self, vm: str) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


#: hypervisor kind (``NodeSpec.vm["hypervisor"]``) → its class
HYPERVISORS: dict[str, type[Hypervisor]] = {}


def register(cls: type[Hypervisor]) -> type[Hypervisor]:
    HYPERVISORS[cls.kind] = cls
    return cls


def open_hypervisor(kind: str, *, uri: str | None = None, runner: CommandRunner | None = None) -> Hypervisor:
    """The hypervisor ``kind`` (a key of :data:`HYPERVISORS`); ``uri`` is libvirt's connection URI."""
    if kind not in HYPERVISORS:
        raise UsageError(f"unknown hypervisor {kind!r}; known: {', '.join(sorted(HYPERVISORS))}")
    if kind == "libvirt":
        return LibvirtHypervisor(uri or LibvirtHypervisor.DEFAULT_URI, runner=runner)
    if uri:
        raise UsageError(f"hypervisor {kind!r} takes no uri (got {uri!r})")
    return HYPERVISORS[kind](runner=runner)


@register
class LibvirtHypervisor(Hypervisor):
    """libvirt domains through ``virsh -c URI``."""

    kind = "libvirt"
    DEFAULT_URI = "qemu:///system"
    #: `virsh domstate` answers (English: virsh translates them, so run it with a C/English locale)
    ON_STATES = ("running", "idle", "paused", "in shutdown", "blocked", "pmsuspended")
    OFF_STATES = ("shut off", "shutoff", "crashed")
    _MISSING = re.compile(r"failed to get domain|domain not found", re.IGNORECASE)
    _NOT_RUNNING = re.compile(r"domain is not running", re.IGNORECASE)

    def __init__(self, uri: str = DEFAULT_URI, runner: CommandRunner | None = None) -> None:
        super().__init__(runner)
        self.uri = uri

    def _virsh(self, *args: str) -> CommandResult:
        return self.runner.run(["virsh", "-c", self.uri, *args])

    def state(self, vm: str) -> str:
        result = self._virsh("domstate", vm)
        if result.returncode:
            if self._MISSING.search(result.stderr):
                return ABSENT
            raise result.error(f"cannot read the state of domain {vm!r}")
        text = result.stdout.strip().lower()
        if text in self.ON_STATES:
            return ON
        if text in self.OFF_STATES:
            return OFF
        raise HypervisorError(
            f"domain {vm!r}: unknown state {text!r} from `{result.command}`",
            command=result.command,
            hint="run virsh with LC_ALL=C",
        )

    def states(self, vms: Iterable[str]) -> dict[str, str]:
        """Two commands for any number of domains: the defined ones, and the active ones (running or paused)."""
        defined, active = self._names("--all"), self._names()
        return {vm: ON if vm in active else OFF if vm in defined else ABSENT for vm in vms}

    def _names(self, *flags: str) -> set[str]:
        result = self._virsh("list", *flags, "--name")
        if result.returncode:
            raise result.error("cannot list domains")
        return {line.strip() for line in result.stdout.splitlines() if line.strip()}

    def _act(self, vm: str, verb: str, *, done_when: re.Pattern | None = None) -> CommandResult | None:
        """``virsh VERB vm``; None when the answer matches ``done_when`` (nothing to do), else the result."""
        result = self._virsh(verb, vm)
        if result.returncode == 0:
            return result
        if self._MISSING.search(result.stderr):
            raise result.error(f"no libvirt domain {vm!r} at {self.uri}", VmNotFound)
        if done_when is not None and done_when.search(result.stderr):
            return None
        raise result.error(f"cannot {verb} domain {vm!r}")

    def power_on(self, vm: str) -> None:
        self._act(vm, "start", done_when=re.compile(r"already active", re.IGNORECASE))

    def power_off(self, vm: str) -> None:
        self._act(vm, "destroy", done_when=self._NOT_RUNNING)

    def reset(self, vm: str) -> None:
        if self._act(vm, "reset", done_when=self._NOT_RUNNING) is None:
            self.power_on(vm)

    def soft_off(self, vm: str) -> None:
        self._act(vm, "shutdown", done_when=self._NOT_RUNNING)

    def __repr__(self) -> str:
        return f"LibvirtHypervisor({self.uri!r})"


@register
class VirtualBoxHypervisor(Hypervisor):
    """VirtualBox VMs through ``VBoxManage`` (as the user who owns them)."""

    kind = "virtualbox"
    #: VMState values of `showvminfo --machinereadable` in which the machine has power
    ON_STATES = (
        "running",
        "paused",
        "stuck",
        "starting",
        "stopping",
        "saving",
        "restoring",
        "teleporting",
        "teleportingpausedvm",
        "teleportingin",
        "livesnapshotting",
        "onlinesnapshotting",
        "settingup",
        "deletingsnapshotlive",
        "deletingsnapshotlivepaused",
    )
    _MISSING = re.compile(r"Could not find a registered machine|VBOX_E_OBJECT_NOT_FOUND")
    # no session (`Machine 'x' is not currently running`), or one still closing after a power off
    _NOT_RUNNING = re.compile(r"is not currently running|Invalid machine state: (PoweredOff|Aborted|Saved)")
    _VM_STATE = re.compile(r'^VMState="([^"]*)"', re.MULTILINE)
    _LISTED = re.compile(r'^"(.*)" \{[0-9a-fA-F-]+\}$', re.MULTILINE)

    def _vbox(self, *args: str) -> CommandResult:
        return self.runner.run(["VBoxManage", *args])

    def state(self, vm: str) -> str:
        result = self._vbox("showvminfo", vm, "--machinereadable")
        if result.returncode:
            if self._MISSING.search(result.stderr):
                return ABSENT
            raise result.error(f"cannot read the state of VM {vm!r}")
        match = self._VM_STATE.search(result.stdout)
        if match is None:
            raise HypervisorError(f"VM {vm!r}: no VMState line in `{result.command}`", command=result.command)
        return ON if match.group(1).lower() in self.ON_STATES else OFF

    def states(self, vms: Iterable[str]) -> dict[str, str]:
        """Two commands for any number of VMs: `list vms` (registered) and `list runningvms` (running, paused)."""
        registered, running = self._names("vms"), self._names("runningvms")
        return {vm: ON if vm in running else OFF if vm in registered else ABSENT for vm in vms}

    def _names(self, what: str) -> set[str]:
        result = self._vbox("list", what)
        if result.returncode:
            raise result.error(f"cannot list {what}")
        return set(self._LISTED.findall(result.stdout))

    def _act(
        self, vm: str, args: Sequence[str], what: str, *, done_when: Callable[[str], bool] | None = None
    ) -> CommandResult | None:
        result = self._vbox(*args)
        if result.returncode == 0:
            return result
        if self._MISSING.search(result.stderr):
            raise result.error(f"no VirtualBox VM {vm!r}", VmNotFound)
        if done_when is not None and done_when(result.stderr):
            return None
        raise result.error(f"cannot {what} VM {vm!r}")

    def power_on(self, vm: str) -> None:
        # a running VM: "The machine 'x' is already locked by a session (or being locked or unlocked)"
        if (
            self._act(vm, ("startvm", vm, "--type", "headless"), "start", done_when=lambda err: "already locked" in err)
            is None
            and self.state(vm) != ON
        ):
            raise HypervisorError(f"VM {vm!r} is locked by another session and not running")

    def power_off(self, vm: str) -> None:
        self._act(vm, ("controlvm", vm, "poweroff"), "power off", done_when=self._NOT_RUNNING.search)

    def reset(self, vm: str) -> None:
        if self._act(vm, ("controlvm", vm, "reset"), "reset", done_when=self._NOT_RUNNING.search) is None:
            self.power_on(vm)

    def soft_off(self, vm: str) -> None:
        self._act(
            vm, ("controlvm", vm, "acpipowerbutton"), "press the power button of", done_when=self._NOT_RUNNING.search
        )
