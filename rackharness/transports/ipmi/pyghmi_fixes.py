"""A fix for a lost wake-up in pyghmi 1.6.19 that stalls single IPMI requests for 0.5-1.5 s.

pyghmi's I/O thread reads every socket and files each reply in its session's ``pktqueue``; a caller
waiting for a reply (``Session.awaitresponse``) registers with ``_io_wait(timeout, sockaddr)`` and
is woken when a later read brings a packet from that BMC. When the reply arrives *between* the
request going out and the caller registering, the I/O thread has already filed it: nothing wakes
the caller, which sleeps out its retry timeout (0.5-1.5 s) and only then finds the reply waiting.
Measured against the rack's virtual BMCs: 16 of 3,084 requests stalled (cold SDR walks of about 130
requests took 1-4 s instead of 50-400 ms); with the fix, none of 3,084.

:func:`install` wraps pyghmi's ``_io_wait`` so that a caller waiting on a BMC whose session already
holds filed packets returns at once and processes them (awaitresponse's next step). Only the
awaitresponse wait (an address, no event queue) is affected; pyghmi's other waits are untouched.
Installed once, by :class:`rackharness.transports.ipmi.pyghmi_caller.BmcCaller` when it first imports pyghmi.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

_lock = threading.Lock()
_installed = False


def skip_wait_when_filed(original: Callable[..., Any], handlers: Callable[[], dict]) -> Callable[..., Any]:
    """``original`` (pyghmi's ``_io_wait``), returning at once for an address with filed packets."""

    def _io_wait(timeout: float, myaddr: Any = None, evq: Any = None) -> Any:
        if myaddr is not None and evq is None:
            sessions = handlers().get(myaddr) or {}
            if any(getattr(session, "pktqueue", None) for session in list(sessions.values())):
                return None  # the reply is already here: let awaitresponse process the queue now
        return original(timeout, myaddr, evq)

    _io_wait.rackharness_fix = True  # type: ignore[attr-defined]
    return _io_wait


def install() -> bool:
    """Wrap pyghmi's ``_io_wait`` (once per process); True if this call installed it."""
    global _installed
    with _lock:
        if _installed:
            return False
        from pyghmi.ipmi.private import session as pyghmi_session  # no import of pyghmi before first use

        if not getattr(pyghmi_session._io_wait, "rackharness_fix", False):
            pyghmi_session._io_wait = skip_wait_when_filed(
                pyghmi_session._io_wait, lambda: pyghmi_session.Session.bmc_handlers
            )
        _installed = True
        return True
