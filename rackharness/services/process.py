"""Spawn, recognise and stop the processes rackharness manages.

A managed process runs in its own session and process group (``start_new_session=True``) with
stdout and stderr appended to a log file. :class:`ProcessRecord` is what survives the
``rackharness`` invocation that started it (the lead keeps it in the state file), so a later
``down`` can find exactly those processes again:

* :func:`is_running` trusts a pid only if its start time (and the boot id) still match, so a
  recycled pid is never mistaken for ours; see :mod:`rackharness.services.procfs` for why the
  start time and not the command line is compared.
* :func:`stop` sends SIGTERM to the group, waits ``grace`` seconds, then SIGKILLs the group and
  any descendant that escaped it with ``setsid``, and checks in ``/proc`` that nothing is left.
  A record whose processes are all gone makes it a no-op.

Command lines are stored in the state file: never put a secret in ``argv``.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rackharness.errors import ReadinessTimeout, ServiceError, StateFileError
from rackharness.services import procfs
from rackharness.wait import Condition, Observation

#: Popen objects of the processes this interpreter spawned, so stop() can reap them.
_SPAWNED: dict[tuple[int, int], subprocess.Popen] = {}


@dataclass(frozen=True)
class ProcessRecord:
    """Who a managed process is: enough to find and stop it from another invocation."""

    name: str
    pid: int
    pgid: int
    argv: tuple[str, ...]
    start_ticks: int  # /proc/<pid>/stat field 22: the pid-reuse guard
    started_at: float  # wall-clock epoch seconds, for humans
    boot_id: str = ""
    log_file: str | None = None
    #: processes started for this one (RabbitMQ's epmd) and stopped after it
    companions: tuple["ProcessRecord", ...] = ()

    def to_dict(self) -> dict:
        raw = asdict(self)
        raw["argv"] = list(self.argv)
        raw["companions"] = [c.to_dict() for c in self.companions]
        return raw

    @classmethod
    def from_dict(cls, raw: Mapping) -> "ProcessRecord":
        try:
            return cls(
                name=str(raw["name"]),
                pid=int(raw["pid"]),
                pgid=int(raw["pgid"]),
                argv=tuple(str(a) for a in raw["argv"]),
                start_ticks=int(raw["start_ticks"]),
                started_at=float(raw["started_at"]),
                boot_id=str(raw.get("boot_id", "")),
                log_file=raw.get("log_file"),
                companions=tuple(cls.from_dict(c) for c in raw.get("companions", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StateFileError(
                f"malformed process record {dict(raw)!r}: {type(exc).__name__}: {exc}",
                hint="the state file was edited or written by another version; "
                "stop leftover processes by hand and remove it",
            ) from exc

    def with_companions(self, *companions: "ProcessRecord") -> "ProcessRecord":
        return ProcessRecord(**{**self.__dict__, "companions": self.companions + companions})


@dataclass(frozen=True)
class StopResult:
    """What :func:`stop` did, for the CLI to report."""

    name: str
    was_running: bool
    forced: bool = False  # SIGKILL was needed
    seconds: float = 0.0
    companions: tuple["StopResult", ...] = field(default=())


class ManagedProcess:
    """One command to run detached in its own session, logging to ``log_file``."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_file: Path,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        user: str | None = None,
        group: str | int | None = None,
        stdin_data: bytes | None = None,
    ) -> None:
        self.name = name
        self.argv = tuple(str(a) for a in argv)
        self.log_file = Path(log_file)
        self.env = dict(env or {})  # merged over os.environ at start
        self.cwd = cwd
        self.user = user
        self.group = group
        self.stdin_data = stdin_data  # written to the child's stdin, then closed (secrets: never a file)

    def start(self) -> ProcessRecord:
        """Spawn the command and return at once; readiness is the caller's wait strategy."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        drop = {"user": self.user, "group": self.group, "extra_groups": []} if self.user else {}
        with open(self.log_file, "ab") as log:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            log.write(f"=== rackharness: starting {self.name} at {stamp}: {shlex.join(self.argv)}\n".encode())
            log.flush()
            try:
                popen = subprocess.Popen(
                    self.argv,
                    stdin=subprocess.DEVNULL if self.stdin_data is None else subprocess.PIPE,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.cwd,
                    env={**os.environ, **self.env},
                    start_new_session=True,
                    close_fds=True,
                    **drop,
                )
            except OSError as exc:
                raise ServiceError(
                    f"cannot start {self.name}: {self.argv[0]}: {exc.strerror or exc}",
                    hint=f"check that {self.argv[0]} exists and is executable",
                ) from exc
        if self.stdin_data is not None:
            try:
                popen.stdin.write(self.stdin_data)
                popen.stdin.close()
            except BrokenPipeError:  # it died at once: its log says why, and wait_ready reports it
                pass
        # The child is not reaped before we read it, so its stat exists even if it crashed.
        stat = procfs.read_stat(popen.pid)
        ticks = stat.start_ticks if stat else -1
        _SPAWNED[(popen.pid, ticks)] = popen
        return ProcessRecord(
            name=self.name,
            pid=popen.pid,
            pgid=popen.pid,
            argv=self.argv,
            start_ticks=ticks,
            started_at=time.time(),
            boot_id=procfs.boot_id(),
            log_file=str(self.log_file),
        )


def find_by_cmdline(fragments: Sequence[str]) -> list[ProcessRecord]:
    """Records for the live processes whose command line contains any of ``fragments`` (outside our
    own process group): how ``down --force`` finds what a lost or corrupt state file started."""
    own_group, boot = os.getpgrp(), procfs.boot_id()
    found = []
    for stat in procfs.all_stats():
        if not stat.alive or stat.pgid == own_group:
            continue
        argv = procfs.read_cmdline(stat.pid)
        if argv and any(fragment in " ".join(argv) for fragment in fragments):
            found.append(
                ProcessRecord(
                    name=stat.comm,
                    pid=stat.pid,
                    pgid=stat.pgid,
                    argv=tuple(argv),
                    start_ticks=stat.start_ticks,
                    started_at=0.0,
                    boot_id=boot,
                )
            )
    return found


def is_running(record: ProcessRecord) -> bool:
    """True while the recorded pid is alive and is still the very process we started."""
    if record.boot_id and record.boot_id != procfs.boot_id():
        return False
    stat = procfs.read_stat(record.pid)
    return stat is not None and stat.alive and stat.start_ticks == record.start_ticks


def stop(record: ProcessRecord, grace: float = 5.0, kill_wait: float = 5.0) -> StopResult:
    """Stop a record's processes (then its companions'); a stale record is a no-op.

    Raises :class:`ServiceError` if something is still alive after SIGKILL and ``kill_wait``.
    """
    began = time.monotonic()
    targets = _find(record)
    forced = False
    if targets:
        _signal_group(record.pgid, signal.SIGTERM)
        if not _wait_gone(record, targets, grace, "SIGTERM"):
            forced = True
            targets.update(_find(record, also_below=targets))
            _signal_group(record.pgid, signal.SIGKILL)
            for pid in targets:
                _signal(pid, signal.SIGKILL)
            if not _wait_gone(record, targets, kill_wait, "SIGKILL"):
                left = ", ".join(procfs.describe(pid) for pid in _remaining(targets))
                raise ServiceError(
                    f"{record.name}: still running after SIGKILL and {kill_wait:g}s: {left}",
                    hint="a process stuck in uninterruptible sleep (state D); check `ps -o stat`",
                )
    _reap(record)
    companions = tuple(stop(c, grace, kill_wait) for c in record.companions)
    return StopResult(record.name, bool(targets), forced, time.monotonic() - began, companions)


def _find(record: ProcessRecord, also_below: Mapping[int, int] | None = None) -> dict[int, int]:
    """Live processes that are ours: ``{pid: start_ticks}`` of the leader, the group, descendants.

    ``also_below``: processes found earlier whose (new) descendants count as ours too.
    """
    also_below = also_below or {}
    if record.boot_id and record.boot_id != procfs.boot_id():
        return {}
    stats = list(procfs.all_stats())
    leader = next((s for s in stats if s.pid == record.pid), None)
    if leader is not None and leader.start_ticks != record.start_ticks:
        # The pid was recycled. The kernel never hands out a pid still used as a process-group
        # id, so nothing of our group can be left; the group with that id is somebody else's.
        return {pid: t for pid, t in also_below.items() if _same(pid, t)}
    found = {s.pid: s.start_ticks for s in stats if s.alive and s.pgid == record.pgid and s.sid == record.pgid}
    found.update({pid: t for pid, t in also_below.items() if _same(pid, t)})
    for root in list(found) + ([record.pid] if leader is not None else []):
        found.update({s.pid: s.start_ticks for s in procfs.descendants(root, stats)})
    return found


def _same(pid: int, start_ticks: int) -> bool:
    stat = procfs.read_stat(pid)
    return stat is not None and stat.alive and stat.start_ticks == start_ticks


def _remaining(targets: Mapping[int, int]) -> list[int]:
    return [pid for pid, ticks in targets.items() if _same(pid, ticks)]


def _wait_gone(record: ProcessRecord, targets: Mapping[int, int], timeout: float, after: str) -> bool:
    def probe() -> Observation:
        left = _remaining(targets)
        return Observation(not left, f"still running after {after}: pids {left}")

    try:
        Condition(timeout=timeout, interval=0.05, probe=probe, what=f"{record.name} to exit").wait()
    except ReadinessTimeout:
        return False
    return True


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _reap(record: ProcessRecord) -> None:
    """Collect the exit status of a leader this interpreter spawned, so no zombie lingers."""
    popen = _SPAWNED.get((record.pid, record.start_ticks))
    if popen is not None and popen.poll() is not None:
        del _SPAWNED[(record.pid, record.start_ticks)]
