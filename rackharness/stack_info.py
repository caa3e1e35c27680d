"""The one description of a running stack: what providers record, ``status --json`` prints and the suite reads.

A provider builds a :class:`StackInfo` when its rack is up and stores :meth:`StackInfo.to_endpoints`
in the state file (0600: the BMC passwords are there). ``status`` renders :meth:`StackInfo.report`
(masked unless asked), and the suite calls :func:`current_stack`, which reads it back from
``state_dir`` (the ``state_dir`` setting: ``RACKHARNESS_STATE_DIR`` or ``.rackharness``) and fails
with what to do when no rack is up (it never guesses addresses).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rackharness.errors import UsageError
from rackharness.invocation import named
from rackharness.redaction import MASK, redact_url
from rackharness.state import StateStore

#: the endpoint keys of ``status --json``, a stable interface other tools read
URL_KEYS = ("api_url", "auth_url", "amqp_url", "mongo_url")


@dataclass(frozen=True)
class BmcAccess:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    mac: str = ""

    def __repr__(self) -> str:  # never show the password
        return f"BmcAccess({self.host}:{self.port}, user={self.user!r})"

    def to_dict(self, *, show_secrets: bool = True) -> dict[str, Any]:
        out = {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password if show_secrets else MASK,
        }
        if self.mac:
            out["mac"] = self.mac
        return out


@dataclass(frozen=True)
class NodeInfo:
    name: str
    macs: tuple[str, ...]
    bmc: BmcAccess
    uuid: str = ""
    serial: str = ""
    profile: str = ""
    #: False for a lab node the suite must not power off/on/cycle (inventory ``power_control: false``)
    power_control: bool = True
    sku: str = ""
    ip: str = ""  # the address the node's boot agent talks from, when the provider assigns one
    fault: str = ""  # an injected fault (rack.faults), when one is set

    @property
    def bmc_mac(self) -> str:
        return self.bmc.mac

    def to_dict(self, *, show_secrets: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "uuid": self.uuid,
            "serial": self.serial,
            "profile": self.profile,
            "macs": list(self.macs),
        }
        out.update({key: value for key, value in (("ip", self.ip), ("fault", self.fault), ("sku", self.sku)) if value})
        if not self.power_control:
            out["power_control"] = False
        out["bmc"] = self.bmc.to_dict(show_secrets=show_secrets)
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "NodeInfo":
        bmc = raw["bmc"]
        return cls(
            name=raw["name"],
            macs=tuple(raw.get("macs", ())),
            uuid=raw.get("uuid", ""),
            serial=raw.get("serial", ""),
            profile=raw.get("profile", ""),
            power_control=bool(raw.get("power_control", True)),
            sku=raw.get("sku", ""),
            ip=raw.get("ip", ""),
            fault=raw.get("fault", ""),
            bmc=BmcAccess(bmc["host"], int(bmc["port"]), bmc["user"], bmc["password"], bmc.get("mac", "")),
        )


@dataclass(frozen=True)
class StackInfo:
    provider: str
    state_dir: Path
    api_url: str | None = None
    amqp_url: str | None = None
    mongo_url: str | None = None
    nodes: tuple[NodeInfo, ...] = ()
    auth_url: str | None = None  # the auth-enabled endpoint, when the rack has one
    southbound_url: str | None = None  # where the nodes netboot from
    #: the rack runs inside the test process (isolated): nothing serves these endpoints between runs
    in_process: bool = False
    nodes_planned: int | None = None  # in-process racks: how many nodes the test process will start
    #: the system under test: "reference" (the harness's reference target), "rackhd" (a RackHD at api_url),
    #: "none" (``up --services-only``: RabbitMQ and the store for a RackHD the user runs, nothing tested)
    sut_kind: str = "reference"
    sut_version: str | None = None  # the RackHD's version, when its API tells one (2.60.7's does not)
    address_mode: str | None = None  # how the BMCs are reached: "ports" | "addresses" (None: no virtual rack)

    @property
    def system_under_test(self) -> dict[str, Any]:
        """``{"kind": "reference"}``, ``{"kind": "rackhd", "url": ..., "version": ...}`` or ``{"kind": "none"}``."""
        if self.sut_kind == "rackhd":
            return {"kind": "rackhd", "url": self.api_url, "version": self.sut_version}
        return {"kind": self.sut_kind}

    # -- the state file ---------------------------------------------------------------------------
    def to_endpoints(self) -> dict[str, Any]:
        """What the state file's ``endpoints`` hold (with secrets: state.json is private)."""
        out: dict[str, Any] = {key: getattr(self, key) for key in (*URL_KEYS, "southbound_url")}
        if self.in_process:
            out.update(in_process=True, nodes_planned=self.nodes_planned)
        out["system_under_test"] = self.system_under_test
        if self.address_mode:
            out["address_mode"] = self.address_mode
        out["nodes"] = [node.to_dict() for node in self.nodes]
        return out

    @classmethod
    def from_endpoints(cls, provider: str, state_dir: Path, endpoints: dict[str, Any]) -> "StackInfo":
        return cls(
            provider=provider,
            state_dir=Path(state_dir),
            **{key: endpoints.get(key) for key in (*URL_KEYS, "southbound_url")},
            nodes=tuple(NodeInfo.from_dict(n) for n in endpoints.get("nodes", [])),
            in_process=bool(endpoints.get("in_process", False)),
            nodes_planned=endpoints.get("nodes_planned"),
            address_mode=endpoints.get("address_mode"),
            **_sut_fields(provider, endpoints),
        )

    # -- what `status --json` prints --------------------------------------------------------------
    def report(self, *, show_secrets: bool = False) -> dict[str, Any]:
        """The stable ``status --json`` keys: provider, the endpoint URLs, nodes (passwords masked unless asked)."""
        out: dict[str, Any] = {"provider": self.provider}
        for key in URL_KEYS:
            value = getattr(self, key)
            out[key] = value if show_secrets else redact_url(value)
        out["nodes"] = [node.to_dict(show_secrets=show_secrets) for node in self.nodes]
        if self.in_process:
            out.update(in_process=True, nodes_planned=self.nodes_planned)
        out["system_under_test"] = self.system_under_test
        if out["system_under_test"].get("url"):
            out["system_under_test"]["url"] = (
                redact_url(out["system_under_test"]["url"]) if not show_secrets else out["system_under_test"]["url"]
            )
        if self.address_mode:
            out["address_mode"] = self.address_mode
        return out


def _sut_fields(provider: str, endpoints: dict[str, Any]) -> dict[str, Any]:
    """The system under test as a state file records it; a state file from before it was recorded: a
    physical lab's RackHD, else the reference target."""
    recorded = endpoints.get("system_under_test")
    if isinstance(recorded, dict) and recorded.get("kind"):
        return {"sut_kind": str(recorded["kind"]), "sut_version": recorded.get("version")}
    return {"sut_kind": "rackhd" if provider == "physical" else "reference"}


def state_dir_setting() -> Path:
    """The ``state_dir`` setting (``RACKHARNESS_STATE_DIR``, default ``.rackharness``)."""
    from rackharness.config.loader import load_config

    return Path(load_config(None)["state_dir"])


def current_stack(state_dir: str | os.PathLike | None = None) -> StackInfo:
    directory = Path(state_dir) if state_dir else state_dir_setting()
    state = StateStore(directory).load()
    if state is None or state.status != "up":
        status = "no state file" if state is None else f"status {state.status}"
        raise UsageError(
            f"no rack is up in {directory} ({status})",
            hint=named("run `./stack.sh up` first, or set RACKHARNESS_STATE_DIR to the rack's state dir"),
        )
    return StackInfo.from_endpoints(state.provider, directory, state.endpoints)
