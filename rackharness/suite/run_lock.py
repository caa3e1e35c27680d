"""One suite run at a time per system under test: a second run is refused at once, never left to interfere.

Two runs against one RackHD would share its nodes and lookups, and each run's cleanup group would
sweep the other's objects (both are ``rh-suite-*``). So a run takes an exclusive lock named after the
API it tests — ``flock`` on a file in the system's temporary directory, which the kernel releases when
the process ends however it ends (SIGKILL included): a killed run never blocks the next one. Isolated
runs each test their own in-process rack and take no lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import IO

from rackharness.errors import UsageError

LOCK_DIR_ENV = "RACKHARNESS_LOCK_DIR"


class SuiteRunLock:
    """Held for the whole run; ``release`` (or the end of the process) frees it."""

    def __init__(self, api_url: str, lock_dir: str | os.PathLike | None = None) -> None:
        self.api_url = api_url.rstrip("/")
        directory = Path(lock_dir or os.environ.get(LOCK_DIR_ENV) or tempfile.gettempdir())
        digest = hashlib.sha256(self.api_url.encode("utf-8")).hexdigest()[:16]
        self.path = directory / f"rackharness-suite-{digest}.lock"
        self._handle: IO[str] | None = None

    def acquire(self) -> "SuiteRunLock":
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = _holder(handle.read())
            handle.close()
            raise UsageError(
                f"another suite run is testing {self.api_url} now ({holder})",
                hint="two runs against one RackHD would share its nodes and clean up each other's "
                "objects: wait for it to end, or test another rack (RACKHARNESS_MODE=isolated "
                "runs its own)",
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "started": time.time(), "api_url": self.api_url}))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def _holder(text: str) -> str:
    try:
        raw = json.loads(text)
        started = time.strftime("%H:%M:%S", time.localtime(float(raw["started"])))
        return f"pid {int(raw['pid'])}, started {started}"
    except (ValueError, KeyError, TypeError):
        return "its pid is unknown"
