"""The one base class of the provider axis: how a rack comes up, reports and goes down, and what it can do."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from rackharness.config import Config
from rackharness.errors import UsageError
from rackharness.invocation import named
from rackharness.stack_info import BmcAccess, NodeInfo
from rackharness.state import RackState, StateStore, changed_settings


@dataclass(frozen=True)
class Capabilities:
    """What a provider's rack can do; callers ask these instead of comparing provider names."""

    #: ``up`` starts processes (RabbitMQ, Mongo, the rack, the target) that ``down`` stops and ``logs`` shows
    runs_services: bool
    #: the rack lives inside the test process (nose2 starts it); nothing serves it between runs
    in_process: bool
    #: any IPMI client on this machine reaches the nodes' BMCs over UDP while the rack is up
    bmcs_on_network: bool
    #: nodes can be powered on, off and reset through their BMCs
    powers_nodes: bool
    #: ``up --discover`` can power every node on and wait until the system under test discovered it
    discovers: bool
    #: the rack is built from a config (nodes, profiles, faults) rather than found (a lab inventory)
    provisions_nodes: bool


def node_infos(nodes: Iterable[Any]) -> tuple[NodeInfo, ...]:
    """The suite's view of a rack spec's nodes (:class:`rackharness.rack.spec.NodeSpec`), BMC login included."""
    return tuple(
        NodeInfo(
            name=n.name,
            macs=tuple(n.macs),
            uuid=n.uuid,
            serial=n.serial,
            profile=n.profile,
            ip=n.ip or "",
            fault=n.fault or "",
            bmc=BmcAccess(n.bmc.host, n.bmc.port, n.bmc.users[0].name, n.bmc.users[0].password, n.bmc.mac),
        )
        for n in nodes
    )


class RackProvider(ABC):
    """A way to get a rack. ``up`` and ``down`` are idempotent; state goes through ``store``."""

    NAME: str = ""
    CAPABILITIES: Capabilities

    def __init__(self, config: Config, store: StateStore, say: Callable[[str], None] = print) -> None:
        self.config = config
        self.store = store
        self.say = say

    @property
    def state_dir(self) -> Path:
        return self.store.dir

    @abstractmethod
    def services(self) -> list:
        """The services this provider runs, in start order (each has NAME and log_files)."""

    @abstractmethod
    def preflight(self) -> None:
        """Check everything that can be checked without creating anything (raises UsageError & co)."""

    @abstractmethod
    def up(self) -> RackState:
        """Bring the rack up, or report that it already is; returns the final state."""

    @abstractmethod
    def down(self, *, force: bool = False) -> None:
        """Stop everything ``up`` started; with ``force``, also what a lost state file started."""

    def purge(self) -> list[Path]:
        """Delete the data ``down`` keeps for inspection (after ``down``); what was deleted."""
        return []

    def refuse_other_settings(self) -> None:
        """Raise UsageError (exit 2) when this provider's config describes another stack than the one up."""
        saved_path = self.state_dir / "config.json"
        if not saved_path.is_file():
            return
        changes = changed_settings(Config.load_saved(saved_path), self.config)
        if changes:
            raise UsageError(
                f"a rack is already up in {self.state_dir} with other settings: " + "; ".join(changes),
                hint=named(
                    "`rackharness up --restart` replaces it (down, then up), or "
                    "`rackharness down` first; `rackharness status` shows the one that is up"
                ),
            )

    def machine_logs(self) -> dict[str, list[Path]]:
        """Logs of the machines behind the nodes, by node name (a VM's serial console); ``logs`` shows them
        after the services'. Emulated and lab nodes: none."""
        return {}

    def node_states(self, state: RackState) -> dict[str, dict[str, str]]:
        """Per node name, what the provider knows of the machine behind it beyond its BMC (a VM and its
        state); merged into ``status``'s ``nodes[]``. Emulated and lab nodes: nothing."""
        return {}

    @abstractmethod
    def health(self, state: RackState) -> dict[str, bool]:
        """For each service of ``state``, whether it is still running."""
