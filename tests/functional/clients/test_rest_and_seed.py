"""RackHDClient and MongoSeeder against a private local rack (reference target, Mongo store)."""

import json
import time
import unittest

import pymongo
from bson import ObjectId

from rackharness.clients.rest import RackHDClient
from rackharness.clients.seed import MongoSeeder
from rackharness.errors import HttpStatusError, ServiceUnavailable
from rackharness.transports.http_out.fake_adapter import FakeTransport
from tests.functional.services.support import free_ports
from tests.functional.stack_fixture import PrivateStack


def unique_port_env():
    """Own ports, so this stack can run beside a developer's rack and other private stacks."""
    keys = (
        "RACKHARNESS_AMQP_PORT",
        "RACKHARNESS_AMQP_DIST_PORT",
        "RACKHARNESS_AMQP_EPMD_PORT",
        "RACKHARNESS_MONGO_PORT",
        "RACKHARNESS_TARGET_PORT",
        "RACKHARNESS_TARGET_AUTH_PORT",
    )
    return {key: str(port) for key, port in zip(keys, free_ports(len(keys)))}


class RestAndSeedOnStackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=1, **unique_port_env())
        cls.addClassCleanup(cls.stack.cleanup)
        cls.stack.up()
        cls.info = cls.stack.info()
        cls.mongo = pymongo.MongoClient(cls.info.mongo_url, serverSelectionTimeoutMS=5000, tz_aware=True)
        cls.addClassCleanup(cls.mongo.close)
        cls.db = cls.mongo.pxe

    def setUp(self):
        self.client = RackHDClient.from_stack(self.info, timeout=5)
        self.seeder = MongoSeeder.from_url(self.info.mongo_url).register_cleanup(self)

    def test_create_get_delete_node(self):
        created = self.client.create_node("client-node", identifiers=["52:54:00:12:34:56"])
        self.addCleanup(self.db.nodes.delete_one, {"_id": ObjectId(created["id"])})
        self.assertEqual(created["name"], "client-node")
        node = self.client.node(created["id"])
        self.assertEqual((node["id"], node["identifiers"]), (created["id"], ["52:54:00:12:34:56"]))
        self.assertIn(created["id"], [n["id"] for n in self.client.nodes(type="compute")])
        self.assertIsNone(self.client.delete_node(created["id"]))
        with self.assertRaises(HttpStatusError) as caught:
            self.client.node(created["id"])
        self.assertEqual(caught.exception.status, 404)

    def test_404_carries_rackhd_error_body(self):
        missing = str(ObjectId())
        with self.assertRaises(HttpStatusError) as caught:
            self.client.node(missing)
        err = caught.exception
        self.assertEqual((err.method, err.status), ("GET", 404))
        self.assertEqual(err.url, f"{self.info.api_url.rstrip('/')}/api/2.0/nodes/{missing}")
        body = json.loads(err.body)
        self.assertEqual(body["status"], "404")  # RackHD writes it as a string
        self.assertIn(missing, body["message"])
        self.assertIn("UUID", body)

    def test_seeded_node_is_served_at_once(self):
        node_id = self.seeder.node(name="seeded-1", identifiers=["52-54-00-AB-CD-EF"])
        obm_id = self.seeder.obm(node_id, "noop-obm-service", {})
        catalog_id = self.seeder.catalog(node_id, "dmi", {"System Information": {"Manufacturer": "Quanta"}})
        node = self.client.node(node_id)
        self.assertEqual((node["id"], node["name"], node["type"]), (node_id, "seeded-1", "compute"))
        self.assertEqual(node["identifiers"], ["52:54:00:ab:cd:ef"])
        self.assertEqual(node["obms"], [{"service": "noop-obm-service", "ref": f"/api/2.0/obms/{obm_id}"}])
        catalog = self.client.get(f"/api/2.0/nodes/{node_id}/catalogs/dmi")
        self.assertEqual((catalog["id"], catalog["node"]), (catalog_id, node_id))
        stored = self.db.nodes.find_one({"_id": ObjectId(node_id)})
        self.assertEqual(stored["createdAt"].utcoffset().total_seconds(), 0)
        self.assertIsInstance(self.db.catalogs.find_one({"_id": catalog_id})["node"], ObjectId)

    def test_cleanup_runs_even_when_the_test_body_raised(self):
        mongo_url, seeded = self.info.mongo_url, {}

        class Inner(unittest.TestCase):
            def runTest(inner):
                seeder = MongoSeeder.from_url(mongo_url).register_cleanup(inner)
                node_id = seeder.node(name="doomed")
                seeded.update(
                    node=node_id,
                    obm=seeder.obm(node_id, "ipmi-obm-service", {"host": "127.0.0.1", "user": "u", "password": "p"}),
                    catalog=seeder.catalog(node_id, "bmc", {}),
                    lookup=seeder.lookup(node_id, "52:54:00:00:00:99", "10.1.1.9"),
                    sku=seeder.sku("doomed-sku", [{"path": "dmi.x", "equals": "y"}]),
                    tag=seeder.tag("doomed-tag", [{"path": "dmi.x", "equals": "y"}]),
                )
                self.assertIsNotNone(self.db.nodes.find_one({"_id": ObjectId(node_id)}))
                raise RuntimeError("the test body failed")

        result = unittest.TestResult()
        Inner().run(result)
        self.assertEqual(len(result.errors), 1, result.errors)
        self.assertIn("the test body failed", result.errors[0][1])
        self.assertEqual(len(seeded), 6)
        for collection, key in (
            ("nodes", ObjectId(seeded["node"])),
            ("obms", ObjectId(seeded["obm"])),
            ("lookups", ObjectId(seeded["lookup"])),
            ("catalogs", seeded["catalog"]),
            ("skus", seeded["sku"]),
            ("tags", seeded["tag"]),
        ):
            self.assertIsNone(self.db[collection].find_one({"_id": key}), f"{collection} {key} left behind")

    def test_cleanup_is_idempotent_and_context_manager(self):
        with MongoSeeder.from_url(self.info.mongo_url) as seeder:
            node_id = seeder.node()
            seeder.cleanup()
            self.assertEqual(seeder.seeded, [])
            seeder.cleanup()
            again = seeder.node()
        for nid in (node_id, again):
            self.assertIsNone(self.db.nodes.find_one({"_id": ObjectId(nid)}))

    def test_api_down_is_service_unavailable_within_timeout(self):
        (port,) = free_ports(1)
        client = RackHDClient(f"http://127.0.0.1:{port}", timeout=2)
        started = time.monotonic()
        with self.assertRaises(ServiceUnavailable) as caught:
            client.nodes()
        self.assertLess(time.monotonic() - started, 2.5)
        self.assertIn(f"127.0.0.1:{port}/api/2.0/nodes", str(caught.exception))
        self.assertIn("2s", str(caught.exception))

    def test_mongo_down_is_service_unavailable(self):
        (port,) = free_ports(1)
        started = time.monotonic()
        with self.assertRaises(ServiceUnavailable) as caught:
            MongoSeeder.from_url(f"mongodb://127.0.0.1:{port}/", timeout=1)
        self.assertLess(time.monotonic() - started, 3)
        self.assertIn(f"127.0.0.1:{port}", str(caught.exception))

    def test_500_is_http_status_error(self):
        transport = FakeTransport(lambda r: (500, {"message": "Internal Server Error", "status": 500}))
        self.client.session.mount(self.info.api_url, transport)
        with self.assertRaises(HttpStatusError) as caught:
            self.client.nodes()
        self.assertEqual(caught.exception.status, 500)
        self.assertEqual(len(transport.requests), 1)
