"""The real WSGI app behind waitress, driven by RackHD's generated client ``on_http_api2_0``
(contract §7): status codes and bodies as a FIT-style test reads them (``last_response``)."""

import json

from bson import ObjectId
from on_http_api2_0 import ApiApi, ApiClient
from on_http_api2_0.rest import ApiException

from tests.functional.reference.support import TargetApiTestCase, WaitressServer

VIEW_KEYS = {
    "autoDiscover",
    "catalogs",
    "id",
    "identifiers",
    "name",
    "obms",
    "tags",
    "pollers",
    "relations",
    "type",
    "workflows",
    "ibms",
}  # no sku until SKU matching ran for the node, as RackHD 2.60.7
RAW_KEYS = {"id", "name", "type", "identifiers", "autoDiscover", "relations", "tags", "createdAt", "updatedAt"}
OBM_KEYS = {"id", "node", "service", "config"}
PASSWORD = "Client-Pa55"


class RackhdClientTest(TargetApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = WaitressServer(cls.app)
        cls.addClassCleanup(cls.server.close)

    def setUp(self):
        super().setUp()
        self.api = ApiApi(ApiClient(host=self.server.url + "/api/2.0"))

    def body(self):
        return json.loads(self.api.api_client.last_response.data or "null")

    def status(self):
        return self.api.api_client.last_response.status

    def test_node_and_obm_lifecycle_with_the_contract_shapes(self):
        self.api.nodes_post(
            identifiers={"name": "client-node", "type": "compute", "identifiers": ["52:54:00:AB:CD:EF"]}
        )
        created = self.body()
        self.assertEqual((self.status(), set(created)), (201, RAW_KEYS))
        self.assertEqual(created["identifiers"], ["52:54:00:ab:cd:ef"])
        nid = created["id"]

        self.api.obms_put(
            body={
                "nodeId": nid,
                "service": "ipmi-obm-service",
                "config": {"host": "10.0.0.10", "user": "admin", "password": PASSWORD},
            }
        )
        obm = self.body()
        self.assertEqual((self.status(), set(obm), obm["node"]), (201, OBM_KEYS, f"/api/2.0/nodes/{nid}"))

        self.api.obms_get()
        self.assertEqual([o["id"] for o in self.body()], [obm["id"]])
        self.assertNotIn(PASSWORD, self.api.api_client.last_response.data)

        self.api.nodes_get_all()
        (view,) = self.body()
        self.assertEqual(set(view), VIEW_KEYS)
        self.assertEqual(view["tags"], f"/api/2.0/nodes/{nid}/tags")
        self.assertEqual(view["obms"], [{"service": "ipmi-obm-service", "ref": f"/api/2.0/obms/{obm['id']}"}])

        self.api.nodes_get_by_id(identifier=nid)
        self.assertEqual(self.body(), view)

        self.api.nodes_patch_by_id(identifier="52:54:00:ab:cd:ef", body={"name": "client-renamed"})
        patched = self.body()
        self.assertEqual((self.status(), set(patched), patched["name"]), (200, RAW_KEYS, "client-renamed"))

        self.api.nodes_del_by_id(identifier=nid)
        self.assertEqual(self.status(), 204)
        with self.assertRaises(ApiException) as gone:
            self.api.nodes_get_by_id(identifier=nid)
        self.assertEqual(gone.exception.status, 404)
        self.assertLessEqual({"message", "status", "UUID"}, set(json.loads(gone.exception.body)))
        self.api.obms_get()
        self.assertEqual(self.body(), [])

    def test_paging_parameters_reach_the_server(self):
        for name in ("c", "a", "b"):
            self.api.nodes_post(identifiers={"name": name, "type": "compute"})
        self.api.nodes_get_all(sort="name", skip=1, top=1)
        self.assertEqual([n["name"] for n in self.body()], ["b"])

    def test_errors_come_back_as_rackhd_bodies(self):
        with self.assertRaises(ApiException) as bad:
            self.api.nodes_post(identifiers={"name": "bad", "type": "toaster"})
        error = json.loads(bad.exception.body)
        self.assertEqual((bad.exception.status, error["status"]), (400, "400"))
        # RackHD's words: its body parameter's enum refuses it first
        self.assertEqual((error["message"], error["errors"]), ("Validation errors", ["No enum match for: toaster"]))

        with self.assertRaises(ApiException) as bad_obm:
            self.api.obms_put(body={"service": "ipmi-obm-service", "config": {"password": PASSWORD}})
        self.assertEqual(bad_obm.exception.status, 400)
        self.assertNotIn(PASSWORD, bad_obm.exception.body)

        with self.assertRaises(ApiException) as missing:
            self.api.nodes_patch_by_id(identifier=str(ObjectId()), body={"name": "x"})
        self.assertEqual(missing.exception.status, 404)

    def test_delete_during_an_active_graph_is_a_400(self):
        self.api.nodes_post(identifiers={"name": "busy", "type": "compute"})
        nid = self.body()["id"]
        self.engine.active.add(nid)
        with self.assertRaises(ApiException) as refused:
            self.api.nodes_del_by_id(identifier=nid)
        self.assertEqual(refused.exception.status, 400)  # RackHD 2.60.7's answer
        self.assertIn("active workflow is running", json.loads(refused.exception.body)["message"])
