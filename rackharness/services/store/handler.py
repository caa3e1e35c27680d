"""StoreHandler: nx-27017's NeoSQLiteHandler with MongoDB's semantics where 0.8.1 departs from them.

Every request is normalised and served under one lock (so a write and its unique-index check are
atomic for clients):

* OP_QUERY on ``<db>.$cmd`` becomes the same command with ``$db`` from the namespace; legacy
  OP_QUERY finds become ``find`` commands (forms 1 and 6 of docs/store.md);
* command names are matched case-insensitively (``findandmodify``, form 2);
* a filter is handed to the engine untouched only when it is *plain* (see :func:`plain_filter`);
  otherwise the matching ``_id``s are found by :mod:`.matching` and the engine is given
  ``{_id: {$in: ids}}`` (forms 3-8);
* ``update``, ``delete``, ``count`` and ``findAndModify`` are carried out here with the engine's
  collection API on those ids (upserts included), and unique indexes are checked here, missing and
  null key fields included (form 9).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from typing import Any

from bson import ObjectId
from nx_27017.handler import NeoSQLiteHandler
from nx_27017.utils import convert_bson_to_neo_objectids, convert_neo_to_bson_objectids

from rackharness.services.store import matching

logger = logging.getLogger("rackharness.store")

DUPLICATE_KEY = 11000
#: canonical spelling of the commands old drivers send in another case
CANONICAL = {
    name.lower(): name
    for name in (
        "findAndModify",
        "createIndexes",
        "dropIndexes",
        "listIndexes",
        "listCollections",
        "getMore",
        "killCursors",
        "isMaster",
        "buildInfo",
        "serverStatus",
        "dropDatabase",
        "getLastError",
        "listDatabases",
        "collStats",
        "dbStats",
        "count",
        "find",
        "insert",
        "update",
        "delete",
        "distinct",
        "aggregate",
        "drop",
        "create",
        "ping",
        "hello",
    )
}
_PLAIN_SCALARS = (str, int)


def plain_filter(query: dict[str, Any], indexed: set[str]) -> bool:
    """True when nx-27017 0.8.1 evaluates ``query`` as MongoDB does: empty, or only top-level
    equality/``$in`` on non-indexed, undotted fields with str/int (not bool) values, or ``_id``
    equal to / ``$in`` ObjectIds."""
    for key, cond in query.items():
        if key == "_id":
            values = cond["$in"] if isinstance(cond, dict) and list(cond) == ["$in"] else [cond]
            if not all(isinstance(v, ObjectId) for v in values):
                return False
            continue
        if key.startswith("$") or "." in key or key in indexed:
            return False
        values = cond["$in"] if isinstance(cond, dict) and list(cond) == ["$in"] else [cond]
        if not values or not all(isinstance(v, _PLAIN_SCALARS) and not isinstance(v, bool) and v != "" for v in values):
            return False
    return True


def _bson(doc: Any) -> Any:
    return convert_neo_to_bson_objectids(doc)


def _seed(query: dict[str, Any]) -> dict[str, Any]:
    """The fields an upsert takes from its query: top-level and ``$and``-ed equalities."""
    seed: dict[str, Any] = {}
    for key, cond in query.items():
        if key == "$and":
            for part in cond:
                seed.update(_seed(part))
        elif key.startswith("$") or matching._regex(cond) is not None:
            continue
        elif matching._is_operator_doc(cond):
            if "$eq" in cond:
                seed[key] = cond["$eq"]
        else:
            seed[key] = cond
    doc: dict[str, Any] = {}
    for key, value in seed.items():
        node = doc
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return doc


def _touched(update: dict[str, Any]) -> set[str]:
    """Top-level field names an update may change (all of them for a replacement)."""
    if not any(k.startswith("$") for k in update):
        return {"*"}
    fields: set[str] = set()
    for op, spec in update.items():
        if isinstance(spec, dict):
            fields.update(k.split(".")[0] for k in spec)
            if op == "$rename":
                fields.update(str(v).split(".")[0] for v in spec.values())
    return fields


def _key_value(doc: dict[str, Any], field: str) -> Any:
    values = matching.resolve(doc, field.split("."))
    value = values[0] if len(values) == 1 else values
    return None if value is matching.MISSING else value


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return ("d",) + tuple((k, _hashable(v)) for k, v in value.items())
    if isinstance(value, list):
        return ("l",) + tuple(_hashable(v) for v in value)
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return matching._naive(value)
    return value


class DuplicateKey(Exception):
    def __init__(self, ns: str, index: dict[str, Any], doc: dict[str, Any]):
        key = ", ".join(f"{f}: {_key_value(doc, f)!r}" for f in index["key"])
        super().__init__(f"E11000 duplicate key error collection: {ns} index: {index['name']} dup key: {{ {key} }}")


def _locked(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.layer_lock:
            return method(self, *args, **kwargs)

    return wrapper


class StoreHandler(NeoSQLiteHandler):
    """See the module docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.layer_lock = threading.RLock()
        self._indexes: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.python_matches = 0  # filters evaluated here (for the benchmark / tests)

    # -- wire entry points ----------------------------------------------------------------------
    @_locked
    def handle_query(self, msg: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
        query, collection, db_name = msg["query"], msg["collection"], msg.get("db") or "admin"
        if not collection or collection == "$cmd" or collection.endswith(".$cmd"):
            cmd = dict(query.get("$query", query)) if isinstance(query.get("$query"), dict) else dict(query)
            cmd["$db"] = db_name
            _, reply = self.handle_command(
                {"request_id": msg["request_id"], "_conn_id": msg.get("_conn_id"), "sections": [("body", cmd)]}
            )
            return msg["request_id"], [reply]
        # a legacy find: {$query, $orderby} or a bare filter; numberToReturn < 0 means "limit, one batch"
        wrapped = "$query" in query
        cmd: dict[str, Any] = {
            "find": collection,
            "$db": db_name,
            "filter": query.get("$query", {}) if wrapped else query,
        }
        if wrapped and query.get("$orderby"):
            cmd["sort"] = query["$orderby"]
        if msg.get("number_to_skip"):
            cmd["skip"] = msg["number_to_skip"]
        if msg.get("number_to_return"):
            cmd["limit"] = abs(msg["number_to_return"])
        cmd["batchSize"] = 1 << 30
        _, reply = self.handle_command(
            {"request_id": msg["request_id"], "_conn_id": msg.get("_conn_id"), "sections": [("body", cmd)]}
        )
        if not reply.get("ok"):
            return msg["request_id"], [{"$err": reply.get("errmsg", "error"), "code": reply.get("code", 2)}]
        return msg["request_id"], list(reply["cursor"]["firstBatch"])

    @_locked
    def handle_insert(self, msg: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self.handle_command(msg)

    @_locked
    def handle_command(self, msg: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        cmd, rest = self._gather(msg["sections"])
        if cmd is None:
            return msg["request_id"], {"ok": 0, "errmsg": "No command document"}
        name = next(iter(cmd), "")
        canonical = CANONICAL.get(name.lower(), name)
        if canonical != name:
            cmd = {canonical: cmd[name], **{k: v for k, v in cmd.items() if k != name}}
        db_name = cmd.get("$db", "test")
        try:
            own = getattr(self, f"_cmd_{canonical}", None)
            if own is not None:
                return msg["request_id"], own(db_name, cmd, msg, rest)
            if canonical in ("createIndexes", "dropIndexes", "drop", "dropDatabase"):
                self._indexes.clear()
            return self._engine(msg, cmd, rest)
        except matching.Unsupported as exc:
            return msg["request_id"], {"ok": 0, "errmsg": str(exc), "code": 2, "codeName": "BadValue"}
        except Exception as exc:  # noqa: BLE001 - always an answer: a silent socket hangs the driver
            logger.exception("%s failed", canonical)
            return msg["request_id"], {
                "ok": 0,
                "errmsg": f"{type(exc).__name__}: {exc}",
                "code": 1,
                "codeName": "InternalError",
            }

    # -- plumbing -------------------------------------------------------------------------------
    @staticmethod
    def _gather(sections) -> tuple[dict[str, Any] | None, list]:
        """The command body with OP_MSG document sequences folded in (``documents``, ``updates``...)."""
        cmd, rest = None, []
        for kind, doc in sections:
            if kind == "body":
                cmd = dict(doc)
            else:
                rest.append((kind, doc))
        if cmd is not None:
            for kind, doc in rest:
                if kind == "payload" and isinstance(doc, dict):
                    for key, docs in doc.items():
                        cmd.setdefault(key, [])
                        cmd[key] = list(cmd[key]) + list(docs)
                elif kind == "payload_docs":
                    cmd["documents"] = list(cmd.get("documents", [])) + list(doc)
        return cmd, rest

    def _engine(self, msg, cmd, rest=()):
        """Hand ``cmd`` to nx-27017 itself."""
        sections = [("body", dict(cmd))]
        if "insert" in cmd:
            return super().handle_insert(
                {"request_id": msg["request_id"], "_conn_id": msg.get("_conn_id"), "sections": sections}
            )
        return super().handle_command(
            {"request_id": msg["request_id"], "_conn_id": msg.get("_conn_id"), "sections": sections}
        )

    def indexes(self, db_name: str, coll: str) -> list[dict[str, Any]]:
        """The collection's secondary indexes as listIndexes gives them (cached)."""
        key = (db_name, coll)
        if key not in self._indexes:
            _, reply = self._handle_list_indexes(0, self.get_database(db_name), coll, db_name)
            self._indexes[key] = [
                i
                for i in reply.get("cursor", {}).get("firstBatch", [])
                if i.get("name") != "_id_" and list(i.get("key", {})) != ["_id"]
            ]
        return self._indexes[key]

    def _indexed_fields(self, db_name: str, coll: str) -> set[str]:
        return {f for index in self.indexes(db_name, coll) for f in index.get("key", {})}

    def _all(self, db_name: str, coll: str) -> list[dict[str, Any]]:
        return [_bson(d) for d in self.get_database(db_name)[coll].find({})]

    def matching_ids(
        self, db_name: str, coll: str, query: dict[str, Any], sort=None, limit: int = 0
    ) -> list[Any] | None:
        """The ``_id``s matching ``query`` in natural (or ``sort``) order; None = plain, let nx do it."""
        query = query or {}
        if not sort and plain_filter(query, self._indexed_fields(db_name, coll)):
            return None
        self.python_matches += 1
        docs = [d for d in self._all(db_name, coll) if matching.matches(d, query)]
        if sort:
            spec = list(sort.items()) if isinstance(sort, dict) else [tuple(s) for s in sort]
            docs.sort(key=functools.cmp_to_key(matching.sort_key_compare(spec)))
        ids = [d["_id"] for d in docs]
        return ids[:limit] if limit else ids

    def _ids(self, db_name, coll, query, sort=None, limit=0) -> list[Any]:
        ids = self.matching_ids(db_name, coll, query, sort, limit)
        if ids is None:
            cursor = self.get_database(db_name)[coll].find(convert_bson_to_neo_objectids(query or {}))
            ids = [_bson(d)["_id"] for d in cursor]
            ids = ids[:limit] if limit else ids
        return ids

    @staticmethod
    def _by_ids(ids: list[Any]) -> dict[str, Any]:
        return {"_id": {"$in": list(ids)}}

    # -- unique indexes -------------------------------------------------------------------------
    def _unique(self, db_name, coll, touched: set[str] | None = None) -> list[dict[str, Any]]:
        found = []
        for index in self.indexes(db_name, coll):
            if index.get("unique") and (
                touched is None or "*" in touched or {f.split(".")[0] for f in index["key"]} & touched
            ):
                found.append(index)
        return found

    def _check_unique(
        self, db_name, coll, indexes, candidates: list[dict[str, Any]], others: list[dict[str, Any]]
    ) -> None:
        """Raise DuplicateKey when a candidate's key equals another document's (null = missing)."""
        for index in indexes:
            fields = list(index["key"])
            seen = {}
            for doc in others:
                seen.setdefault(tuple(_hashable(_key_value(doc, f)) for f in fields), doc.get("_id"))
            for doc in candidates:
                key = tuple(_hashable(_key_value(doc, f)) for f in fields)
                if key in seen and seen[key] != doc.get("_id"):
                    raise DuplicateKey(f"{db_name}.{coll}", index, doc)
                seen[key] = doc.get("_id")

    def _verify_after_write(self, db_name, coll, indexes, ids, before: dict[Any, dict | None]) -> None:
        """After a write to ``ids``: on a duplicate key, put the pre-images back and raise."""
        if not indexes or not ids:
            return
        docs = self._all(db_name, coll)
        wanted = {_hashable(i) for i in ids}
        mine = [d for d in docs if _hashable(d["_id"]) in wanted]
        others = [d for d in docs if _hashable(d["_id"]) not in wanted]
        try:
            self._check_unique(db_name, coll, indexes, mine, others)
        except DuplicateKey:
            collection = self.get_database(db_name)[coll]
            for _id, old in before.items():
                neo_id = convert_bson_to_neo_objectids(_id)
                if old is None:
                    collection.delete_one({"_id": neo_id})
                else:
                    collection.replace_one({"_id": neo_id}, convert_bson_to_neo_objectids(old))
            raise

    # -- commands carried out here --------------------------------------------------------------
    def _cmd_isMaster(self, db_name, cmd, msg, rest):
        """As a MongoDB server: minWireVersion 0, so a pre-OP_MSG driver does not refuse the server."""
        return {**self._engine(msg, cmd)[1], "minWireVersion": 0, "ismaster": True}

    _cmd_hello = _cmd_isMaster

    def _cmd_getMore(self, db_name, cmd, msg, rest):
        """A cursor that does not exist (or is exhausted) is CursorNotFound, as in MongoDB."""
        cursor_id = int(cmd.get("getMore") or 0)
        with self._cursors_lock:
            known = cursor_id in self._cursors
        if not known and self._change_stream_manager.get_stream(cursor_id) is None:
            return {"ok": 0, "errmsg": f"cursor id {cursor_id} not found", "code": 43, "codeName": "CursorNotFound"}
        return self._engine(msg, cmd)[1]

    def _cmd_createIndexes(self, db_name, cmd, msg, rest):
        """A unique index the documents already violate is refused (missing and null key fields alike)."""
        coll = cmd["createIndexes"]
        unique = [i for i in cmd.get("indexes") or [] if i.get("unique")]
        if unique:
            docs = self._all(db_name, coll)
            for index in unique:
                try:
                    self._check_unique(db_name, coll, [index], docs, [])
                except DuplicateKey as exc:
                    return {"ok": 0, "errmsg": str(exc), "code": DUPLICATE_KEY, "codeName": "DuplicateKey"}
        self._indexes.clear()
        reply = self._engine(msg, cmd)[1]
        self._indexes.clear()
        return reply

    def _cmd_find(self, db_name, cmd, msg, rest):
        ids = self.matching_ids(db_name, cmd["find"], cmd.get("filter") or {})
        if ids is not None:
            cmd = {**cmd, "filter": self._by_ids(ids)}
        return self._engine(msg, cmd)[1]

    def _cmd_count(self, db_name, cmd, msg, rest):
        ids = self.matching_ids(db_name, cmd["count"], cmd.get("query") or {})
        if ids is None:  # plain: the engine counts without reading the documents
            collection = self.get_database(db_name)[cmd["count"]]
            total = collection.count_documents(convert_bson_to_neo_objectids(cmd.get("query") or {}))
        else:
            total = len(ids)
        n = max(0, total - int(cmd.get("skip") or 0))
        if cmd.get("limit"):
            n = min(n, abs(int(cmd["limit"])))
        return {"n": n, "ok": 1}

    def _cmd_distinct(self, db_name, cmd, msg, rest):
        ids = self.matching_ids(db_name, cmd["distinct"], cmd.get("query") or {})
        if ids is not None:
            cmd = {**cmd, "query": self._by_ids(ids)}
        return self._engine(msg, cmd)[1]

    def _cmd_aggregate(self, db_name, cmd, msg, rest):
        pipeline = list(cmd.get("pipeline") or [])
        if pipeline and isinstance(cmd.get("aggregate"), str) and "$match" in pipeline[0]:
            ids = self.matching_ids(db_name, cmd["aggregate"], pipeline[0]["$match"])
            if ids is not None:
                # the engine's aggregation binds ids as they come: give it its own ObjectId type
                match = convert_bson_to_neo_objectids(self._by_ids(ids))
                cmd = {**cmd, "pipeline": [{"$match": match}] + pipeline[1:]}
        return self._engine(msg, cmd)[1]

    def _cmd_insert(self, db_name, cmd, msg, rest):
        coll, docs = cmd["insert"], list(cmd.get("documents") or [])
        docs = [d if "_id" in d else {"_id": ObjectId(), **d} for d in docs]
        indexes = self._unique(db_name, coll)
        existing = self._all(db_name, coll) if indexes else []
        ordered = cmd.get("ordered", True)
        good, errors = [], []
        for i, doc in enumerate(docs):
            try:
                if any(matching.equal(doc["_id"], d["_id"]) for d in existing if indexes) or (
                    not indexes
                    and self.get_database(db_name)[coll].find_one({"_id": convert_bson_to_neo_objectids(doc["_id"])})
                    is not None
                ):
                    raise DuplicateKey(f"{db_name}.{coll}", {"name": "_id_", "key": {"_id": 1}}, doc)
                self._check_unique(db_name, coll, indexes, [doc], existing)
            except DuplicateKey as exc:
                errors.append({"index": i, "code": DUPLICATE_KEY, "errmsg": str(exc)})
                if ordered:
                    break
                continue
            good.append(doc)
            existing.append(doc)
        reply = {"n": 0, "ok": 1}
        if good:
            body = {k: v for k, v in cmd.items() if k != "documents"}
            reply = dict(self._engine(msg, {**body, "documents": good})[1])
            if not reply.get("ok"):
                return reply
        if errors:
            reply["writeErrors"] = reply.get("writeErrors", []) + errors
        return reply

    def _cmd_delete(self, db_name, cmd, msg, rest):
        collection = self.get_database(db_name)[cmd["delete"]]
        n = 0
        for stmt in cmd.get("deletes") or []:
            ids = self._ids(db_name, cmd["delete"], stmt.get("q") or {}, limit=1 if stmt.get("limit") else 0)
            if ids:
                n += collection.delete_many(convert_bson_to_neo_objectids(self._by_ids(ids))).deleted_count
        return {"n": n, "ok": 1}

    def _write_one(self, db_name, coll, query, update, *, multi, upsert, sort=None, array_filters=None):
        """One update statement: (matched ids, n matched, n modified, upserted id or None)."""
        collection = self.get_database(db_name)[coll]
        ids = self._ids(db_name, coll, query, sort=sort, limit=0 if multi else 1)
        replace = not any(k.startswith("$") for k in update)
        indexes = self._unique(db_name, coll, _touched(update))
        if ids:
            before = {}
            if indexes:
                wanted = {_hashable(i) for i in ids}
                before = {d["_id"]: d for d in self._all(db_name, coll) if _hashable(d["_id"]) in wanted}
            if not replace and ("$addToSet" in update or "$push" in update):
                update = self._array_ops_as_set(db_name, coll, ids, update)
            neo_update = convert_bson_to_neo_objectids(update)
            if replace:
                replacement = {k: v for k, v in neo_update.items() if k != "_id"}
                result = collection.replace_one({"_id": convert_bson_to_neo_objectids(ids[0])}, replacement)
            else:
                neo_update = {k: v for k, v in neo_update.items() if k != "$setOnInsert"}
                kwargs = {"array_filters": array_filters} if array_filters else {}
                result = (
                    collection.update_many(convert_bson_to_neo_objectids(self._by_ids(ids)), neo_update, **kwargs)
                    if neo_update
                    else None
                )
            self._verify_after_write(db_name, coll, indexes, ids, before)
            return ids, len(ids), (result.modified_count if result is not None else 0), None
        if not upsert:
            return [], 0, 0, None
        doc = _seed(query)
        if replace:
            doc = {**({"_id": doc["_id"]} if "_id" in doc else {}), **update}
        doc.setdefault("_id", ObjectId())
        indexes = self._unique(db_name, coll)
        if indexes:
            self._check_unique(db_name, coll, indexes, [doc], self._all(db_name, coll))
        collection.insert_one(convert_bson_to_neo_objectids(doc))
        if not replace:
            ops = {k: v for k, v in update.items() if k != "$setOnInsert"}
            if "$setOnInsert" in update:
                ops["$set"] = {**ops.get("$set", {}), **update["$setOnInsert"]}
            if ops:
                collection.update_one(
                    {"_id": convert_bson_to_neo_objectids(doc["_id"])}, convert_bson_to_neo_objectids(ops)
                )
            self._verify_after_write(db_name, coll, indexes, [doc["_id"]], {doc["_id"]: None})
        return [doc["_id"]], 1, 0, doc["_id"]

    def _array_ops_as_set(self, db_name, coll, ids, update):
        """``$addToSet``/``$push`` (``$each`` too) done here, as a ``$set`` per document: the engine
        does not create the array when the field is missing. Returns the rest of the update."""
        collection = self.get_database(db_name)[coll]
        for _id in ids:
            doc = _bson(collection.find_one({"_id": convert_bson_to_neo_objectids(_id)})) or {}
            changes = {}
            for op in ("$addToSet", "$push"):
                for field, spec in (update.get(op) or {}).items():
                    current = changes.get(field, matching.resolve(doc, field.split("."))[0])
                    current = [] if current is matching.MISSING or current is None else list(current)
                    items = spec["$each"] if isinstance(spec, dict) and "$each" in spec else [spec]
                    for item in items:
                        if op == "$push" or not any(matching.equal(item, c) for c in current):
                            current.append(item)
                    changes[field] = current
            if changes:
                collection.update_one(
                    {"_id": convert_bson_to_neo_objectids(_id)}, {"$set": convert_bson_to_neo_objectids(changes)}
                )
        return {k: v for k, v in update.items() if k not in ("$addToSet", "$push")}

    def _cmd_update(self, db_name, cmd, msg, rest):
        coll = cmd["update"]
        n = modified = 0
        upserted, errors = [], []
        for i, stmt in enumerate(cmd.get("updates") or []):
            try:
                _, matched, changed, new_id = self._write_one(
                    db_name,
                    coll,
                    stmt.get("q") or {},
                    stmt.get("u") or {},
                    multi=bool(stmt.get("multi")),
                    upsert=bool(stmt.get("upsert")),
                    array_filters=stmt.get("arrayFilters"),
                )
            except DuplicateKey as exc:
                errors.append({"index": i, "code": DUPLICATE_KEY, "errmsg": str(exc)})
                if cmd.get("ordered", True):
                    break
                continue
            n += matched
            modified += changed
            if new_id is not None:
                upserted.append({"index": i, "_id": new_id})
        reply: dict[str, Any] = {"n": n, "nModified": modified, "ok": 1}
        if upserted:
            reply["upserted"] = upserted
        if errors:
            reply["writeErrors"] = errors
        return reply

    def _cmd_findAndModify(self, db_name, cmd, msg, rest):
        coll = cmd["findAndModify"]
        query, sort = cmd.get("query") or {}, cmd.get("sort") or None
        collection = self.get_database(db_name)[coll]
        fields = cmd.get("fields") or None
        if cmd.get("remove"):
            ids = self._ids(db_name, coll, query, sort=sort, limit=1)
            if not ids:
                return {"ok": 1, "value": None, "lastErrorObject": {"n": 0}}
            doc = self._project(collection, ids[0], fields)
            collection.delete_one({"_id": convert_bson_to_neo_objectids(ids[0])})
            return {"ok": 1, "value": doc, "lastErrorObject": {"n": 1}}
        update = cmd.get("update")
        if not isinstance(update, dict):
            return {
                "ok": 0,
                "errmsg": "Either an update or remove=true must be specified",
                "code": 9,
                "codeName": "FailedToParse",
            }
        ids = self._ids(db_name, coll, query, sort=sort, limit=1)
        old = self._project(collection, ids[0], fields) if ids else None
        try:
            done, _, _, new_id = self._write_one(
                db_name, coll, query, update, multi=False, upsert=bool(cmd.get("upsert")), sort=sort
            )
        except DuplicateKey as exc:
            return {"ok": 0, "errmsg": str(exc), "code": DUPLICATE_KEY, "codeName": "DuplicateKey"}
        last = {"n": len(done), "updatedExisting": bool(done) and new_id is None}
        if new_id is not None:
            last["upserted"] = new_id
        value = self._project(collection, done[0], fields) if done and cmd.get("new") else old
        return {"ok": 1, "value": value, "lastErrorObject": last}

    @staticmethod
    def _project(collection, _id, fields) -> dict[str, Any] | None:
        doc = collection.find_one({"_id": convert_bson_to_neo_objectids(_id)})
        if doc is None:
            return None
        doc = _bson(doc)
        if fields:
            include = {k for k, v in fields.items() if v and k != "_id"}
            exclude = {k for k, v in fields.items() if not v}
            if include:
                doc = {k: v for k, v in doc.items() if k in include or (k == "_id" and "_id" not in exclude)}
            else:
                doc = {k: v for k, v in doc.items() if k not in exclude}
        return doc
