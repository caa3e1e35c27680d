"""Every command shape RackHD 2.60.7 sent to its store (../shared/rackhd-captures/mongo-commands.jsonl.gz,
1,866 shapes), replayed as RackHD sends it (OP_QUERY on ``<db>.$cmd``, no ``$db``) against the store
the stack runs, and checked against an independent evaluation: mongomock (installed), fed the same
documents and the same operations through its pymongo-like API.

Per collection (one group), the store and mongomock are seeded alike with the documents RackHD
inserted (the captured inserts) and one document per query shape built from that query's equality
fields (so the queries find something); then every shape of the collection is replayed in capture
order on both. Checked for each: the store answers (an OP_REPLY, no protocol error) ``ok: 1``, or
the error MongoDB gives (``getMore`` of a cursor that does not exist: CursorNotFound; a duplicate
key as a write error) - and, where mongomock evaluates the form: the same documents found (``find``),
the same ``n`` (``count``, ``update``, ``delete``), the same document (``findAndModify``), and in
the end the same set of ``_id``s in the collection.

mongomock's own gaps (where it is not an oracle) are listed in ``ORACLE_GAPS`` and printed; those
shapes are still required to answer ``ok: 1``.
"""

from __future__ import annotations

import collections
import sys
import time
import unittest

import mongomock
import pymongo
from bson import ObjectId, Regex

from tests.functional.store.support import WireClient, load_captures, start_store

#: CursorNotFound: a captured getMore names a cursor of the recorded run
CURSOR_NOT_FOUND = 43


def _eq_fields(query):
    """The fields an equality query pins (top level, ``$and``, ``$eq``, single-value ``$in``)."""
    out = {}
    for key, cond in (query or {}).items():
        if key == "$and":
            for part in cond:
                out.update(_eq_fields(part))
        elif key == "$or" and cond:
            out.update(_eq_fields(cond[0]))
        elif key.startswith("$") or "." in key or isinstance(cond, Regex):
            continue
        elif isinstance(cond, dict) and cond and next(iter(cond)).startswith("$"):
            if "$eq" in cond:
                out[key] = cond["$eq"]
            elif isinstance(cond.get("$in"), list) and cond["$in"] and not isinstance(cond["$in"][0], Regex):
                out[key] = cond["$in"][0]
        else:
            out[key] = cond
    return out


def _filter_of(name, cmd):
    if name == "find":
        return [cmd.get("filter") or {}]
    if name == "count":
        return [cmd.get("query") or {}]
    if name == "findandmodify":
        return [cmd.get("query") or {}]
    if name == "update":
        return [u.get("q") or {} for u in cmd.get("updates", [])]
    if name == "delete":
        return [d.get("q") or {} for d in cmd.get("deletes", [])]
    return []


def _ids(docs):
    return sorted(repr(d.get("_id")) for d in docs)


class CapturedShapesTest(unittest.TestCase):
    """All captured shapes, grouped by collection, against the layered store and mongomock."""

    @classmethod
    def setUpClass(cls):
        cls.shapes = load_captures(cls)
        cls.store = start_store(cls, layer=True)
        cls.stats = collections.Counter()
        cls.gaps = collections.Counter()

    @classmethod
    def tearDownClass(cls):
        print(
            f"\ncaptured shapes replayed: {dict(cls.stats)}; mongomock gaps (store still ok: 1): {dict(cls.gaps)}",
            file=sys.stderr,
        )

    def _seed(self, db_name, coll, shapes, oracle):
        docs, seen = [], set()
        for shape in shapes:
            cmd = shape["example"]["command"]
            if shape["name"] == "insert":
                docs.extend(cmd.get("documents", []))
            for query in _filter_of(shape["name"], cmd):
                fields = _eq_fields(query)
                key = repr(sorted(fields.items()))
                if fields and key not in seen:
                    seen.add(key)
                    docs.append(
                        {"_id": fields.get("_id", ObjectId()), **{k: v for k, v in fields.items() if k != "_id"}}
                    )
        # documents RackHD could have stored: none may clash on a unique index it creates
        unique_keys = [
            list(i["key"])
            for shape in shapes
            if shape["name"] == "createIndexes"
            for i in shape["example"]["command"]["indexes"]
            if i.get("unique")
        ]
        for n, doc in enumerate(docs):
            for fields in unique_keys:
                for field in fields:
                    doc.setdefault(field, f"seed-{n}-{field}")
        unique, ids = [], set()
        for doc in docs:
            if repr(doc["_id"]) not in ids:
                ids.add(repr(doc["_id"]))
                unique.append(doc)
        self.store.client[db_name][coll].drop()
        if unique:
            self.store.client[db_name][coll].insert_many(unique)
            oracle[coll].insert_many([dict(d) for d in unique])
        return len(unique)

    def test_every_captured_shape(self):
        began = time.monotonic()
        groups = collections.defaultdict(list)
        for shape in self.shapes:
            groups[
                (shape["example"]["db"], shape["collection"] or shape["example"]["command"].get("collection", ""))
            ].append(shape)
        failures = []
        for (db_name, coll), shapes in sorted(groups.items()):
            oracle = mongomock.MongoClient()[db_name]
            if coll:
                self._seed(db_name, coll, shapes, oracle)
            for shape in shapes:
                try:
                    self._replay(db_name, coll, shape, oracle)
                except AssertionError as exc:
                    failures.append(
                        f"{shape['name']} {coll}: {str(exc)[:300]}\n    {shape['example']['command']!r:.300}"
                    )
            if coll:
                store_ids = _ids(self.store.client[db_name][coll].find({}, {"_id": 1}))
                if not self.gaps.get(coll) and store_ids != _ids(oracle[coll].find({}, {"_id": 1})):
                    failures.append(f"{coll}: the collection ends with other documents than mongomock's")
        seconds = time.monotonic() - began
        print(f"\n{len(self.shapes)} shapes in {len(groups)} groups replayed in {seconds:.1f}s", file=sys.stderr)
        self.assertEqual(failures, [], f"{len(failures)} shape(s) departed:\n" + "\n".join(failures[:20]))

    def _replay(self, db_name, coll, shape, oracle):
        name, cmd = shape["name"], dict(shape["example"]["command"])
        # the captures keep keys sorted; a driver sends the command name first (MongoDB reads the first key)
        cmd = {name: cmd[name], **{k: v for k, v in cmd.items() if k != name}}
        try:
            reply = self.store.wire.command(db_name, cmd)
        except (OSError, ConnectionError) as exc:  # no OP_REPLY: a protocol failure
            self.store.wire.close()
            self.store.wire = WireClient(self.store.service.port)
            log = self.store.service.console_log
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise AssertionError(f"no answer ({exc}); store log:\n{tail}") from None
        self.stats[name] += 1
        if name == "getMore":
            self.assertEqual((reply.get("ok"), reply.get("code")), (0, CURSOR_NOT_FOUND), reply)
            return
        self.assertEqual(reply.get("ok"), 1, reply)
        if name == "ismaster":
            return
        try:
            expected = self._oracle(name, cmd, oracle[coll])
        except NotImplementedError as exc:
            self.gaps[f"{name}: {exc}"[:80]] += 1
            return
        if name == "find":
            self.assertEqual(_ids(reply["cursor"]["firstBatch"]), _ids(expected), "find")
        elif name in ("count", "update", "delete"):
            self.assertEqual(reply.get("n"), expected, name)
        elif name == "findandmodify":
            got = reply.get("value")
            self.assertEqual(got is None, expected is None, f"findandmodify: {got!r:.200} vs {expected!r:.200}")
            if got is not None:
                self.assertEqual(sorted(got), sorted(expected), "findandmodify: the fields returned")
                self.assertEqual(repr(got.get("_id")), repr(expected.get("_id")), "findandmodify")
        elif name == "insert":
            self.assertEqual([e.get("code") for e in reply.get("writeErrors", [])], expected, "insert")

    @staticmethod
    def _oracle(name, cmd, coll):
        """The same operation through mongomock's API; NotImplementedError where mongomock cannot."""
        try:
            if name == "find":
                cursor = coll.find(cmd.get("filter") or {}, cmd.get("projection") or None)
                if cmd.get("sort"):
                    cursor = cursor.sort(list(cmd["sort"].items()))
                if cmd.get("skip"):
                    cursor = cursor.skip(cmd["skip"])
                if cmd.get("limit"):
                    cursor = cursor.limit(abs(cmd["limit"]))
                return list(cursor)
            if name == "count":
                return coll.count_documents(cmd.get("query") or {})
            if name == "delete":
                n = 0
                for stmt in cmd.get("deletes", []):
                    op = coll.delete_one if stmt.get("limit") else coll.delete_many
                    n += op(stmt.get("q") or {}).deleted_count
                return n
            if name == "update":
                n = 0
                for stmt in cmd.get("updates", []):
                    u = stmt.get("u") or {}
                    if not any(k.startswith("$") for k in u):
                        result = coll.replace_one(stmt.get("q") or {}, u, upsert=bool(stmt.get("upsert")))
                    elif stmt.get("multi"):
                        result = coll.update_many(stmt.get("q") or {}, u, upsert=bool(stmt.get("upsert")))
                    else:
                        result = coll.update_one(stmt.get("q") or {}, u, upsert=bool(stmt.get("upsert")))
                    n += result.matched_count + (1 if result.upserted_id is not None else 0)
                return n
            if name == "findandmodify":
                sort = list((cmd.get("sort") or {}).items()) or None
                fields = cmd.get("fields") or None
                if cmd.get("remove"):
                    return coll.find_one_and_delete(cmd.get("query") or {}, projection=fields, sort=sort)
                u = cmd.get("update") or {}
                after = pymongo.ReturnDocument.AFTER if cmd.get("new") else pymongo.ReturnDocument.BEFORE
                op = coll.find_one_and_update if any(k.startswith("$") for k in u) else coll.find_one_and_replace
                return op(
                    cmd.get("query") or {},
                    u,
                    projection=fields,
                    sort=sort,
                    upsert=bool(cmd.get("upsert")),
                    return_document=after,
                )
            if name == "insert":
                try:
                    coll.insert_many([dict(d) for d in cmd.get("documents", [])], ordered=cmd.get("ordered", True))
                except mongomock.BulkWriteError as exc:
                    return [e.get("code") for e in exc.details.get("writeErrors", [])]
                return []
            if name == "createIndexes":
                for index in cmd.get("indexes", []):
                    coll.create_index(
                        list(index["key"].items()), name=index.get("name"), unique=bool(index.get("unique"))
                    )
                return None
        except (mongomock.OperationFailure, NotImplementedError, TypeError, ValueError) as exc:
            raise NotImplementedError(f"{type(exc).__name__}: {exc}") from exc
        raise NotImplementedError(f"no oracle for {name}")


if __name__ == "__main__":
    unittest.main()
