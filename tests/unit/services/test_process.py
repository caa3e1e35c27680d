"""ManagedProcess / is_running / stop against real (small) processes."""

import json
import os
import shutil
import socket
import sys
import tempfile
import textwrap
import time
import unittest
from dataclasses import replace
from pathlib import Path

from rackharness.errors import ReadinessTimeout, ServiceError, StateFileError
from rackharness.services import procfs
from rackharness.services.process import ManagedProcess, ProcessRecord, is_running, stop
from rackharness.wait import Condition, PortOpen

# A child that starts one grandchild in its group and one that escapes it with setsid, writes
# "<grandchild> <escapee>" to argv[1], then idles.
FAMILY = textwrap.dedent("""
    import subprocess, sys, time
    kid = subprocess.Popen(["sleep", "60"])
    runaway = subprocess.Popen(["sleep", "61"], start_new_session=True)
    with open(sys.argv[1] + ".tmp", "w") as out:
        out.write(f"{kid.pid} {runaway.pid}")
    import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    time.sleep(60)
""")

STUBBORN = textwrap.dedent("""
    import signal, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("ignoring", 6 * 7, flush=True)  # the output differs from the argv in the log header
    time.sleep(60)
""")


def identity(pid):
    stat = procfs.read_stat(pid)
    return (pid, stat.start_ticks) if stat else (pid, None)


def alive(ident):
    stat = procfs.read_stat(ident[0])
    return stat is not None and stat.alive and stat.start_ticks == ident[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ManagedProcessTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="rh-proc-"))
        self.records = []

    def tearDown(self):
        for record in self.records:
            stop(record, grace=0.5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def spawn(self, name, argv):
        record = ManagedProcess(name, argv, self.dir / f"{name}.log").start()
        self.records.append(record)
        return record

    def assert_group_gone(self, record):
        left = [s for s in procfs.all_stats() if s.alive and s.pgid == record.pgid]
        self.assertEqual(left, [], f"processes of group {record.pgid} remain")

    def test_record_round_trips_through_json(self):
        record = self.spawn("sleeper", ["sleep", "60"])
        record = record.with_companions(replace(record, name="companion"))
        again = ProcessRecord.from_dict(json.loads(json.dumps(record.to_dict())))
        self.assertEqual(again, record)
        self.assertEqual(again.argv, ("sleep", "60"))
        self.assertEqual(again.pgid, record.pid)  # own session: the leader's pid is the group id

    def test_malformed_record_is_a_state_file_error(self):
        with self.assertRaises(StateFileError):
            ProcessRecord.from_dict({"name": "x", "pid": "not a pid"})

    def test_start_logs_and_stop_leaves_nothing(self):
        record = self.spawn(
            "echoer", [sys.executable, "-c", "print('hello', 6 * 7, flush=True); import time; time.sleep(60)"]
        )
        Condition(probe=lambda: "hello 42" in Path(record.log_file).read_text(), what="output", timeout=10).wait()
        self.assertTrue(is_running(record))
        self.assertNotEqual(os.getpgid(record.pid), os.getpgid(0))
        result = stop(record)
        self.assertTrue(result.was_running)
        self.assertFalse(result.forced)
        self.assertFalse(is_running(record))
        self.assert_group_gone(record)
        self.assertIn("=== rackharness: starting echoer", Path(record.log_file).read_text())

    def test_stop_takes_grandchildren_and_setsid_escapees(self):
        pids_file = self.dir / "pids"
        record = self.spawn("family", [sys.executable, "-c", FAMILY, str(pids_file)])
        Condition(probe=pids_file.exists, what="the family to spawn", timeout=10).wait()
        kid, runaway = (identity(int(p)) for p in pids_file.read_text().split())
        self.assertTrue(alive(kid) and alive(runaway))
        self.assertNotEqual(procfs.read_stat(runaway[0]).pgid, record.pgid)
        result = stop(record, grace=1)
        self.assertTrue(result.forced, "the escaped sleep ignores its parent's death: needs SIGKILL")
        self.assertFalse(alive(kid))
        self.assertFalse(alive(runaway))
        self.assert_group_gone(record)

    def test_sigterm_ignorer_is_killed_after_grace(self):
        record = self.spawn("stubborn", [sys.executable, "-c", STUBBORN])
        Condition(probe=lambda: "ignoring 42" in Path(record.log_file).read_text(), what="handler", timeout=10).wait()
        began = time.monotonic()
        result = stop(record, grace=0.5)
        self.assertTrue(result.forced)
        self.assertLess(time.monotonic() - began, 5)
        self.assertFalse(is_running(record))

    def test_stale_record_stop_is_a_noop(self):
        record = self.spawn("sleeper", ["sleep", "60"])
        self.assertTrue(stop(record).was_running)
        again = stop(record)
        self.assertFalse(again.was_running)
        self.assertFalse(again.forced)

    def test_recycled_pid_is_not_ours(self):
        record = self.spawn("sleeper", ["sleep", "60"])
        # Same pid and group, different start time: what a recycled pid looks like.
        impostor = replace(record, start_ticks=record.start_ticks + 1)
        self.assertFalse(is_running(impostor))
        self.assertFalse(stop(impostor, grace=0.2).was_running)
        self.assertTrue(is_running(record), "stop() of a stale record must not touch the new owner")
        other_boot = replace(record, boot_id="00000000-0000-0000-0000-000000000000")
        self.assertFalse(is_running(other_boot))
        self.assertFalse(stop(other_boot, grace=0.2).was_running)
        self.assertTrue(is_running(record))

    def test_crash_fails_readiness_at_once_with_log_tail(self):
        record = self.spawn(
            "crasher", [sys.executable, "-c", "import sys; print('fatal: config missing', flush=True); sys.exit(3)"]
        )
        began = time.monotonic()
        with self.assertRaises(ReadinessTimeout) as caught:
            PortOpen(
                port=free_port(), timeout=30, is_alive=lambda: is_running(record), log_file=Path(record.log_file)
            ).wait()
        self.assertLess(time.monotonic() - began, 5, "a dead process must not wait out the timeout")
        self.assertIn("exited", str(caught.exception))
        self.assertIn("fatal: config missing", str(caught.exception))

    def test_missing_binary_is_a_service_error(self):
        with self.assertRaises(ServiceError) as caught:
            ManagedProcess("ghost", ["/nonexistent/ghostd"], self.dir / "ghost.log").start()
        self.assertIn("/nonexistent/ghostd", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
