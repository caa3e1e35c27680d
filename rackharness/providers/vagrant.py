"""The ``vagrant`` provider: the local provider's services, with real VMs as the rack's nodes.

``up`` runs the local provider's steps (prepare, Mongo, RabbitMQ, the rack, the target) with three
of its own, the state file rewritten after each:

- ``microkernel`` (before the services): the microkernel built from Debian packages, or taken from
  its cache (:mod:`rackharness.vm.microkernel`), linked into the target's static root as the file
  names RackHD's bootstrap tasks ask for (``/common/vmlinuz-1.2.0-rancher`` & co.);
- ``libvirt``: libvirtd and virtlogd answering (started here where no init system runs them) and the
  storage pool vagrant-libvirt wants (the VMs are diskless: no volume is ever created);
- ``vagrant`` (after the services): ``vagrant up`` of one diskless VM per node through python-vagrant,
  with a progress line per VM. The VMs PXE-boot at once against the target, which is up by then.

The rack process still serves a virtual BMC per node (same keys in ``status --json`` as emulated
nodes), but its power commands act on the VM through the hypervisor (:mod:`rackharness.rack.vm_power`),
and each VM has an in-band IPMI device (QEMU's KCS interface) whose BMC is that same virtual BMC
(:mod:`rackharness.bmc.vm_channel`): RackHD's bmc catalog and ``ipmitool chassis bootdev pxe`` run in
the node, and autoCreateObm works as on the emulated rack. ``down`` destroys every domain of the rack (vagrant first, then anything of
its prefix libvirt still has), removes the pool when ``up`` created it, stops the daemons ``up`` started,
and checks that no QEMU process of the rack is left.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path
from typing import Callable

from rackharness.errors import PrerequisiteError, RackHarnessError, UsageError
from rackharness.providers.base import Capabilities
from rackharness.providers.local import LocalProvider
from rackharness.rack.spec import RackSpec
from rackharness.services.process import find_by_cmdline, stop
from rackharness.state import RackState
from rackharness.vm.libvirt_host import LibvirtHost
from rackharness.vm.vagrant_rack import VagrantRack, domain_prefix, rack_document, write_rack_file

VMS_KEY = "vms"  # state.endpoints[VMS_KEY]: what `down` needs to remove the VMs


class VagrantProvider(LocalProvider):
    NAME = "vagrant"
    CAPABILITIES = Capabilities(
        runs_services=True,
        in_process=False,
        bmcs_on_network=True,
        powers_nodes=True,
        discovers=True,
        provisions_nodes=True,
    )

    # -- composition -------------------------------------------------------------------------------
    @functools.cached_property
    def prefix(self) -> str:
        return domain_prefix(self.state_dir)

    @functools.cached_property
    def libvirt(self) -> LibvirtHost:
        return LibvirtHost(self.config["vagrant.libvirt_uri"])

    @property
    def static_root(self) -> Path:
        return self.state_dir.absolute() / "static"

    @functools.cached_property
    def _rack_spec(self) -> RackSpec:
        spec = super()._rack_spec
        hypervisor = self.config["vagrant.provider"]
        for node in spec.nodes:
            node.macs = node.macs[:1]  # one NIC per VM: the PXE NIC
            node.vm = {
                "hypervisor": hypervisor,
                "name": self.prefix + node.name,
                "uri": self.config["vagrant.libvirt_uri"],
            }
        return spec

    def _target_rackhd_config(self) -> dict[str, object]:
        """The local provider's (autoCreateObm reads the bmc catalog the VM's own ipmitool makes through its
        in-band device), and: the address the VMs reach the target at (apiServerAddress, which the scripts it
        serves name) and its static root (the microkernel)."""
        return {
            **super()._target_rackhd_config(),
            "apiServerAddress": self.config["vagrant.host_address"],
            "apiServerPort": self.config["target.port"],
            "httpStaticRoot": str(self.static_root),
        }

    def _vagrant_rack(self) -> VagrantRack:
        return VagrantRack(
            self.state_dir.absolute() / "vagrant" / "rack.json", provider=self.config["vagrant.provider"], say=self.say
        )

    # -- lifecycle ---------------------------------------------------------------------------------
    def preflight(self) -> None:
        if self.config["services_only"]:
            raise UsageError("--services-only starts no rack: use --provider local for it")
        if self._on_libvirt:
            self.libvirt.check_prerequisites()
        else:
            missing = [tool for tool in ("vagrant", "VBoxManage") if shutil.which(tool) is None]
            if missing:
                raise PrerequisiteError(
                    f"--vagrant-provider virtualbox needs {' and '.join(missing)}, which is not on PATH",
                    hint="install VirtualBox (virtualbox.org) and vagrant; or use --vagrant-provider libvirt "
                    "(docs/vagrant.md)",
                )
        try:
            import vagrant  # noqa: F401  (python-vagrant)
        except ImportError as exc:
            raise PrerequisiteError(
                "the vagrant provider needs python-vagrant in rackharness's environment",
                hint="pip install python-vagrant (./stack.sh installs it)",
            ) from exc
        super().preflight()

    @property
    def _on_libvirt(self) -> bool:
        return self.config["vagrant.provider"] == "libvirt"

    def _steps_before_services(self) -> list[tuple[str, Callable[[RackState], None]]]:
        return [("microkernel", self._step_microkernel)] + (
            [("libvirt", self._step_libvirt)] if self._on_libvirt else []
        )

    def _steps_after_services(self) -> list[tuple[str, Callable[[RackState], None]]]:
        return [("vagrant", self._step_vagrant)]

    def _step_microkernel(self, state: RackState) -> None:
        from rackharness.vm.microkernel import ensure_microkernel, install

        state.endpoints[VMS_KEY] = {
            "prefix": self.prefix,
            "provider": self.config["vagrant.provider"],
            "uri": self.config["vagrant.libvirt_uri"],
        }
        self.store.save(state)
        files = ensure_microkernel(say=self.say)
        common = self.static_root / "common"
        common.mkdir(parents=True, exist_ok=True)
        install(files, common, link=True)
        state.endpoints[VMS_KEY]["microkernel"] = str(Path(files.kernel).parent)

    def _step_libvirt(self, state: RackState) -> None:
        vms = state.endpoints[VMS_KEY]
        vms["daemons_started"] = self.libvirt.ensure_daemons(say=self.say)
        self.store.save(state)
        vms["pool_created"] = self.libvirt.ensure_pool(self.config["vagrant.storage_pool"])
        vms["pool"] = self.config["vagrant.storage_pool"]

    def _step_vagrant(self, state: RackState) -> None:
        spec = self._rack_spec
        rack = self._vagrant_rack()
        write_rack_file(
            rack.rack_file,
            rack_document(
                spec,
                self.config,
                prefix=self.prefix,
                southbound_url=spec.agent.southbound_url or self.southbound_url(),
                logs_dir=self.state_dir / "logs",
            ),
        )
        state.endpoints[VMS_KEY]["domains"] = {node.name: node.vm["name"] for node in spec.nodes}
        self.store.save(state)
        self.say(
            f"vagrant up: {len(spec.nodes)} VM(s) on {self.config['vagrant.provider']} "
            f"({self.config['vagrant.memory']} MB each) ..."
        )
        rack.up()

    def _fail(self, state: RackState, step: str, exc: BaseException) -> None:
        self._remove_vms(state)
        super()._fail(state, step, exc)

    def _before_stopping(self, state: RackState | None, *, force: bool) -> None:
        if state is not None:
            self._remove_vms(state)
        elif force:  # no readable state: every domain of this state dir's prefix goes
            self._remove_vms(RackState(provider=self.NAME, endpoints={VMS_KEY: {"prefix": self.prefix}}))

    def _remove_vms(self, state: RackState) -> None:
        """Every domain of the rack gone, the pool and daemons ``up`` made gone, no QEMU process left."""
        vms = state.endpoints.get(VMS_KEY) or {}
        if not vms.get("prefix"):
            return
        if self._on_libvirt and self.libvirt.reachable():
            self.libvirt.power_off_domains(vms["prefix"])  # at once: vagrant would try a graceful halt first
        if (self.state_dir / "vagrant" / "dotfile").exists():
            try:
                self._vagrant_rack().destroy()
            except RackHarnessError as exc:
                self.say(f"vagrant destroy failed ({exc.message.splitlines()[0]}); removing the domains with virsh")
        if self._on_libvirt and self.libvirt.reachable():
            removed = self.libvirt.remove_domains(vms["prefix"])
            if removed:
                self.say(f"removed {len(removed)} domain(s) vagrant left: {', '.join(removed)}")
            if vms.get("pool_created"):
                self.libvirt.remove_pool(vms["pool"])
                vms["pool_created"] = False
        leftovers = find_by_cmdline([f"guest={vms['prefix']}"])  # QEMU names the domain as guest=<name>
        for record in leftovers:
            self.say(f"stopping QEMU process {record.pid} of a domain that is gone")
            stop(record)
        if vms.get("daemons_started"):
            self.libvirt.stop_daemons(vms["daemons_started"])
            vms["daemons_started"] = []
        vms.pop("domains", None)
        if self.store.exists():
            self.store.save(state)

    # -- status ------------------------------------------------------------------------------------
    def machine_logs(self) -> dict[str, list[Path]]:
        """Each VM's serial console (iPXE's messages go to its screen; the kernel's and the microkernel's,
        ``rackharness-mk:`` lines, come here)."""
        logs = self.state_dir / "logs"
        return {node.name: [logs / f"{node.name}.console.log"] for node in self._rack_spec.nodes}

    def node_states(self, state: RackState) -> dict[str, dict[str, str]]:
        """Each node's VM and its state as the hypervisor tells it (``status``)."""
        domains = (state.endpoints.get(VMS_KEY) or {}).get("domains") or {}
        if not domains or not self._on_libvirt or not self.libvirt.reachable():
            return {name: {"vm": domain, "vm_state": "unknown"} for name, domain in domains.items()}
        states = self.libvirt.domains(self.prefix)
        return {name: {"vm": domain, "vm_state": states.get(domain, "absent")} for name, domain in domains.items()}
