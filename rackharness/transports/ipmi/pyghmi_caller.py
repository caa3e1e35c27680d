"""The real side of the IPMI seam: bounded calls to BMCs with pyghmi, safe against its session cache.

pyghmi 1.6.19 caches sessions per process, keyed by (host, user, password, port). Two traps,
both seen against the rack's virtual BMCs:

* after a successful login the session stays in ``Session.initting_sessions``; a *second*
  ``Command()`` with the same key then waits for a login that already finished — forever;
* a cached session to a BMC that went away can block a call for much longer than we may wait.

So this module keeps **one** ``Command`` per BMC key and reuses it, serialises the calls on it,
and runs every call (login included) on a daemon thread that the caller waits on for at most
``timeout`` seconds. A call that fails or overruns drops that link: its pyghmi session is marked
broken (which also removes it from pyghmi's caches) and the next call logs in afresh with a new
lock, so a hung thread never blocks the next graph. A login left unused for ``IDLE_RELOGIN`` seconds
is forgotten before the next call (to any BMC) and that BMC's next call logs in afresh: a BMC
closes an idle session (IPMI's default inactivity timeout is 60 s, the rack's virtual BMCs use it)
and pyghmi keeps a session alive only while something runs its event loop, so a reused idle
``Command`` sent its request into a dead session, and keepalives pyghmi sent into other dead
sessions stalled whichever call ran its loop (10 s timeouts, or a pyghmi internal error).
Forgetting sends nothing to the BMC, which drops the session at its own idle timeout.
pyghmi's lost wake-up on a reply that arrives before its caller waits (a 0.5-1.5 s stall) is fixed
by :mod:`.pyghmi_fixes`, installed with the first real ``Command``.
Passwords are never logged or put in errors. :class:`BmcCaller` implements
:class:`~rackharness.transports.ipmi.base.IpmiCaller`; the fake side is :mod:`.in_process_caller`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from rackharness.errors import BmcError
from rackharness.transports.ipmi.base import DEFAULT_TIMEOUT, BmcAddress, failed_message, overdue_message

log = logging.getLogger(__name__)

#: seconds a login may sit unused before it is replaced: well below a BMC's 60 s idle timeout, and below
#: the ~24 s after which pyghmi's event loop would start sending keepalives into it
IDLE_RELOGIN = 20.0


class _Link:
    """One logged-in pyghmi Command and the lock that serialises calls on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.command: Any = None
        self.used = 0.0  # clock() when a call on ``command`` last completed


def _forget_session(command: Any) -> None:
    """Take a pyghmi session out of pyghmi's caches, without a word to the BMC, so that a new
    Command() logs in afresh and pyghmi's event loop never touches the old session again.

    Nothing is sent: the BMC may have closed the session already (idle, or gone), and pyghmi's
    logout of a dead session waits for an answer inside whichever thread runs its event loop,
    i.e. another BMC's call. The BMC drops the session at its own idle timeout.
    """
    session = getattr(command, "ipmi_session", None)
    if session is None:
        return
    try:
        session.logged = 0  # so _mark_broken's logout sends nothing
        session._mark_broken("dropped by rackharness after a failed, overdue or idle call")
    except Exception:  # pyghmi internals: best effort, never let cleanup fail a task
        log.debug("could not mark a pyghmi session broken", exc_info=True)
    # pyghmi 1.6.19 files a session in initting_sessions under the user and password as given but
    # _mark_broken deletes the key with the encoded (bytes) ones, so the broken session stayed there
    # and the next Command() to that BMC got it back ("Session no longer connected", or a TypeError
    # on its logoutexpiry): remove it, and its packet route, by identity
    try:
        cls = type(session)
        for key, value in list(cls.initting_sessions.items()):
            if value is session:
                cls.initting_sessions.pop(key, None)
        for routes in list(getattr(cls, "bmc_handlers", {}).values()):
            for port, value in list(routes.items()):
                if value is session:
                    routes.pop(port, None)
    except Exception:
        log.debug("could not remove a pyghmi session from its caches", exc_info=True)


class BmcCaller:
    """Runs ``fn(command)`` against a BMC with a login shared per (host, port, user, password)."""

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        command_factory: Callable[..., Any] | None = None,
        *,
        idle_relogin: float = IDLE_RELOGIN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.idle_relogin = idle_relogin
        self._clock = clock
        self._factory = command_factory
        self._links: dict[tuple, _Link] = {}
        self._guard = threading.Lock()

    def _command_factory(self) -> Callable[..., Any]:
        if self._factory is None:
            from pyghmi.ipmi.command import Command  # imported on first use: no I/O at import time

            from rackharness.transports.ipmi import pyghmi_fixes

            pyghmi_fixes.install()  # pyghmi's lost wake-up (see pyghmi_fixes)
            self._factory = Command
        return self._factory

    def _link(self, address: BmcAddress) -> _Link:
        with self._guard:
            return self._links.setdefault(address.key, _Link())

    def _drop(self, address: BmcAddress, link: _Link) -> None:
        with self._guard:
            if self._links.get(address.key) is link:
                del self._links[address.key]
        if link.command is not None:
            _forget_session(link.command)

    def _forget_idle(self) -> None:
        """Forget every login left unused for ``idle_relogin`` seconds, before any call touches the network:
        pyghmi would otherwise send keepalives into sessions the BMC has closed, from the thread of
        whichever call runs its event loop, and wait for them there."""
        with self._guard:
            links = list(self._links.values())
        for link in links:
            if link.command is None or self._clock() - link.used <= self.idle_relogin:
                continue
            if link.lock.acquire(blocking=False):  # a link in use is not idle
                try:
                    if link.command is not None and self._clock() - link.used > self.idle_relogin:
                        _forget_session(link.command)
                        link.command = None
                finally:
                    link.lock.release()

    def call(self, address: BmcAddress, what: str, fn: Callable[[Any], Any], *, timeout: float | None = None) -> Any:
        """``fn(command)`` on the BMC's shared session; BmcError after ``timeout`` (default: the
        caller's) or on failure."""
        timeout = self.timeout if timeout is None else timeout
        self._forget_idle()
        link = self._link(address)
        outcome: dict[str, Any] = {}
        done = threading.Event()

        def work() -> None:
            try:
                with link.lock:
                    if link.command is not None and self._clock() - link.used > self.idle_relogin:
                        _forget_session(link.command)  # went idle while this call waited for the lock
                        link.command = None
                    if link.command is None:
                        link.command = self._command_factory()(
                            bmc=address.host, port=address.port, userid=address.user, password=address.password
                        )
                    outcome["value"] = fn(link.command)
                    link.used = self._clock()
            except BaseException as exc:  # reported to the caller, which owns the error
                outcome["error"] = exc
            finally:
                done.set()

        threading.Thread(target=work, daemon=True, name=f"rackharness-ipmi-{address.host}:{address.port}").start()
        if not done.wait(timeout):
            self._drop(address, link)
            raise BmcError(overdue_message(address, what, timeout))
        if "error" in outcome:
            self._drop(address, link)
            raise BmcError(failed_message(address, what, outcome["error"]))
        return outcome["value"]

    def close(self) -> None:
        """Forget every link (their sessions are dropped in the background)."""
        with self._guard:
            links = list(self._links.items())
            self._links.clear()
        for _key, link in links:
            if link.command is not None:
                threading.Thread(target=_forget_session, args=(link.command,), daemon=True).start()
