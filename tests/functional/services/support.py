"""Helpers for the service functional tests: free ports, temp dirs, leftover-process checks."""
import os
import shutil
import socket
import sys
import tempfile
import unittest
from pathlib import Path

from rackharness.errors import PrerequisiteError
from rackharness.services import procfs


def free_ports(count):
    """``count`` distinct loopback ports that were free a moment ago."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def reachable_temp_dir(prefix):
    """A temp dir the ``rabbitmq`` user can enter (mkdtemp makes 0700 dirs)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)


def processes_mentioning(text):
    """Live processes whose command line contains ``text`` (this test process excluded)."""
    found = []
    for stat in procfs.all_stats():
        if stat.alive and stat.pid != os.getpid():
            if text in " ".join(procfs.read_cmdline(stat.pid) or []):
                found.append(procfs.describe(stat.pid))
    return found


def family(record):
    """``{(pid, start_ticks)}`` of a record's processes and all their descendants, right now."""
    stats = list(procfs.all_stats())
    roots = [record, *record.companions]
    found = set()
    for root in roots:
        for stat in stats:
            if stat.pid == root.pid or stat.pgid == root.pgid:
                found.add((stat.pid, stat.start_ticks))
        found |= {(s.pid, s.start_ticks) for s in procfs.descendants(root.pid, stats)}
    return found


def still_alive(identities):
    left = []
    for pid, ticks in identities:
        stat = procfs.read_stat(pid)
        if stat is not None and stat.alive and stat.start_ticks == ticks:
            left.append(procfs.describe(pid))
    return left


class ServiceTestCase(unittest.TestCase):
    """A private service per test in its own temp dir; ``make_service()`` builds it, and a missing
    prerequisite skips the test with the reason printed."""

    temp_prefix = "rh-service-"
    ports_needed = 1

    def make_service(self):
        raise NotImplementedError

    def setUp(self):
        self.dir = reachable_temp_dir(self.temp_prefix)
        self.ports = free_ports(self.ports_needed)
        self.service = self.make_service()
        try:
            self.service.check_prerequisites()
        except PrerequisiteError as exc:
            print(f"\nSKIP {type(self).__name__}: {exc}", file=sys.stderr)
            self.skipTest(str(exc))
        self.record = None

    def tearDown(self):
        if self.record is not None:
            self.service.stop(self.record)
        remove_tree(self.dir)


def free_udp_run(count):
    """A base port with ``count`` consecutive free UDP ports after it."""
    for _ in range(50):
        (base,) = free_ports(1)
        if base + count > 65535:
            continue
        socks = []
        try:
            for port in range(base, base + count):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError(f"no run of {count} free UDP ports found")
