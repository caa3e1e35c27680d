"""SKUs (/skus) over a real nx-27017: CRUD, conflicts, bad bodies, and the SKU nodes' catalogs give them
(re-evaluated on every change, and by assign_sku/generate_tags, the steps discovery calls)."""

import datetime as dt
import uuid

from bson import ObjectId

from rackharness.reference.documents import ApiError
from rackharness.reference.skus import assign_sku, generate_tags, regenerate_skus
from tests.functional.reference.support import TargetApiTestCase

PRODUCT = "dmi.System Information.Product Name"


def product(name):
    return {"path": PRODUCT, "equals": name}


class SkusTestCase(TargetApiTestCase):
    def seed_catalog(self, node_id, source, data, stamp=None):
        stamp = stamp or dt.datetime(2018, 6, 1)
        self.db.catalogs.insert_one(
            {
                "_id": str(uuid.uuid4()),
                "node": ObjectId(node_id),
                "source": source,
                "data": data,
                "createdAt": stamp,
                "updatedAt": stamp,
            }
        )

    def node_with_product(self, name, product_name):
        node_id = self.create_node(name)["id"]
        self.seed_catalog(node_id, "dmi", {"System Information": {"Product Name": product_name}})
        return node_id

    def sku_of(self, node_id):
        return self.db.nodes.find_one({"_id": ObjectId(node_id)}).get("sku")

    def sku_events(self):
        return [(key, body) for key, body in self.events.published if key.startswith(("node.sku.", "sku.assigned."))]


class SkuCrudTest(SkusTestCase):
    def test_create_list_get_delete(self):
        body = {
            "name": "vbox",
            "rules": [product("VirtualBox")],
            "discoveryGraphName": "Graph.noop-example",
            "discoveryGraphOptions": {"a": 1},
        }
        created = self.call("POST", "/skus", body, 201)
        self.assertEqual(str(uuid.UUID(created["id"])), created["id"])
        self.assertEqual({key: created[key] for key in body}, body)
        self.assertTrue(created["createdAt"].endswith("Z") and created["updatedAt"].endswith("Z"))
        # RackHD 2.60.7 reads SKUs without their timestamps (and without packInfo); writes answer them
        listed = {key: value for key, value in created.items() if key not in ("createdAt", "updatedAt")}
        self.assertEqual(self.call("GET", "/skus"), [listed])
        self.assertEqual(self.call("GET", "/skus?name=vbox"), [listed])
        self.assertEqual(self.call("GET", f"/skus/{created['id']}"), listed)
        self.call("DELETE", f"/skus/{created['id']}", status=204)
        self.assertEqual(self.call("GET", "/skus"), [])
        for method in ("GET", "DELETE"):
            self.assert_rackhd_error(self.call(method, f"/skus/{created['id']}", status=404), 404)
        self.assert_rackhd_error(self.call("GET", f"/skus/{created['id']}/nodes", status=404), 404)

    def test_a_name_is_taken_once(self):
        first = self.call("POST", "/skus", {"name": "a", "rules": []}, 201)
        second = self.call("POST", "/skus", {"name": "b", "rules": []}, 201)
        self.assert_rackhd_error(self.call("POST", "/skus", {"name": "a", "rules": [product("x")]}, 409), 409)
        self.assert_rackhd_error(self.call("PATCH", f"/skus/{second['id']}", {"name": "a"}, 409), 409)
        self.assertEqual(self.call("PATCH", f"/skus/{first['id']}", {"name": "a"})["name"], "a")  # its own name
        self.assertEqual(sorted(s["name"] for s in self.call("GET", "/skus")), ["a", "b"])

    def test_bad_bodies_answer_400_and_store_nothing(self):
        for body in (
            {"rules": []},
            {"name": "", "rules": []},
            {"name": "x"},
            {"name": "x", "rules": "dmi.a"},
            {"name": "x", "rules": [{"equals": "a"}]},
            {"name": "x", "rules": [{"path": "dmi.a", "sameAs": "a"}]},
            {"name": "x", "rules": [{"path": "dmi.a", "equals": "a", "contains": "b"}]},
            {"name": "x", "rules": [{"path": "dmi.a", "equals": 8}]},
            {"name": "x", "rules": [{"path": "dmi.a", "min": "8"}]},
            {"name": "x", "rules": [{"path": "dmi.a", "in": "a"}]},
            {"name": "x", "rules": [], "skuConfig": {}},
            {"name": "x", "rules": [], "discoveryGraphName": ""},
            ["x"],
        ):
            for method in ("POST", "PUT"):
                self.assert_rackhd_error(self.call(method, "/skus", body, 400), 400)
        self.assertEqual(self.call("GET", "/skus"), [])
        response = self.client.post("/api/2.0/skus", data="{", content_type="application/json")
        self.assertEqual(response.status_code, 400)

    def test_a_rule_may_be_a_path_alone(self):
        created = self.call("POST", "/skus", {"name": "p", "rules": [{"path": "dmi.a"}]}, 201)
        self.assertEqual(created["rules"], [{"path": "dmi.a"}])

    def test_put_upserts_by_name(self):
        created = self.call("PUT", "/skus", {"name": "u", "rules": [product("A")]}, 201)
        updated = self.call("PUT", "/skus", {"name": "u", "rules": [product("B")], "discoveryGraphName": "G"}, 201)
        self.assertEqual(
            (updated["id"], updated["rules"], updated["discoveryGraphName"]), (created["id"], [product("B")], "G")
        )
        self.assertEqual(updated["createdAt"], created["createdAt"])
        self.assertEqual([s["id"] for s in self.call("GET", "/skus")], [created["id"]])

    def test_patch_changes_the_keys_it_sends(self):
        created = self.call("POST", "/skus", {"name": "p", "rules": [product("A")]}, 201)
        patched = self.call("PATCH", f"/skus/{created['id']}", {"rules": [product("B")], "discoveryGraphOptions": {}})
        self.assertEqual(
            (patched["name"], patched["rules"], patched["discoveryGraphOptions"]), ("p", [product("B")], {})
        )
        self.assertEqual(self.call("GET", f"/skus/{created['id']}")["rules"], [product("B")])
        self.assertEqual(self.call("PATCH", f"/skus/{created['id']}", {})["name"], "p")
        for body in ({"name": ""}, {"rules": [{"equals": "x"}]}, {"color": "red"}, ["x"]):
            self.assert_rackhd_error(self.call("PATCH", f"/skus/{created['id']}", body, 400), 400)
        self.assert_rackhd_error(self.call("PATCH", f"/skus/{uuid.uuid4()}", {"name": "q"}, 404), 404)

    def test_sku_packs(self):
        created = self.call("POST", "/skus", {"name": "p", "rules": []}, 201)
        self.call("DELETE", f"/skus/{created['id']}/pack", status=204)  # no pack: nothing to remove
        self.db.skus.update_one({"_id": created["id"]}, {"$set": {"httpStaticRoot": "static", "version": "1.0"}})
        self.assertEqual(self.call("GET", f"/skus/{created['id']}")["version"], "1.0")
        self.call("DELETE", f"/skus/{created['id']}/pack", status=204)
        after = self.call("GET", f"/skus/{created['id']}")
        self.assertEqual((after["httpStaticRoot"], after["version"]), (None, None))
        self.assert_rackhd_error(self.call("DELETE", f"/skus/{uuid.uuid4()}/pack", status=404), 404)
        self.assert_rackhd_error(self.call("PUT", f"/skus/{created['id']}/pack", status=400), 400)  # not served
        self.assert_rackhd_error(self.call("PUT", f"/skus/{uuid.uuid4()}/pack", status=404), 404)
        self.assert_rackhd_error(self.call("POST", "/skus/pack", status=400), 400)

    def test_seeded_skus_are_served(self):
        self.db.skus.insert_one(
            {
                "_id": "seeded",
                "name": "s",
                "rules": [product("A")],
                "createdAt": dt.datetime(2018, 1, 1),
                "updatedAt": "2018-01-02 00:00:00",
            }
        )
        self.assertEqual(self.call("GET", "/skus/seeded"), {"id": "seeded", "name": "s", "rules": [product("A")]})
        patched = self.call("PATCH", "/skus/seeded", {"rules": [product("B")]}, 200)  # a write answers the stamps
        self.assertEqual(patched["createdAt"], "2018-01-01T00:00:00.000Z")


class SkuAssignmentTest(SkusTestCase):
    def test_creating_a_sku_assigns_the_nodes_whose_latest_catalogs_pass(self):
        vbox = self.node_with_product("vbox", "VirtualBox")
        other = self.node_with_product("other", "PowerEdge")
        stale = self.create_node("stale")["id"]
        self.seed_catalog(stale, "dmi", {"System Information": {"Product Name": "VirtualBox"}}, dt.datetime(2018, 1, 1))
        self.seed_catalog(stale, "dmi", {"System Information": {"Product Name": "PowerEdge"}}, dt.datetime(2018, 2, 1))
        bare = self.create_node("bare")["id"]
        self.events.clear()
        sku = self.call("POST", "/skus", {"name": "vbox", "rules": [product("VirtualBox")]}, 201)
        self.assertEqual(self.sku_of(vbox), sku["id"])
        for node in (other, stale, bare):
            self.assertIsNone(self.sku_of(node))
            self.assertIsNone(self.call("GET", f"/nodes/{node}")["sku"])  # matching ran: null, as RackHD shows it
        self.assertEqual(self.call("GET", f"/nodes/{vbox}")["sku"], f"/api/2.0/skus/{sku['id']}")
        listed = self.call("GET", f"/skus/{sku['id']}/nodes")
        self.assertEqual(
            [(n["id"], n["sku"], n["tags"]) for n in listed],
            [(vbox, f"/api/2.0/skus/{sku['id']}", f"/api/2.0/nodes/{vbox}/tags")],
        )
        events = self.sku_events()
        self.assertEqual(
            [key for key, _ in events], [f"node.sku.assigned.information.{vbox}.{vbox}", f"sku.assigned.{vbox}"]
        )
        envelope = events[0][1]
        keys = ("version", "type", "action", "severity", "typeId", "nodeId", "data")
        self.assertEqual(
            {key: envelope[key] for key in keys},
            {
                "version": "1.0",
                "type": "node",
                "action": "sku.assigned",
                "severity": "information",
                "typeId": vbox,
                "nodeId": vbox,
                "data": {"nodeType": "compute"},
            },
        )
        self.assertEqual(events[1][1], {"sku": sku["id"]})

    def test_changes_re_evaluate_every_node(self):
        vbox = self.node_with_product("vbox", "VirtualBox")
        wide = self.call("POST", "/skus", {"name": "wide", "rules": [{"path": PRODUCT, "regex": "Box$"}]}, 201)
        self.assertEqual(self.sku_of(vbox), wide["id"])
        self.events.clear()
        length = {"path": "dmi.System Information.Product Name.length", "min": 5}
        deep = self.call("POST", "/skus", {"name": "deep", "rules": [length]}, 201)  # depth 4 beats 3
        self.assertEqual(self.sku_of(vbox), deep["id"])
        self.assertEqual(
            [key for key, _ in self.sku_events()],
            [f"node.sku.updated.information.{vbox}.{vbox}", f"sku.assigned.{vbox}"],
        )
        self.events.clear()
        self.call("DELETE", f"/skus/{deep['id']}", status=204)  # the next SKU the node matches
        self.assertEqual(self.sku_of(vbox), wide["id"])
        self.assertEqual(
            [key for key, _ in self.sku_events()],
            [f"node.sku.updated.information.{vbox}.{vbox}", f"sku.assigned.{vbox}"],
        )
        self.events.clear()
        self.call("PATCH", f"/skus/{wide['id']}", {"rules": [product("PowerEdge")]})
        self.assertIsNone(self.sku_of(vbox))
        self.assertEqual([key for key, _ in self.sku_events()], [f"node.sku.unassigned.information.{vbox}.{vbox}"])
        self.assertEqual(self.call("GET", f"/skus/{wide['id']}/nodes"), [])
        self.call("PUT", "/skus", {"name": "wide", "rules": [product("VirtualBox")]}, 201)
        self.assertEqual(self.sku_of(vbox), wide["id"])
        self.call("DELETE", f"/skus/{wide['id']}", status=204)
        self.assertIsNone(self.sku_of(vbox))

    def test_a_sku_without_rules_matches_every_node(self):
        nodes = [self.create_node(f"n{i}")["id"] for i in range(2)]
        anything = self.call("POST", "/skus", {"name": "any", "rules": []}, 201)
        self.assertEqual([self.sku_of(node) for node in nodes], [anything["id"]] * 2)

    def test_rules_read_several_sources_and_lists(self):
        node = self.create_node("n")["id"]
        self.seed_catalog(node, "dmi", {"Memory Device": [{"Size": "8 GB"}, {"Size": "16 GB"}]})
        self.seed_catalog(node, "ohai", {"cpu": {"total": 8}})
        rules = [{"path": "dmi.Memory Device.1.Size", "contains": "16"}, {"path": "ohai.cpu.total", "greaterThan": 4}]
        sku = self.call("POST", "/skus", {"name": "two", "rules": rules}, 201)
        self.assertEqual(self.sku_of(node), sku["id"])
        self.call("PATCH", f"/skus/{sku['id']}", {"rules": rules + [{"path": "lshw.anything", "notContains": "x"}]})
        self.assertIsNone(self.sku_of(node))  # a missing path passes no rule (RackHD: notContains would pass)


class DiscoveryStepsTest(SkusTestCase):
    def test_assign_sku_is_idempotent_and_reports_the_sku(self):
        vbox = self.node_with_product("vbox", "VirtualBox")
        bare = self.create_node("bare")["id"]
        sku_id = str(uuid.uuid4())  # seeded: no API re-evaluation happened
        self.db.skus.insert_one(
            {
                "_id": sku_id,
                "name": "vbox",
                "rules": [product("VirtualBox")],
                "createdAt": dt.datetime(2018, 1, 1),
                "updatedAt": dt.datetime(2018, 1, 1),
            }
        )
        self.events.clear()
        self.assertEqual(assign_sku(self.ctx, vbox), sku_id)
        self.assertEqual(assign_sku(self.ctx, vbox), sku_id)
        self.assertEqual(
            [key for key, _ in self.sku_events()],
            [f"node.sku.assigned.information.{vbox}.{vbox}", f"sku.assigned.{vbox}", f"sku.assigned.{vbox}"],
        )
        self.assertIsNone(assign_sku(self.ctx, bare))
        self.assertIsNone(assign_sku(self.ctx, bare))
        self.assertEqual(len(self.sku_events()), 3)
        self.assertEqual(self.call("GET", f"/nodes/{bare}")["id"], bare)
        self.assertIsNone(self.call("PATCH", f"/nodes/{bare}", {"name": "bare"})["sku"])  # matched none: null
        self.assertEqual(regenerate_skus(self.ctx), {vbox: sku_id, bare: None})
        with self.assertRaises(ApiError) as caught:
            assign_sku(self.ctx, str(ObjectId()))
        self.assertEqual(caught.exception.status, 404)
        self.assertIsInstance(caught.exception, LookupError)  # what the discovery jobs catch

    def test_generate_tags_applies_every_definition_once(self):
        vbox = self.node_with_product("vbox", "VirtualBox")
        self.call("PATCH", f"/nodes/{vbox}/tags", {"tags": ["kept"]})
        self.db.tags.insert_many(
            [
                {"_id": str(uuid.uuid4()), "name": "virtual", "rules": [product("VirtualBox")]},
                {"_id": str(uuid.uuid4()), "name": "empty", "rules": []},
                {"_id": str(uuid.uuid4()), "name": "dell", "rules": [product("PowerEdge")]},
                {"_id": str(uuid.uuid4()), "name": "boxed", "rules": [{"path": PRODUCT, "regex": "Box"}]},
            ]
        )
        self.assertEqual(generate_tags(self.ctx, vbox), ["virtual", "boxed"])
        self.assertEqual(generate_tags(self.ctx, vbox), ["virtual", "boxed"])
        self.assertEqual(self.call("GET", f"/nodes/{vbox}/tags"), ["kept", "virtual", "boxed"])
        with self.assertRaises(LookupError):
            generate_tags(self.ctx, "not-a-node-id")

    def test_creating_a_tag_applies_every_definition(self):
        vbox = self.node_with_product("vbox", "VirtualBox")
        self.call("POST", "/tags", {"name": "virtual", "rules": [product("VirtualBox")]}, 201)
        self.call("DELETE", f"/nodes/{vbox}/tags/virtual", status=204)
        self.call("POST", "/tags", {"name": "unrelated", "rules": [product("PowerEdge")]}, 201)
        # RackHD's Graph.GenerateTags applies all definitions, so the name removed by hand comes back
        self.assertEqual(self.call("GET", f"/nodes/{vbox}/tags"), ["virtual"])
