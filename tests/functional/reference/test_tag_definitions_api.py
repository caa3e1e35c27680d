"""Tag definitions (/tags) over a real nx-27017: CRUD, conflicts, bad bodies, rules matched on catalogs."""

import datetime as dt
import uuid

from bson import ObjectId

from tests.functional.reference.support import TargetApiTestCase

RULE = {"path": "dmi.System Information.Product Name", "equals": "VirtualBox"}


class TagDefinitionsTest(TargetApiTestCase):
    def seed_catalog(self, node_id, source, data, stamp):
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

    def test_create_list_get_delete(self):
        created = self.call("POST", "/tags", {"name": "vbox", "rules": [RULE]}, 201)
        self.assertEqual((created["name"], created["rules"]), ("vbox", [RULE]))
        self.assertEqual(str(uuid.UUID(created["id"])), created["id"])
        self.assertTrue(created["createdAt"].endswith("Z"))
        self.assertEqual(self.call("GET", "/tags"), [{"id": created["id"], "name": "vbox", "rules": [RULE]}])
        self.assertEqual(self.call("GET", "/tags/vbox"), {"id": created["id"], "name": "vbox", "rules": [RULE]})
        self.assertEqual(self.call("GET", "/tags?name=vbox")[0]["name"], "vbox")
        self.call("DELETE", "/tags/vbox", status=204)
        self.assertEqual(self.call("GET", "/tags"), [])
        self.assert_rackhd_error(self.call("GET", "/tags/vbox", status=404), 404)
        self.assertIsNone(self.call("DELETE", "/tags/vbox", status=204))  # on-http destroys none: nothing to do

    def test_a_name_is_taken_once_and_bad_bodies_are_refused(self):
        self.call("POST", "/tags", {"name": "t", "rules": []}, 201)
        self.assert_rackhd_error(self.call("POST", "/tags", {"name": "t", "rules": [RULE]}, 409), 409)
        for body in (
            {"name": "u"},
            {"name": "u", "rules": "x"},
            {"name": "u", "rules": [{"equals": "x"}]},
            {"name": "", "rules": []},
            ["u"],
        ):
            self.assert_rackhd_error(self.call("POST", "/tags", body, 400), 400)
        self.assertEqual([t["name"] for t in self.call("GET", "/tags")], ["t"])

    def test_creating_a_tag_tags_the_nodes_whose_latest_catalogs_pass(self):
        vbox, other, stale, bare = (self.create_node(name)["id"] for name in ("vbox", "other", "stale", "bare"))
        old, new = dt.datetime(2018, 1, 1), dt.datetime(2018, 6, 1)
        self.seed_catalog(vbox, "dmi", {"System Information": {"Product Name": "VirtualBox"}}, new)
        self.seed_catalog(other, "dmi", {"System Information": {"Product Name": "PowerEdge"}}, new)
        self.seed_catalog(stale, "dmi", {"System Information": {"Product Name": "VirtualBox"}}, old)
        self.seed_catalog(stale, "dmi", {"System Information": {"Product Name": "PowerEdge"}}, new)
        self.call("PATCH", f"/nodes/{vbox}/tags", {"tags": ["kept"]})
        self.call("POST", "/tags", {"name": "vbox", "rules": [RULE]}, 201)
        self.call("POST", "/tags", {"name": "none", "rules": []}, 201)  # no rules: matches nothing
        tagged = self.call("GET", "/tags/vbox/nodes")
        self.assertEqual([(n["id"], n["tags"]) for n in tagged], [(vbox, ["kept", "vbox"])])
        self.assertIn("createdAt", tagged[0])  # raw nodes
        for node in (other, stale, bare):
            self.assertEqual(self.call("GET", f"/nodes/{node}/tags"), [])
        self.assertEqual(self.call("GET", "/tags/none/nodes"), [])
        self.call("DELETE", "/tags/vbox", status=204)  # the definition goes; the nodes keep the name
        self.assertEqual(self.call("GET", f"/nodes/{vbox}/tags"), ["kept", "vbox"])
        self.assertEqual([n["id"] for n in self.call("GET", "/tags/kept/nodes")], [vbox])
