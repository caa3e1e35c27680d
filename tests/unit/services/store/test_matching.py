"""The store layer's MongoDB query evaluator and the plain-filter rule (rackharness/services/store)."""

import datetime as dt
import unittest

from bson import ObjectId, Regex

from rackharness.services.store import matching
from rackharness.services.store.handler import _seed, plain_filter

M = matching.matches


class MatchingTest(unittest.TestCase):
    def test_equality_arrays_null_and_documents(self):
        self.assertTrue(M({"ids": ["a", "b"]}, {"ids": "b"}))
        self.assertTrue(M({"ids": ["a", "b"]}, {"ids": ["a", "b"]}))
        self.assertFalse(M({"ids": ["a", "b"]}, {"ids": ["b", "a"]}))
        self.assertTrue(M({}, {"f": None}))
        self.assertTrue(M({"f": None}, {"$or": [{"f": None}, {"g": 1}]}))
        self.assertFalse(M({"f": 0}, {"f": None}))
        self.assertTrue(M({"d": {}}, {"d": {}}))
        self.assertFalse(M({"d": {"a": 1}}, {"d": {}}))
        self.assertFalse(M({}, {"d": {}}))
        self.assertFalse(M({"d": {"a": 1, "b": 2}}, {"d": {"b": 2, "a": 1}}), "document equality keeps key order")
        self.assertTrue(M({"n": 1}, {"n": 1.0}))
        self.assertFalse(M({"n": True}, {"n": 1}))

    def test_objectid_off_id_and_string_apart(self):
        oid = ObjectId()
        self.assertTrue(M({"node": oid}, {"node": oid}))
        self.assertFalse(M({"node": str(oid)}, {"node": oid}))
        self.assertFalse(M({"_id": oid}, {"_id": str(oid)}))

    def test_regexes(self):
        rx = Regex(r"^pollers\.ipmi$", "i")
        self.assertTrue(M({"n": "Pollers.IPMI"}, {"n": rx}))
        self.assertTrue(M({"n": ["x", "pollers.ipmi"]}, {"n": rx}))
        self.assertTrue(M({"n": "Pollers.IPMI"}, {"n": {"$in": [rx]}}))
        self.assertFalse(M({"n": "Pollers.IPMI"}, {"n": {"$nin": [rx]}}))
        self.assertTrue(M({}, {"n": {"$not": rx}}))
        self.assertTrue(M({"n": ["pollers.ipmi"]}, {"n": {"$elemMatch": rx}}))
        self.assertTrue(M({"n": "abc"}, {"n": {"$regex": "B", "$options": "i"}}))

    def test_operators(self):
        doc = {"a": 5, "tags": ["x", "y"], "sub": [{"k": 1}, {"k": 2}], "gone": None}
        self.assertTrue(M(doc, {"a": {"$gt": 4, "$lte": 5}}))
        self.assertFalse(M(doc, {"a": {"$gt": "4"}}), "comparisons stay within a type")
        self.assertTrue(M(doc, {"sub.k": 2}))
        self.assertTrue(M(doc, {"sub": {"$elemMatch": {"k": {"$gt": 1}}}}))
        self.assertTrue(M(doc, {"tags": {"$size": 2, "$all": ["y", "x"]}}))
        self.assertFalse(M(doc, {"tags": {"$ne": "x"}}), "$ne on an array: no element equals")
        self.assertTrue(M(doc, {"gone": {"$exists": True}}))
        self.assertFalse(M(doc, {"missing": {"$exists": True}}))
        self.assertFalse(M(doc, {"missing": {"$ne": None}}))
        self.assertTrue(M(doc, {"$nor": [{"a": 4}], "$and": [{"a": 5}]}))
        with self.assertRaises(matching.Unsupported):
            M(doc, {"$where": "true"})

    def test_expr(self):
        q = {"$expr": {"$eq": ["$dependencies", {}]}}
        self.assertTrue(M({"dependencies": {}}, q))
        self.assertFalse(M({"dependencies": {"a": 1}}, q))
        self.assertFalse(M({}, q))

    def test_sort(self):
        import functools

        docs = [{"t": dt.datetime(2021, 1, 2)}, {"t": dt.datetime(2021, 1, 1)}, {}]
        docs.sort(key=functools.cmp_to_key(matching.sort_key_compare([("t", -1)])))
        self.assertEqual(docs[0], {"t": dt.datetime(2021, 1, 2)})
        self.assertEqual(docs[-1], {})


class PlainFilterTest(unittest.TestCase):
    def test_only_what_the_engine_gets_right(self):
        self.assertTrue(plain_filter({}, set()))
        self.assertTrue(plain_filter({"state": "pending", "n": 3, "x": {"$in": ["a"]}}, set()))
        self.assertTrue(plain_filter({"_id": ObjectId()}, set()))
        for query in (
            {"f": None},
            {"f": {}},
            {"f": True},
            {"f": ObjectId()},
            {"f": Regex("a")},
            {"a.b": 1},
            {"$or": [{"a": 1}]},
            {"_id": "hex"},
            {"f": {"$ne": 1}},
            {"f": ""},
        ):
            self.assertFalse(plain_filter(query, set()), query)
        self.assertFalse(plain_filter({"identifiers": "mac"}, {"identifiers"}), "indexed field")

    def test_upsert_seed(self):
        self.assertEqual(
            _seed({"a": 1, "b": {"$eq": 2}, "c": {"$gt": 1}, "$and": [{"d.e": 3}], "r": Regex("x")}),
            {"a": 1, "b": 2, "d": {"e": 3}},
        )


if __name__ == "__main__":
    unittest.main()
