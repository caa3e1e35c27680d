"""A dict-backed stand-in for the few pymongo collection calls the target's engine makes, so its
state machine can be unit-tested without a server (the functional tests use a real nx-27017)."""
import copy
import threading

from bson import ObjectId


def _matches(document, query):
    for key, want in query.items():
        value = document.get(key)
        if isinstance(want, dict) and any(k.startswith("$") for k in want):
            if "$in" in want and value not in want["$in"]:
                return False
            if "$nin" in want and value in want["$nin"]:
                return False
        elif value != want:
            return False
    return True


class _Cursor(list):
    def sort(self, key, direction=1):
        return _Cursor(sorted(self, key=lambda d: d.get(key), reverse=direction < 0))


class FakeCollection:
    def __init__(self):
        self.documents = []
        self._lock = threading.Lock()

    def insert_one(self, document):
        with self._lock:
            document.setdefault("_id", ObjectId())
            self.documents.append(copy.deepcopy(document))

    def find(self, query=None):
        with self._lock:
            return _Cursor(copy.deepcopy(d) for d in self.documents if _matches(d, query or {}))

    def find_one(self, query=None):
        found = self.find(query)
        return found[0] if found else None

    def replace_one(self, query, document):
        with self._lock:
            for index, existing in enumerate(self.documents):
                if _matches(existing, query):
                    self.documents[index] = {**copy.deepcopy(document), "_id": existing["_id"]}
                    return

    def delete_one(self, query):
        class Result:
            deleted_count = 0
        with self._lock:
            for index, existing in enumerate(self.documents):
                if _matches(existing, query):
                    del self.documents[index]
                    Result.deleted_count = 1
                    break
        return Result


class FakeDatabase(dict):
    """``db[name]`` makes the collection on first use."""

    def __missing__(self, name):
        self[name] = FakeCollection()
        return self[name]
