"""Read-only views of Linux ``/proc``: who a pid is, who its children are, who owns a socket.

Process identity is ``(pid, start_ticks)``: ``start_ticks`` is field 22 of ``/proc/<pid>/stat``
(clock ticks after boot). It survives ``exec`` (RabbitMQ's launcher execs ``erl`` which execs
``beam.smp``, so the command line of the pid we spawned changes) and differs for a recycled pid,
which is why it, not ``/proc/<pid>/cmdline``, is the pid-reuse guard. Zombies count as gone:
they run nothing and only wait for their parent to reap them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcStat:
    """The fields of ``/proc/<pid>/stat`` rackharness uses."""

    pid: int
    comm: str
    state: str  # R, S, D, Z (zombie), T, ...
    ppid: int
    pgid: int
    sid: int
    start_ticks: int

    @property
    def alive(self) -> bool:
        """True unless the process is a zombie (or dead and not yet reaped: state X)."""
        return self.state not in ("Z", "X")


def read_stat(pid: int) -> ProcStat | None:
    """Parse ``/proc/<pid>/stat``; None when the process does not exist (any more)."""
    try:
        raw = (PROC / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # comm is in parentheses and may itself contain spaces and parentheses: split at the last ')'.
    head, _, rest = raw.rpartition(")")
    comm = head.partition("(")[2]
    fields = rest.split()
    # fields[0] is field 3 (state); field N of proc(5) is fields[N - 3].
    return ProcStat(
        pid=pid,
        comm=comm,
        state=fields[0],
        ppid=int(fields[1]),
        pgid=int(fields[2]),
        sid=int(fields[3]),
        start_ticks=int(fields[19]),
    )


def read_cmdline(pid: int) -> list[str] | None:
    """The argv of a process, or None when it is gone (a zombie has an empty argv)."""
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return [part.decode("utf-8", errors="replace") for part in raw.split(b"\0") if part]


def describe(pid: int, width: int = 120) -> str:
    """``pid 123 (beam.smp: /usr/lib/erlang/... )`` for messages; never raises."""
    stat = read_stat(pid)
    argv = read_cmdline(pid) or []
    label = stat.comm if stat else "?"
    line = " ".join(argv)
    if len(line) > width:
        line = line[: width - 3] + "..."
    return f"pid {pid} ({label}: {line})" if line else f"pid {pid} ({label})"


def boot_id() -> str:
    """This boot's random id: a record from before a reboot names no live process."""
    try:
        return (PROC / "sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def all_stats() -> Iterator[ProcStat]:
    """Every process visible in ``/proc`` (races with exiting processes are skipped)."""
    for entry in os.scandir(PROC):
        if entry.name.isdigit():
            stat = read_stat(int(entry.name))
            if stat is not None:
                yield stat


def descendants(root: int, stats: Iterable[ProcStat]) -> list[ProcStat]:
    """Every live process below ``root`` in the parent tree, whatever its session or group.

    Processes that call ``setsid`` (Erlang's ``erl_child_setup``, ``inet_gethost``) leave the
    process group but not the parent tree, so both views are needed to find everything.
    """
    children: dict[int, list[ProcStat]] = {}
    for stat in stats:
        children.setdefault(stat.ppid, []).append(stat)
    found: list[ProcStat] = []
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child.alive:
                found.append(child)
            stack.append(child.pid)
    return found


def socket_inode_owners(inodes: set[int]) -> dict[int, list[int]]:
    """Map socket inodes to the pids holding them open (needs root for other users' pids)."""
    wanted = {f"socket:[{inode}]": inode for inode in inodes}
    owners: dict[int, list[int]] = {}
    if not wanted:
        return owners
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            fds = os.scandir(f"{entry.path}/fd")
        except OSError:
            continue
        with fds:
            for fd in fds:
                try:
                    target = os.readlink(fd.path)
                except OSError:
                    continue
                if target in wanted:
                    owners.setdefault(wanted[target], []).append(int(entry.name))
    return owners
