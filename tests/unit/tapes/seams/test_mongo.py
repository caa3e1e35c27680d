"""TapedDatabase: recorded around mongomock, replayed with no store at all."""

from __future__ import annotations

import datetime as dt
import unittest
import uuid

from bson import ObjectId
from pymongo.errors import PyMongoError

from rackharness.tapes.deck import TapeMiss
from rackharness.tapes.seams.mongo import TapedDatabase
from rackharness.transports.mongo.chooser import connect
from rackharness.transports.mongo.mongomock_side import forget
from tests.unit.tapes.seams import SeamTestCase

CREATED = dt.datetime(2026, 12, 3, 12, 0, 1, 123000, tzinfo=dt.timezone.utc)
FIXED_ID = ObjectId("5f0c3b2a9d1e8a0011223344")


class TapedDatabaseTest(SeamTestCase):
    def setUp(self):
        super().setUp()
        self.url = f"mongomock://tapes-{uuid.uuid4().hex[:8]}"
        self.addCleanup(forget, self.url)

    def exercise(self, db: TapedDatabase) -> dict:
        nodes = db["nodes"]
        out = {}
        document = {"name": "node-01", "created": CREATED, "macs": ["00:1a:2b:3c:4d:5e"], "raw": b"\x00\x01"}
        out["insert"] = nodes.insert_one(document)
        out["document_id"] = document["_id"]
        out["found"] = nodes.find_one({"name": "node-01"})
        out["count"] = nodes.count_documents({})
        out["replace"] = nodes.replace_one({"_id": document["_id"]}, {"name": "node-01b", "created": CREATED})
        out["found_again"] = nodes.find_one({"_id": document["_id"]}, {"_id": 0})
        out["none"] = nodes.find_one({"name": "nobody"})
        out["insert_fixed"] = nodes.insert_one({"_id": FIXED_ID, "name": "fixed"})
        with self.assertRaises(PyMongoError) as caught:
            nodes.insert_one({"_id": FIXED_ID, "name": "again"})
        out["duplicate"] = str(caught.exception)
        out["all"] = nodes.find({}, sort=[("name", 1)])
        out["delete"] = nodes.delete_one({"_id": document["_id"]})
        out["count_after"] = nodes.count_documents({})
        out["other_collection"] = db["catalogs"].count_documents({"node": document["_id"]})
        return out

    def test_replay_gives_what_the_store_gave(self):
        deck = self.record()
        live = self.exercise(TapedDatabase(deck, "pxe", connect(self.url, "pxe")))
        self.stop(deck)

        self.assertIsInstance(live["insert"].inserted_id, ObjectId)
        self.assertTrue(live["insert"].acknowledged)
        self.assertEqual(live["document_id"], live["insert"].inserted_id)
        self.assertEqual(live["found"]["_id"], live["insert"].inserted_id)
        self.assertEqual(live["found"]["created"], CREATED)
        self.assertEqual(live["found"]["raw"], b"\x00\x01")
        self.assertEqual(live["count"], 1)
        self.assertEqual((live["replace"].matched_count, live["replace"].modified_count), (1, 1))
        self.assertEqual(live["found_again"], {"name": "node-01b", "created": CREATED})
        self.assertIsNone(live["none"])
        self.assertEqual(live["insert_fixed"].inserted_id, FIXED_ID)
        self.assertIn("duplicate key", live["duplicate"].lower())
        self.assertEqual([d["name"] for d in live["all"]], ["fixed", "node-01b"])
        self.assertEqual(live["delete"].deleted_count, 1)
        self.assertEqual(live["count_after"], 1)
        self.assertEqual(live["other_collection"], 0)

        deck = self.replay()
        db = TapedDatabase(deck, "pxe", None)
        self.assertIn("replay only", repr(db))
        replayed = self.exercise(db)
        self.assertEqual(replayed, live)
        self.assertIsInstance(replayed["found"]["_id"], ObjectId)
        self.assertIsInstance(replayed["found"]["created"], dt.datetime)
        self.assertEqual(deck.reel.played, set(range(len(self.interactions()))))

    def test_the_tape_holds_extended_json(self):
        deck = self.record()
        db = TapedDatabase(deck, "pxe", connect(self.url, "pxe"))
        db["nodes"].insert_one({"_id": FIXED_ID, "created": CREATED})
        db["nodes"].find_one({"_id": FIXED_ID})
        self.stop(deck)
        insert, find = self.interactions()
        self.assertEqual((insert["seam"], insert["channel"]), ("mongo", "pxe"))
        self.assertEqual(
            insert["request"],
            {
                "collection": "nodes",
                "op": "insert_one",
                "kwargs": {},
                "args": [{"_id": {"$oid": str(FIXED_ID)}, "created": {"$date": CREATED.isoformat()}}],
            },
        )
        self.assertEqual(insert["response"], {"result": {"inserted_id": {"$oid": str(FIXED_ID)}}})
        self.assertEqual(find["response"]["result"]["_id"], {"$oid": str(FIXED_ID)})

    def test_a_replayed_query_must_match(self):
        deck = self.record()
        TapedDatabase(deck, "pxe", connect(self.url, "pxe"))["nodes"].count_documents({"name": "a"})
        self.stop(deck)
        deck = self.replay()
        nodes = TapedDatabase(deck, "pxe")["nodes"]
        with self.assertRaises(TapeMiss):
            nodes.count_documents({"name": "b"})
        with self.assertRaises(TapeMiss):  # another collection
            TapedDatabase(deck, "pxe")["obms"].count_documents({"name": "a"})
        with self.assertRaises(TapeMiss):  # another database (channel)
            TapedDatabase(deck, "other")["nodes"].count_documents({"name": "a"})
        self.assertEqual(nodes.count_documents({"name": "a"}), 0)

    def test_closing_the_client(self):
        inner = connect(self.url, "pxe")
        closed = []
        inner.client.close = lambda: closed.append(True)
        deck = self.record()
        TapedDatabase(deck, "pxe", inner).client.close()
        self.assertEqual(closed, [True])
        TapedDatabase(deck, "pxe").client.close()  # nothing to close when replaying


if __name__ == "__main__":
    unittest.main()
