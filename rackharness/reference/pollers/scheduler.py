"""When pollers run: one daemon thread waits on a heap of due times, runs go to a small thread pool.

No thread per poller and no sleep loop: :meth:`Scheduler.schedule` pushes ``(due, key)`` on a heap
and wakes the scheduler thread, which waits on a condition until the earliest due time (or a new
entry), then hands every due key to the pool. A key never runs twice at once: the run's answer (the
delay until its next run, or None to stop) reschedules it, and a :meth:`schedule` that arrives
during the run (a PATCH) takes effect when the run ends, if sooner. :meth:`cancel` forgets a key
(a deleted or paused poller). :meth:`stop` ends the thread; running polls finish on their own
(each is bounded by the IPMI timeout).

:meth:`tick` runs what is due inline on the caller's thread, so tests drive the schedule with a
fake clock and no threads at all.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

log = logging.getLogger(__name__)

#: seconds until a key whose run raised is tried again
RETRY_AFTER_BUG = 10.0


class Scheduler:
    """Runs ``run(key) -> next delay in seconds | None`` for each key when it is due."""

    def __init__(
        self,
        run: Callable[[str], float | None],
        *,
        workers: int = 4,
        clock: Callable[[], float] = time.monotonic,
        name: str = "rackharness-pollers",
    ) -> None:
        if workers < 1:
            raise ValueError(f"a scheduler needs at least one worker, got {workers}")
        self._run = run
        self._clock = clock
        self._workers = workers
        self._name = name
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, str]] = []
        self._due: dict[str, float] = {}  # key -> its due time; heap entries that disagree are stale
        self._running: set[str] = set()
        self._again: dict[str, float] = {}  # scheduled while running: applied when the run ends
        self._cancelled: set[str] = set()  # cancelled while running: not rescheduled
        self._order = itertools.count()
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    # -- the schedule --------------------------------------------------------------------------------
    def schedule(self, key: str, delay: float = 0.0) -> None:
        """Run ``key`` in ``delay`` seconds (replacing its current due time; sooner wins while it runs)."""
        with self._cond:
            at = self._clock() + max(0.0, delay)
            self._cancelled.discard(key)
            if key in self._running:
                self._again[key] = min(at, self._again.get(key, at))
                return
            self._push(key, at)

    def cancel(self, key: str) -> None:
        with self._cond:
            self._due.pop(key, None)
            self._again.pop(key, None)
            if key in self._running:
                self._cancelled.add(key)

    def due_times(self) -> dict[str, float]:
        """Key -> due time (clock seconds) of every key waiting to run."""
        with self._cond:
            return dict(self._due)

    def is_running(self, key: str) -> bool:
        with self._cond:
            return key in self._running

    def _push(self, key: str, at: float) -> None:
        self._due[key] = at
        heapq.heappush(self._heap, (at, next(self._order), key))
        self._cond.notify()

    def _pop_due(self, now: float) -> list[str]:
        keys = []
        while self._heap and self._heap[0][0] <= now:
            at, _, key = heapq.heappop(self._heap)
            if self._due.get(key) != at:
                continue  # rescheduled or cancelled since
            del self._due[key]
            self._running.add(key)
            keys.append(key)
        return keys

    def _next_wait(self, now: float) -> float | None:
        while self._heap and self._due.get(self._heap[0][2]) != self._heap[0][0]:
            heapq.heappop(self._heap)  # drop stale entries so they do not cause early wake-ups
        return None if not self._heap else max(0.0, self._heap[0][0] - now)

    # -- running ----------------------------------------------------------------------------------
    def _execute(self, key: str) -> None:
        try:
            delay = self._run(key)
        except Exception:
            log.exception("poller run of %s failed unexpectedly; trying again in %g s", key, RETRY_AFTER_BUG)
            delay = RETRY_AFTER_BUG
        with self._cond:
            self._running.discard(key)
            if key in self._cancelled:
                self._cancelled.discard(key)
                return
            at = self._again.pop(key, None)
            if delay is not None:
                at = min(at, self._clock() + delay) if at is not None else self._clock() + delay
            if at is not None:
                self._push(key, at)

    def tick(self) -> list[str]:
        """Run every due key inline (tests); returns the keys run, in due order."""
        with self._cond:
            keys = self._pop_due(self._clock())
        for key in keys:
            self._execute(key)
        return keys

    def start(self) -> "Scheduler":
        with self._cond:
            if self._thread is not None:
                return self
            self._stopped = False
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix=f"{self._name}-run")
            self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
            self._thread.start()
        return self

    def _loop(self) -> None:
        while True:
            with self._cond:
                if self._stopped:
                    return
                wait = self._next_wait(self._clock())
                if wait is None or wait > 0:
                    self._cond.wait(wait)
                    continue
                keys = self._pop_due(self._clock())
                pool = self._pool
            for key in keys:
                try:
                    if pool is None:
                        return
                    pool.submit(self._execute, key)
                except RuntimeError:  # the pool was shut down by stop()
                    return

    def stop(self, timeout: float = 5.0) -> None:
        """End the scheduler thread; polls already running finish in the background."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
            thread, pool, self._thread, self._pool = self._thread, self._pool, None, None
        if thread is not None:
            thread.join(timeout)
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
