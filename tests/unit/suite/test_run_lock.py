"""One suite run at a time per API: the second is refused at once, and a killed run frees the lock."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from rackharness.errors import UsageError
from rackharness.suite.run_lock import SuiteRunLock

API = "http://127.0.0.1:21080"


class SuiteRunLockTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def lock(self, api: str = API) -> SuiteRunLock:
        return SuiteRunLock(api, lock_dir=self.tmp.name)

    def test_a_second_run_against_the_same_api_is_refused_naming_the_first(self):
        first = self.lock().acquire()
        self.addCleanup(first.release)
        with self.assertRaises(UsageError) as refused:
            self.lock(API + "/").acquire()
        self.assertIn(f"another suite run is testing {API} now (pid ", str(refused.exception))
        self.assertEqual(refused.exception.exit_code, 2)

    def test_another_api_is_another_lock_and_release_frees_it(self):
        first = self.lock().acquire()
        other = self.lock("http://127.0.0.1:9999").acquire()
        other.release()
        first.release()
        self.lock().acquire().release()

    def test_a_killed_run_does_not_block_the_next(self):
        holder = textwrap.dedent(f"""
            import sys, time
            from rackharness.suite.run_lock import SuiteRunLock
            held = SuiteRunLock({API!r}, lock_dir={self.tmp.name!r}).acquire()
            print("held", flush=True)
            time.sleep(60)
        """)
        process = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
        self.addCleanup(process.kill)
        self.assertEqual(process.stdout.readline().strip(), "held")
        with self.assertRaises(UsageError):
            self.lock().acquire()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 5
        while True:
            try:
                self.lock().acquire().release()
                break
            except UsageError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
