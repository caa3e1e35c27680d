"""The IPMI seam's contract: a BMC's address and :class:`IpmiCaller`, which runs a call on its session.

Everything that talks IPMI to a BMC (the target's OBM service and pollers, the suite's
:class:`~rackharness.clients.obm.ObmClient`, the inventory check) goes through
``caller.call(address, what, fn)``: ``fn`` gets a pyghmi-``Command``-like session (``raw_command``,
``get_power``, ...), the caller bounds the time and turns every failure into
:class:`~rackharness.errors.BmcError` naming the BMC, never the password. The real side is
:class:`~rackharness.transports.ipmi.pyghmi_caller.BmcCaller` (pyghmi over UDP); the fake side
:class:`~rackharness.transports.ipmi.in_process_caller.InProcessCaller` (sessions answered in this
process). This module imports neither.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

DEFAULT_TIMEOUT = 10.0  # seconds for login + command; pyghmi gives up on a silent BMC after ~5-6 s


@dataclass(frozen=True)
class BmcAddress:
    host: str
    port: int
    user: str
    password: str = field(repr=False)

    @property
    def key(self) -> tuple[str, int, str, str]:
        digest = hashlib.sha256(self.password.encode("utf-8")).hexdigest()
        return (self.host, self.port, self.user, digest)

    def __str__(self) -> str:
        return f"BMC {self.host}:{self.port} (user {self.user!r})"


class IpmiCaller(Protocol):
    """What every side of the IPMI seam offers."""

    def call(self, address: BmcAddress, what: str, fn: Callable[[Any], Any], *, timeout: float | None = None) -> Any:
        """``fn(session)`` on the BMC's session; :class:`~rackharness.errors.BmcError` on failure or overrun."""

    def close(self) -> None:
        """Forget every session."""


def overdue_message(address: BmcAddress, what: str, timeout: float) -> str:
    """The error text for a call that did not complete in time (the same on every side)."""
    return (
        f"{address} did not complete {what} within {timeout:g} s: check that the BMC is up and "
        f"reachable on UDP {address.port}"
    )


def failed_message(address: BmcAddress, what: str, error: BaseException) -> str:
    """The error text for a call that failed (the same on every side)."""
    detail = str(error).strip()
    if not detail or detail == "None":
        detail = "no IPMI session could be established (wrong user or password, or the BMC is not answering)"
    return f"{address}: {what} failed: {detail}"
