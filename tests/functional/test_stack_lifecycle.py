"""`rackharness up|status|down` on a real local rack: idempotence, crash recovery, nothing left behind."""

import json
import os
import signal
import socket
import subprocess
import unittest

from tests.functional.stack_fixture import BMC_PASSWORD, REPO, PrivateStack, alive, marked_processes


class LifecycleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=3)
        cls.addClassCleanup(cls.stack.cleanup)
        cls.first_up = cls.stack.up()

    def test_1_status_json_has_the_stable_keys_and_masks_secrets(self):
        report = self.stack.status()
        self.assertEqual(report["status"], "up")
        self.assertEqual(report["provider"], "local")
        self.assertEqual(report["api_url"], "http://127.0.0.1:22080")
        self.assertTrue(report["amqp_url"].startswith("amqp://guest:***@127.0.0.1:22672"))
        self.assertTrue(report["mongo_url"].startswith("mongodb://127.0.0.1:22017"))
        self.assertEqual([n["name"] for n in report["nodes"]], ["node-01", "node-02", "node-03"])
        for node in report["nodes"]:
            self.assertEqual(set(node["bmc"]) >= {"host", "port", "user", "password"}, True)
            self.assertEqual(node["bmc"]["password"], "***")
            self.assertEqual(len(node["macs"]), {"quanta-d51": 2, "dell-r630": 4}[node["profile"]])  # one per NIC
        base = int(self.stack.env["RACKHARNESS_BMC_BASE_PORT"])
        self.assertEqual([n["bmc"]["port"] for n in report["nodes"]], [base, base + 1, base + 2])
        shown = self.stack.status("--show-secrets")
        self.assertEqual(shown["nodes"][0]["bmc"]["password"], BMC_PASSWORD)
        self.assertIn("guest:guest@", shown["amqp_url"])

    def test_2_no_secret_in_output_logs_or_saved_files_but_the_private_ones(self):
        table = self.stack.cli("status")
        self.assertNotIn(BMC_PASSWORD, table.stdout + table.stderr + self.first_up.stdout + self.first_up.stderr)
        private = {"state.json", "config.json", "rack.json", "target.json"}
        for path in self.stack.state_dir.rglob("*"):
            if path.is_file() and path.name not in private and path.stat().st_size < 50_000_000:
                self.assertNotIn(BMC_PASSWORD.encode(), path.read_bytes(), f"{path} holds the BMC password")
        for name in private:
            self.assertEqual(oct((self.stack.state_dir / name).stat().st_mode & 0o777), "0o600", name)

    def test_3_up_again_changes_nothing(self):
        before = self.stack.pids()
        result = self.stack.up()
        self.assertIn("already up", result.stdout)
        self.assertEqual(self.stack.pids(), before)

    def test_4_up_after_a_kill_cleans_up_and_starts_again(self):
        rack_pid = self.stack.status()["services"]["rack"]["pid"]
        os.kill(rack_pid, signal.SIGKILL)
        self.assertEqual(self.stack.status()["status"], "degraded")
        old = self.stack.pids()
        result = self.stack.up()
        self.assertIn("stopped running; cleaning up", result.stdout)
        self.assertEqual(self.stack.status()["status"], "up")
        self.assertFalse([pid for pid in old if alive(pid)], "processes of the crashed rack survived")

    def test_5_down_leaves_no_process(self):
        pids = self.stack.pids()
        self.assertTrue(all(alive(pid) for pid in pids))
        result = self.stack.down()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([pid for pid in pids if alive(pid)], [])
        self.assertEqual(marked_processes(self.stack), [])
        self.assertEqual(self.stack.status()["status"], "down")
        again = self.stack.down()
        self.assertEqual(again.returncode, 0)


class BadUpTest(unittest.TestCase):
    """Each bad input: a clear message, exit 2, no traceback, nothing running or created."""

    def setUp(self):
        self.stack = PrivateStack(nodes=2)
        self.addCleanup(self.stack.cleanup)

    def assertRefused(self, result, *fragments):
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, result.stderr)
        self.assertFalse(self.stack.state_dir.exists(), "a refused up created the state dir")

    def test_amqp_port_taken(self):
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 22672))
            holder.listen()
            self.assertRefused(self.stack.cli("up"), "port 22672", "amqp.port", "already in use")

    def test_bmc_port_taken(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
            port = int(self.stack.env["RACKHARNESS_BMC_BASE_PORT"]) + 1
            holder.bind(("127.0.0.1", port))
            self.assertRefused(self.stack.cli("up"), f"UDP port {port}", "node-02", "bmc.base_port")

    def test_rabbitmq_missing_and_not_root(self):
        """stack.sh as a non-root user on a machine without the packages prints the apt command."""
        fake_bin = self.stack.state_dir.parent / "bin"
        fake_bin.mkdir()
        (fake_bin / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")
        (fake_bin / "id").write_text("#!/bin/sh\necho 1000\n")
        for tool in fake_bin.iterdir():
            tool.chmod(0o755)
        env = dict(self.stack.env, PATH=f"{fake_bin}:{os.environ['PATH']}")
        result = subprocess.run(
            ["bash", str(REPO / "stack.sh"), "up"], env=env, capture_output=True, text=True, timeout=60
        )
        self.assertRefused(
            result,
            "missing Debian packages: rabbitmq-server ipmitool freeipmi-tools",
            "sudo apt-get update && sudo apt-get install -y rabbitmq-server",
        )


class FailedUpTest(unittest.TestCase):
    """A step that fails half-way (RabbitMQ not ready in time) stops everything started before it."""

    def test_failed_step_rolls_back_and_reports(self):
        stack = PrivateStack(nodes=2, RACKHARNESS_READY_TIMEOUT="1")
        self.addCleanup(stack.cleanup)
        result = stack.cli("up")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertIn("timed out after 1s waiting for", result.stderr)
        state = json.loads((stack.state_dir / "state.json").read_text())
        self.assertEqual(state["status"], "failed")
        self.assertEqual(state["processes"], {}, "processes of the failed up are still recorded")
        self.assertIn("step rabbitmq", state["endpoints"]["failure"])
        report = stack.status()
        self.assertEqual((report["status"], report["nodes"]), ("failed", []))
        self.assertIn("step rabbitmq", report["failure"])
        self.assertEqual(marked_processes(stack), [])
        stack.env["RACKHARNESS_READY_TIMEOUT"] = "60"  # same state dir, a sane timeout: up recovers
        self.assertEqual(stack.cli("up").returncode, 0)
        self.assertEqual(stack.status()["status"], "up")


class ForceDownTest(unittest.TestCase):
    """A corrupt state file: `down` refuses (exit 2), `down --force` still stops everything up started."""

    def test_force_down_finds_the_processes_without_the_state(self):
        stack = PrivateStack(nodes=1)
        self.addCleanup(stack.cleanup)
        stack.up()
        pids = stack.pids()
        (stack.state_dir / "state.json").write_text("{truncated")
        refused = stack.cli("down")
        self.assertEqual(refused.returncode, 2, refused.stderr)
        self.assertIn("down --force", refused.stderr)
        self.assertTrue(all(alive(pid) for pid in pids))
        forced = stack.cli("down", "--force")
        self.assertEqual(forced.returncode, 0, forced.stderr)
        self.assertEqual([pid for pid in pids if alive(pid)], [])
        self.assertEqual(marked_processes(stack), [])
        self.assertFalse((stack.state_dir / "state.json").exists())
