"""Fixtures for the reference target's API tests: a private nx-27017 (or, with ``MONGO =
MONGOMOCK``, an in-memory mongomock store) per test class, the Flask app over it with a recording event bus and a stand-in workflow engine, and helpers for RackHD calls.

(Reconstructed by the workflow-engine work after it overwrote the original by mistake: same names
and behaviour as the tests use them — TargetApiTestCase, WaitressServer.)
"""

import json
import sys
import threading
import unittest
import uuid

import pymongo
from waitress.server import create_server

from rackharness.errors import PrerequisiteError
from rackharness.reference.app import create_app
from rackharness.reference.context import TargetContext
from rackharness.reference.events_memory import RecordingEventBus
from rackharness.services import MongoService
from rackharness.services.mongo import NX_27017
from rackharness.transports.mongo.chooser import connect
from rackharness.transports.mongo.mongomock_side import forget, in_memory_url
from tests.functional.services.support import free_ports, reachable_temp_dir, remove_tree, start_for_class

#: a RackHD config with secrets in it, as GET /config must not show them
RACKHD_CONFIG = {
    "amqp": "amqp://guest:guest@127.0.0.1:5672/",
    "mongo": "mongodb://127.0.0.1:27017/pxe",
    "authTokenSecret": "RackHDRocks!",
    "heartbeatIntervalSec": 10,
    "autoCreateObm": False,
    "discoveryGraph": "Graph.SKU.Discovery",
}


MONGOMOCK = "mongomock"


def in_memory_db(cls, database="pxe"):
    """A fresh in-memory database through the seam (``mongomock://<class>-<random>``), dropped at
    class cleanup; skips ``cls`` when mongomock is not installed."""
    url = in_memory_url(f"{cls.__name__}-{uuid.uuid4().hex[:8]}")
    try:
        db = connect(url, database)
    except PrerequisiteError as exc:
        print(f"\nSKIP {cls.__name__}: {exc}", file=sys.stderr)
        raise unittest.SkipTest(str(exc))
    cls.addClassCleanup(forget, url)
    return db


class FakeEngine:
    """Stands in for the workflow engine: node ids in ``active`` have an active graph."""

    def __init__(self):
        self.active = set()

    def has_active_graph(self, node_id):
        return node_id in self.active


class TargetApiTestCase(unittest.TestCase):
    """The app over a private nx-27017 (one per class); every test starts with an empty database."""

    #: the store under the app: NX_27017 (a private server) or MONGOMOCK (in memory, via the seam)
    MONGO = NX_27017

    @classmethod
    def setUpClass(cls):
        if cls.MONGO == MONGOMOCK:
            cls.db = in_memory_db(cls)
            cls.mongo_client = cls.db.client
        else:
            cls._start_nx()
        cls.events = RecordingEventBus()
        cls.engine = FakeEngine()
        cls.ctx = TargetContext(db=cls.db, events=cls.events, engine=cls.engine, config=dict(RACKHD_CONFIG))
        cls.app = create_app(cls.ctx)
        cls.client = cls.app.test_client()

    @classmethod
    def _start_nx(cls):
        cls.dir = reachable_temp_dir("rh-target-")
        cls.addClassCleanup(remove_tree, cls.dir)
        (port,) = free_ports(1)
        service = start_for_class(cls, MongoService(port, cls.dir / "mongo", cls.dir / "logs", engine=NX_27017), 30)
        cls.mongo_client = pymongo.MongoClient(service.url, serverSelectionTimeoutMS=5000, tz_aware=True)
        cls.addClassCleanup(cls.mongo_client.close)
        cls.db = cls.mongo_client.pxe

    def setUp(self):
        for name in self.db.list_collection_names():
            self.db[name].delete_many({})
        self.events.clear()
        self.engine.active.clear()

    def call(self, method, path, body=None, status=200):
        """``method /api/2.0<path>`` with a JSON body; asserts the status, returns the JSON (or None)."""
        kwargs = {} if body is None else {"data": json.dumps(body), "content_type": "application/json"}
        response = self.client.open(f"/api/2.0{path}", method=method, **kwargs)
        self.assertEqual(response.status_code, status, f"{method} {path}: {response.get_data(as_text=True)}")
        return response.get_json(silent=True) if response.data else None

    def create_node(self, name="node-1", **fields):
        return self.call("POST", "/nodes", {"name": name, "type": "compute", **fields}, 201)

    def assert_rackhd_error(self, body, status):
        """RackHD's error body ``{message, status, UUID, errors?}``; RackHD writes the status as a string ("404")."""
        self.assertIsInstance(body, dict)
        self.assertEqual(body.get("status"), str(status), body)
        self.assertIsInstance(body.get("message"), str)
        self.assertIsInstance(body.get("UUID"), str)


class WaitressServer:
    """``app`` served by waitress on a free loopback port in a thread; ``url``, ``close()``."""

    def __init__(self, app, threads=4):
        (port,) = free_ports(1)
        self.server = create_server(app, host="127.0.0.1", port=port, threads=threads)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self._run, daemon=True, name="waitress-test")
        self.thread.start()

    def _run(self):
        try:
            self.server.run()
        except OSError:
            pass  # closed

    def close(self):
        self.server.close()
        self.thread.join(5)
