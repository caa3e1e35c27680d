"""Catalogs, node tags, node relations and /config over a real nx-27017."""

import datetime as dt

from bson import ObjectId

from tests.functional.reference.support import TargetApiTestCase


class CatalogsTest(TargetApiTestCase):
    def test_list_filter_and_get_by_id_are_views(self):
        node = self.create_node()
        stamp = dt.datetime(2018, 7, 1, 12, 0, 0, 123000)
        for source in ("dmi", "bmc"):
            self.db.catalogs.insert_one(
                {
                    "_id": f"uuid-{source}",
                    "node": ObjectId(node["id"]),
                    "source": source,
                    "data": {"k": source},
                    "createdAt": stamp,
                    "updatedAt": stamp,
                }
            )
        self.assertEqual(len(self.call("GET", "/catalogs")), 2)
        (dmi,) = self.call("GET", "/catalogs?source=dmi")
        self.assertEqual(
            dmi,
            {
                "id": "uuid-dmi",
                "node": f"/api/2.0/nodes/{node['id']}",
                "createdAt": "2018-07-01T12:00:00.123Z",
                "updatedAt": "2018-07-01T12:00:00.123Z",
                "source": "dmi",
                "data": {"k": "dmi"},
            },
        )
        self.assertEqual(len(self.call("GET", f"/catalogs?node={node['id']}")), 2)
        self.assertEqual(self.call("GET", "/catalogs/uuid-bmc")["source"], "bmc")
        self.assert_rackhd_error(self.call("GET", "/catalogs/nope", status=404), 404)


class NodeTagsTest(TargetApiTestCase):
    def test_get_patch_delete_tags(self):
        node = self.create_node(identifiers=["52:54:00:00:00:04"], tags=["a"])
        added = self.call("PATCH", "/nodes/52:54:00:00:00:04/tags", {"tags": ["b", "a", "c"]})
        self.assertEqual(added, ["a", "b", "c"])
        self.assertEqual(self.call("GET", f"/nodes/{node['id']}/tags"), ["a", "b", "c"])
        self.call("DELETE", f"/nodes/{node['id']}/tags/b", status=204)
        self.assertEqual(self.call("GET", f"/nodes/{node['id']}/tags"), ["a", "c"])

    def test_patch_needs_a_tags_list(self):
        node = self.create_node()
        self.assertIn("tags", self.call("PATCH", f"/nodes/{node['id']}/tags", {"name": "x"}, 400)["message"])
        self.call("PATCH", f"/nodes/{node['id']}/tags", {"tags": "a"}, 400)
        self.assert_rackhd_error(self.call("GET", f"/nodes/{ObjectId()}/tags", status=404), 404)

    def test_delete_a_tag_from_every_node(self):
        first = self.create_node("n1", tags=["gone", "kept"])
        second = self.create_node("n2", tags=["gone"])
        self.call("DELETE", "/nodes/tags/gone", status=204)
        self.assertEqual(self.call("GET", f"/nodes/{first['id']}/tags"), ["kept"])
        self.assertEqual(self.call("GET", f"/nodes/{second['id']}/tags"), [])


class RelationsTest(TargetApiTestCase):
    def test_put_keeps_the_mirror_and_delete_answers_200(self):
        rack = self.create_node("rack", type="rack")
        first = self.create_node("n1", identifiers=["52:54:00:00:00:05"])
        second = self.create_node("n2")
        changed = self.call(
            "PUT", f"/nodes/{rack['id']}/relations", {"contains": [first["id"], "52:54:00:00:00:05", second["id"]]}
        )
        self.assertEqual([n["id"] for n in changed], [rack["id"], first["id"], second["id"]])
        self.assertEqual(
            changed[0]["relations"], [{"relationType": "contains", "targets": [first["id"], second["id"]]}]
        )
        self.assertEqual(
            self.call("GET", f"/nodes/{first['id']}/relations"),
            [{"relationType": "containedBy", "targets": [rack["id"]]}],
        )
        self.assertEqual(
            self.call("GET", f"/nodes/{rack['id']}")["relations"],
            [{"relationType": "contains", "info": None, "targets": [first["id"], second["id"]]}],
        )

        removed = self.call("DELETE", f"/nodes/{rack['id']}/relations", {"contains": [first["id"]]}, 200)
        self.assertEqual(removed[0]["relations"], [{"relationType": "contains", "targets": [second["id"]]}])
        self.assertEqual(self.call("GET", f"/nodes/{first['id']}/relations"), [])
        self.assertEqual(
            self.call("GET", f"/nodes/{second['id']}/relations"),
            [{"relationType": "containedBy", "targets": [rack["id"]]}],
        )

    def test_bad_relation_bodies(self):
        rack = self.create_node("rack", type="rack")
        other = self.create_node("other")
        error = self.call("PUT", f"/nodes/{rack['id']}/relations", {"contains": []}, 400)
        self.assert_rackhd_error(error, 400)
        # relations.2.0.json#/Relation requires contains or containedBy
        schema = self.call("PUT", f"/nodes/{rack['id']}/relations", {"encloses": [other["id"]]}, 400)
        self.assertEqual(schema["message"], "ValidationError: Data does not match any schemas from 'anyOf'")
        missing = self.call("PUT", f"/nodes/{rack['id']}/relations", {"contains": [str(ObjectId())]}, 404)
        self.assertIn("relation target", missing["message"])
        self.call("PUT", f"/nodes/{rack['id']}/relations", {"contains": [rack["id"]]}, 400)
        self.assertEqual(self.call("GET", f"/nodes/{rack['id']}/relations"), [])


class ConfigTest(TargetApiTestCase):
    def setUp(self):
        super().setUp()
        self.saved = dict(self.ctx.config)
        self.addCleanup(lambda: (self.ctx.config.clear(), self.ctx.config.update(self.saved)))

    def test_get_hides_secrets_and_patch_put_merge(self):
        shown = self.call("GET", "/config")
        self.assertEqual(shown["amqp"], "amqp://guest:***@127.0.0.1:5672/")
        self.assertNotIn("authTokenSecret", shown)
        merged = self.call("PATCH", "/config", {"autoCreateObm": True, "skipResetPostDiscovery": True})
        self.assertEqual((merged["autoCreateObm"], merged["skipResetPostDiscovery"]), (True, True))
        self.assertEqual(self.call("PUT", "/config", {"pollerCacheSize": 5})["pollerCacheSize"], 5)
        self.assertEqual(self.call("GET", "/config")["autoCreateObm"], True)
        self.assertIn("object", self.call("PATCH", "/config", ["not", "an", "object"], 400)["message"])
