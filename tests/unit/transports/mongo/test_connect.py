"""The Mongo seam: URL schemes, the in-memory registry, clear errors without secrets (no server needed)."""

import sys
import unittest
import uuid
from unittest import mock

from pymongo.database import Database

from rackharness.clients.seed import MongoSeeder
from rackharness.errors import ConfigError, PrerequisiteError
from rackharness.transports.mongo import chooser, mongomock_side, pymongo_side
from rackharness.transports.mongo.base import is_in_memory
from rackharness.transports.mongo.chooser import connect
from rackharness.transports.mongo.mongomock_side import forget, in_memory_url


class InMemoryTest(unittest.TestCase):
    def setUp(self):
        self.url = in_memory_url(f"unit-{uuid.uuid4().hex[:8]}")
        self.addCleanup(forget, self.url)

    def test_same_name_same_data_other_name_other_data(self):
        connect(self.url, "pxe").nodes.insert_one({"name": "n1"})
        self.assertEqual(connect(self.url + "/", "pxe").nodes.find_one({})["name"], "n1")
        self.assertIsNone(connect(self.url, "other").nodes.find_one({}), "databases are apart")
        other = in_memory_url(f"unit-{uuid.uuid4().hex[:8]}")
        self.addCleanup(forget, other)
        self.assertIsNone(connect(other, "pxe").nodes.find_one({}), "servers are apart")

    def test_closing_a_client_keeps_the_data_and_forget_drops_it(self):
        db = connect(self.url, "pxe")
        db.nodes.insert_one({"name": "kept"})
        db.client.close()
        self.assertEqual(connect(self.url, "pxe").nodes.count_documents({}), 1)
        self.assertTrue(forget(self.url))
        self.assertFalse(forget(self.url))
        self.assertEqual(connect(self.url, "pxe").nodes.count_documents({}), 0)

    def test_the_seeder_reaches_it_by_url(self):
        with MongoSeeder.from_url(self.url) as seeder:
            nid = seeder.node(name="n1")
            self.assertEqual(str(connect(self.url, "pxe").nodes.find_one({})["_id"]), nid)
        self.assertEqual(connect(self.url, "pxe").nodes.count_documents({}), 0)

    def test_names(self):
        self.assertTrue(is_in_memory("mongomock://x"))
        self.assertFalse(is_in_memory("mongodb://x"))
        self.assertFalse(is_in_memory(None))
        for bad in ("mongomock://", "mongomock://a b", "mongomock://a/b", "mongomock://-x", "mongomock://" + "a" * 65):
            with self.assertRaises(ConfigError, msg=bad):
                connect(bad, "pxe")
        with self.assertRaises(ConfigError):
            in_memory_url("no/slash")

    def test_without_mongomock_a_clear_prerequisite_error(self):
        with mock.patch.dict(sys.modules, {"mongomock": None}):  # import mongomock -> ImportError
            with self.assertRaises(PrerequisiteError) as caught:
                connect(self.url, "pxe")
        self.assertIn("rackharness[isolated]", str(caught.exception))


class RealUrlTest(unittest.TestCase):
    def test_mongodb_url_gives_a_tz_aware_pymongo_database_with_the_timeouts(self):
        db = connect("mongodb://127.0.0.1:9/", "pxe", timeout=2.5, socket_timeout=1.5, ping=False)
        self.addCleanup(db.client.close)
        self.assertIsInstance(db, Database)
        self.assertEqual(db.name, "pxe")
        options = db.client.options
        self.assertTrue(db.codec_options.tz_aware)
        self.assertEqual(options.server_selection_timeout, 2.5)
        self.assertEqual((options.pool_options.connect_timeout, options.pool_options.socket_timeout), (1.5, 1.5))

    def test_other_schemes_and_bad_urls_fail_clearly_without_the_password(self):
        for url in ("redis://user:s3cret@db:6379/", "mongodb://user:s3cret@db:notaport/", None, ""):
            with self.assertRaises(ConfigError, msg=url) as caught:
                connect(url, "pxe", ping=False)
            self.assertNotIn("s3cret", str(caught.exception))
        with self.assertRaises(ConfigError):
            connect("mongomock://x", "")

    def test_mongomock_is_imported_lazily(self):
        for module in (chooser, mongomock_side, pymongo_side):
            self.assertNotIn("mongomock", module.__dict__, "mongomock is imported only when asked for")


if __name__ == "__main__":
    unittest.main()
