"""The black-box suite (tests/rackhd) run the way users run it — `nose2` at the repo root — against a private rack.

Proves the whole chain on the local provider: plan order, every group passing, cleanup leaving
nothing behind, junit XML, and that a failed prerequisite skips its dependents.
"""

import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.functional.stack_fixture import REPO, PrivateStack

GROUPS = [
    "smoke",
    "nodes",
    "obms",
    "catalogs",
    "workflows",
    "tags",
    "relations",
    "events",
    "seeding",
    "transitions",
    "skus",
    "pollers",
    "discovery",
    "redfish",
    "auth",
    "hooks",
    "lookups",
    "cleanup",
]


def nose2(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "nose2", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


class BlackBoxSuiteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=4)
        try:
            cls.stack.up()
        except BaseException:
            cls.stack.cleanup()
            raise
        cls.out = Path(tempfile.mkdtemp(prefix="rh-suite-"))

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()

    def test_show_plan_lists_every_group_in_dependency_order(self):
        run = nose2(self.stack.env, "--show-plan")
        self.assertEqual(run.returncode, 0, run.stderr)
        order = []
        for line in run.stdout.splitlines():
            if line.strip()[:1].isdigit():
                group = line.split("[", 1)[1].split("]", 1)[0]
                if group not in order:
                    order.append(group)
        self.assertEqual(order[0], "smoke", run.stdout)
        self.assertEqual(order[-1], "cleanup", run.stdout)
        self.assertEqual(sorted(order), sorted(GROUPS), run.stdout)

    def test_whole_suite_passes_and_writes_junit(self):
        junit = self.out / "junit.xml"
        run = nose2(self.stack.env, "--junit-xml", "--junit-xml-path", str(junit))
        self.assertEqual(run.returncode, 0, run.stderr[-6000:])
        root = ET.parse(junit).getroot()
        self.assertEqual((root.get("failures"), root.get("errors")), ("0", "0"), run.stderr[-3000:])
        files = {case.get("classname").split(".")[2] for case in root.iter("testcase")}
        self.assertEqual(files, {f"test_{g}" for g in GROUPS}, "every group's file ran")
        self.assertIn("nose2: ", run.stderr)

    def test_failed_smoke_skips_every_dependent_with_the_reason(self):
        env = {
            **self.stack.env,
            "RACKHARNESS_TARGET_URL": "http://127.0.0.1:9",  # nothing listens there
            "RACKHARNESS_API_TIMEOUT": "2",
        }
        junit = self.out / "dead.xml"
        run = nose2(env, "--group", "nodes", "--junit-xml", "--junit-xml-path", str(junit))
        self.assertEqual(run.returncode, 1, run.stderr[-3000:])
        cases = list(ET.parse(junit).getroot().iter("testcase"))
        failed = [c.get("name") for c in cases if c.find("error") is not None or c.find("failure") is not None]
        self.assertIn("api_serves_config", failed)
        nodes = [c for c in cases if c.get("classname").startswith("tests.rackhd.test_nodes")]
        self.assertTrue(nodes, "the nodes group was planned")
        for case in nodes:
            skipped = case.find("skipped")
            self.assertIsNotNone(skipped, f"{case.get('name')} ran although smoke failed")
            self.assertIn("prerequisite tests.rackhd.test_smoke.Smoke.api_serves_config failed", skipped.get("message"))
        # on screen: each failure in a few lines, the skips counted by their root cause, no traceback
        self.assertNotIn("Traceback", run.stderr)
        self.assertRegex(
            run.stderr,
            r"skipped \d+ test\(s\), by cause:\n +\d+  prerequisite "
            r"tests\.rackhd\.test_smoke\.Smoke\.api_serves_config (failed|errored)",
        )

    def test_a_second_run_against_the_same_rack_is_refused_at_once(self):
        # the first run is held open deterministically: a process holding the same lock nose2 takes
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time\nfrom rackharness.suite.run_lock import SuiteRunLock\n"
                f"lock = SuiteRunLock({self.stack.status()['api_url']!r}).acquire()\nprint('held', flush=True)\n"
                "time.sleep(120)\n",
            ],
            cwd=REPO,
            env=self.stack.env,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(lambda: holder.poll() is None and holder.kill())
        self.assertEqual(holder.stdout.readline().strip(), "held")
        second = nose2(self.stack.env, "--group", "smoke", timeout=60)
        self.assertEqual(second.returncode, 2, second.stderr[-2000:])
        self.assertIn("another suite run is testing", second.stderr)
        self.assertIn(f"pid {holder.pid}", second.stderr)
        self.assertNotIn("Traceback", second.stderr)
        holder.kill()  # a run killed with SIGKILL frees the lock
        holder.wait(timeout=10)
        again = nose2(self.stack.env, "--group", "smoke", timeout=120)  # the lock went with the first run
        self.assertEqual(again.returncode, 0, again.stderr[-2000:])


if __name__ == "__main__":
    unittest.main()
