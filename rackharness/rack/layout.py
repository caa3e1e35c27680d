"""From configuration to a :class:`RackSpec`: names, MACs, UUIDs, serials and BMC ports per node.

Everything is derived deterministically from the config (node index, ``rack.mac_prefix``,
``bmc.*``), so the same config always yields the same rack: a run can be reproduced from the
saved config alone.
"""

from __future__ import annotations

import errno
import hashlib
import ipaddress
import re
import socket
import urllib.parse
import uuid
from pathlib import Path

from rackharness.config import Config
from rackharness.errors import ConfigError
from rackharness.project_files import project
from rackharness.rack.profile import ProfileLibrary
from rackharness.rack.spec import AgentSpec, BmcSpec, BmcUserSpec, NodeSpec, RackSpec

#: uuid5 namespace of every rackharness node (a fixed random UUID)
NODE_NAMESPACE = uuid.UUID("6f1e3c0a-5a8e-4b55-9a43-2f3c1d6b7e90")
HOST_NICS = 2  # host MACs of a profile that lists no NICs
BMC_NIC = 0xB0
#: the PXE NIC of node N gets HOST_NETWORK + N + 1 (RackHD's default DHCP range 172.31.128.2-131.254)
HOST_NETWORK = ipaddress.IPv4Address("172.31.128.0")
_MAC_PREFIX = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){2}$")
FAULTS = ("bmc-silent", "bmc-lossy", "power-on-fails", "bmc-password-differs")
#: the UDP port of a real BMC (RMCP/RMCP+), where RackHD's ipmitool (no -p) sends
IPMI_PORT = 623
PRIVILEGE_HINT = "binding UDP 623 needs root or CAP_NET_BIND_SERVICE (setcap cap_net_bind_service+ep on the python)"


def can_bind_ipmi_port(host: str = "127.0.0.1") -> bool:
    """Whether this process may bind UDP 623 (root or CAP_NET_BIND_SERVICE), found by trying on ``host``.

    Only a refusal for lack of privilege counts as no: 623 already taken on ``host`` (a rack of ours that
    is up) still shows the privilege."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind((host, IPMI_PORT))
    except OSError as exc:
        return exc.errno not in (errno.EACCES, errno.EPERM)
    return True


def address_mode(config: Config, *, can_bind=can_bind_ipmi_port) -> tuple[str, str]:
    """``bmc.address_mode`` resolved: ("ports" | "addresses", why), ``auto`` decided by trying to bind UDP 623."""
    mode = config["bmc.address_mode"]
    if mode != "auto":
        return mode, f"bmc.address_mode={mode}"
    if not config["target.url"]:
        return "ports", "auto: the reference target reaches each BMC by its port"
    if not on_this_host(config["target.url"]):
        return "ports", (
            "auto: the target is not on this host, and 127.x addresses are loopback (give bmc.host "
            "an address it reaches)"
        )
    first = nth_address(config, "bmc.address_base", 1)
    if can_bind(first):
        return "addresses", "auto: this process can bind UDP 623"
    return "ports", f"auto: this process cannot bind UDP 623 ({PRIVILEGE_HINT})"


def on_this_host(url: str | None) -> bool:
    """Whether ``url``'s host is a loopback address (no name is resolved: ``localhost`` counts)."""
    host = urllib.parse.urlsplit(url or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def nth_address(config: Config, key: str, index: int) -> str:
    """``key``'s base address + ``index`` (node N's BMC or boot-agent address in address mode)."""
    try:
        return str(ipaddress.IPv4Address(config[key]) + index)
    except (ValueError, ipaddress.AddressValueError) as exc:
        raise ConfigError(
            f"{config.source(key)}: {key}: expected an IPv4 base address like 127.1.0.0 with room "
            f"for node {index}, got {config[key]!r} ({exc})"
        ) from None


def node_name(index: int) -> str:
    return f"node-{index:02d}"


def node_mac(prefix: str, index: int, nic: int) -> str:
    return f"{prefix}:{(index >> 8) & 0xFF:02x}:{index & 0xFF:02x}:{nic:02x}"


def packaged_profiles() -> Path:
    """fixtures/hardware: the checkout's, or the copy bundled with rackharness (:mod:`rackharness.project_files`)."""
    return project().hardware_profiles


def __getattr__(name: str):  # PACKAGED_PROFILES, located on first use: no I/O at import
    if name == "PACKAGED_PROFILES":
        return packaged_profiles()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def profiles_dir(config: Config) -> Path:
    return Path(config["profiles_dir"]) if config["profiles_dir"] else packaged_profiles()


def build_rack_spec(config: Config, mode: str | None = None) -> RackSpec:
    """The rack the config describes; ConfigError names the setting when it cannot be built.

    ``mode`` is the resolved address mode (:func:`address_mode`; resolved here when not given)."""
    mode = mode or address_mode(config)[0]
    count = config["nodes"]
    prefix = config["rack.mac_prefix"].lower()
    if not _MAC_PREFIX.match(prefix):
        raise ConfigError(
            f"{config.source('rack.mac_prefix')}: rack.mac_prefix: expected three hex octets "
            f"like 52:54:00, got {config['rack.mac_prefix']!r}"
        )
    base = config["bmc.base_port"]
    if mode == "ports" and base + count - 1 > 65535:
        raise ConfigError(
            f"{config.source('bmc.base_port')}: bmc.base_port {base} leaves no room for {count} BMC ports "
            f"(the last would be {base + count - 1})",
            hint=f"lower bmc.base_port to at most {65536 - count}",
        )
    profiles = [p.strip() for p in config["profiles"].split(",") if p.strip()]
    if not profiles:
        raise ConfigError(f"{config.source('profiles')}: profiles: name at least one hardware profile")
    directory = profiles_dir(config)
    library = ProfileLibrary(directory)
    nic_counts = {}
    for name in profiles:
        try:
            # loads and validates: a bad profile fails here, before anything starts
            nic_counts[name] = len(library.get(name).hardware.get("nics") or []) or HOST_NICS
        except ConfigError as exc:
            raise ConfigError(f"{config.source('profiles')}: profiles: {exc.message}", hint=exc.hint) from None
    nodes = []
    for index in range(1, count + 1):
        profile = profiles[(index - 1) % len(profiles)]
        nodes.append(_node(config, index, profile, prefix, nic_counts[profile], mode))
    for name, fault in parse_faults(config, {n.name for n in nodes}).items():
        node = next(n for n in nodes if n.name == name)
        node.fault = fault
        if fault == "bmc-password-differs":
            node.bmc.users[0].password = differing_password(config["bmc.password"], name)
    agent = AgentSpec(
        boot_delay=config["rack.boot_delay"],
        poll_interval=config["rack.agent_poll_interval"],
        southbound_url=config["rack.southbound_url"],
        # a loopback source address reaches only this host
        bind_node_ip=mode == "addresses"
        and on_this_host(config["rack.southbound_url"] or config["target.url"] or "http://127.0.0.1"),
    )
    return RackSpec(nodes=nodes, profiles_dir=str(directory), agent=agent, address_mode=mode)


def differing_password(password: str, node: str) -> str:
    """The BMC password of a ``bmc-password-differs`` node: derived, never equal to ``password``."""
    digest = hashlib.sha256(f"{password}/{node}".encode()).hexdigest()
    return "rh-" + (digest[:12] if digest[:12] != password else digest[12:24])


def node_ip(index: int) -> str:
    return str(HOST_NETWORK + index + 1)


def parse_faults(config: Config, names: set[str]) -> dict[str, str]:
    """``rack.faults`` ("node-02=bmc-silent,node-03=power-on-fails") as {node name: fault}."""
    faults: dict[str, str] = {}
    where = f"{config.source('rack.faults')}: rack.faults"
    for item in filter(None, (part.strip() for part in config["rack.faults"].split(","))):
        name, sep, fault = (text.strip() for text in item.partition("="))
        if not sep or fault not in FAULTS:
            raise ConfigError(f"{where}: {item!r} is not NODE=FAULT with FAULT one of {', '.join(FAULTS)}")
        if name not in names:
            raise ConfigError(
                f"{where}: no node {name!r} in this rack", hint=f"nodes are {node_name(1)} .. {node_name(len(names))}"
            )
        faults[name] = fault
    return faults


def _node(config: Config, index: int, profile: str, prefix: str, nics: int, mode: str = "ports") -> NodeSpec:
    admin = BmcUserSpec(user_id=2, name=config["bmc.user"], password=config["bmc.password"], privilege="administrator")
    return NodeSpec(
        name=node_name(index),
        index=index,
        uuid=str(uuid.uuid5(NODE_NAMESPACE, f"{prefix}/{index}")),
        serial=f"RH{index:06d}",
        macs=[node_mac(prefix, index, nic) for nic in range(nics)],
        ip=nth_address(config, "rack.node_address_base", index) if mode == "addresses" else node_ip(index),
        profile=profile,
        bmc=BmcSpec(
            host=nth_address(config, "bmc.address_base", index) if mode == "addresses" else config["bmc.host"],
            port=IPMI_PORT if mode == "addresses" else config["bmc.base_port"] + index - 1,
            mac=node_mac(prefix, index, BMC_NIC),
            users=[admin],
        ),
        power_on_delay=config["bmc.power_on_delay"],
    )
