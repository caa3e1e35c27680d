"""The nine forms RackHD's old Mongo drivers send that nx-27017 0.8.1 got wrong
(../shared/notes/real-rackhd.md, "What RackHD's Mongo drivers send"), checked against MongoDB's
documented semantics, each as RackHD sends it: OP_QUERY, on ``<db>.$cmd`` for commands.

``StoreFormsTest`` runs them against the store the stack starts (nx-27017 inside rackharness's
layer): all must pass. ``BareEngineFormsTest`` measures the bare engine and pins which forms it
gets wrong (``BARE_WRONG``): when that set shrinks, nx-27017 was fixed and the layer's correction
for that form can go (docs/store.md).
"""

import sys
import unittest

from bson import ObjectId, Regex

from tests.functional.store.support import WireClient, start_store

DB = "conf"
MAC = "52:54:00:aa:bb:cc"


def _ids(docs):
    return sorted(str(d["_id"]) for d in docs)


def _seed(store, coll, docs):
    """Through pymongo (OP_MSG): seeding is not the form under test."""
    store.client[DB][coll].drop()
    store.client[DB][coll].insert_many(docs)


def _find(store, coll, query):
    reply = store.wire.command(DB, {"find": coll, "filter": query})
    assert reply.get("ok") == 1, reply
    return _ids(reply["cursor"]["firstBatch"])


def form_1_commands_as_op_query_on_cmd(t, store):
    """Every command as OP_QUERY on <db>.$cmd, the database from the namespace (no $db), insert included."""
    reply = store.wire.command(DB, {"insert": "f1", "documents": [{"_id": "a", "v": 1}, {"_id": "b", "v": 2}]})
    t.assertEqual((reply.get("ok"), reply.get("n")), (1, 2), reply)
    t.assertEqual(sorted(d["_id"] for d in store.client[DB].f1.find()), ["a", "b"], "stored in conf, not test")
    t.assertEqual(store.wire.command(DB, {"count": "f1", "query": {}}).get("n"), 2)
    reply = store.wire.command(DB, {"update": "f1", "updates": [{"q": {"_id": "a"}, "u": {"$set": {"v": 5}}}]})
    t.assertEqual((reply.get("ok"), reply.get("n")), (1, 1), reply)
    t.assertEqual(store.client[DB].f1.find_one({"_id": "a"})["v"], 5)
    reply = store.wire.command(DB, {"delete": "f1", "deletes": [{"q": {"_id": "b"}, "limit": 1}]})
    t.assertEqual((reply.get("ok"), reply.get("n")), (1, 1), reply)
    hello = store.wire.command("admin", {"ismaster": True})
    t.assertEqual((hello.get("ok"), hello.get("ismaster")), (1, True), hello)


def form_2_findandmodify_lower_case(t, store):
    _seed(store, "f2", [{"_id": 1, "injectableName": "Task.A", "v": 0}])
    reply = store.wire.command(
        DB,
        {
            "findandmodify": "f2",
            "query": {"injectableName": "Task.A"},
            "update": {"$set": {"v": 1}},
            "new": True,
            "upsert": False,
            "sort": {},
        },
    )
    t.assertEqual(reply.get("ok"), 1, reply)
    t.assertEqual((reply.get("value") or {}).get("v"), 1, reply)
    t.assertTrue(reply.get("lastErrorObject", {}).get("updatedExisting"), reply)
    reply = store.wire.command(
        DB,
        {
            "findandmodify": "f2",
            "query": {"injectableName": "Task.B"},
            "update": {"$set": {"v": 2}},
            "new": True,
            "upsert": True,
        },
    )
    t.assertEqual(((reply.get("value") or {}).get("injectableName"), reply["value"].get("v")), ("Task.B", 2), reply)
    t.assertEqual(store.client[DB].f2.count_documents({}), 2)


def form_3_regexes(t, store):
    _seed(
        store,
        "f3",
        [
            {"_id": 1, "name": "Pollers.IPMI"},
            {"_id": 2, "name": ["x", "pollers.ipmi"]},
            {"_id": 3, "name": "other"},
            {"_id": 4},
        ],
    )
    rx = Regex(r"^Pollers\.IPMI$", "i")
    t.assertEqual(_find(store, "f3", {"name": rx}), ["1", "2"], "regex, array elements too")
    t.assertEqual(_find(store, "f3", {"name": {"$in": [rx, "other"]}}), ["1", "2", "3"], "regex in $in")
    t.assertEqual(_find(store, "f3", {"name": {"$nin": [rx]}}), ["3", "4"], "regex in $nin")
    t.assertEqual(_find(store, "f3", {"name": {"$not": rx}}), ["3", "4"], "regex in $not")
    t.assertEqual(
        _find(store, "f3", {"$or": [{"name": rx}, {"name": {"$elemMatch": rx}}]}),
        ["1", "2"],
        "waterline's $or of a regex and $elemMatch",
    )


def form_4_null_matches_missing(t, store):
    _seed(store, "f4", [{"_id": 1, "lease": None}, {"_id": 2}, {"_id": 3, "lease": "t"}])
    t.assertEqual(_find(store, "f4", {"lease": None}), ["1", "2"])
    t.assertEqual(_find(store, "f4", {"$or": [{"lease": None}, {"_id": 3}]}), ["1", "2", "3"])
    t.assertEqual(_find(store, "f4", {"lease": {"$ne": None}}), ["3"])


def form_5_index_on_array_field(t, store):
    _seed(store, "f5", [{"_id": 1, "identifiers": [MAC, "serial-1"]}, {"_id": 2, "identifiers": ["other"]}])
    reply = store.wire.command(
        DB, {"createIndexes": "f5", "indexes": [{"key": {"identifiers": 1}, "name": "identifiers_1"}]}
    )
    t.assertEqual(reply.get("ok"), 1, reply)
    t.assertEqual(_find(store, "f5", {"identifiers": MAC}), ["1"], "equality on the indexed array field")
    t.assertEqual(_find(store, "f5", {"identifiers": {"$in": [MAC]}}), ["1"])


def form_6_legacy_op_query_find(t, store):
    _seed(
        store,
        "f6",
        [
            {"_id": 1, "name": "a", "lease": None, "deps": {}},
            {"_id": 2, "name": "B", "deps": {"x": 1}},
            {"_id": 3, "name": "c", "lease": "t"},
        ],
    )
    find = store.wire.find
    t.assertEqual(_ids(find(DB, "f6", {"name": Regex("^b$", "i")})), ["2"], "regex")
    t.assertEqual(_ids(find(DB, "f6", {"lease": None})), ["1", "2"], "null")
    t.assertEqual(_ids(find(DB, "f6", {"deps": {}})), ["1"], "empty document")
    ordered = find(DB, "f6", {"$query": {"lease": None}, "$orderby": {"_id": -1}})
    t.assertEqual([d["_id"] for d in ordered], [2, 1], "$query/$orderby")
    t.assertEqual(
        [d["_id"] for d in find(DB, "f6", {"$query": {}, "$orderby": {"_id": 1}}, 1, -1)],
        [2],
        "skip 1, numberToReturn -1",
    )


def form_7_empty_document_equality(t, store):
    _seed(
        store,
        "f7",
        [
            {"_id": 1, "dependencies": {}},
            {"_id": 2, "dependencies": {"a": "finished"}},
            {"_id": 3},
            {"_id": 4, "dependencies": None},
        ],
    )
    t.assertEqual(_find(store, "f7", {"dependencies": {}}), ["1"])
    t.assertEqual(_find(store, "f7", {"dependencies": {"a": "finished"}}), ["2"])


def form_8_objectid_off_id(t, store):
    graph, other = ObjectId(), ObjectId()
    _seed(store, "f8", [{"_id": 1, "node": graph}, {"_id": 2, "node": other}, {"_id": 3, "node": str(graph)}])
    t.assertEqual(_find(store, "f8", {"node": graph}), ["1"])
    t.assertEqual(_find(store, "f8", {"node": {"$in": [graph]}}), ["1"])
    reply = store.wire.command(DB, {"count": "f8", "query": {"node": graph}})
    t.assertEqual(reply.get("n"), 1, reply)


def form_9_unique_index_with_null(t, store):
    _seed(store, "f9", [{"_id": 1, "macAddress": MAC}])
    reply = store.wire.command(
        DB,
        {
            "createIndexes": "f9",
            "indexes": [{"key": {"ipAddress": 1, "macAddress": 1}, "name": "macAddress_1_ipAddress_1", "unique": True}],
        },
    )
    t.assertEqual(reply.get("ok"), 1, reply)
    reply = store.wire.command(DB, {"insert": "f9", "documents": [{"_id": 2, "macAddress": MAC}]})
    t.assertEqual([e.get("code") for e in reply.get("writeErrors", [])], [11000], reply)
    reply = store.wire.command(DB, {"insert": "f9", "documents": [{"_id": 3, "macAddress": MAC, "ipAddress": None}]})
    t.assertEqual([e.get("code") for e in reply.get("writeErrors", [])], [11000], "null equals missing: " + str(reply))
    reply = store.wire.command(
        DB, {"insert": "f9", "documents": [{"_id": 4, "macAddress": MAC, "ipAddress": "10.1.1.1"}]}
    )
    t.assertEqual((reply.get("n"), reply.get("writeErrors")), (1, None), reply)
    reply = store.wire.command(DB, {"update": "f9", "updates": [{"q": {"_id": 4}, "u": {"$unset": {"ipAddress": ""}}}]})
    t.assertEqual([e.get("code") for e in reply.get("writeErrors", [])], [11000], "update to a clash: " + str(reply))
    t.assertEqual(store.client[DB].f9.find_one({"_id": 4})["ipAddress"], "10.1.1.1", "the refused update left no trace")
    t.assertEqual(store.client[DB].f9.count_documents({}), 2)


FORMS = [
    form_1_commands_as_op_query_on_cmd,
    form_2_findandmodify_lower_case,
    form_3_regexes,
    form_4_null_matches_missing,
    form_5_index_on_array_field,
    form_6_legacy_op_query_find,
    form_7_empty_document_equality,
    form_8_objectid_off_id,
    form_9_unique_index_with_null,
]


class StoreFormsTest(unittest.TestCase):
    """Each form against the store the stack runs (the layer around nx-27017)."""

    @classmethod
    def setUpClass(cls):
        cls.store = start_store(cls, layer=True)


for _form in FORMS:

    def _test(self, form=_form):
        form(self, self.store)

    _test.__doc__ = _form.__doc__
    setattr(StoreFormsTest, f"test_{_form.__name__}", _test)


#: the forms bare nx-27017 0.8.1 gets wrong, as measured by BareEngineFormsTest on 2026-12-03 - all nine:
#: 1 an OP_QUERY command without $db runs in database "test" (insert: n 0); 2, 3 and 6 get no OP_REPLY
#: at all (the engine fails on ``findandmodify``, on a BSON regex in a command, on a legacy find); 4 null
#: inside $or misses the null-valued document; 5 equality on an indexed array field finds nothing;
#: 7 {f: {}} matches every document; 8 {f: ObjectId} matches the hex *string*, not the ObjectId;
#: 9 the unique index lets a second (mac, missing ip) in.
BARE_WRONG = [form.__name__ for form in FORMS]


class BareEngineFormsTest(unittest.TestCase):
    """Measures bare nx-27017 0.8.1 on the nine forms; pins which it gets wrong (see module docstring)."""

    @classmethod
    def setUpClass(cls):
        cls.store = start_store(cls, layer=False)

    def test_which_forms_bare_nx_27017_gets_wrong(self):
        wrong = {}
        for form in FORMS:
            self.store.wire.close()  # a fresh connection: a form the engine does not answer desyncs it
            self.store.wire = WireClient(self.store.service.port, timeout=3.0)
            self.store.wire.add_db = form is not form_1_commands_as_op_query_on_cmd
            try:
                form(self, self.store)
            except TimeoutError:
                wrong[form.__name__] = "no OP_REPLY within 3 s (the engine failed on the request)"
            except Exception as exc:  # noqa: BLE001 - an AssertionError, or a protocol failure
                wrong[form.__name__] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
        print("\nbare nx-27017 0.8.1, forms wrong:", file=sys.stderr)
        for name, why in wrong.items():
            print(f"  {name}: {why}", file=sys.stderr)
        if BARE_WRONG is not None:
            self.assertEqual(
                sorted(wrong),
                sorted(BARE_WRONG),
                "bare nx-27017 changed: a form it got wrong is right now (drop that correction "
                "from rackharness/services/store) or a new one broke",
            )


if __name__ == "__main__":
    unittest.main()
