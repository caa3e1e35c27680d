"""The harness's one clock seam: what time it is, and waiting, for everything that polls.

Readiness waits (:mod:`rackharness.wait`), the event tracker and the suite's checks ask
:func:`current` for the clock instead of calling ``time`` directly. Normally that is
:data:`REAL` (``time.time``, ``time.monotonic``, ``time.sleep``). Replaying a tape installs a
:class:`VirtualClock` with :func:`use`: it starts at the recorded wall-clock time, ``sleep`` only
advances it (waits, polls and sleeps take no wall time), and a replayed interaction moves it to
the offset at which it was recorded — so a token that expired a year ago on the wall clock is still
valid on the tape's.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator, Protocol


class Clock(Protocol):
    def time(self) -> float: ...  # seconds since the epoch
    def monotonic(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class RealClock:
    """The operating system's clock."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "RealClock()"


class VirtualClock:
    """A clock that moves only when told: ``sleep`` advances it, :meth:`advance_to` jumps forward."""

    def __init__(self, start: float) -> None:
        self._start = start
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        return self._start + self._elapsed

    def monotonic(self) -> float:
        return self._elapsed

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._elapsed += max(0.0, seconds)

    def advance_to(self, elapsed: float) -> None:
        """Move to ``elapsed`` seconds after the start, unless already past it (a clock never goes back)."""
        with self._lock:
            self._elapsed = max(self._elapsed, elapsed)

    def __repr__(self) -> str:
        return f"VirtualClock(start={self._start:.3f}, elapsed={self._elapsed:.3f})"


REAL = RealClock()
_current: Clock = REAL


def current() -> Clock:
    """The clock in use: :data:`REAL`, or the virtual clock of a replay."""
    return _current


def monotonic() -> float:
    return _current.monotonic()


def sleep(seconds: float) -> None:
    _current.sleep(seconds)


def now() -> float:
    return _current.time()


@contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the current clock for the block (restores the previous one after)."""
    global _current
    previous, _current = _current, clock
    try:
        yield clock
    finally:
        _current = previous


def install(clock: Clock) -> Clock:
    """Make ``clock`` current until the next :func:`install` (a replay's session); returns the previous one."""
    global _current
    previous, _current = _current, clock
    return previous
