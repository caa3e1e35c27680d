"""The one base class of the provider axis: how a rack comes up, reports and goes down."""
from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Callable

from rackharness.config import Config
from rackharness.state import RackState, StateStore


class RackProvider(ABC):
    """A way to get a rack. ``up`` and ``down`` are idempotent; state goes through ``store``."""

    NAME: str = ""

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

    @abstractmethod
    def health(self, state: RackState) -> dict[str, bool]:
        """For each service of ``state``, whether it is still running."""
