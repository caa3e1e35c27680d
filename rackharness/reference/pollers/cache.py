"""The last results of each poller, in memory, as RackHD's Message.Cache job keeps them.

RackHD keeps the last ``pollerCacheSize`` (10) results per poller id in the on-taskgraph process;
``GET /pollers/{id}/data`` answers them oldest first and ``/data/current`` the latest alone, both
204 while there is none. Each entry is the poll's input minus the password plus the parsed result
and a ``timestamp`` in JavaScript's ``Date()`` form ("Wed Feb 11 2015 20:29:26 GMT+0000 (UTC)").
Like RackHD's, the cache lives and dies with the process.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import deque
from typing import Any

DEFAULT_SIZE = 10  # RackHD's pollerCacheSize


def js_date(seconds: float | None = None) -> str:
    """``String(new Date())`` in UTC: ``Wed Feb 11 2015 20:29:26 GMT+0000 (UTC)``."""
    moment = time.gmtime(time.time() if seconds is None else seconds)
    return time.strftime("%a %b %d %Y %H:%M:%S GMT+0000 (UTC)", moment)


class PollerCache:
    """Poller id -> its last ``size`` entries; thread-safe; readers get copies."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if int(size) < 1:
            raise ValueError(f"pollerCacheSize must be at least 1, got {size!r}")
        self.size = int(size)
        self._lock = threading.Lock()
        self._entries: dict[str, deque[dict[str, Any]]] = {}

    def add(self, poller_id: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.setdefault(poller_id, deque(maxlen=self.size)).append(entry)

    def entries(self, poller_id: str, *, latest_only: bool = False) -> list[dict[str, Any]]:
        """Oldest first; ``latest_only``: a list of the newest entry alone; [] when there is none."""
        with self._lock:
            kept = self._entries.get(poller_id)
            chosen = ([kept[-1]] if kept else []) if latest_only else list(kept or ())
            return copy.deepcopy(chosen)

    def drop(self, poller_id: str) -> None:
        with self._lock:
            self._entries.pop(poller_id, None)

    def __contains__(self, poller_id: object) -> bool:
        with self._lock:
            return bool(self._entries.get(poller_id))  # type: ignore[arg-type]
