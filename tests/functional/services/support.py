"""Helpers for the service functional tests: free ports, temp dirs, leftover-process checks."""

import os
import random
import shutil
import socket
import sys
import tempfile
import unittest
from pathlib import Path

from rackharness.errors import PrerequisiteError
from rackharness.services import procfs
from rackharness.services.ports import ephemeral_range


def _free_run(count, kind):
    """A base port with ``count`` consecutive free ``kind`` (TCP/UDP) ports after it, chosen below the
    kernel's ephemeral range: a port there can be taken by any client socket between this check
    and the moment a service binds it (seen in CI)."""
    low_ephemeral, _ = ephemeral_range()
    rng = random.Random()
    for _ in range(100):
        base = rng.randrange(10000, low_ephemeral - count)
        socks = []
        try:
            for port in range(base, base + count):
                sock = socket.socket(socket.AF_INET, kind)
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError(f"no run of {count} free ports found below {low_ephemeral}")


def free_ports(count):
    """``count`` loopback TCP ports that were free a moment ago (consecutive, below the ephemeral range)."""
    base = _free_run(count, socket.SOCK_STREAM)
    return list(range(base, base + count))


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
    """A base port with ``count`` consecutive free UDP ports after it (below the ephemeral range)."""
    return _free_run(count, socket.SOCK_DGRAM)


def start_for_class(cls, service, timeout):
    """Start ``service`` for test class ``cls`` (stopped at class cleanup) and wait until it is ready;
    a missing prerequisite skips ``cls`` with the reason printed. Returns the service."""
    try:
        service.check_prerequisites()
    except PrerequisiteError as exc:
        print(f"\nSKIP {cls.__name__}: {exc}", file=sys.stderr)
        raise unittest.SkipTest(str(exc))
    record = service.start()
    cls.addClassCleanup(service.stop, record)
    service.wait_ready(record, timeout=timeout)
    return service
