"""Where the rack under test is: read from the state file ``rackharness up`` wrote.

The suite calls :func:`current_stack`; it looks in ``$RACKHARNESS_STATE_DIR`` or ``.rackharness``
and fails with what to do when no rack is up (it never guesses addresses).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rackharness.errors import UsageError
from rackharness.state import StateStore


@dataclass(frozen=True)
class BmcAccess:
    host: str
    port: int
    user: str
    password: str

    def __repr__(self) -> str:  # never show the password
        return f"BmcAccess({self.host}:{self.port}, user={self.user!r})"


@dataclass(frozen=True)
class NodeInfo:
    name: str
    macs: tuple[str, ...]
    bmc: BmcAccess
    uuid: str = ""
    serial: str = ""
    profile: str = ""
    bmc_mac: str = ""
    #: False for a lab node the suite must not power off/on/cycle (inventory ``power_control: false``)
    power_control: bool = True
    sku: str = ""


@dataclass(frozen=True)
class StackInfo:
    provider: str
    state_dir: Path
    api_url: str | None
    amqp_url: str | None
    mongo_url: str | None
    nodes: tuple[NodeInfo, ...]
    auth_url: str | None = None  # the auth-enabled endpoint, when the rack has one


def current_stack(state_dir: str | os.PathLike | None = None) -> StackInfo:
    directory = Path(state_dir or os.environ.get("RACKHARNESS_STATE_DIR") or ".rackharness")
    state = StateStore(directory).load()
    if state is None or state.status != "up":
        status = "no state file" if state is None else f"status {state.status}"
        raise UsageError(f"no rack is up in {directory} ({status})",
                         hint="run `./stack.sh up` first, or set RACKHARNESS_STATE_DIR to the rack's state dir")
    endpoints = state.endpoints
    nodes = tuple(
        NodeInfo(name=n["name"], macs=tuple(n["macs"]), uuid=n.get("uuid", ""), serial=n.get("serial", ""),
                 profile=n.get("profile", ""), bmc_mac=n["bmc"].get("mac", ""),
                 power_control=bool(n.get("power_control", True)), sku=n.get("sku", ""),
                 bmc=BmcAccess(n["bmc"]["host"], int(n["bmc"]["port"]), n["bmc"]["user"], n["bmc"]["password"]))
        for n in endpoints.get("nodes", [])
    )
    return StackInfo(provider=state.provider, state_dir=directory, api_url=endpoints.get("api_url"),
                     amqp_url=endpoints.get("amqp_url"), mongo_url=endpoints.get("mongo_url"), nodes=nodes,
                     auth_url=endpoints.get("auth_url"))
