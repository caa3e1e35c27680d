"""`up` interrupted — SIGINT, SIGTERM, SIGKILL — leaves nothing the next `up` cannot clean, and `status` tells the truth."""

import signal
import subprocess
import sys
import time
import unittest

from tests.functional.stack_fixture import REPO, PrivateStack, marked_processes


class InterruptedUpTest(unittest.TestCase):
    def setUp(self):
        self.stack = PrivateStack(nodes=2)
        self.addCleanup(self.stack.cleanup)

    def start_up(self) -> subprocess.Popen:
        """`rackharness up` in the background, returned once it is starting a service."""
        process = subprocess.Popen(
            [sys.executable, "-m", "rackharness", "up"],
            cwd=REPO,
            env=self.stack.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(lambda: process.poll() is None and process.kill())
        for line in process.stdout:
            if line.startswith("starting rabbitmq"):  # mongo is up by now: there is something to leave behind
                return process
        self.fail(f"up ended before starting rabbitmq: {process.wait()} {process.stderr.read()}")

    def test_sigterm_and_sigint_stop_what_up_started(self):
        for signum, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130)):
            with self.subTest(signal=signum.name):
                process = self.start_up()
                time.sleep(0.5)
                process.send_signal(signum)
                out, err = process.communicate(timeout=60)
                self.assertEqual(process.returncode, code, out + err)
                self.assertNotIn("Traceback", err)
                self.assertEqual(marked_processes(self.stack), [], "up left processes running")
                report = self.stack.status()
                self.assertEqual(report["status"], "failed")
                self.assertIn("step ", report["failure"])

    def test_sigkill_is_reported_and_the_next_up_cleans_it(self):
        process = self.start_up()
        time.sleep(0.5)
        process.kill()
        process.wait(timeout=10)
        report = self.stack.status()
        self.assertEqual(report["status"], "interrupted", report)
        self.assertIn("was killed before it finished", report["failure"])
        self.assertEqual(self.stack.status()["status"], "interrupted")
        self.stack.up()
        self.assertEqual(self.stack.status()["status"], "up")
        pids = self.stack.pids()
        self.stack.down()
        leftovers = [p for p in marked_processes(self.stack) if p not in pids]
        self.assertEqual(leftovers, [], "the killed up's processes survived the next up and down")
        self.assertEqual(marked_processes(self.stack), [])
