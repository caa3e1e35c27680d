"""The Mongo contract: ONE set of tests run over every side the target and the seeder may face.

Sides: the real stores - nx-27017 (started here; skipped when not installed) and mongod (when on
PATH) - and the in-memory fake, mongomock (skipped when not installed). Every side's database is
made by the seam, ``rackharness.transports.mongo.chooser.connect``, from a URL.

The tests cover the operations rackharness.reference and MongoSeeder use, most through the product
code itself (documents.find_node, lookups, queries.find_listed, WorkitemStore, MongoSeeder); a few
more (``$push``/``$pull``/``$addToSet``, ``find_one_and_update``) keep the fake honest for code to
come. Where the sides legitimately differ, a class attribute names the difference and the test
asserts the target's tolerant reading works on every side:

* ``SET_DATETIME_TYPE``: nx-27017 0.8.1 stores a top-level datetime given to ``$set`` as a naive
  UTC string (pinned in tests/functional/services/test_mongo.py); mongod and mongomock keep a
  datetime. ``documents.iso`` and ``pollers.store.as_datetime`` read both.
* ``NX_QUIRKS`` (nx-27017 0.8.1 only; mongod and mongomock follow MongoDB), which the target avoids:
  ``{"node": ObjectId(..)}`` does not match a stored ObjectId on a field other than ``_id`` (the
  target queries references as ``{"$in": [oid, hex]}``, ``documents.refers_to_node``), while
  ``{"_id": "<hex>"}`` does match an ObjectId ``_id``; ``{"f": {"$ne": None}}`` also matches
  documents lacking ``f``; ``{"f": {"$exists": True}}`` skips ``f: null``; ``$ne`` on an array
  field compares the whole array. :meth:`test_side_quirks` pins each, so a fixed nx shows up.
  The bare engine has them (``NxContractTest``); rackharness's store layer around it does not
  (``StoreContractTest``, what the stack runs).
"""

import datetime as dt
import sys
import unittest
import uuid

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError
from werkzeug.datastructures import MultiDict

from rackharness.clients.seed import MongoSeeder
from rackharness.errors import PrerequisiteError, ServiceUnavailable
from rackharness.reference.documents import find_node, iso, refers_to_node
from rackharness.reference.lookups import find_by_term, of_node, set_ip, upsert_node_to_mac
from rackharness.reference.pollers.store import IPMI_POLLER, WorkitemStore, as_datetime
from rackharness.reference.queries import find_listed
from rackharness.services import MongoService
from rackharness.services.mongo import MONGOD, NX_27017
from rackharness.transports.mongo.chooser import connect
from rackharness.transports.mongo.mongomock_side import forget
from tests.functional.services.support import free_ports, reachable_temp_dir, remove_tree, start_for_class

UTC = dt.timezone.utc
MAC = "52:54:00:aa:bb:01"


def _skip(cls, reason):
    print(f"\nSKIP {cls.__name__}: {reason}", file=sys.stderr)
    raise unittest.SkipTest(str(reason))


class MongoContract:
    """Mixed into one TestCase per side; the side's ``setUpClass`` sets ``cls.url`` and ``cls.db``."""

    #: what a top-level datetime given to ``$set`` reads back as on this side
    SET_DATETIME_TYPE = dt.datetime
    #: True where the side has nx-27017 0.8.1's query quirks (see the module docstring)
    NX_QUIRKS = False

    def setUp(self):
        for name in self.db.list_collection_names():
            self.db[name].delete_many({})

    # -- ids ----------------------------------------------------------------------------------------
    def test_insert_and_find_by_objectid_and_uuid_string_ids(self):
        oid, uid = ObjectId(), str(uuid.uuid4())
        self.db.nodes.insert_one({"_id": oid, "name": "n1"})
        self.db.catalogs.insert_one({"_id": uid, "node": oid, "source": "dmi"})
        self.assertEqual(self.db.nodes.find_one({"_id": oid})["name"], "n1")
        found = self.db.catalogs.find_one({"_id": uid})
        self.assertEqual((found["_id"], found["node"]), (uid, oid))
        self.assertIsInstance(found["node"], ObjectId)
        self.assertIsNone(self.db.nodes.find_one({"_id": ObjectId()}))
        self.assertEqual(self.db.nodes.find_one({"_id": {"$in": [oid, str(oid)]}})["_id"], oid)

    def test_insert_without_id_sets_it_on_the_document(self):
        document = {"name": "no-id"}
        result = self.db.nodes.insert_one(document)
        self.assertIsInstance(document["_id"], ObjectId)
        self.assertEqual(result.inserted_id, document["_id"])
        document["name"] = "changed after insert"
        self.assertEqual(
            self.db.nodes.find_one({"_id": result.inserted_id})["name"],
            "no-id",
            "the store keeps a copy, not the caller's dict",
        )

    def test_duplicate_id_is_refused(self):
        oid = ObjectId()
        self.db.nodes.insert_one({"_id": oid})
        with self.assertRaises(DuplicateKeyError):
            self.db.nodes.insert_one({"_id": oid})

    # -- queries ------------------------------------------------------------------------------------
    def test_equality_in_nin_and_or_on_array_fields_without_indexes(self):
        a = self.db.nodes.insert_one({"name": "a", "identifiers": [MAC, "serial-1"], "tags": []}).inserted_id
        self.db.nodes.insert_one({"name": "b", "identifiers": ["52:54:00:aa:bb:02"], "tags": ["t"]})
        self.db.nodes.insert_one({"name": "c"})
        names = lambda query: sorted(d["name"] for d in self.db.nodes.find(query))  # noqa: E731
        self.assertEqual(names({"identifiers": MAC}), ["a"])
        self.assertEqual(names({"identifiers": "serial-1"}), ["a"])
        self.assertEqual(names({"identifiers": {"$in": [MAC, "nope"]}}), ["a"])
        self.assertEqual(names({"tags": "t"}), ["b"])
        self.assertEqual(names({"name": {"$nin": ["a", "b"]}}), ["c"])
        self.assertEqual(names({"$or": [{"identifiers": MAC}, {"name": "c"}]}), ["a", "c"])
        self.assertEqual(names({"identifiers": {"$nin": [MAC]}}), ["b", "c"])
        self.assertEqual(self.db.nodes.find_one({"identifiers": MAC})["_id"], a)

    def test_none_matches_null_and_missing_and_ne_none_skips_null(self):
        self.db.workitems.insert_many([{"n": 1, "leaseToken": "t"}, {"n": 2, "leaseToken": None}, {"n": 3}])
        self.assertEqual(sorted(d["n"] for d in self.db.workitems.find({"leaseToken": None})), [2, 3])
        self.assertNotIn(2, [d["n"] for d in self.db.workitems.find({"leaseToken": {"$ne": None}})])
        self.assertIn(1, [d["n"] for d in self.db.workitems.find({"leaseToken": {"$ne": None}})])

    def test_side_quirks(self):
        """Where nx-27017 0.8.1 departs from MongoDB (mongod, mongomock); the target relies on neither."""
        oid = ObjectId()
        self.db.obms.insert_one({"_id": oid, "node": oid, "service": "x", "tags": ["a", "b"], "gone": None})
        quirk = self.NX_QUIRKS
        self.assertEqual(self.db.obms.find_one({"node": oid}) is None, quirk, "ObjectId equality off _id")
        self.assertEqual(
            self.db.obms.find_one({"_id": str(oid)}) is not None, quirk, "hex string matches an ObjectId _id"
        )
        self.assertEqual(
            self.db.obms.find_one({"absent": {"$ne": None}}) is not None, quirk, "$ne null on a missing field"
        )
        self.assertEqual(self.db.obms.find_one({"gone": {"$exists": True}}) is None, quirk, "$exists on a null field")
        self.assertEqual(self.db.obms.find_one({"tags": {"$ne": "a"}}) is not None, quirk, "$ne on an array field")
        self.assertIsNotNone(self.db.obms.find_one({"node": refers_to_node(str(oid))}), "the portable form")

    def test_node_references_stored_as_objectid_or_string(self):
        nid = ObjectId()
        self.db.obms.insert_many(
            [{"node": nid, "service": "a"}, {"node": str(nid), "service": "b"}, {"node": ObjectId(), "service": "c"}]
        )
        found = self.db.obms.find({"node": refers_to_node(str(nid))})
        self.assertEqual(sorted(d["service"] for d in found), ["a", "b"])
        clash = self.db.obms.find_one({"node": refers_to_node(str(nid)), "service": "a", "_id": {"$ne": ObjectId()}})
        self.assertEqual(clash["service"], "a")

    def test_projection_keeps_id_and_named_fields(self):
        self.db.workitems.insert_one({"name": IPMI_POLLER, "paused": False, "nextScheduled": None, "config": {"x": 1}})
        doc = self.db.workitems.find_one({}, {"paused": 1, "nextScheduled": 1})
        self.assertEqual(set(doc), {"_id", "paused", "nextScheduled"})

    def test_find_node_by_id_mac_and_lookup(self):
        """documents.find_node: the target's node lookup (equality on ``nodes.identifiers``)."""
        seeder = MongoSeeder(self.db)
        self.addCleanup(seeder.cleanup)
        nid = seeder.node(name="n1", identifiers=["52-54-00-AA-BB-01"])
        seeder.lookup(nid, "52:54:00:aa:bb:09", ip="172.31.128.9")
        for identifier in (nid, MAC, MAC.upper(), "52:54:00:aa:bb:09", "172.31.128.9"):
            node = find_node(self.db, identifier)
            self.assertIsNotNone(node, identifier)
            self.assertEqual(str(node["_id"]), nid)
        self.assertIsNone(find_node(self.db, str(ObjectId())))
        self.assertIsNone(find_node(self.db, MAC, by_id_only=True))

    def test_lookups_upsert_set_ip_and_find_by_term(self):
        nid = str(ObjectId())
        upsert_node_to_mac(self.db, nid, "52-54-00-AA-BB-01")
        set_ip(self.db, "172.31.128.5", MAC)
        set_ip(self.db, "172.31.128.5", "52:54:00:aa:bb:02")  # moves the address to the other MAC
        self.assertEqual([r["macAddress"] for r in find_by_term(self.db, "172.31.128.5")], ["52:54:00:aa:bb:02"])
        self.assertEqual([r["macAddress"] for r in find_by_term(self.db, nid)], [MAC])
        self.assertEqual(len(find_by_term(self.db, None)), 2)
        mine = of_node(self.db, nid)
        self.assertEqual((len(mine), mine[0].get("ipAddress")), (1, None))

    # -- updates ------------------------------------------------------------------------------------
    def test_update_operators(self):
        oid = self.db.nodes.insert_one({"name": "n", "tags": ["a"], "sku": "s", "relations": []}).inserted_id
        result = self.db.nodes.update_one({"_id": oid}, {"$set": {"name": "m", "obm.host": "h"}})
        self.assertEqual((result.matched_count, result.modified_count), (1, 1))
        self.db.nodes.update_one({"_id": oid}, {"$unset": {"sku": ""}})
        self.db.nodes.update_one({"_id": oid}, {"$push": {"tags": "b"}})
        self.db.nodes.update_one({"_id": oid}, {"$addToSet": {"tags": "a"}})
        self.db.nodes.update_one({"_id": oid}, {"$addToSet": {"tags": "c"}})
        self.db.nodes.update_one({"_id": oid}, {"$pull": {"tags": "b"}})
        doc = self.db.nodes.find_one({"_id": oid})
        self.assertEqual((doc["name"], doc["obm"], doc["tags"]), ("m", {"host": "h"}, ["a", "c"]))
        self.assertNotIn("sku", doc)
        missed = self.db.nodes.update_one({"_id": ObjectId()}, {"$set": {"name": "x"}})
        self.assertEqual((missed.matched_count, missed.modified_count), (0, 0))

    def test_update_many_replace_one_and_unset_cascade(self):
        nid = ObjectId()
        self.db.lookups.insert_many(
            [
                {"node": nid, "macAddress": MAC},
                {"node": nid, "macAddress": "m2"},
                {"node": ObjectId(), "macAddress": "m3"},
            ]
        )
        result = self.db.lookups.update_many({"node": refers_to_node(str(nid))}, {"$unset": {"node": ""}})
        self.assertEqual(result.modified_count, 2)
        self.assertEqual(self.db.lookups.count_documents({"node": {"$exists": True}}), 1)
        record = self.db.lookups.find_one({"macAddress": MAC})
        replaced = self.db.lookups.replace_one({"_id": record["_id"]}, {"macAddress": MAC, "ipAddress": "1.2.3.4"})
        self.assertEqual(replaced.matched_count, 1)
        again = self.db.lookups.find_one({"_id": record["_id"]})
        self.assertEqual(again, {"_id": record["_id"], "macAddress": MAC, "ipAddress": "1.2.3.4"})

    def test_find_one_and_update_returns_before_or_after(self):
        oid = self.db.graphobjects.insert_one({"_status": "pending", "n": 1}).inserted_id
        before = self.db.graphobjects.find_one_and_update({"_id": oid}, {"$set": {"_status": "running"}})
        self.assertEqual(before["_status"], "pending")
        after = self.db.graphobjects.find_one_and_update(
            {"_id": oid, "_status": "running"}, {"$set": {"_status": "succeeded"}}, return_document=ReturnDocument.AFTER
        )
        self.assertEqual(after["_status"], "succeeded")
        self.assertIsNone(
            self.db.graphobjects.find_one_and_update(
                {"_id": oid, "_status": "running"}, {"$set": {"_status": "failed"}}
            )
        )

    def test_delete_one_and_many(self):
        self.db.catalogs.insert_many([{"node": 1, "s": i} for i in range(3)] + [{"node": 2, "s": 9}])
        self.assertEqual(self.db.catalogs.delete_one({"node": 1}).deleted_count, 1)
        self.assertEqual(self.db.catalogs.delete_one({"node": 3}).deleted_count, 0)
        self.assertEqual(self.db.catalogs.delete_many({"node": 1}).deleted_count, 2)
        self.assertEqual([d["s"] for d in self.db.catalogs.find({})], [9])

    # -- sort, paging, counts -----------------------------------------------------------------------
    def test_sort_skip_limit_and_count(self):
        base = dt.datetime(2024, 1, 1, tzinfo=UTC)
        self.db.catalogs.insert_many(
            [
                {"_id": str(uuid.uuid4()), "source": "dmi", "i": i, "createdAt": base + dt.timedelta(seconds=i)}
                for i in (2, 0, 3, 1)
            ]
        )
        newest = list(self.db.catalogs.find({"source": "dmi"}).sort("createdAt", -1).limit(1))
        self.assertEqual([d["i"] for d in newest], [3])
        ordered = self.db.catalogs.find({}).sort([("i", ASCENDING)]).skip(1).limit(2)
        self.assertEqual([d["i"] for d in ordered], [1, 2])
        self.assertEqual([d["i"] for d in self.db.catalogs.find({}).sort("i", DESCENDING)], [3, 2, 1, 0])
        self.assertEqual(self.db.catalogs.count_documents({"i": {"$in": [0, 3, 7]}}), 2)
        self.assertEqual(self.db.catalogs.count_documents({}), 4)

    def test_sort_puts_missing_fields_first(self):
        self.db.nodes.insert_many([{"name": "b", "i": 1}, {"i": 2}, {"name": "a", "i": 3}])
        self.assertEqual([d["i"] for d in self.db.nodes.find({}).sort("name", 1)], [2, 3, 1])

    def test_find_listed_filters_pages_and_sorts(self):
        """queries.find_listed: the target's list endpoints (typed alternatives, $skip/$top, Link)."""
        for i in range(5):
            self.db.nodes.insert_one({"name": f"n{i}", "type": "compute", "autoDiscover": i % 2 == 0})
        self.db.nodes.insert_one({"name": "sw", "type": "switch", "autoDiscover": "true"})
        docs, headers = find_listed(
            self.db.nodes,
            MultiDict([("type", "compute"), ("sort", "-name"), ("$skip", "1"), ("$top", "2")]),
            "/api/2.0/nodes",
        )
        self.assertEqual([d["name"] for d in docs], ["n3", "n2"])
        self.assertIn('rel="next"', headers["Link"])
        self.assertIn("$skip=4", headers["Link"])  # last page of 5 by 2
        docs, _ = find_listed(self.db.nodes, MultiDict([("autoDiscover", "true")]), "/api/2.0/nodes")
        self.assertEqual(sorted(d["name"] for d in docs), ["n0", "n2", "n4", "sw"])
        docs, _ = find_listed(self.db.nodes, MultiDict([("$top", "0")]), "/api/2.0/nodes")
        self.assertEqual(docs, [])

    # -- datetimes ----------------------------------------------------------------------------------
    def test_inserted_datetimes_round_trip_as_aware_utc_milliseconds(self):
        stamp = dt.datetime(2021, 1, 1, 12, 30, 15, 250999, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        self.db.nodes.insert_one({"_id": 1, "createdAt": stamp, "nested": {"at": stamp}})
        stored = self.db.nodes.find_one({"_id": 1})
        want = dt.datetime(2021, 1, 1, 10, 30, 15, 250000, tzinfo=UTC)
        for value in (stored["createdAt"], stored["nested"]["at"]):
            self.assertIsInstance(value, dt.datetime)
            self.assertEqual(value, want)
            self.assertEqual(value.utcoffset(), dt.timedelta(0))
        self.assertEqual(iso(stored["createdAt"]), "2021-01-01T10:30:15.250Z")
        later = self.db.nodes.find({"createdAt": {"$gt": want - dt.timedelta(seconds=1)}})
        self.assertEqual([d["_id"] for d in later], [1])

    def test_set_datetime_reads_back_through_the_targets_tolerant_reading(self):
        stamp = dt.datetime(2021, 1, 1, 12, 30, 15, 250000, tzinfo=UTC)
        self.db.nodes.insert_one({"_id": 1})
        self.db.nodes.update_one({"_id": 1}, {"$set": {"updatedAt": stamp, "nested": {"at": stamp}}})
        stored = self.db.nodes.find_one({"_id": 1})
        self.assertIsInstance(stored["updatedAt"], self.SET_DATETIME_TYPE, "see SET_DATETIME_TYPE")
        self.assertEqual(iso(stored["updatedAt"]), "2021-01-01T12:30:15.250Z")
        self.assertEqual(as_datetime(stored["updatedAt"]), stamp)
        self.assertEqual(stored["nested"]["at"], stamp, "a nested datetime stays a datetime on every side")

    def test_workitem_store_bookkeeping(self):
        """pollers.store.WorkitemStore: create, lease, finish, release; datetimes via as_datetime."""
        store = WorkitemStore(self.db)
        nid = str(ObjectId())
        doc = store.create(IPMI_POLLER, 1000, nid, {"command": "power"})
        self.assertEqual([d["_id"] for d in store.for_node(nid, (IPMI_POLLER,))], [doc["_id"]])
        token = store.started(doc)
        leased = store.get(str(doc["_id"]))
        self.assertEqual(leased["leaseToken"], token)
        started, expires = as_datetime(leased["lastStarted"]), as_datetime(leased["leaseExpires"])
        self.assertEqual(expires - started, dt.timedelta(seconds=15))
        self.assertEqual(store.release_leases(), 1)
        self.assertEqual(store.release_leases(), 0)
        store.finished(store.get(str(doc["_id"])), succeeded=False)
        done = store.get(str(doc["_id"]))
        self.assertEqual((done["failureCount"], done["state"], done["leaseToken"]), (1, "inaccessible", None))
        self.assertEqual(
            as_datetime(done["nextScheduled"]) - as_datetime(done["lastFinished"]), dt.timedelta(seconds=1)
        )
        self.assertEqual([d["_id"] for d in store.runnable()], [doc["_id"]])
        self.assertEqual(store.update(str(doc["_id"]), {"paused": True})["paused"], True)
        self.assertEqual(store.runnable(), [])
        self.assertTrue(store.delete(str(doc["_id"])))
        self.assertFalse(store.delete(str(doc["_id"])))

    # -- the seeder, by URL -------------------------------------------------------------------------
    def test_seeder_from_url_meets_the_same_data_and_cleans_up(self):
        with MongoSeeder.from_url(self.url, self.db.name) as seeder:
            nid = seeder.node(name="seeded", identifiers=[MAC])
            seeder.obm(nid, "ipmi-obm-service", {"host": "10.0.0.5", "user": "admin", "password": "pw"})
            seeder.catalog(nid, "dmi", {"System Information": {}})
            seeder.sku("sku-1", [{"path": "dmi.x", "equals": "y"}])
            seeder.tag("tag-1", [{"path": "dmi.x", "equals": "y"}])
            self.assertEqual(str(find_node(self.db, MAC)["_id"]), nid, "seen through another connection")
            self.assertEqual(self.db.obms.find_one({"node": refers_to_node(nid)})["service"], "ipmi-obm-service")
            self.assertIsInstance(self.db.catalogs.find_one({})["_id"], str)
        self.assertEqual(sum(self.db[c].count_documents({}) for c in ("nodes", "obms", "catalogs", "skus", "tags")), 0)


class UnreachableMongoTest(unittest.TestCase):
    def test_ping_fails_in_time_with_the_password_masked(self):
        with self.assertRaises(ServiceUnavailable) as caught:
            connect("mongodb://rackhd:s3cret@127.0.0.1:9/", "pxe", timeout=0.3)
        self.assertIn("mongodb://rackhd:***@127.0.0.1:9/", str(caught.exception))
        self.assertNotIn("s3cret", str(caught.exception))


# -- the sides ---------------------------------------------------------------------------------------
class _RealMongo:
    ENGINE = None

    @classmethod
    def setUpClass(cls):
        directory = reachable_temp_dir(f"rh-contract-{cls.ENGINE}-")
        cls.addClassCleanup(remove_tree, directory)
        (port,) = free_ports(1)
        service = MongoService(
            port, directory / "mongo", directory / "logs", engine=cls.ENGINE, layer=getattr(cls, "LAYER", True)
        )
        cls.url = start_for_class(cls, service, 30).url
        cls.db = connect(cls.url, "contract", timeout=5.0)
        cls.addClassCleanup(cls.db.client.close)


class NxContractTest(MongoContract, _RealMongo, unittest.TestCase):
    """The bare engine, without rackharness's store layer."""

    ENGINE = NX_27017
    LAYER = False
    SET_DATETIME_TYPE = str  # nx-27017 0.8.1's $set-datetime defect
    NX_QUIRKS = True


class StoreContractTest(MongoContract, _RealMongo, unittest.TestCase):
    """nx-27017 inside rackharness's store layer (what the stack runs): MongoDB's query semantics."""

    ENGINE = NX_27017
    SET_DATETIME_TYPE = str  # the layer leaves $set's datetime storage to the engine


class MongodContractTest(MongoContract, _RealMongo, unittest.TestCase):
    ENGINE = MONGOD


class MongomockContractTest(MongoContract, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.url = f"mongomock://contract-{uuid.uuid4().hex[:8]}"
        try:
            cls.db = connect(cls.url, "contract")
        except PrerequisiteError as exc:
            _skip(cls, exc)
        cls.addClassCleanup(forget, cls.url)


if __name__ == "__main__":
    unittest.main()
