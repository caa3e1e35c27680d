"""Is a TCP port free, and if not, who is listening on it.

The check binds the port the way the service will (``SO_REUSEADDR``, so a socket in TIME_WAIT
from our own last run does not count as taken). When the bind fails, ``/proc/net/tcp`` and
``/proc/net/tcp6`` give the listening socket's inode and ``/proc/*/fd`` the process holding it.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from rackharness.errors import PortInUseError
from rackharness.services import procfs

_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's "st" column


def ensure_free(host: str, port: int, setting: str) -> None:
    """Raise :class:`PortInUseError` if ``host:port`` cannot be bound.

    ``setting`` names what the user changes to pick another port (a config key or a flag).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
            return
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise PortInUseError(
                    f"cannot bind {host}:{port} ({setting}): {exc.strerror}",
                    hint=f"set {setting} to a port this user may bind, or fix the address",
                ) from exc
            cause = exc
    owners = listeners(port)
    who = (
        "; ".join(procfs.describe(pid) for pid in owners)
        if owners
        else ("a process this user cannot see (run as root to find out)")
    )
    raise PortInUseError(
        f"port {port} on {host} ({setting}) is already in use by {who}",
        hint=f"set {setting} to a free port, or stop the process holding {port}{ephemeral_note(port)}",
    ) from cause


def ephemeral_range() -> tuple[int, int]:
    """The kernel's ephemeral port range (Linux default 32768-60999 when it cannot be read)."""
    try:
        low, high = (int(v) for v in (procfs.PROC / "sys/net/ipv4/ip_local_port_range").read_text().split())
        return low, high
    except (OSError, ValueError):
        return 32768, 60999


def ephemeral_note(port: int) -> str:
    """A hint when ``port`` lies in the kernel's ephemeral range, where any client socket may hold it."""
    low, high = ephemeral_range()
    if low <= port <= high:
        return (
            f" ({port} is in the kernel's ephemeral port range {low}-{high}, where client sockets "
            f"may take it for a moment: prefer a port below {low})"
        )
    return ""


def listeners(port: int) -> list[int]:
    """Pids holding a socket that listens on ``port`` (any address, IPv4 or IPv6)."""
    inodes: set[int] = set()
    for table in ("tcp", "tcp6"):
        inodes |= _listening_inodes(procfs.PROC / "net" / table, port)
    owners = procfs.socket_inode_owners(inodes)
    return sorted({pid for pids in owners.values() for pid in pids})


def _listening_inodes(table: Path, port: int) -> set[int]:
    try:
        lines = table.read_text(encoding="ascii").splitlines()[1:]
    except OSError:
        return set()
    found = set()
    for line in lines:
        cols = line.split()
        # sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        if len(cols) > 9 and cols[3] == _LISTEN and int(cols[1].rpartition(":")[2], 16) == port:
            found.add(int(cols[9]))
    return found
