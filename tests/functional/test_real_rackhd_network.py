"""What a real RackHD needs of the harness, end to end through the CLI (own ports 265xx/266xx, own 127.x ranges).

- ``up --services-only``: RabbitMQ and the store only, with what RackHD's config.json needs; ``status``, ``down``.
- ``up --target URL --southbound-url URL --discover`` against a stand-in RackHD (a reference stack with
  autoCreateObm off, brought up first): BMCs on UDP 623 of their own addresses (``auto``, as root), each
  node netbooting from its own address (the target's lookups map each node's address to its MAC), an
  ipmi-obm-service OBM created for each discovered node, and ``status --json`` naming the system under test.
"""

import json
import unittest
import urllib.request

from rackharness.rack.layout import can_bind_ipmi_port
from tests.functional.stack_fixture import PrivateStack


def ports(prefix: str) -> dict[str, str]:
    return {
        "RACKHARNESS_AMQP_PORT": f"{prefix}72",
        "RACKHARNESS_AMQP_DIST_PORT": f"{prefix}73",
        "RACKHARNESS_AMQP_EPMD_PORT": f"{prefix}69",
        "RACKHARNESS_MONGO_PORT": f"{prefix}17",
        "RACKHARNESS_TARGET_PORT": f"{prefix}80",
        "RACKHARNESS_TARGET_AUTH_PORT": f"{prefix}43",
        "RACKHARNESS_BMC_BASE_PORT": f"{prefix}30",
    }


def get(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


class ServicesOnlyTest(unittest.TestCase):
    def test_services_for_a_rackhd_you_run(self):
        stack = PrivateStack(nodes=1, **ports("265"))
        self.addCleanup(stack.cleanup)
        up = stack.cli("up", "--services-only")
        self.assertEqual(up.returncode, 0, up.stdout + up.stderr)
        self.assertIn('"amqp": "amqp://guest:***@127.0.0.1:26572",', up.stdout)
        self.assertIn('"mongo": "mongodb://127.0.0.1:26517/pxe",', up.stdout)
        self.assertIn('"apiServerAddress"', up.stdout)
        self.assertIn("services up (local: RabbitMQ and the Mongo store, no rack, no target)", up.stdout)
        status = stack.status()
        self.assertEqual(
            (status["status"], status["system_under_test"], status["nodes"], status["api_url"]),
            ("up", {"kind": "none"}, [], None),
        )
        self.assertEqual(sorted(status["services"]), ["mongo", "rabbitmq"])
        self.assertTrue(all(s["running"] for s in status["services"].values()))
        self.assertIn("services only", stack.cli("status").stdout)
        self.assertEqual(stack.cli("down").returncode, 0)
        self.assertEqual(stack.status()["status"], "down")


class AgainstARackHDTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not can_bind_ipmi_port("127.30.0.1"):
            raise unittest.SkipTest("binding UDP 623 needs root or CAP_NET_BIND_SERVICE")
        # the stand-in RackHD: a reference stack whose discovery makes no OBM (RackHD's default)
        cls.rackhd = PrivateStack(
            nodes=1,
            **ports("266"),
            RACKHARNESS_TARGET_AUTO_CREATE_OBM="false",
            RACKHARNESS_BMC_ADDRESS_MODE="addresses",
            RACKHARNESS_BMC_ADDRESS_BASE="127.30.0.0",
            RACKHARNESS_RACK_NODE_ADDRESS_BASE="127.31.0.0",
            RACKHARNESS_RACK_MAC_PREFIX="52:54:30",
        )
        cls.addClassCleanup(cls.rackhd.cleanup)
        cls.rackhd.up()
        target = cls.rackhd.info()
        cls.api = target.api_url
        cls.stack = PrivateStack(
            nodes=2,
            **ports("267"),
            RACKHARNESS_BMC_ADDRESS_BASE="127.32.0.0",
            RACKHARNESS_RACK_NODE_ADDRESS_BASE="127.33.0.0",
            RACKHARNESS_RACK_MAC_PREFIX="52:54:32",
        )
        cls.addClassCleanup(cls.stack.cleanup)
        cls.result = cls.stack.cli(
            "up",
            "--target",
            cls.api,
            "--amqp-url",
            target.amqp_url,
            "--mongo-url",
            target.mongo_url,
            "--southbound-url",
            cls.api,
            "--discover",
            "--discover-timeout",
            "60",
        )

    def test_1_discovered_with_own_addresses_and_obms_created(self):
        out = self.result.stdout + self.result.stderr
        self.assertEqual(self.result.returncode, 0, out)
        self.assertIn(
            "BMC addresses: each BMC on UDP 623 of its own address (127.32.0.1 .. 127.32.0.2), each node "
            "talking from its own (127.33.0.1 .. 127.33.0.2) [auto: this process can bind UDP 623]",
            out,
        )
        self.assertIn(f"nodes netboot from {self.api}", out)
        for n in (1, 2):
            self.assertIn(f"  node-0{n}: created its ipmi-obm-service OBM (host 127.32.0.{n}, user admin)", out)
        self.assertIn("rack discovered: 2 nodes", out)

    def test_2_the_target_sees_each_node_at_its_own_address(self):
        stack = self.stack.info()
        lookups = {(entry.get("macAddress"), entry.get("ipAddress")) for entry in get(self.api + "/api/2.0/lookups")}
        obms = {o["config"]["host"]: o["config"] for o in get(self.api + "/api/2.0/obms")}
        for node in stack.nodes:
            self.assertIn((node.macs[0], node.ip), lookups)
            self.assertEqual((node.bmc.host, node.bmc.port), (f"127.32.0.{node.name[-1]}", 623))
            self.assertNotIn("port", obms[node.bmc.host])  # port 623: ipmitool's default, as RackHD runs it

    def test_3_status_names_the_system_under_test(self):
        status = self.stack.status()
        self.assertEqual(status["system_under_test"], {"kind": "rackhd", "url": self.api, "version": None})
        self.assertEqual(status["address_mode"], "addresses")
        self.assertIn(f"system under test: RackHD at {self.api}", self.stack.cli("status").stdout)


if __name__ == "__main__":
    unittest.main()
