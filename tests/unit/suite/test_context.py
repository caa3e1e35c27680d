"""SuiteContext: unique names and MACs, skips that say what is missing, no I/O until asked."""

import re
import unittest

from rackharness.suite.context import PREFIX, SuiteContext
from rackharness.suite.sut import SystemUnderTest


class SuiteContextTest(unittest.TestCase):
    def setUp(self):
        self.ctx = SuiteContext(
            SystemUnderTest(api_url="http://127.0.0.1:9", amqp_url=None, mongo_url=None, source="test"), run_id="a1b2c3"
        )

    def test_names_carry_the_prefix_and_never_repeat(self):
        names = {self.ctx.name("node") for _ in range(50)}
        self.assertEqual(len(names), 50)
        self.assertTrue(all(n.startswith(f"{PREFIX}a1b2c3-node-") for n in names))

    def test_macs_are_unique_locally_administered(self):
        macs = [self.ctx.mac() for _ in range(300)]
        self.assertEqual(len(set(macs)), 300)
        for mac in macs:
            self.assertRegex(mac, r"^02:7e:a1:b2:[0-9a-f]{2}:[0-9a-f]{2}$")
            self.assertEqual(int(mac[:2], 16) & 0x03, 0x02, "locally administered, unicast")

    def test_missing_endpoint_skips_naming_it(self):
        with self.assertRaises(unittest.SkipTest) as caught:
            self.ctx.events()
        self.assertIn("amqp_url", str(caught.exception))
        with self.assertRaises(unittest.SkipTest):
            self.ctx.seeder  # noqa: B018 - the property is what is tested

    def test_no_bmcs_skips_with_the_count(self):
        with self.assertRaises(unittest.SkipTest) as caught:
            self.ctx.bmc_nodes(minimum=2)
        self.assertTrue(re.search(r"needs 2 node\(s\) with a known BMC; test lists 0", str(caught.exception)))

    def test_ledger_records_in_order(self):
        self.ctx.created("node", "n1", "x")
        self.ctx.created("tag", "t1")
        self.assertEqual([(c.kind, c.id) for c in self.ctx.ledger], [("node", "n1"), ("tag", "t1")])
        self.assertEqual(self.ctx.remove_seeded(), 0)


class PowerControlTest(unittest.TestCase):
    """Inventory nodes with power_control false are never handed to destructive tests; unknown nodes are refused."""

    def setUp(self):
        from rackharness.stack_info import BmcAccess, NodeInfo

        self.NodeInfo, self.BmcAccess = NodeInfo, BmcAccess
        nodes = (
            NodeInfo("n1", (), BmcAccess("10.0.0.1", 623, "admin", "pw")),
            NodeInfo("n2", (), BmcAccess("10.0.0.2", 623, "admin", "pw"), power_control=False),
        )
        self.ctx = SuiteContext(
            SystemUnderTest(
                api_url="http://127.0.0.1:9", amqp_url=None, mongo_url=None, nodes=nodes, source="inventory lab.yaml"
            ),
            run_id="a1b2c3",
        )

    def test_destructive_tests_get_only_power_controllable_nodes(self):
        self.assertEqual([n.name for n in self.ctx.bmc_nodes(power=True)], ["n1"])
        self.assertEqual([n.name for n in self.ctx.bmc_nodes()], ["n1", "n2"])

    def test_skip_names_the_excluded_nodes(self):
        with self.assertRaises(unittest.SkipTest) as caught:
            self.ctx.bmc_nodes(2, power=True)
        self.assertIn("n2 excluded: power_control false", str(caught.exception))

    def test_a_node_outside_the_inventory_is_refused(self):
        from rackharness.errors import UsageError

        stranger = self.NodeInfo("n9", (), self.BmcAccess("10.0.0.9", 623, "admin", "pw"))
        with self.assertRaises(UsageError) as caught:
            self.ctx.obm(stranger)
        self.assertIn("refuses to drive its BMC", str(caught.exception))
        self.assertNotIn("pw", str(caught.exception).replace("power", ""))
        self.assertEqual(self.ctx.obm(self.ctx.target.nodes[0]).node, "n1")
