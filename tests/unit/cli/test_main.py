"""Bad input through the real console entry: one clear message, exit 2, no traceback, nothing created."""

import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path


def rackharness(*args, cwd, env=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "rackharness", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=60
    )


class BadInputTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.cwd = Path(self.tmp.name)

    def assertUsageError(self, result, *fragments):
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertTrue(result.stderr.startswith("rackharness: error: "), result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, result.stderr)
        self.assertFalse((self.cwd / ".rackharness").exists(), "a failed up must create nothing")

    def test_unknown_provider(self):
        self.assertUsageError(
            rackharness("up", "--provider", "vmware", cwd=self.cwd),
            "unknown provider 'vmware'",
            "available providers: isolated, local",
        )

    def test_nodes_zero_and_not_a_number(self):
        self.assertUsageError(rackharness("up", "--nodes", "0", cwd=self.cwd), "--nodes", "at least 1")
        self.assertUsageError(rackharness("up", "--nodes", "four", cwd=self.cwd), "expected a whole number")

    def test_bad_env_value_names_variable(self):
        self.assertUsageError(
            rackharness("up", cwd=self.cwd, env={"RACKHARNESS_BMC_BASE_PORT": "x"}),
            "environment RACKHARNESS_BMC_BASE_PORT",
        )

    def test_bad_config_file_names_line(self):
        (self.cwd / "rack.yaml").write_text("nodes: 2\nbmc:\n  pasword: x\n")
        self.assertUsageError(
            rackharness("up", "--config", "rack.yaml", cwd=self.cwd),
            "rack.yaml:3: unknown setting 'bmc.pasword'; did you mean 'bmc.password'?",
        )

    def test_bad_discover_settings(self):
        self.assertUsageError(
            rackharness("up", "--discover", "--discover-timeout", "soon", cwd=self.cwd),
            "--discover-timeout",
            "discover_timeout",
            "expected a number",
        )
        self.assertUsageError(
            rackharness("up", "--set", "rack.southbound_url=ftp://x", cwd=self.cwd),
            "rack.southbound_url",
            "http://host:port",
        )
        self.assertUsageError(
            rackharness("up", "--set", "rack.faults=node-01=bmc-password", cwd=self.cwd), "bmc-password-differs"
        )

    def test_unknown_option(self):
        self.assertUsageError(rackharness("up", "--nodez", "3", cwd=self.cwd), "unrecognized arguments: --nodez")

    def test_corrupt_state_file(self):
        state = self.cwd / ".rackharness"
        state.mkdir()
        (state / "state.json").write_text("{not json")
        for verb in ("status", "up", "down"):
            with self.subTest(verb=verb):
                result = rackharness(verb, cwd=self.cwd)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertNotIn("Traceback", result.stderr)
                self.assertIn("state file is corrupt", result.stderr)
                self.assertIn("down --force", result.stderr)

    def test_status_when_down(self):
        result = rackharness("status", "--json", cwd=self.cwd)
        self.assertEqual(result.returncode, 1)
        report = json.loads(result.stdout)
        self.assertEqual(report["status"], "down")
        for key in ("provider", "api_url", "amqp_url", "mongo_url", "nodes"):
            self.assertIn(key, report)
