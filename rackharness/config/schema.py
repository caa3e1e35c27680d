"""Every setting rackharness knows, declared once, with its type, default and bounds.

Keys are dotted (``amqp.port``); a config file nests them (``amqp: {port: 21672}``), the
environment spells them ``RACKHARNESS_AMQP_PORT``, and ``--set amqp.port=21672`` sets any of
them from the command line. No address or port is written anywhere else in the code.
The defaults keep clear of the system ports (5672, 25672, 4369, 27017, 623) and stay below the
kernel's ephemeral range (32768-60999 on Linux), where any client socket may briefly hold a port.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    key: str
    kind: type  # int, float, str, bool
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    secret: bool = False
    optional: bool = False  # None allowed (e.g. an external URL that is usually unset)
    min_length: int | None = None  # text settings: fewest characters (a password policy)
    max_length: int | None = None
    #: older environment names still read (after env_var), so a renamed setting keeps users' words working
    env_aliases: tuple[str, ...] = ()

    @property
    def env_var(self) -> str:
        return "RACKHARNESS_" + self.key.upper().replace(".", "_")


def _port(key: str, default: int, help: str) -> Setting:
    return Setting(key, int, default, help, minimum=1, maximum=65535)


SETTINGS: tuple[Setting, ...] = (
    Setting("provider", str, "local", "which rack provider brings the rack up"),
    Setting("nodes", int, 4, "number of virtual nodes", minimum=1, maximum=1000),
    Setting("state_dir", str, ".rackharness", "where state, logs and service data live"),
    Setting(
        "profiles",
        str,
        "quanta-d51,dell-r630",
        "hardware profiles (fixtures/hardware/<name>.yaml), comma-separated, cycled over the nodes",
    ),
    Setting("profiles_dir", str, "", "directory of hardware profiles; empty means the packaged fixtures/hardware"),
    Setting(
        "keep_data",
        bool,
        False,
        "`up` keeps the data of earlier runs in the store and broker it starts "
        "(default: they start empty; a store or RackHD you point at is never emptied)",
    ),
    Setting(
        "services_only",
        bool,
        False,
        "`up` starts RabbitMQ and the Mongo store only (no rack, no target): the services for a RackHD you run",
    ),
    Setting("ready_timeout", float, 60.0, "seconds to wait for each service to become ready", minimum=1, maximum=3600),
    # RabbitMQ (AMQP)
    Setting("amqp.url", str, None, "use this existing broker instead of starting RabbitMQ", optional=True, secret=True),
    Setting("amqp.host", str, "127.0.0.1", "address RabbitMQ listens on"),
    _port("amqp.port", 21672, "AMQP port of the embedded RabbitMQ"),
    _port("amqp.dist_port", 21673, "Erlang distribution port of the embedded RabbitMQ"),
    _port("amqp.epmd_port", 21369, "epmd port of the embedded RabbitMQ"),
    Setting("amqp.user", str, "guest", "AMQP user"),
    Setting("amqp.password", str, "guest", "AMQP password", secret=True),
    # Mongo
    Setting(
        "mongo.url",
        str,
        None,
        "use this existing MongoDB (mongodb://...) instead of starting one",
        optional=True,
        secret=True,
    ),
    Setting("mongo.host", str, "127.0.0.1", "address the embedded Mongo store listens on"),
    _port("mongo.port", 21017, "port of the embedded Mongo store"),
    Setting(
        "mongo.engine",
        str,
        "auto",
        "which Mongo to start: auto (mongod if on PATH, else nx-27017)",
        choices=("auto", "mongod", "nx-27017"),
    ),
    # The RackHD reference target (or an existing RackHD)
    Setting(
        "target.url",
        str,
        None,
        "use this RackHD (http://host:port) instead of starting the reference target",
        optional=True,
    ),
    Setting("target.host", str, "127.0.0.1", "address the reference target listens on"),
    _port("target.port", 21080, "HTTP port of the reference target"),
    Setting("target.database", str, "pxe", "MongoDB database of the target (RackHD's default: pxe)"),
    Setting(
        "target.heartbeat_interval",
        float,
        1.0,
        "seconds between on-http heartbeat events (RackHD's "
        "default is 10; 1 lets the suite's events group see one without waiting)",
        minimum=0.1,
        maximum=3600,
    ),
    Setting(
        "target.poller_interval_scale",
        float,
        1.0,
        "factor applied to the default pollers' intervals "
        "(RackHD's sdr/sel 60 s, driveHealth 30 s, chassis 15 s): 0.1 polls ten times as often",
        minimum=0.001,
        maximum=100,
    ),
    _port(
        "target.auth_port",
        21443,
        "HTTP port of the reference target's auth-enabled endpoint (POST /login; "
        "tokens required, as RackHD's authEnabled endpoint, usually https on 8443)",
    ),
    Setting(
        "target.auth_url",
        str,
        None,
        "an existing RackHD's auth-enabled endpoint (https://host:8443) for the "
        "suite's auth group; default: the reference target's",
        optional=True,
    ),
    Setting(
        "target.auth_user",
        str,
        "admin",
        "user the suite logs in as (the reference target creates it as an Administrator; RackHD's FIT uses admin)",
    ),
    Setting(
        "target.auth_password",
        str,
        "admin123",
        "password of target.auth_user (RackHD's policy: 6-50 characters)",
        secret=True,
        min_length=6,
        max_length=50,
    ),
    Setting(
        "target.auth_token_secret",
        str,
        "RackHDRocks!",
        "RackHD's authTokenSecret: the key tokens are signed "
        "with (the suite signs an expired token with it); left unset, the reference target `up` starts gets a "
        "random one per stack (state dir, token-secret, 0600) and an isolated rack one per process",
        secret=True,
    ),
    Setting(
        "target.auth_token_expire",
        int,
        86400,
        "RackHD's authTokenExpireIn: seconds a token lives (0: forever)",
        minimum=0,
        maximum=604800,
    ),
    Setting("target.threads", int, 16, "HTTP worker threads of the reference target", minimum=1, maximum=256),
    Setting(
        "target.auto_create_obm",
        bool,
        True,
        "discovery gives each node an ipmi OBM with bmc.user / "
        "bmc.password, checked with a power status (RackHD's autoCreateObm, off by default in RackHD)",
    ),
    # Virtual BMCs
    Setting("bmc.host", str, "127.0.0.1", "address every virtual BMC binds to"),
    _port("bmc.base_port", 18230, "UDP port of node 1's BMC; node N uses base_port + N - 1 (address mode ports)"),
    Setting(
        "bmc.address_mode",
        str,
        "auto",
        "how BMCs are reached: ports (every BMC on bmc.host, node N on "
        "bmc.base_port + N - 1), addresses (node N's BMC on UDP 623 of its own address bmc.address_base + N, "
        "and node N talks from rack.node_address_base + N: what a real RackHD's ipmitool needs; binding 623 "
        "needs root or CAP_NET_BIND_SERVICE), auto (addresses with a target.url on this host when port 623 can be "
        "bound, else ports)",
        choices=("auto", "ports", "addresses"),
    ),
    Setting(
        "bmc.address_base",
        str,
        "127.1.0.0",
        "address mode addresses: node N's BMC gets this address + N "
        "(127.0.0.0/8 is all loopback on Linux; give each stack its own range)",
    ),
    Setting(
        "bmc.user",
        str,
        "admin",
        "BMC administrator user name of every node (IPMI: 1-16 bytes)",
        min_length=1,
        max_length=16,
    ),
    Setting(
        "bmc.password",
        str,
        "admin",
        "BMC administrator password of every node (IPMI 2.0: 1-20 bytes)",
        secret=True,
        min_length=1,
        max_length=20,
    ),
    Setting("bmc.power_on_delay", float, 0.0, "seconds a node takes to power on", minimum=0, maximum=600),
    Setting("rack.mac_prefix", str, "52:54:00", "first three octets of every generated MAC"),
    Setting(
        "rack.faults",
        str,
        "",
        "fault injection for tests: NODE=FAULT,... with FAULT bmc-silent, "
        "bmc-lossy (drops a third of its packets), power-on-fails or bmc-password-differs, e.g. node-02=bmc-silent",
    ),
    # Boot agents (netboot / discovery)
    Setting(
        "rack.boot_delay",
        float,
        1.0,
        "seconds from a node's power on (or reset) to its iPXE asking the target for a profile",
        minimum=0,
        maximum=600,
    ),
    Setting(
        "rack.agent_poll_interval",
        float,
        0.25,
        "seconds between a booted node's task fetches while the target has none for it (the real microkernel waits 5)",
        minimum=0.01,
        maximum=60,
    ),
    Setting(
        "rack.node_address_base",
        str,
        "127.2.0.0",
        "address mode addresses: node N's boot agent talks "
        "from this address + N and reports it as its IP (so RackHD's lookups tell the nodes apart)",
    ),
    Setting(
        "rack.southbound_url",
        str,
        None,
        "where nodes netboot from (RackHD's southbound API, http://host:port); default: the target's URL",
        optional=True,
    ),
    Setting(
        "inventory",
        str,
        None,
        "physical-lab inventory YAML for `up --provider physical` (docs/inventory.md)",
        optional=True,
    ),
    Setting(
        "discover_timeout",
        float,
        120.0,
        "seconds `up --discover` (and the suite's discovery group) waits for every node to be discovered",
        minimum=1,
        maximum=86400,
        env_aliases=("RACKHARNESS_DISCOVERY_TIMEOUT",),
    ),
    # The vagrant provider (docs/vagrant.md): real VMs that PXE-boot
    Setting(
        "vagrant.provider",
        str,
        "libvirt",
        "which Vagrant provider runs the VMs of `up --provider vagrant`",
        choices=("libvirt", "virtualbox"),
    ),
    Setting("vagrant.memory", int, 160, "MB of RAM per VM (the microkernel needs 128)", minimum=128, maximum=65536),
    Setting("vagrant.libvirt_uri", str, "qemu:///system", "the libvirt connection the VMs' domains live on"),
    Setting(
        "vagrant.storage_pool",
        str,
        "rackharness",
        "the libvirt storage pool vagrant-libvirt is given (the VMs "
        "are diskless; `up` defines it when missing and `down` removes it again)",
    ),
    Setting(
        "vagrant.host_address",
        str,
        "10.0.2.2",
        "the address this host has as the VMs see it (QEMU's and "
        "VirtualBox's NAT: 10.0.2.2); the reference target tells nodes to call it there",
    ),
    Setting(
        "vagrant.up_timeout", float, 600.0, "seconds `vagrant up` may take for the whole rack", minimum=10, maximum=7200
    ),
    # The black-box suite
    Setting(
        "suite.callback_host",
        str,
        None,
        "address the target reaches the test runner on (the suite's "
        "webhook sinks); default: the local address the OS routes to the target's API host",
        optional=True,
    ),
    Setting(
        "suite.api_timeout",
        float,
        15.0,
        "seconds the suite's REST clients wait for one API answer",
        minimum=0.1,
        maximum=3600,
        env_aliases=("RACKHARNESS_API_TIMEOUT",),
    ),
    Setting(
        "suite.callback_port",
        int,
        0,
        "TCP port of the suite's webhook sinks; 0 picks a free port (set one a "
        "firewall between the target and the runner lets through)",
        minimum=0,
        maximum=65535,
    ),
    Setting(
        "suite.rackhd_version",
        str,
        None,
        "the version of the RackHD the suite tests (RackHD's API tells "
        "none); selects its known differences (tests/rackhd/known_differences.yaml)",
        optional=True,
    ),
    # Record/replay (docs/record-replay.md); the mode is the switch RACKHARNESS_RECORD_MODE / nose2 --record-mode
    Setting(
        "tapes.set",
        str,
        "reference",
        "the tape set RACKHARNESS_RECORD_MODE=none replays: reference, "
        "rackhd-<version>, lab-rackhd-<version> (a directory under tapes.dir)",
    ),
    Setting(
        "tapes.dir",
        str,
        "fixtures/tapes",
        "where promoted tape sets live (in the repository, scrubbed); "
        "a relative path absent from the current directory is read from the project's (the checkout's or "
        "the set bundled with rackharness)",
    ),
    Setting(
        "tapes.record_dir",
        str,
        ".rackharness-tapes",
        "where recordings go before `rackharness tapes promote` (git-ignored: they hold the run's secrets)",
    ),
)

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def coerce(setting: Setting, raw: Any) -> Any:
    """Turn a raw value (YAML scalar or string) into the setting's type; ValueError says why."""
    if raw is None:
        if setting.optional:
            return None
        raise ValueError("a value is required")
    kind = setting.kind
    value: Any
    if kind is bool:
        value = _to_bool(raw)
    elif kind is int:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError(f"expected a whole number, got {_shown(setting, raw)}")
        try:
            value = int(str(raw).strip(), 10) if not isinstance(raw, (int, float)) else int(raw)
        except (ValueError, OverflowError):
            raise ValueError(f"expected a whole number, got {_shown(setting, raw)}") from None
    elif kind is float:
        if isinstance(raw, bool):
            raise ValueError(f"expected a number, got {raw!r}")
        try:
            value = float(raw)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"expected a number, got {_shown(setting, raw)}") from None
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {_shown(setting, raw)}")
    else:
        if isinstance(raw, (dict, list)):
            raise ValueError(f"expected a text value, got a {type(raw).__name__}")
        value = str(raw)
        if setting.optional and value == "":
            return None
        _check_length(setting, value)
    _check_bounds(setting, value)
    return value


def _shown(setting: Setting, raw: Any) -> str:
    """A raw value as an error message may quote it: a secret's never."""
    return "(a value, not shown: secret)" if setting.secret else repr(raw)


def _check_length(setting: Setting, value: str) -> None:
    if setting.min_length is not None and len(value) < setting.min_length:
        raise ValueError(f"must be at least {setting.min_length} characters, got {len(value)}")
    if setting.max_length is not None and len(value) > setting.max_length:
        raise ValueError(f"must be at most {setting.max_length} characters, got {len(value)}")


def _to_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _check_bounds(setting: Setting, value: Any) -> None:
    if setting.minimum is not None and value < setting.minimum:
        raise ValueError(f"must be at least {setting.minimum:g}, got {value!r}")
    if setting.maximum is not None and value > setting.maximum:
        raise ValueError(f"must be at most {setting.maximum:g}, got {value!r}")
    if setting.choices is not None and value not in setting.choices:
        raise ValueError(f"must be one of {', '.join(setting.choices)}; got {value!r}")
