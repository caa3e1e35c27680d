"""The fake side of the IPMI seam: :class:`InProcessCaller` answers calls from sessions in this process.

Register a session factory per BMC (host, port) with :meth:`InProcessCaller.serve`; ``fn`` gets
the session the factory makes (anything with the pyghmi ``Command`` methods ``fn`` uses, e.g. a
``raw_command`` answered by a virtual BMC's command handler). Errors read as the real side's:
an unknown or :attr:`~InProcessCaller.silent` BMC is overdue, a wrong password fails to log in,
and any exception from ``fn`` is a :class:`~rackharness.errors.BmcError`. No threads, no sockets.
"""

from __future__ import annotations

from typing import Any, Callable

from rackharness.errors import BmcError
from rackharness.transports.ipmi.base import DEFAULT_TIMEOUT, BmcAddress, failed_message, overdue_message


class InProcessCaller:
    """An :class:`~rackharness.transports.ipmi.base.IpmiCaller` over in-process sessions; records every call."""

    def __init__(self, password: str = "admin", timeout: float = DEFAULT_TIMEOUT) -> None:
        self.password = password
        self.timeout = timeout
        self.sessions: dict[tuple[str, int], Callable[[], Any]] = {}
        #: (host, port) of BMCs that never answer
        self.silent: set[tuple[str, int]] = set()
        #: (host, port, what) of every call, in order
        self.calls: list[tuple[str, int, str]] = []

    def serve(self, host: str, port: int, session_factory: Callable[[], Any]) -> None:
        """Answer calls to the BMC at ``host``:``port`` with a session from ``session_factory``."""
        self.sessions[(host, port)] = session_factory

    def call(self, address: BmcAddress, what: str, fn: Callable[[Any], Any], *, timeout: float | None = None) -> Any:
        self.calls.append((address.host, address.port, what))
        factory = self.sessions.get((address.host, address.port))
        if factory is None or (address.host, address.port) in self.silent:
            raise BmcError(overdue_message(address, what, self.timeout if timeout is None else timeout))
        if address.password != self.password:
            raise BmcError(failed_message(address, what, Exception()))
        try:
            return fn(factory())
        except Exception as exc:  # the real side reports every failure of fn as a BmcError
            raise BmcError(failed_message(address, what, exc)) from None

    def close(self) -> None:
        """Nothing to release."""
