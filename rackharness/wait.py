"""Readiness as objects: a wait strategy polls a probe until it passes or time runs out.

Every strategy has a timeout, a poll interval and a set of transient exceptions; when it gives
up it raises :class:`~rackharness.errors.ReadinessTimeout` whose message says what it saw last
and, where it knows one, a hint. There are no bare sleep loops elsewhere in rackharness:
anything that waits goes through :meth:`WaitStrategy.wait`.
"""

from __future__ import annotations

import socket
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rackharness import clock as clock_seam
from rackharness.errors import ReadinessTimeout


@dataclass
class Observation:
    """One poll's result: did it pass, and what was seen (for the timeout report)."""

    ready: bool
    seen: str


@dataclass
class WaitStrategy(ABC):
    """Poll :meth:`observe` every ``interval`` seconds until ready or ``timeout`` seconds pass."""

    timeout: float = 30.0
    interval: float = 0.1
    transient: tuple[type[BaseException], ...] = (OSError,)
    hint: str | None = None
    #: optional: the process being waited on; when it reports dead the wait fails at once
    is_alive: Callable[[], bool] | None = field(default=None, repr=False)
    #: optional: a log whose tail goes into the failure message
    log_file: Path | None = None
    #: default: the harness's current clock (:mod:`rackharness.clock`; virtual during a replay)
    clock: Callable[[], float] = field(default=clock_seam.monotonic, repr=False)
    sleep: Callable[[float], None] = field(default=clock_seam.sleep, repr=False)

    @property
    @abstractmethod
    def description(self) -> str:
        """What is being waited for, e.g. "RabbitMQ on 127.0.0.1:21672"."""

    @abstractmethod
    def observe(self) -> Observation:
        """Look once; never block longer than about ``interval``."""

    def extra_report(self) -> str:
        """More context for the failure message; by default the tail of ``log_file``."""
        return log_tail(self.log_file)

    def _fail(self, message: str) -> ReadinessTimeout:
        report = self.extra_report()
        return ReadinessTimeout(message + ("\n" + report if report else ""), hint=self.hint)

    def wait(self) -> Observation:
        deadline = self.clock() + self.timeout
        last = Observation(False, "nothing observed yet")
        polls = 0
        while True:
            polls += 1
            if self.is_alive is not None and not self.is_alive():
                raise self._fail(f"the process exited while waiting for {self.description}")
            try:
                last = self.observe()
            except self.transient as exc:  # the thing is still coming up
                last = Observation(False, f"{type(exc).__name__}: {exc}")
            if last.ready:
                return last
            if self.clock() >= deadline:
                break
            self.sleep(min(self.interval, max(0.0, deadline - self.clock())))
        raise self._fail(
            f"timed out after {self.timeout:g}s waiting for {self.description} "
            f"({polls} polls); last observed: {last.seen}"
        )


@dataclass
class PortOpen(WaitStrategy):
    """A TCP port accepts connections."""

    host: str = "127.0.0.1"
    port: int = 0

    @property
    def description(self) -> str:
        return f"TCP {self.host}:{self.port} to accept connections"

    def observe(self) -> Observation:
        with socket.create_connection((self.host, self.port), timeout=max(self.interval, 0.2)):
            return Observation(True, f"{self.host}:{self.port} accepted a connection")


@dataclass
class Condition(WaitStrategy):
    """A callable returns a truthy value; its ``str`` (or the exception) is what was seen."""

    probe: Callable[[], object] = lambda: False
    what: str = "a condition"

    @property
    def description(self) -> str:
        return self.what

    def observe(self) -> Observation:
        value = self.probe()
        if isinstance(value, Observation):
            return value
        return Observation(bool(value), repr(value))


def log_tail(path: Path | None, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file, labelled, or '' when there is none."""
    if path is None or not path.exists():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    if not text:
        return f"(log {path} is empty)"
    return f"last {len(text)} lines of {path}:\n" + "\n".join("  " + line for line in text)
