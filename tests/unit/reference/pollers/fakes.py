"""Stand-ins behind the pollers' seams: a BMC caller over in-process virtual nodes, and a small Mongo.

``FakeCaller`` is the IPMI seam's fake side (:class:`rackharness.transports.ipmi.in_process_caller.InProcessCaller`:
``call(address, what, fn, timeout=None)``, errors as :class:`BmcError` naming the BMC, never the
password) and hands ``fn`` a session whose ``raw_command`` is answered by the rack's own IPMI
command handler (tests.support.virtual_node.Bmc): the same bytes the rack process sends over UDP.
The poll contract (tests/unit/reference/pollers/contract.py) runs against it here and against real
virtual BMCs in tests/functional/reference/test_pollers_on_bmcs.py.
"""

import copy
import threading

from bson import ObjectId

from rackharness.transports.ipmi.in_process_caller import InProcessCaller
from tests.support.virtual_node import Bmc


class FakeSession:
    """pyghmi's ``Command.raw_command`` answered by a virtual node's command handler."""

    def __init__(self, bmc):
        self.bmc = bmc
        self.requests = 0

    def raw_command(self, netfn, command, data=(), **_kwargs):
        self.requests += 1
        response = self.bmc.call(netfn, command, bytes(data))
        answer = {
            "netfn": netfn + 1,
            "command": command,
            "code": response.completion_code,
            "data": bytearray(response.data),
        }
        if response.completion_code:
            answer["error"] = f"completion code 0x{response.completion_code:02x}"
        return answer


class FakeCaller(InProcessCaller):
    """The IPMI seam's fake side over in-process BMCs keyed by (host, port); ``silent`` ones never answer."""

    def __init__(self, password="admin"):
        super().__init__(password)
        self.bmcs = {}

    def add(self, host="127.0.0.1", port=16001, profile="quanta-d51"):
        bmc = self.bmcs[(host, port)] = Bmc(profile)
        self.serve(host, port, lambda: FakeSession(bmc))
        return bmc


def _value(document, dotted):
    value = document
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _matches(document, query):
    for key, want in query.items():
        value = _value(document, key)
        if isinstance(want, dict) and any(k.startswith("$") for k in want):
            if "$in" in want and value not in want["$in"]:
                return False
            if "$ne" in want and value == want["$ne"]:
                return False
        elif value != want:
            return False
    return True


def _set(document, dotted, value):
    *parents, last = dotted.split(".")
    for part in parents:
        document = document.setdefault(part, {})
    document[last] = copy.deepcopy(value)


class _Result:
    def __init__(self, count):
        self.deleted_count = self.modified_count = count


class FakeCollection:
    """find/find_one (projection ignored), insert_one, update_one/update_many with $set, delete_one."""

    def __init__(self):
        self.documents = []
        self._lock = threading.Lock()

    def insert_one(self, document):
        with self._lock:
            document.setdefault("_id", ObjectId())
            self.documents.append(copy.deepcopy(document))

    def find(self, query=None, _projection=None):
        with self._lock:
            return [copy.deepcopy(d) for d in self.documents if _matches(d, query or {})]

    def find_one(self, query=None, _projection=None):
        found = self.find(query)
        return found[0] if found else None

    def _update(self, query, update, many):
        with self._lock:
            count = 0
            for document in self.documents:
                if _matches(document, query):
                    for key, value in update.get("$set", {}).items():
                        _set(document, key, value)
                    count += 1
                    if not many:
                        break
            return _Result(count)

    def update_one(self, query, update):
        return self._update(query, update, many=False)

    def update_many(self, query, update):
        return self._update(query, update, many=True)

    def delete_one(self, query):
        with self._lock:
            for index, document in enumerate(self.documents):
                if _matches(document, query):
                    del self.documents[index]
                    return _Result(1)
            return _Result(0)


class FakeDatabase(dict):
    def __missing__(self, name):
        collection = self[name] = FakeCollection()
        return collection
