"""The libvirt side of this host that the vagrant provider needs: the daemons, a storage pool, and
what is left of a rack (domains named with the rack's prefix, their QEMU processes).

Where an init system runs libvirt (systemd), it is used as it is. Where none does (a container, a CI
machine), ``ensure_daemons`` starts ``virtlogd`` and ``libvirtd`` itself, as daemons, and says so; the
stack records that it started them, and ``down`` stops them again when no domain is left on the
connection. The storage pool is a directory pool: vagrant-libvirt insists on one although the VMs
are diskless (no volume is ever created in it). Everything here talks to ``virsh``; a command that
fails raises :class:`~rackharness.errors.ServiceError` with virsh's own words.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rackharness.errors import PrerequisiteError, ServiceError
from rackharness.services.process import find_by_cmdline, stop
from rackharness.wait import Condition

#: the Debian packages the vagrant provider's libvirt path needs (stack.sh installs them)
PACKAGES = ("vagrant", "vagrant-libvirt", "libvirt-daemon-system", "qemu-system-x86", "ipxe-qemu")
DAEMONS = ("virtlogd", "libvirtd")
POOL_ROOT = Path("/var/lib/libvirt/images")
VIRSH_TIMEOUT = 60.0


@dataclass
class LibvirtHost:
    uri: str = "qemu:///system"

    # -- prerequisites ------------------------------------------------------------------------------
    def check_prerequisites(self) -> None:
        missing = [
            tool
            for tool in ("vagrant", "virsh", "libvirtd", "qemu-system-x86_64")
            if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists()
        ]
        if missing:
            raise PrerequisiteError(
                f"the vagrant provider (libvirt) needs {', '.join(missing)}, which is not installed",
                hint=f"run: sudo apt-get install -y {' '.join(PACKAGES)}  (./stack.sh up --provider vagrant "
                "installs them when run as root)",
            )

    # -- daemons ------------------------------------------------------------------------------------
    def reachable(self) -> bool:
        return self._virsh("uri", check=False).returncode == 0

    def ensure_daemons(self, say=print, timeout: float = 30.0) -> list[str]:
        """Start virtlogd and libvirtd when the connection does not answer; the daemons started."""
        if self.reachable():
            return []
        if os.geteuid() != 0:
            raise PrerequisiteError(
                f"libvirt does not answer on {self.uri} and only root can start its daemons",
                hint="start libvirtd (sudo systemctl start libvirtd), or run as root",
            )
        started = []
        for daemon in DAEMONS:
            if not find_by_cmdline([daemon]):
                subprocess.run([daemon, "--daemon"], check=False, capture_output=True, timeout=30)
                started.append(daemon)
        if started:
            say(f"started {' and '.join(started)} (no init system runs them here); `down` stops them again")
        Condition(
            probe=self.reachable,
            what=f"libvirt to answer on {self.uri}",
            timeout=timeout,
            interval=0.2,
            hint="see /var/log/libvirt/libvirtd.log",
        ).wait()
        return started

    def stop_daemons(self, daemons: list[str]) -> None:
        """Stop the daemons ``ensure_daemons`` started, when no domain is left on the connection."""
        if self.reachable() and self.domains():
            return
        for daemon in reversed(daemons):
            for record in find_by_cmdline([daemon]):
                stop(record)

    # -- the storage pool ---------------------------------------------------------------------------
    def ensure_pool(self, name: str) -> bool:
        """Define and start the pool when missing; True when this call created it."""
        if self._virsh("pool-info", name, check=False).returncode == 0:
            if "running" not in self._virsh("pool-info", name).stdout:
                self._virsh("pool-start", name)
            return False
        path = POOL_ROOT / name
        path.mkdir(parents=True, exist_ok=True)
        self._virsh("pool-define-as", name, "dir", "--target", str(path))
        self._virsh("pool-start", name)
        return True

    def remove_pool(self, name: str) -> None:
        if self._virsh("pool-info", name, check=False).returncode != 0:
            return
        self._virsh("pool-destroy", name, check=False)
        self._virsh("pool-undefine", name)
        path = POOL_ROOT / name
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()

    # -- domains ------------------------------------------------------------------------------------
    def domains(self, prefix: str = "") -> dict[str, str]:
        """``{name: state}`` of every domain whose name starts with ``prefix`` (state as virsh says it)."""
        names = self._virsh("list", "--all", "--name").stdout.split()
        return {name: self._virsh("domstate", name).stdout.strip() for name in names if name.startswith(prefix)}

    def power_off_domains(self, prefix: str) -> None:
        """A hard power off of every running domain named ``prefix``... (``virsh destroy`` keeps its definition)."""
        for name, state in self.domains(prefix).items():
            if state != "shut off":
                self._virsh("destroy", name, check=False)

    def remove_domains(self, prefix: str) -> list[str]:
        """Destroy and undefine every domain named ``prefix``...; what was removed."""
        removed = []
        for name in self.domains(prefix):
            self._virsh("destroy", name, check=False)
            self._virsh("undefine", name, "--nvram", check=False)
            if self._virsh("dominfo", name, check=False).returncode == 0:
                self._virsh("undefine", name)
            removed.append(name)
        return removed

    # -- virsh --------------------------------------------------------------------------------------
    def _virsh(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = ["virsh", "-c", self.uri, *args]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=VIRSH_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ServiceError(f"`{' '.join(command)}` could not run: {exc}") from exc
        if check and done.returncode != 0:
            raise ServiceError(f"`{' '.join(command)}` failed: {done.stderr.strip() or done.stdout.strip()}")
        return done
