"""The rack description the stack writes and the rack process reads (``rack.json``).

Plain dataclasses so the file is easy to read, diff and write by hand. Secrets (BMC passwords)
are in this file because the rack process needs them; the file is written mode 0600 in the
state directory and never printed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class BmcUserSpec:
    user_id: int
    name: str
    password: str = field(repr=False)
    privilege: str = "administrator"  # callback | user | operator | administrator


@dataclass
class BmcSpec:
    host: str  # the address the BMC's UDP socket binds to (and what `lan print` reports)
    port: int  # UDP port of the BMC (623 on real hardware)
    mac: str  # the BMC's own MAC (`lan print` "MAC Address")
    users: list[BmcUserSpec] = field(default_factory=list)
    netmask: str = "255.255.255.0"
    gateway: str = "0.0.0.0"
    channel: int = 1


@dataclass
class NodeSpec:
    name: str
    index: int
    uuid: str  # system GUID, also the SMBIOS UUID
    serial: str
    macs: list[str]  # host NIC MACs, first is the PXE NIC
    profile: str  # hardware profile name: fixtures/hardware/<profile>.yaml
    bmc: BmcSpec
    power_on_delay: float = 0.0  # seconds from "power on" to the node reporting on
    initial_power: str = "off"  # on | off
    # Fault injection for tests: None, "bmc-silent" (BMC drops every packet), "bmc-lossy" (a third),
    # "power-on-fails" (power on is accepted but the node never turns on),
    # "bmc-password-differs" (its BMC password is not the rack's bmc.password, see layout.py).
    fault: str | None = None
    ip: str = ""  # the address DHCP gave the PXE NIC (macs[0]); iPXE reports it as `ips=`
    # A real VM behind this node (rackharness.rack.vm_power), None for an emulated node:
    # {"hypervisor": "libvirt" | "virtualbox", "name": "<domain / VM name>", "uri": "qemu:///system"}
    # ("uri" for libvirt only, qemu:///system by default). Its BMC's power and reset commands act on the VM,
    # chassis status follows the VM's real state, and no boot agent is attached: the VM netboots itself.
    vm: dict | None = None


@dataclass
class AgentSpec:
    """The boot agents (rackharness.rack.boot_agent): where and how nodes netboot."""

    southbound_url: str | None = None  # RackHD's node-facing API (http://host:port); None: no netboot
    boot_delay: float = 1.0  # seconds from power on (or reset) to iPXE asking for its profile
    poll_interval: float = 0.25  # seconds between GET /api/current/tasks/<id> while none is ready
    request_timeout: float = 10.0  # seconds one HTTP request may take
    boot_timeout: float = 600.0  # a netboot gives up after this long without an `exit`
    workers: int = 16  # HTTP requests in flight at once (all nodes together)
    #: each node's requests leave from its own address (NodeSpec.ip), so the target tells nodes apart by peer
    bind_node_ip: bool = False


@dataclass
class RackSpec:
    nodes: list[NodeSpec]
    profiles_dir: str  # directory holding <profile>.yaml files
    agent: AgentSpec = field(default_factory=AgentSpec)
    #: "ports" (every BMC on one host, its own port) or "addresses" (each BMC on UDP 623 of its own address)
    address_mode: str = "ports"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_dict(cls, raw: dict) -> "RackSpec":
        nodes = []
        for n in raw["nodes"]:
            bmc = dict(n["bmc"])
            bmc["users"] = [BmcUserSpec(**u) for u in bmc.get("users", [])]
            nodes.append(NodeSpec(**{**n, "bmc": BmcSpec(**bmc)}))
        return cls(
            nodes=nodes,
            profiles_dir=raw["profiles_dir"],
            agent=AgentSpec(**raw.get("agent", {})),
            address_mode=raw.get("address_mode", "ports"),
        )

    @classmethod
    def load(cls, path: Path) -> "RackSpec":
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
