"""The Mongo-wire store: nx-27017 started and stopped by us, the external engine, and the
pinned nx-27017 0.8.1 array-index defect that shapes rackharness's design."""

import datetime as dt
import os
import socket
import sys
import time
import unittest

import pymongo

from rackharness.errors import PortInUseError
from rackharness.reference.documents import iso
from rackharness.services import MongoService
from rackharness.services.mongo import EXTERNAL, NX_27017
from rackharness.services.ports import ensure_free
from tests.functional.services.support import ServiceTestCase, family, processes_mentioning, still_alive


class NxTestCase(ServiceTestCase):
    """Starts a private nx-27017 per test; skips (with the reason printed) if it is missing."""

    temp_prefix = "rh-mongo-"
    #: False: the bare engine, without rackharness's store layer (the pinned engine defects)
    LAYER = True

    @property
    def port(self):
        return self.ports[0]

    def make_service(self):
        return MongoService(self.port, self.dir / "mongo", self.dir / "logs", engine=NX_27017, layer=self.LAYER)

    def start(self):
        began = time.monotonic()
        self.record = self.service.start()
        self.service.wait_ready(self.record, timeout=30)
        self.client = pymongo.MongoClient(self.service.url, serverSelectionTimeoutMS=5000)
        self.addCleanup(self.client.close)
        return time.monotonic() - began


class NxServiceTest(NxTestCase):
    def test_start_insert_find_stop(self):
        print(f"\nnx-27017 start-to-ready: {self.start():.2f}s", file=sys.stderr)
        nodes = self.client.pxe.nodes
        nodes.insert_one({"name": "node-1", "type": "compute", "identifiers": ["52:54:00:00:00:01"]})
        found = nodes.find_one({"type": "compute"})
        self.assertEqual(found["name"], "node-1")
        self.assertTrue((self.dir / "mongo" / "pxe.db").exists(), "the data lives in data_dir")

        members = family(self.record)
        result = self.service.stop(self.record)
        self.record = None
        self.assertTrue(result.was_running)
        self.assertEqual(still_alive(members), [])
        self.assertEqual(processes_mentioning(str(self.dir)), [])
        ensure_free("127.0.0.1", self.port, "test")

    def test_restart_keeps_data_and_ignores_a_stale_pid_file(self):
        self.start()
        self.client.pxe.nodes.insert_one({"name": "kept"})
        self.service.stop(self.record)
        # nx-27017 would refuse to start while its pid file names any live process.
        (self.dir / "mongo" / "nx-27017.pid").write_text(str(os.getppid()))
        self.start()
        self.assertEqual(self.client.pxe.nodes.find_one({"name": "kept"})["name"], "kept")

    def test_taken_port_fails_before_anything_starts(self):
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", self.port))
            holder.listen()
            with self.assertRaises(PortInUseError) as caught:
                self.record = self.service.start()
        self.assertIn(str(self.port), str(caught.exception))
        self.assertIn("mongo.port", str(caught.exception))
        self.assertFalse((self.dir / "mongo").exists())

    def test_external_url_starts_nothing(self):
        self.start()
        external = MongoService(0, self.dir / "unused", self.dir / "unused", url=f"mongodb://127.0.0.1:{self.port}/")
        self.assertEqual(external.engine, EXTERNAL)
        self.assertTrue(external.supports_array_indexes)
        self.assertIsNone(external.start())
        external.wait_ready(None, timeout=10)
        self.assertIsNone(external.stop(None))
        self.assertFalse((self.dir / "unused").exists())
        secret = MongoService(0, self.dir, self.dir, url="mongodb://rackhd:s3cret@db:27017/pxe")
        self.assertEqual(secret.redacted_url, "mongodb://rackhd:***@db:27017/pxe")
        self.assertNotIn("s3cret", repr(secret))


class NxArrayIndexDefectTest(NxTestCase):
    """PINNED DEFECT of nx-27017 0.8.1 (the bare engine; rackharness's store layer corrects it and
    tests/functional/store checks that) - read before changing.

    After ``create_index`` on a field holding arrays, an equality match on that field finds
    nothing, while ``$in`` and the same match without the index still work. RackHD looks nodes up
    by MAC with exactly such a match on ``nodes.identifiers``, so rackharness never indexes array
    fields on nx-27017 (``MongoService.supports_array_indexes`` is False; see the docstring of
    rackharness/services/mongo.py).

    This test asserts the defective behaviour. When it FAILS, nx-27017 has been fixed: make
    ``supports_array_indexes`` True for the fixed version, drop the workaround, delete this test.
    """

    MAC = "52:54:00:12:34:56"
    LAYER = False

    def test_equality_on_indexed_array_field_finds_nothing(self):
        self.start()
        self.assertFalse(self.service.supports_array_indexes)
        nodes = self.client.pxe.nodes
        nodes.insert_one({"name": "node-1", "identifiers": [self.MAC, "serial-0001"]})
        self.assertEqual(len(list(nodes.find({"identifiers": self.MAC}))), 1, "works without index")

        nodes.create_index("identifiers")
        by_equality = list(nodes.find({"identifiers": self.MAC}))
        by_in = list(nodes.find({"identifiers": {"$in": [self.MAC]}}))

        self.assertEqual(len(by_in), 1, "$in still matches with the index")
        self.assertEqual(
            by_equality,
            [],
            "nx-27017's array-index defect is FIXED: equality on an indexed array field matches "
            "again. Drop the workaround (MongoService.supports_array_indexes) and this pinned test.",
        )

        nodes.drop_index("identifiers_1")
        self.assertEqual(len(list(nodes.find({"identifiers": self.MAC}))), 1, "dropping the index heals")


class NxSetDatetimeDefectTest(NxTestCase):
    """PINNED DEFECT of nx-27017 0.8.1 - read before changing.

    A top-level datetime given to ``$set`` is stored as a naive string (``'2021-01-01 12:30:15.250000'``,
    its time zone lost); a datetime in ``insert_one``/``replace_one``, or nested in a
    sub-document, stays a datetime. RackHD's ``updatedAt`` is written exactly so. The reference
    target therefore writes whole documents where it can, and renders that string form as UTC
    (rackharness.reference.documents.iso).

    When this test FAILS, nx-27017 is fixed: drop the string branch of ``iso`` and this test.
    (The store layer does not correct this one.)
    """

    LAYER = False

    def test_set_turns_a_datetime_into_a_string(self):
        self.start()
        records = self.client.pxe.scratch
        stamp = dt.datetime(2021, 1, 1, 12, 30, 15, 250000, tzinfo=dt.timezone.utc)
        records.insert_one({"_id": 1, "createdAt": stamp})
        records.update_one({"_id": 1}, {"$set": {"updatedAt": stamp, "nested": {"at": stamp}}})
        stored = records.find_one({"_id": 1})
        self.assertIsInstance(stored["createdAt"], dt.datetime, "insert keeps datetimes")
        self.assertIsInstance(stored["nested"]["at"], dt.datetime, "nested datetimes survive $set")
        self.assertIsInstance(
            stored["updatedAt"],
            str,
            "nx-27017's $set-datetime defect is FIXED: drop the string branch of documents.iso and this test",
        )
        self.assertEqual(iso(stored["updatedAt"]), "2021-01-01T12:30:15.250Z")


if __name__ == "__main__":
    unittest.main()
