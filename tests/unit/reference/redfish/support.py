"""A target app over an in-memory database with the real workflow engine (noop OBMs): the Redfish
service's unit tests seed nodes and catalogs straight into Mongo and call the app in-process."""

import datetime as dt
import unittest

from bson import ObjectId

from rackharness.reference.app import create_app
from rackharness.reference.context import TargetContext
from rackharness.reference.events_memory import RecordingEventBus
from rackharness.reference.workflows.engine import WorkflowEngine
from rackharness.reference.workflows.obm import NoopObmService, ObmRegistry
from tests.support.fake_mongo import FakeDatabase

#: an ohai catalog as a virtual node's microkernel reports it (host_inventory.ohai), trimmed
OHAI = {
    "dmi": {
        "system": {
            "manufacturer": "Quanta",
            "product_name": "D51B-2U",
            "serial_number": "QTFCJ0536000C",
            "uuid": "4C4C4544-0042-3510-8056-B4C04F4E4E31",
            "sku_number": "S2U",
        },
        "chassis": {
            "asset_tag": "RH-0001",
            "type": "Rack Mount Chassis",
            "manufacturer": "Quanta",
            "serial_number": "CH-77",
            "sku_number": "CH-SKU",
        },
        "bios": {"version": "S2S_3A14 ", "bios_revision": "3.14", "release_date": "09/18/2014"},
    },
    "cpu": {"real": 2, "total": 24},
}
DMI = {
    "System Information": {"Manufacturer": "Quanta", "Serial Number": "QTFCJ0536000C"},
    "Processor Information": {"Version": "Intel(R) Xeon(R) CPU E5-2650 v3"},
    "Memory Device": [{"Size": "16384 MB"}, {"Size": "16 GB"}, {"Size": "No Module Installed"}],
}


class RedfishAppTestCase(unittest.TestCase):
    AUTH_ENABLED = False

    def setUp(self):
        self.db = FakeDatabase()
        self.ctx = TargetContext(db=self.db, events=RecordingEventBus())
        self.noop = NoopObmService()
        self.ctx.engine = self.engine = WorkflowEngine(self.ctx, obms=ObmRegistry({"noop-obm-service": self.noop}))
        self.addCleanup(self.engine.close)
        self.app = create_app(self.ctx, auth_enabled=self.AUTH_ENABLED)
        self.client = self.app.test_client()

    # -- seeding ------------------------------------------------------------------------------
    def node(self, node_type="compute", *, catalogs=True, obm=True, name="node", relations=None):
        oid = ObjectId()
        self.db["nodes"].insert_one(
            {"_id": oid, "name": name, "type": node_type, "identifiers": [], "relations": relations or []}
        )
        if catalogs:
            self.catalog(str(oid), "ohai", OHAI)
            self.catalog(str(oid), "dmi", DMI)
        if obm:
            self.db["obms"].insert_one({"node": oid, "service": "noop-obm-service", "config": {}})
        return str(oid)

    def catalog(self, nid, source, data, age_seconds=0):
        stamp = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=age_seconds)
        self.db["catalogs"].insert_one(
            {
                "_id": str(ObjectId()),
                "node": ObjectId(nid),
                "source": source,
                "data": data,
                "createdAt": stamp,
                "updatedAt": stamp,
            }
        )

    # -- calls --------------------------------------------------------------------------------
    def call(self, method, path, body=None, status=200, headers=None):
        response = self.client.open(path, method=method, json=body, headers=headers)
        self.assertEqual(response.status_code, status, f"{method} {path}: {response.get_data(as_text=True)[:500]}")
        return response

    def get(self, path, status=200, headers=None):
        return self.call("GET", path, status=status, headers=headers).get_json()

    def assert_redfish_error(self, response, status, detail):
        self.assertEqual(response.status_code, status, response.get_data(as_text=True))
        error = response.get_json()["error"]
        self.assertEqual(error["code"], "Base.1.0.GeneralError")
        messages = [m["Message"] for m in error["@Message.ExtendedInfo"]]
        self.assertTrue(any(detail in m for m in messages), f"{detail!r} not in {messages}")
