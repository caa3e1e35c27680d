import unittest

from rackharness.config import load_config
from rackharness.errors import ConfigError
from rackharness.rack.layout import build_rack_spec
from rackharness.rack.spec import RackSpec


class LayoutTest(unittest.TestCase):
    def spec(self, **env):
        return build_rack_spec(load_config(environ={f"RACKHARNESS_{k}": str(v) for k, v in env.items()}))

    def test_nodes_are_distinct_and_deterministic(self):
        first, second = self.spec(NODES=6), self.spec(NODES=6)
        self.assertEqual(first.to_json(), second.to_json())
        macs = [mac for node in first.nodes for mac in node.macs + [node.bmc.mac]]
        self.assertEqual(len(macs), len(set(macs)))
        self.assertEqual(len({n.uuid for n in first.nodes}), 6)
        self.assertEqual([n.bmc.port for n in first.nodes], list(range(18230, 18236)))
        self.assertEqual([n.profile for n in first.nodes[:3]], ["quanta-d51", "dell-r630", "quanta-d51"])

    def test_config_drives_ports_credentials_and_prefix(self):
        spec = self.spec(
            NODES=2,
            BMC_BASE_PORT=40000,
            BMC_USER="root",
            BMC_PASSWORD="calvin",
            RACK_MAC_PREFIX="02:AA:00",
            BMC_HOST="127.0.0.2",
        )
        node = spec.nodes[1]
        self.assertEqual((node.bmc.host, node.bmc.port), ("127.0.0.2", 40001))
        self.assertEqual((node.bmc.users[0].name, node.bmc.users[0].password), ("root", "calvin"))
        self.assertTrue(node.macs[0].startswith("02:aa:00:"))
        self.assertNotIn("calvin", repr(node))

    def test_json_round_trip(self):
        spec = self.spec(NODES=2)
        self.assertEqual(RackSpec.from_dict(__import__("json").loads(spec.to_json())).to_json(), spec.to_json())

    def test_port_range_overflow(self):
        with self.assertRaisesRegex(ConfigError, "leaves no room for 10 BMC ports"):
            self.spec(NODES=10, BMC_BASE_PORT=65530)

    def test_bad_prefix_and_unknown_profile(self):
        with self.assertRaisesRegex(ConfigError, "three hex octets"):
            self.spec(RACK_MAC_PREFIX="52:54")
        with self.assertRaisesRegex(ConfigError, "no hardware profile 'hp-dl380'"):
            self.spec(PROFILES="hp-dl380")


class FaultsTest(unittest.TestCase):
    def spec(self, faults, nodes=3):
        return build_rack_spec(
            load_config(environ={"RACKHARNESS_NODES": str(nodes), "RACKHARNESS_RACK_FAULTS": faults})
        )

    def test_faults_land_on_the_named_nodes(self):
        spec = self.spec("node-02=bmc-silent, node-03=power-on-fails")
        self.assertEqual([n.fault for n in spec.nodes], [None, "bmc-silent", "power-on-fails"])

    def test_bad_fault_and_unknown_node(self):
        with self.assertRaisesRegex(ConfigError, "environment RACKHARNESS_RACK_FAULTS: rack.faults: 'node-01=smoke'"):
            self.spec("node-01=smoke")
        with self.assertRaisesRegex(ConfigError, "no node 'node-09' in this rack"):
            self.spec("node-09=bmc-silent")


class NetbootLayoutTest(unittest.TestCase):
    def spec(self, **env):
        return build_rack_spec(load_config(environ={f"RACKHARNESS_{k}": str(v) for k, v in env.items()}))

    def test_one_mac_per_profile_nic_and_a_pxe_address_per_node(self):
        spec = self.spec(NODES=3)
        self.assertEqual([len(n.macs) for n in spec.nodes], [2, 4, 2])  # quanta-d51 2 NICs, dell-r630 4
        self.assertEqual([n.ip for n in spec.nodes], ["172.31.128.2", "172.31.128.3", "172.31.128.4"])
        self.assertEqual(spec.nodes[1].macs[3], "52:54:00:00:02:03")

    def test_agent_settings_reach_the_spec(self):
        spec = self.spec(
            NODES=1, RACK_BOOT_DELAY=2.5, RACK_AGENT_POLL_INTERVAL=0.1, RACK_SOUTHBOUND_URL="http://10.0.0.1:9080"
        )
        self.assertEqual(
            (spec.agent.boot_delay, spec.agent.poll_interval, spec.agent.southbound_url),
            (2.5, 0.1, "http://10.0.0.1:9080"),
        )
        self.assertEqual(RackSpec.from_dict(__import__("json").loads(spec.to_json())).agent, spec.agent)

    def test_a_bmc_password_differs_node_has_its_own_password(self):
        spec = build_rack_spec(
            load_config(
                environ={
                    "RACKHARNESS_NODES": "3",
                    "RACKHARNESS_BMC_PASSWORD": "s3cret",
                    "RACKHARNESS_RACK_FAULTS": "node-02=bmc-password-differs",
                }
            )
        )
        passwords = [n.bmc.users[0].password for n in spec.nodes]
        self.assertEqual((passwords[0], passwords[2]), ("s3cret", "s3cret"))
        self.assertNotEqual(passwords[1], "s3cret")
        self.assertLessEqual(len(passwords[1]), 20)  # an IPMI 2.0 password
        self.assertEqual(spec.nodes[1].fault, "bmc-password-differs")
