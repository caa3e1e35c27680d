"""/nodes over a real nx-27017: shapes (view vs raw), lookup rules, validation, cascade, events."""

import datetime as dt
import json

from bson import ObjectId

from rackharness.reference.obm_sealing import ObmSealer
from tests.functional.reference.support import TargetApiTestCase

IPMI = {"service": "ipmi-obm-service", "config": {"host": "10.0.0.5", "user": "admin", "password": "ipmi-Pa55"}}
# as RackHD 2.60.7 answers them: no sku key in the view or the raw node until SKU matching ran for the node
VIEW_KEYS = [
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
]
RAW_KEYS = {"id", "name", "type", "identifiers", "autoDiscover", "relations", "tags", "createdAt", "updatedAt"}


class CreateNodeTest(TargetApiTestCase):
    def test_post_answers_201_raw_with_normalised_macs_and_publishes_node_added(self):
        created = self.create_node("rh-1", identifiers=["52-54-00-AA-BB-CC", "serial-XYZ"], tags=["t1"])
        self.assertEqual(set(created), RAW_KEYS)
        self.assertEqual(created["identifiers"], ["52:54:00:aa:bb:cc", "serial-XYZ"])
        self.assertEqual(created["tags"], ["t1"])
        self.assertRegex(created["createdAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        stored = self.db.nodes.find_one({"_id": ObjectId(created["id"])})
        self.assertIsInstance(stored["createdAt"], dt.datetime)
        key, body = self.events.published[0]
        self.assertEqual(key, f"node.added.information.{created['id']}.{created['id']}")
        self.assertEqual(body["data"], {"nodeType": "compute"})

    def test_inline_obms_are_stored_and_linked_from_the_view(self):
        created = self.create_node("rh-obm", obms=[IPMI])
        view = self.call("GET", f"/nodes/{created['id']}")
        self.assertEqual(list(view), VIEW_KEYS)
        self.assertEqual(len(view["obms"]), 1)
        self.assertEqual(view["obms"][0]["service"], "ipmi-obm-service")
        obm = self.call("GET", view["obms"][0]["ref"][len("/api/2.0") :])
        self.assertEqual(obm["config"], {"host": "10.0.0.5", "user": "admin"})
        self.assertIn(f"node.obms.assigned.information.{created['id']}.{created['id']}", self.events.keys())

    def test_bad_bodies_get_400_with_the_schema_error_and_nothing_is_stored(self):
        cases = [
            ({"name": "x", "type": "toaster"}, "toaster"),
            ({"type": "compute"}, "ValidationError: Missing required property: name"),
            ({"name": "x", "type": "compute", "color": "red"}, "ValidationError: Additional properties not allowed"),
            (
                {"name": "x", "type": "compute", "obms": [{"service": "ipmi-obm-service", "config": {"host": "h"}}]},
                "obms[0]",
            ),
        ]
        for body, expected in cases:
            with self.subTest(body=body):
                error = self.call("POST", "/nodes", body, 400)
                self.assert_rackhd_error(error, 400)
                self.assertIn(expected, error["message"] + json.dumps(error.get("errors")))
        self.assertEqual(self.db.nodes.count_documents({}), 0)
        self.assertEqual(self.db.obms.count_documents({}), 0)

    def test_non_json_body_is_a_400_in_rackhd_shape(self):
        response = self.client.post("/api/2.0/nodes", data="{not json", content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assert_rackhd_error(response.get_json(), 400)


class ReadNodesTest(TargetApiTestCase):
    def test_list_filters_pages_and_sorts(self):
        for name, node_type in (("b", "compute"), ("a", "compute"), ("c", "switch")):
            self.create_node(name, type=node_type)
        self.assertEqual([n["name"] for n in self.call("GET", "/nodes?type=compute&sort=name")], ["a", "b"])
        self.assertEqual([n["name"] for n in self.call("GET", "/nodes?sort=-name")], ["c", "b", "a"])
        response = self.client.get("/api/2.0/nodes?sort=name&$skip=1&$top=1")
        self.assertEqual([n["name"] for n in response.get_json()], ["b"])
        self.assertIn('rel="next"', response.headers["Link"])
        self.assertIn("$skip=2&$top=1", response.headers["Link"])
        self.assert_rackhd_error(self.call("GET", "/nodes?$top=many", status=400), 400)

    def test_get_by_id_takes_the_real_id_only(self):
        created = self.create_node(identifiers=["52:54:00:00:00:01"])
        self.assertEqual(self.call("GET", f"/nodes/{created['id']}")["id"], created["id"])
        self.assert_rackhd_error(self.call("GET", "/nodes/52:54:00:00:00:01", status=404), 404)
        error = self.call("GET", f"/nodes/{ObjectId()}", status=404)
        self.assert_rackhd_error(error, 404)
        self.assertEqual(error["message"], f"Node not Found {error['message'].split()[-1]}")  # RackHD's words

    def test_current_and_common_prefixes_are_aliases(self):
        created = self.create_node()
        for prefix in ("/api/current", "/api/common"):
            self.assertEqual(self.client.get(f"{prefix}/nodes/{created['id']}").get_json()["id"], created["id"])

    def test_a_node_seeded_in_rackhd_shape_is_served(self):
        oid, obm_id = ObjectId(), ObjectId()
        self.db.nodes.insert_one(
            {
                "_id": oid,
                "name": "seeded",
                "type": "compute",
                "identifiers": ["08:00:27:27:eb:12"],
                "autoDiscover": False,
                "relations": [],
                "tags": [],
                "sku": "sku-1",
                "createdAt": dt.datetime(2015, 11, 30, 21, 37, 18, 441000),
                "updatedAt": dt.datetime(2015, 11, 30, 21, 38, 26, 755000),
            }
        )
        self.db.obms.insert_one({"_id": obm_id, "node": oid, "service": "noop-obm-service", "config": {}})
        view = self.call("GET", f"/nodes/{oid}")
        self.assertEqual(view["obms"], [{"service": "noop-obm-service", "ref": f"/api/2.0/obms/{obm_id}"}])
        self.assertEqual(view["sku"], "/api/2.0/skus/sku-1")
        patched = self.call("PATCH", "/nodes/08:00:27:27:eb:12", {"name": "renamed"})
        self.assertEqual(patched["createdAt"], "2015-11-30T21:37:18.441Z")


class PatchNodeTest(TargetApiTestCase):
    def test_patch_by_id_mac_or_lookup_answers_raw(self):
        created = self.create_node(identifiers=["52:54:00:00:00:02"])
        self.db.lookups.insert_one(
            {
                "_id": ObjectId(),
                "node": ObjectId(created["id"]),
                "ipAddress": "172.31.128.9",
                "macAddress": "52:54:00:00:00:02",
            }
        )
        for identifier, name in ((created["id"], "by-id"), ("52-54-00-00-00-02", "by-mac"), ("172.31.128.9", "by-ip")):
            patched = self.call("PATCH", f"/nodes/{identifier}", {"name": name})
            self.assertEqual((patched["name"], set(patched)), (name, RAW_KEYS))
        self.assertEqual(self.db.nodes.find_one()["name"], "by-ip")

    def test_patch_checks_partial_node_and_unknown_node(self):
        created = self.create_node()
        error = self.call("PATCH", f"/nodes/{created['id']}", {"type": "toaster"}, 400)
        self.assertEqual((error["message"], error["errors"]), ("Validation errors", ["No enum match for: toaster"]))
        self.assert_rackhd_error(self.call("PATCH", f"/nodes/{ObjectId()}", {"name": "x"}, 404), 404)


class DeleteNodeTest(TargetApiTestCase):
    def test_delete_cascades_and_publishes_node_removed(self):
        node = self.create_node(obms=[IPMI])
        other = self.create_node("other")
        nid, oid = node["id"], ObjectId(node["id"])
        self.db.catalogs.insert_one({"_id": "c-1", "node": oid, "source": "dmi", "data": {}})
        self.db.workitems.insert_one({"_id": ObjectId(), "node": oid, "name": "Pollers.IPMI"})
        self.db.lookups.insert_one({"_id": ObjectId(), "node": oid, "macAddress": "52:54:00:00:00:09"})
        self.call("PUT", f"/nodes/{nid}/relations", {"containedBy": [other["id"]]})
        self.events.clear()

        self.call("DELETE", f"/nodes/{nid}", status=204)

        self.assertIsNone(self.db.nodes.find_one({"_id": oid}))
        for collection in ("obms", "catalogs", "workitems"):
            self.assertEqual(self.db[collection].count_documents({}), 0, collection)
        self.assertNotIn("node", self.db.lookups.find_one())
        self.assertEqual(self.call("GET", f"/nodes/{other['id']}/relations"), [])
        self.assertEqual(self.events.keys(), [f"node.removed.information.{nid}.{nid}"])
        self.assert_rackhd_error(self.call("DELETE", f"/nodes/{nid}", status=404), 404)

    def test_delete_is_refused_with_400_while_a_graph_is_active(self):
        node = self.create_node()
        self.engine.active.add(node["id"])
        error = self.call("DELETE", f"/nodes/{node['id']}", status=400)
        self.assert_rackhd_error(error, 400)
        # RackHD 2.60.7's message, as it answers it (../shared/rackhd-captures)
        self.assertEqual(error["message"], f"&#34;Could not remove node {node['id']}, active workflow is running&#34;")
        self.assertIsNotNone(self.db.nodes.find_one({"_id": ObjectId(node["id"])}))
        self.engine.active.clear()
        self.call("DELETE", f"/nodes/{node['id']}", status=204)


class NodeObmTest(TargetApiTestCase):
    def test_put_upserts_one_obm_per_service_and_never_returns_the_password(self):
        node = self.create_node()
        first = self.call("PUT", f"/nodes/{node['id']}/obm", {"nodeId": node["id"], **IPMI}, 201)
        changed = {"service": "ipmi-obm-service", "config": {"host": "10.0.0.6", "user": "root", "password": "n3w-Pw"}}
        second = self.call("PUT", f"/nodes/{node['id']}/obm", {"nodeId": node["id"], **changed}, 201)
        self.assertEqual(first["id"], second["id"])
        self.assertEqual(
            second,
            {
                "id": first["id"],
                "node": f"/api/2.0/nodes/{node['id']}",
                "service": "ipmi-obm-service",
                "config": {"host": "10.0.0.6", "user": "root"},
            },
        )
        listed = self.client.get(f"/api/2.0/nodes/{node['id']}/obm")
        self.assertEqual([o["id"] for o in listed.get_json()], [first["id"]])
        self.assertNotIn(b"n3w-Pw", listed.data)
        stored = self.db.obms.find_one()["config"]["password"]  # encrypted at rest, as RackHD stores it
        self.assertNotIn("n3w-Pw", stored)
        self.assertEqual(ObmSealer().unseal({"password": stored}), {"password": "n3w-Pw"})
        nid = node["id"]
        self.assertEqual(
            [k for k in self.events.keys() if ".obms." in k],
            [f"node.obms.assigned.information.{nid}.{nid}", f"node.obms.updated.information.{nid}.{nid}"],
        )

    def test_put_checks_the_service_schema_without_echoing_the_password(self):
        node = self.create_node()
        response = self.client.put(
            f"/api/2.0/nodes/{node['id']}/obm",
            json={
                "nodeId": node["id"],
                "service": "ipmi-obm-service",
                "config": {"host": "h", "user": "u", "password": 424242},
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.get_json()["message"], "ValidationError: Invalid type: integer (expected string)")
        self.assertNotIn(b"424242", response.data)
        mismatch = self.call("PUT", f"/nodes/{node['id']}/obm", {**IPMI, "nodeId": str(ObjectId())}, 400)
        self.assertIn("nodeId", mismatch["message"])
        unknown = str(ObjectId())
        self.assert_rackhd_error(self.call("PUT", f"/nodes/{unknown}/obm", {"nodeId": unknown, **IPMI}, 404), 404)
        # RackHD's body parameter requires nodeId: refused before anything else (../shared/rackhd-captures)
        without = self.call("PUT", f"/nodes/{node['id']}/obm", IPMI, 400)
        self.assertEqual(
            (without["message"], without["errors"]), ("Validation errors", ["Missing required property: nodeId"])
        )


class NodeCatalogsTest(TargetApiTestCase):
    def test_list_is_the_view_and_by_source_is_the_latest_raw(self):
        node = self.create_node(identifiers=["52:54:00:00:00:03"])
        oid = ObjectId(node["id"])
        for day, product in ((1, "old"), (2, "new")):
            stamp = dt.datetime(2018, 7, day, 12, 0, 0)
            self.db.catalogs.insert_one(
                {
                    "_id": f"cat-{day}",
                    "node": oid,
                    "source": "dmi",
                    "createdAt": stamp,
                    "updatedAt": stamp,
                    "data": {"System Information": {"Product Name": product}},
                }
            )
        listed = self.call("GET", "/nodes/52:54:00:00:00:03/catalogs")
        self.assertEqual([c["node"] for c in listed], [f"/api/2.0/nodes/{node['id']}"] * 2)
        latest = self.call("GET", f"/nodes/{node['id']}/catalogs/dmi")
        self.assertEqual((latest["id"], latest["node"]), ("cat-2", node["id"]))
        self.assertEqual(latest["data"]["System Information"]["Product Name"], "new")
        error = self.call("GET", f"/nodes/{node['id']}/catalogs/bmc", status=404)
        self.assertIn("bmc", error["message"])
