"""The lookups collection as RackHD's model keeps it: one record per MAC, an IP held by one MAC at a
time (setIp moves it), a MAC tied to its node (upsertNodeToMacAddress), raw records as the API shows them."""

import unittest

from bson import ObjectId

from rackharness.reference import lookups
from tests.support.fake_mongo import FakeDatabase

NODE = "5f0000000000000000000001"


class LookupsTest(unittest.TestCase):
    def setUp(self):
        self.db = FakeDatabase()

    def records(self):
        return sorted(
            ((r["macAddress"], r.get("ipAddress"), r.get("node")) for r in self.db["lookups"].find({})),
            key=lambda r: r[0],
        )

    def test_set_ip_moves_an_address_to_its_new_mac(self):
        lookups.set_ip(self.db, "10.0.0.5", "52:54:00:00:01:B0")
        self.assertEqual(self.records(), [("52:54:00:00:01:b0", "10.0.0.5", None)])
        self.assertIsNone(lookups.set_ip(self.db, "10.0.0.5", "52:54:00:00:01:b0"))  # unchanged
        lookups.set_ip(self.db, "10.0.0.5", "52:54:00:00:02:b0")
        self.assertEqual(self.records(), [("52:54:00:00:01:b0", None, None), ("52:54:00:00:02:b0", "10.0.0.5", None)])

    def test_node_to_mac_keeps_the_address(self):
        lookups.set_ip(self.db, "172.31.128.2", "52:54:00:00:01:00")
        lookups.upsert_node_to_mac(self.db, NODE, "52-54-00-00-01-00")
        lookups.upsert_node_to_mac(self.db, NODE, "52:54:00:00:01:01")
        self.assertEqual(
            self.records(),
            [("52:54:00:00:01:00", "172.31.128.2", ObjectId(NODE)), ("52:54:00:00:01:01", None, ObjectId(NODE))],
        )
        self.assertEqual(
            [r["macAddress"] for r in lookups.of_node(self.db, NODE)], ["52:54:00:00:01:00", "52:54:00:00:01:01"]
        )

    def test_raw_record(self):
        record = lookups.upsert_node_to_mac(self.db, NODE, "52:54:00:00:01:00")
        raw = lookups.lookup_raw(record)
        self.assertEqual(set(raw), {"id", "node", "macAddress", "createdAt", "updatedAt"})
        self.assertEqual((raw["id"], raw["node"]), (str(record["_id"]), NODE))
        self.assertTrue(raw["createdAt"].endswith("Z"))
