"""The Mongo seam on tape: :class:`TapedDatabase` offers the part of pymongo's ``Database`` the suite uses.

The seeder and the suite's checks call ``db[collection].insert_one / insert_many / find_one / find /
count_documents / replace_one / update_one / update_many / delete_one / delete_many``; each is one call
on the deck, matched on the collection, the operation and its arguments (documents as extended JSON:
``{"$oid": ...}``, ``{"$date": ...}``; timestamps match any timestamp, ids pair up as in
:mod:`rackharness.tapes.matching`). A pymongo error is recorded and replays as a ``PyMongoError``.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from rackharness.tapes import values
from rackharness.tapes.deck import Deck

SEAM = "mongo"

#: operation → how its pymongo result is kept (a function of the result) and given back
_RESULTS = {
    "insert_one": (lambda r: {"inserted_id": r.inserted_id}, lambda v: SimpleNamespace(**v, acknowledged=True)),
    "insert_many": (
        lambda r: {"inserted_ids": list(r.inserted_ids)},
        lambda v: SimpleNamespace(**v, acknowledged=True),
    ),
    "delete_one": (lambda r: {"deleted_count": r.deleted_count}, lambda v: SimpleNamespace(**v, acknowledged=True)),
    "delete_many": (lambda r: {"deleted_count": r.deleted_count}, lambda v: SimpleNamespace(**v, acknowledged=True)),
    "replace_one": (
        lambda r: {"matched_count": r.matched_count, "modified_count": r.modified_count},
        lambda v: SimpleNamespace(**v, acknowledged=True, upserted_id=None),
    ),
    "update_one": (
        lambda r: {"matched_count": r.matched_count, "modified_count": r.modified_count},
        lambda v: SimpleNamespace(**v, acknowledged=True, upserted_id=None),
    ),
    "update_many": (
        lambda r: {"matched_count": r.matched_count, "modified_count": r.modified_count},
        lambda v: SimpleNamespace(**v, acknowledged=True, upserted_id=None),
    ),
    "find_one": (lambda r: r, lambda v: v),
    "find": (lambda r: list(r), lambda v: v),
    "count_documents": (lambda r: r, lambda v: v),
}


def _mongo_error(message: str) -> Exception:
    from pymongo.errors import PyMongoError

    return PyMongoError(message)


def _on_deck(database: "TapedDatabase", request: dict[str, Any], what: str, run: Any) -> Any:
    """``run()`` (on the live store) as one call on the deck: its result, or the pymongo error it raised, again."""

    def live() -> dict[str, Any]:
        if database.inner is None:
            raise _mongo_error(f"{what}: no live store while replaying")
        try:
            return {"result": values.encode(run())}
        except Exception as exc:  # noqa: BLE001 - pymongo's errors are recorded and raised again
            if type(exc).__module__.split(".")[0] != "pymongo":
                raise
            return {"raised": values.error_value(exc)}

    response = database.deck.call(SEAM, database.name, request, live)
    if "raised" in response:
        raise _mongo_error(response["raised"].get("message", ""))
    return values.decode(response.get("result"))


class TapedCollection:
    """One collection of a :class:`TapedDatabase`."""

    def __init__(self, database: "TapedDatabase", name: str) -> None:
        self.database, self.name = database, name

    def __repr__(self) -> str:
        return f"TapedCollection({self.database.name}.{self.name})"

    def _call(self, op: str, *args: Any, **kwargs: Any) -> Any:
        keep, give = _RESULTS[op]
        inner = self.database.inner

        request = {
            "collection": self.name,
            "op": op,
            "args": values.encode(list(args)),
            "kwargs": values.encode(kwargs),
        }
        return give(
            _on_deck(
                self.database,
                request,
                f"{op} on {self.name}",
                lambda: keep(getattr(inner[self.name], op)(*args, **kwargs)),
            )
        )

    def insert_one(self, document: dict[str, Any], **kwargs: Any) -> Any:
        result = self._call("insert_one", document, **kwargs)
        document.setdefault("_id", result.inserted_id)  # as pymongo does
        return result

    def insert_many(self, documents: list[dict[str, Any]], **kwargs: Any) -> Any:
        result = self._call("insert_many", documents, **kwargs)
        for document, inserted in zip(documents, result.inserted_ids):
            document.setdefault("_id", inserted)
        return result

    def find_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("find_one", *args, **kwargs)

    def find(self, *args: Any, **kwargs: Any) -> list[Any]:
        return self._call("find", *args, **kwargs)

    def count_documents(self, *args: Any, **kwargs: Any) -> int:
        return self._call("count_documents", *args, **kwargs)

    def replace_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("replace_one", *args, **kwargs)

    def update_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("update_one", *args, **kwargs)

    def update_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("update_many", *args, **kwargs)

    def delete_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_one", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)


class TapedDatabase:
    """``inner`` (a pymongo-compatible Database; None when only replaying) behind the deck."""

    def __init__(self, deck: Deck, name: str, inner: Any = None) -> None:
        self.deck, self.name, self.inner = deck, name, inner
        self.client = SimpleNamespace(close=self._close)

    def __getitem__(self, collection: str) -> TapedCollection:
        return TapedCollection(self, collection)

    def __repr__(self) -> str:
        return f"TapedDatabase({self.name!r}, {'live' if self.inner is not None else 'replay only'})"

    def command(self, name: str, **kwargs: Any) -> Any:
        """A database command (``ping``), as one call on the deck."""
        return _on_deck(
            self,
            {"command": name, "kwargs": values.encode(kwargs)},
            f"command {name}",
            lambda: dict(self.inner.command(name, **kwargs)),
        )

    def _close(self) -> None:
        if self.inner is not None:
            self.inner.client.close()
