"""/obms over a real nx-27017: upsert, view shape, PATCH/DELETE, schemas; passwords never returned."""

from bson import ObjectId

from rackharness.reference.spec import obm_services
from tests.functional.reference.support import TargetApiTestCase

PASSWORD = "Bmc-Pa55word"


class ObmsTest(TargetApiTestCase):
    def setUp(self):
        super().setUp()
        self.node = self.create_node()
        self.nid = self.node["id"]
        self.ipmi = {
            "nodeId": self.nid,
            "service": "ipmi-obm-service",
            "config": {"host": "10.0.0.7", "user": "admin", "password": PASSWORD},
        }

    def test_put_get_list_patch_delete(self):
        created = self.call("PUT", "/obms", self.ipmi, 201)
        self.assertEqual(
            created,
            {
                "id": created["id"],
                "node": f"/api/2.0/nodes/{self.nid}",
                "service": "ipmi-obm-service",
                "config": {"host": "10.0.0.7", "user": "admin"},
            },
        )
        self.assertEqual(self.call("GET", f"/obms/{created['id']}"), created)
        self.assertEqual(self.call("GET", "/obms"), [created])
        again = self.call("PUT", "/obms", {**self.ipmi, "config": {**self.ipmi["config"], "host": "10.0.0.8"}}, 201)
        self.assertEqual((again["id"], self.db.obms.count_documents({})), (created["id"], 1))

        patched = self.call(
            "PATCH", f"/obms/{created['id']}", {"config": {"host": "10.0.0.9", "user": "root", "password": PASSWORD}}
        )
        self.assertEqual(patched["config"], {"host": "10.0.0.9", "user": "root"})
        # the raw record, as RackHD 2.60.7 answers PATCH (the spec gives it no view)
        self.assertEqual(
            {k: patched[k] for k in ("id", "node", "nodeId", "service")},
            {"id": created["id"], "node": self.nid, "nodeId": self.nid, "service": "ipmi-obm-service"},
        )
        self.assertTrue(patched["createdAt"] and patched["updatedAt"], patched)
        self.call("DELETE", f"/obms/{created['id']}", status=204)
        self.assert_rackhd_error(self.call("GET", f"/obms/{created['id']}", status=404), 404)
        self.assertEqual(self.call("GET", f"/nodes/{self.nid}")["obms"], [])
        self.assertEqual(
            [k.split(".")[2] for k in self.events.keys() if ".obms." in k],
            ["assigned", "updated", "updated", "unassigned"],
        )

    def test_patch_is_checked_against_the_stored_service(self):
        created = self.call("PUT", "/obms", self.ipmi, 201)
        error = self.call("PATCH", f"/obms/{created['id']}", {"config": {"host": "only-host"}}, 400)
        self.assertEqual(error["message"], "ValidationError: Missing required property: user")

    def test_bad_put_bodies(self):
        missing = self.call("PUT", "/obms", {"service": "ipmi-obm-service", "config": self.ipmi["config"]}, 400)
        self.assertEqual(
            (missing["message"], missing["errors"]), ("Validation errors", ["Missing required property: nodeId"])
        )
        unknown = self.call("PUT", "/obms", {**self.ipmi, "service": "toaster-obm-service"}, 400)
        self.assertIn("toaster-obm-service", unknown["message"])
        extra = self.call("PUT", "/obms", {**self.ipmi, "speed": 3}, 400)
        self.assertEqual(extra["message"], "ValidationError: Additional properties not allowed")
        self.assert_rackhd_error(self.call("PUT", "/obms", {**self.ipmi, "nodeId": str(ObjectId())}, 404), 404)

    def test_patch_cannot_make_a_second_obm_of_one_service(self):
        self.call("PUT", "/obms", self.ipmi, 201)
        noop = self.call("PUT", "/obms", {"nodeId": self.nid, "service": "noop-obm-service", "config": {}}, 201)
        clash = self.call("PATCH", f"/obms/{noop['id']}", self.ipmi, 409)
        self.assertIn("ipmi-obm-service", clash["message"])

    def test_noop_service_takes_any_config(self):
        created = self.call("PUT", "/obms", {"nodeId": self.nid, "service": "noop-obm-service", "config": {}}, 201)
        self.assertEqual(created["config"], {})

    def test_no_endpoint_returns_a_stored_secret(self):
        self.call("PUT", "/obms", self.ipmi, 201)
        self.call(
            "PUT",
            "/obms",
            {
                "nodeId": self.nid,
                "service": "snmp-obm-service",
                "config": {"host": "10.0.0.7", "community": "private-community"},
            },
            201,
        )
        for path in ("/obms", f"/nodes/{self.nid}/obm", "/nodes", f"/nodes/{self.nid}"):
            response = self.client.get(f"/api/2.0{path}")
            self.assertEqual(response.status_code, 200, path)
            self.assertNotIn(PASSWORD.encode(), response.data, path)
            self.assertNotIn(b"private-community", response.data, path)

    def test_definitions(self):
        listed = self.call("GET", "/obms/definitions")
        self.assertIn("/api/2.0/obms/definitions/ipmi-obm-service.json", listed)
        self.assertEqual(len(listed), len(obm_services()))
        for name in ("ipmi-obm-service.json", "ipmi-obm-service"):
            schema = self.call("GET", f"/obms/definitions/{name}")
            self.assertEqual(schema["title"], "ipmi-obm-service")
        self.assert_rackhd_error(self.call("GET", "/obms/definitions/toaster.json", status=404), 404)
