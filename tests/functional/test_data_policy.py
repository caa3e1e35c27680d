"""What a local rack keeps between runs: `up` starts from empty data unless --keep-data, `down` keeps it,
`down --purge` deletes it; `up` with other settings than the running rack is refused (or --restart);
the state dir is private."""

import hashlib
import os
import unittest
from pathlib import Path

import requests

from tests.functional.stack_fixture import PrivateStack

NODE = "rh-policy-probe"


class DataPolicyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=2)
        cls.addClassCleanup(cls.stack.cleanup)
        cls.stack.up()

    def _api(self) -> str:
        return self.stack.status()["api_url"] + "/api/2.0"

    def _create_node(self) -> None:
        answer = requests.post(f"{self._api()}/nodes", json={"name": NODE, "type": "compute"}, timeout=10)
        self.assertEqual(answer.status_code, 201, answer.text)

    def _has_node(self) -> bool:
        return NODE in [n.get("name") for n in requests.get(f"{self._api()}/nodes", timeout=10).json()]

    def _rabbit_data(self) -> Path:
        if os.geteuid() != 0:
            return self.stack.state_dir / "data" / "rabbitmq"
        digest = hashlib.sha256(str(self.stack.state_dir.absolute()).encode()).hexdigest()[:12]
        return Path("/var/lib/rackharness") / digest / "data"

    def test_1_the_state_dir_is_private(self):
        self.assertEqual(oct(self.stack.state_dir.stat().st_mode & 0o777), "0o700")

    def test_2_up_with_other_settings_is_refused_and_changes_nothing(self):
        before = self.stack.pids()
        refused = self.stack.cli("up", "--nodes", "3")
        self.assertEqual(refused.returncode, 2, refused.stdout + refused.stderr)
        self.assertIn("nodes: running 2, asked 3", refused.stderr)
        self.assertIn("--restart", refused.stderr)
        self.assertNotIn("Traceback", refused.stderr)
        self.assertEqual(self.stack.pids(), before)
        secret = self.stack.cli("up", "--set", "bmc.password=Another-secret-9")
        self.assertEqual(secret.returncode, 2)
        self.assertIn("bmc.password: running '***', asked 'another value'", secret.stderr)
        self.assertNotIn("Another-secret-9", secret.stdout + secret.stderr)

    def test_3_up_after_down_starts_from_an_empty_store(self):
        self._create_node()
        self.assertTrue(self._has_node())
        self.assertEqual(self.stack.down().returncode, 0)
        self.assertTrue((self.stack.state_dir / "data" / "mongo").exists(), "down keeps the data for inspection")
        result = self.stack.up()
        self.assertIn("starting from empty data", result.stdout)
        self.assertFalse(self._has_node(), "a node of the previous run leaked into this one")

    def test_4_keep_data_keeps_it(self):
        self._create_node()
        self.stack.down()
        self.assertEqual(self.stack.cli("up", "--keep-data").returncode, 0)
        self.assertTrue(self._has_node(), "--keep-data lost the store's data")

    def test_5_down_purge_deletes_the_data_wherever_it_lives(self):
        self.assertTrue(self._rabbit_data().exists())
        purged = self.stack.cli("down", "--purge")
        self.assertEqual(purged.returncode, 0, purged.stderr)
        self.assertIn("purged:", purged.stdout)
        self.assertFalse((self.stack.state_dir / "data").exists())
        self.assertFalse(self._rabbit_data().exists())
        self.assertFalse((self.stack.state_dir / "token-secret").exists(), "the stack's token secret outlived --purge")
        self.assertEqual(self.stack.status()["status"], "down")

    def test_6_restart_replaces_a_rack_with_other_settings(self):
        self.stack.up()
        restarted = self.stack.cli("up", "--nodes", "3", "--restart")
        self.assertEqual(restarted.returncode, 0, restarted.stdout + restarted.stderr)
        self.assertEqual(len(self.stack.status()["nodes"]), 3)
