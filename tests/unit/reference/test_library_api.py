"""The libraries a fresh RackHD has (files, profiles, templates, views, schemas, poller types) and PATCH /roles,
in-process over mongomock: what each answers with nothing uploaded, and which rule wins where two could."""

import json
import unittest

from rackharness.reference.api.library import POLLER_LIBRARY
from rackharness.reference.app import create_app
from rackharness.reference.context import TargetContext
from rackharness.reference.contract.body_schemas import BODY_DOCUMENTS, body_document
from rackharness.reference.events_memory import RecordingEventBus
from tests.support.fake_mongo import FakeDatabase

ABSENT = "ffffffffffffffffffffffff"


class LibraryApiTest(unittest.TestCase):
    def setUp(self):
        self.db = FakeDatabase()
        self.ctx = TargetContext(db=self.db, events=RecordingEventBus())
        self.client = create_app(self.ctx).test_client()

    def call(self, method, path, body=None, status=200):
        kwargs = {} if body is None else {"data": json.dumps(body), "content_type": "application/json"}
        response = self.client.open(f"/api/2.0{path}", method=method, **kwargs)
        self.assertEqual(response.status_code, status, f"{method} {path}: {response.get_data(as_text=True)}")
        return response

    def assert_not_found(self, method, path, text):
        body = self.call(method, path, status=404).get_json()
        self.assertEqual((body["status"], isinstance(body["UUID"], str)), ("404", True), body)
        self.assertIn(text, body["message"])

    def test_nothing_uploaded_lists_are_empty(self):
        for path in (
            "/files",
            "/files/static/list",
            "/profiles/metadata",
            "/templates/metadata",
            "/views",
            "/schemas/tasks",
        ):
            self.assertEqual(self.call("GET", path).get_json(), [], path)

    def test_unknown_names_are_404_in_rackhds_body(self):
        self.assert_not_found("GET", f"/files/{ABSENT}", ABSENT)
        self.assert_not_found("DELETE", f"/files/{ABSENT}", ABSENT)
        self.assert_not_found("GET", "/files/boot.ipxe/md5", "boot.ipxe")
        self.assert_not_found("GET", "/files/boot.ipxe/metadata", "boot.ipxe")
        self.assert_not_found("GET", "/profiles/metadata/linux.ipxe", "linux.ipxe")
        self.assert_not_found("GET", "/profiles/library/linux.ipxe", "linux.ipxe")
        self.assert_not_found("GET", "/templates/metadata/x.sh", "template not found")
        self.assert_not_found("GET", "/templates/library/x.sh", "template not found")
        self.assert_not_found("DELETE", "/templates/library/x.sh", "template not found")
        self.assert_not_found("GET", "/views/node.2.0.json", "Could not find node.2.0.json")
        self.assert_not_found("DELETE", "/views/node.2.0.json", "Could not delete node.2.0.json")
        self.assert_not_found("GET", "/schemas/tasks/install-centos", "install-centos Not Found")
        self.assert_not_found("GET", "/schemas/absent.2.0.json", "/api/2.0/schemas/absent.2.0.json Not Found")

    def test_templates_routes_leave_the_node_scripts_alone(self):
        self.assertEqual(self.call("GET", "/templates/metadata").get_json(), [])
        script = self.call("GET", "/templates/get_smart.sh")
        self.assertTrue(script.get_data(as_text=True).startswith("#!/bin/sh"))

    def test_switch_error_is_201_whatever_the_body(self):
        for body in ({"error": "boom"}, []):
            response = self.call("POST", "/profiles/switch/error", body, status=201)
            self.assertEqual(response.get_data(), b"")

    def test_schemas_are_the_body_schemas(self):
        listed = self.call("GET", "/schemas").get_json()
        self.assertEqual(listed, [f"/api/2.0/schemas/{name}" for name in BODY_DOCUMENTS])
        self.assertIn("/api/2.0/schemas/node.2.0.json", listed)
        self.assertEqual(self.call("GET", "/schemas/node.2.0.json").get_json(), body_document("node.2.0.json"))

    def test_poller_library_wins_over_a_poller_id(self):
        library = self.call("GET", "/pollers/library").get_json()
        self.assertEqual([entry["name"] for entry in library], ["ipmi", "snmp", "redfish"])
        self.assertEqual(library, [dict(entry) for entry in POLLER_LIBRARY])
        ipmi = self.call("GET", "/pollers/library/ipmi").get_json()
        self.assertEqual(
            ({c["key"] for c in ipmi["config"]}, ipmi["node"]), ({"host", "user", "password", "alerts"}, True)
        )
        self.assert_not_found("GET", "/pollers/library/wsman", "wsman")
        self.assert_not_found("GET", f"/pollers/{ABSENT}", "workitem")  # api/pollers.py still answers ids
        self.assertEqual(self.client.get("/api/current/pollers/library").status_code, 200)

    def test_patch_role(self):
        self.ctx.auth.users.add_role("Auditor", ["Read"])
        changed = self.call("PATCH", "/roles/Auditor", {"privileges": ["Read", "Write"]}).get_json()
        self.assertEqual(changed, {"role": "Auditor", "privileges": ["Read", "Write"]})
        self.assertEqual(self.call("GET", "/roles/Auditor").get_json(), changed)
        self.assertEqual(
            self.call("PATCH", "/roles/Auditor", {"privileges": "Read"}, status=400).get_json()["status"], "400"
        )
        self.assert_not_found("PATCH", "/roles/rackharness-absent", "Role Not Found: rackharness-absent")


if __name__ == "__main__":
    unittest.main()
