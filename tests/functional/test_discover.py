"""`rackharness up --discover` on a private rack: discovered, time-boxed, and a clear per-node report.

Three racks, brought up one after the other: a healthy one (discovered, and `up --discover` again is
a quick no-op success), one whose node-02 has a BMC password the target is not told
(``bmc-password-differs``: its discovery graph fails at the OBM check, the others finish), and one
whose nodes netboot from a URL where nothing listens (the report says so, per node, at the timeout).
"""

import json
import socket
import unittest

from tests.functional.stack_fixture import BMC_PASSWORD, PrivateStack


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DiscoverTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=3)
        cls.addClassCleanup(cls.stack.cleanup)
        cls.first = cls.stack.cli("up", "--discover", "--discover-timeout", "60")

    def test_1_every_node_is_discovered(self):
        self.assertEqual(self.first.returncode, 0, self.first.stdout + self.first.stderr)
        self.assertIn("powered on 3 of 3 nodes through their BMCs with boot device pxe", self.first.stdout)
        self.assertIn("rack discovered: 3 nodes", self.first.stdout)
        for name in ("node-01", "node-02", "node-03"):
            self.assertIn(f"  {name}: discovered after", self.first.stdout)
        self.assertNotIn(BMC_PASSWORD, self.first.stdout + self.first.stderr)

    def test_2_agents_status_tells_each_netboot_without_secrets(self):
        path = self.stack.state_dir / "agents.json"
        text = path.read_text()
        self.assertNotIn(BMC_PASSWORD, text)
        nodes = json.loads(text)["nodes"]
        for name, entry in nodes.items():
            self.assertTrue(entry["discovered"], name)
            first = entry["previous"] or entry
            self.assertGreaterEqual(first["documents"], 3, name)
            # the one command that fails, as on RackHD 2.60.7's run: Task.Catalog.perccli (ignoreFailure), no perccli
            failed = first["failed_command"]
            self.assertTrue(
                failed is None or failed["cmd"] == "sudo /opt/MegaRAID/perccli/perccli64 -v", (name, failed)
            )

    def test_3_discover_again_is_quick(self):
        again = self.stack.cli("up", "--discover", "--discover-timeout", "60")
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
        self.assertIn("nothing changed", again.stdout)
        self.assertIn("rack discovered: 3 nodes", again.stdout)


class WrongPasswordTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=3, RACKHARNESS_RACK_FAULTS="node-02=bmc-password-differs")
        cls.addClassCleanup(cls.stack.cleanup)
        cls.result = cls.stack.cli("up", "--discover", "--discover-timeout", "60")

    def test_the_node_fails_on_its_graph_and_the_others_finish(self):
        out, err = self.result.stdout, self.result.stderr
        self.assertEqual(self.result.returncode, 1, out + err)
        self.assertIn("  node-01: discovered after", out)
        self.assertIn("  node-03: discovered after", out)
        self.assertIn("  node-02: FAILED after", out)
        self.assertIn("discovery failed for 1 of 3 nodes", err)
        report = next(line for line in err.splitlines() if line.startswith("  node-02:"))
        self.assertIn("graph Graph.rancherDiscovery failed", report)
        self.assertIn("password", report.lower())
        self.assertIn("discovered: 2 of 3 (node-01, node-03)", err)
        self.assertNotIn(BMC_PASSWORD, out + err)
        self.assertNotIn("Traceback", err)
        self.assertEqual(self.stack.status()["status"], "up")  # the rack stays up


class UnreachableTargetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=2, RACKHARNESS_RACK_SOUTHBOUND_URL=f"http://127.0.0.1:{free_port()}")
        cls.addClassCleanup(cls.stack.cleanup)
        cls.result = cls.stack.cli("up", "--discover", "--discover-timeout", "6")

    def test_the_timeout_report_says_where_each_node_stopped(self):
        err = self.result.stderr
        self.assertEqual(self.result.returncode, 1, self.result.stdout + err)
        self.assertIn("discovery timed out after 6s", err)
        for name in ("node-01", "node-02"):
            line = next(line for line in err.splitlines() if line.startswith(f"  {name}:"))
            self.assertIn("profile request(s), last answer unreachable", line)
            self.assertIn("last event seen: none", line)
        self.assertIn("discovered: 0 of 2", err)


class InterruptedDiscoveryTest(unittest.TestCase):
    """The repro of an interrupted discovery: each node powered on for 1.5 s (boot delay 1.3 s), then off;
    the rack taken down. `up --discover` then discovers every node — from an empty store by default, and
    with --keep-data too (a half-discovered node is deleted and discovered again)."""

    def interrupt_every_discovery(self, stack):
        import time

        from rackharness.clients.obm import ObmClient

        obms = [ObmClient.for_node(node, timeout=10) for node in stack.info().nodes]
        for obm in obms:
            obm.set_boot_device("network")
            obm.power_on()
        time.sleep(1.5)
        for obm in obms:
            obm.power_off()
        self.assertEqual(stack.down().returncode, 0)

    def test_every_node_is_discovered_after_an_interrupted_discovery(self):
        for keep in ((), ("--keep-data",)):
            with self.subTest(keep_data=bool(keep)):
                stack = PrivateStack(nodes=4, RACKHARNESS_RACK_BOOT_DELAY="1.3")
                try:
                    stack.up()
                    self.interrupt_every_discovery(stack)
                    done = stack.cli("up", *keep, "--discover", "--discover-timeout", "60")
                    self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
                    self.assertIn("rack discovered: 4 nodes", done.stdout)
                finally:
                    stack.cleanup()  # the next subtest's rack takes the same ports
