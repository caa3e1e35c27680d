"""The VMs of a rack as vagrant sees them: the JSON the project's Vagrantfile reads, and vagrant
itself driven through python-vagrant.

The Vagrantfile (``vagrant/Vagrantfile``) is never edited per rack. ``write_rack_file`` turns the
rack spec into ``<state>/vagrant/rack.json`` (per node: name, the PXE NIC's MAC, UUID, serial,
memory, the boot file URL as the guest sees it, its own guest address, its serial console log),
and :class:`VagrantRack` runs vagrant with ``VAGRANT_CWD`` at the project's vagrant/ folder and
``VAGRANT_DOTFILE_PATH`` in the state dir, so nothing of a rack lands in the checkout.

Each VM has one NIC (the spec's first MAC): QEMU's user network (libvirt) or VirtualBox's NAT gives
it the address ``guest_ip`` by DHCP, with the boot file ``http://<host as the guest sees it>:<port>/
api/current/profiles?macs=<mac>&ips=<guest ip>``, which iPXE fetches first.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from rackharness.config import Config
from rackharness.config.loader import write_private
from rackharness.errors import PrerequisiteError, ServiceError
from rackharness.invocation import named
from rackharness.project_files import project

GUEST_NETWORK = ipaddress.ip_network("10.0.2.0/24")  # QEMU's and VirtualBox's NAT default
FIRST_GUEST_HOST = 20  # node N gets 10.0.2.(20 + N): an address of its own in the lookups
IPXE_ROM = Path("/usr/lib/ipxe/qemu/pxe-e1000.rom")  # VirtualBox's 82540EM NIC, with iPXE instead of its PXE
TB_CACHE_MIB = 32  # QEMU/TCG's translation cache per VM (its default grows towards 1 GiB)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "0.0.0.0", "::1", "")
_PROGRESS = re.compile(r"^==> (?P<vm>[\w.-]+): (?P<what>.*)$")
#: the lines of vagrant's output worth a progress line of their own
_MILESTONES = (
    "Creating domain",
    "Starting domain",
    "Importing",
    "Booting VM",
    "Machine booted",
    "Domain launching",
    "Waiting for domain",
    "Removing domain",
    "Destroying",
    "Forcing shutdown",
)


def vagrantfile_dir() -> Path:
    """The project's vagrant/ folder: the checkout's, or the copy bundled with rackharness."""
    return project().vagrant


def __getattr__(name: str):  # VAGRANTFILE_DIR, located on first use: no I/O at import
    if name == "VAGRANTFILE_DIR":
        return vagrantfile_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def domain_prefix(state_dir: Path) -> str:
    """The prefix of every domain of the rack in ``state_dir``: readable and unique per state dir."""
    import hashlib

    digest = hashlib.sha256(str(Path(state_dir).absolute()).encode()).hexdigest()[:8]
    return f"rackharness-{digest}-"


def guest_ip(node: Any) -> str:
    return str(GUEST_NETWORK.network_address + FIRST_GUEST_HOST + node.index)


def guest_url(url: str, host_address: str) -> str:
    """``url`` as a guest reaches it: a loopback host becomes this host's NAT address (10.0.2.2)."""
    parts = urllib.parse.urlsplit(url)
    if (parts.hostname or "") not in LOOPBACK_HOSTS:
        return url.rstrip("/")
    return f"{parts.scheme}://{host_address}:{parts.port or 80}"


def boot_file(southbound: str, node: Any) -> str:
    query = urllib.parse.urlencode([("macs", node.macs[0]), ("ips", guest_ip(node))], safe=":")
    return f"{southbound}/api/current/profiles?{query}"


def rack_document(spec: Any, config: Config, *, prefix: str, southbound_url: str, logs_dir: Path) -> dict:
    """What the Vagrantfile reads (RACKHARNESS_VAGRANT_SPEC). ``spec`` is a :class:`rackharness.rack.spec.RackSpec`
    (not imported: the node model imports this package's hypervisors)."""
    southbound = guest_url(southbound_url, config["vagrant.host_address"])
    return {
        "prefix": prefix,
        "guest_network": str(GUEST_NETWORK),
        "libvirt": {
            "uri": config["vagrant.libvirt_uri"],
            "storage_pool": config["vagrant.storage_pool"],
            "tb_cache_mib": TB_CACHE_MIB,
        },
        "virtualbox": {"ipxe_rom": str(IPXE_ROM)},
        "nodes": [
            {
                "name": node.name,
                "mac": node.macs[0],
                "uuid": node.uuid,
                "serial": node.serial,
                "memory": config["vagrant.memory"],
                "guest_ip": guest_ip(node),
                "bootfile": boot_file(southbound, node),
                # the in-band IPMI device's chardev: the rack process's VM channel of this node's BMC
                "ipmi_channel": {"host": node.bmc.host, "port": node.bmc.port},
                "console_log": str((logs_dir / f"{node.name}.console.log").absolute()),
            }
            for node in spec.nodes
        ],
    }


def write_rack_file(path: Path, document: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, json.dumps(document, indent=2))
    return path


@dataclass
class VagrantRack:
    """vagrant up / destroy / status for the rack whose JSON is ``rack_file``."""

    rack_file: Path
    provider: str = "libvirt"
    say: Callable[[str], None] = print
    #: python-vagrant's Vagrant class (a seam: tests hand in a fake)
    vagrant_class: type | None = None

    def _vagrant(self, quiet: bool = False):
        cls = self.vagrant_class
        if cls is None:
            try:
                import vagrant as python_vagrant
            except ImportError as exc:
                raise PrerequisiteError(
                    "the vagrant provider needs python-vagrant",
                    hint="pip install 'rackharness[vagrant]' (python-vagrant)",
                ) from exc
            cls = python_vagrant.Vagrant
        home = vagrantfile_dir()
        env = {
            **os.environ,
            "VAGRANT_CWD": str(home),
            "VAGRANT_DOTFILE_PATH": str(self.rack_file.parent.absolute() / "dotfile"),
            "RACKHARNESS_VAGRANT_SPEC": str(self.rack_file.absolute()),
            "VAGRANT_DEFAULT_PROVIDER": self.provider,
            "VAGRANT_CHECKPOINT_DISABLE": "1",
        }
        return cls(root=str(home), env=env, quiet_stdout=quiet, quiet_stderr=quiet)

    def up(self) -> None:
        """``vagrant up`` of every VM, a progress line per VM and step."""
        self._stream("up", lambda v: v.up(provider=self.provider, no_provision=True, stream_output=True))

    def destroy(self) -> None:
        """``vagrant destroy -f`` of every VM (quiet: ``down`` says what it removed)."""
        try:
            self._vagrant(quiet=True).destroy()
        except Exception as exc:  # python-vagrant raises CalledProcessError & co.
            raise ServiceError(f"`vagrant destroy` failed: {exc}") from exc

    def status(self) -> dict[str, str]:
        try:
            return {s.name: s.state for s in self._vagrant(quiet=True).status()}
        except Exception as exc:  # python-vagrant raises CalledProcessError & co.
            raise ServiceError(f"`vagrant status` failed: {exc}") from exc

    def _stream(self, verb: str, call) -> None:
        tail: list[str] = []
        try:
            for line in call(self._vagrant()) or ():
                self._progress(line, tail)
        except Exception as exc:
            raise ServiceError(
                f"`vagrant {verb}` failed: {exc}" + ("\n" + "\n".join(tail[-15:]) if tail else ""),
                hint=named("see the lines above; `rackharness down` removes what was created"),
            ) from exc

    def _progress(self, line: str, tail: list[str]) -> None:
        line = line.rstrip()
        tail.append(line)
        match = _PROGRESS.match(line)
        if match and any(match.group("what").strip().startswith(m) for m in _MILESTONES):
            self.say(f"  {match.group('vm')}: {match.group('what').strip()}")
