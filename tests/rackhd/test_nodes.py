"""nodes: the /nodes API — create, get, list, patch and delete, by id and by MAC, in RackHD's two shapes.

POST and PATCH answer the raw node record (tags as names, ``createdAt``); GET /nodes and
GET /nodes/{id} answer the node view (catalogs, tags, pollers and workflows as URLs, OBMs as
``{service, ref}`` links, no timestamps). PATCH and DELETE resolve a node by its id or by a MAC in its
``identifiers``; GET /nodes/{id} takes the real id only. Bodies that break ``node.2.0.json#/Node``
are refused with 400, unknown nodes with 404. Every node here is created by the suite
(``rh-suite-<run>-...``, a locally administered MAC) and deleted by the tests that follow.
"""

import re
import secrets

from rackharness.api_paths import API_ROOT
from rackharness.suite.checks import assert_error
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
RAW_KEYS = {"id", "name", "type", "identifiers", "autoDiscover", "relations", "tags", "createdAt", "updatedAt"}
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
}


def unknown_id():
    """A well-formed node id (24 hex digits) that names no node."""
    return secrets.token_hex(12)


def assert_raw_node(node, what):
    missing = RAW_KEYS - set(node)
    asserts.assert_equal(missing, set(), f"{what}: raw node lacks {sorted(missing)}: {node!r:.400}")
    asserts.assert_true(isinstance(node["tags"], list), f"{what}: raw tags should be a list: {node['tags']!r}")
    asserts.assert_true(isinstance(node["relations"], list), f"{what}: raw relations {node['relations']!r}")


def assert_node_view(view, node_id, what):
    missing = VIEW_KEYS - set(view)
    asserts.assert_equal(missing, set(), f"{what}: node view lacks {sorted(missing)}: {view!r:.400}")
    url = f"{API_ROOT}/nodes/{node_id}"
    for key in ("catalogs", "tags", "pollers", "workflows"):
        asserts.assert_equal(view[key], f"{url}/{key}", f"{what}: view's {key} should be a URL, got {view[key]!r}")
    asserts.assert_false("createdAt" in view, f"{what}: the node view carries no timestamps, saw {sorted(view)}")
    asserts.assert_true(view["obms"] is None or isinstance(view["obms"], list), f"{what}: obms {view['obms']!r}")


def listed(ctx, **filters):
    return {node["id"]: node for node in ctx.api.get(f"{API_ROOT}/nodes", params=filters or None)}


@test(groups=["nodes"], depends_on_groups=["smoke"])
class NodeLifecycle:
    """One compute node and one switch, created, read, patched and deleted through the API."""

    @test
    def create_answers_raw_node(self):
        """POST /nodes answers 201 with the raw node: 24-hex id, name, type, identifiers, defaults, timestamps."""
        ctx = suite_context()
        self.mac = ctx.mac()
        self.name = ctx.name("node")
        node = ctx.create_node("node", name=self.name, identifiers=[self.mac])
        self.node_id = node["id"]
        assert_raw_node(node, "POST /nodes")
        asserts.assert_true(OBJECT_ID.match(node["id"]), f"node id should be a Mongo ObjectId, got {node['id']!r}")
        asserts.assert_equal(node["name"], self.name, "POST /nodes answered another name")
        asserts.assert_equal(node["type"], "compute", "POST /nodes answered another type")
        asserts.assert_equal(node["identifiers"], [self.mac], "POST /nodes answered other identifiers")
        asserts.assert_equal(node["autoDiscover"], False, "autoDiscover should default to false")
        asserts.assert_equal(node["relations"], [], "relations should default to []")
        asserts.assert_equal(node["tags"], [], "tags should default to []")

    @test(depends_on=[create_answers_raw_node])
    def get_by_id_answers_view(self):
        """GET /nodes/{id} answers the node view: sub-resources as URLs, no timestamps, the posted fields."""
        view = suite_context().api.get(f"{API_ROOT}/nodes/{self.node_id}")
        assert_node_view(view, self.node_id, f"GET /nodes/{self.node_id}")
        asserts.assert_equal(view["id"], self.node_id, "GET /nodes/{id} answered another node")
        asserts.assert_equal(view["name"], self.name, "GET /nodes/{id}: name")
        asserts.assert_equal(view["type"], "compute", "GET /nodes/{id}: type")
        asserts.assert_equal(view["identifiers"], [self.mac], "GET /nodes/{id}: identifiers")
        asserts.assert_equal(view["relations"], [], "GET /nodes/{id}: relations")
        asserts.assert_equal(view["obms"] or [], [], "a node created without OBMs should link none")

    @test(depends_on=[create_answers_raw_node])
    def list_answers_views(self):
        """GET /nodes lists the node in the same view GET /nodes/{id} answers."""
        ctx = suite_context()
        nodes = listed(ctx)
        asserts.assert_true(self.node_id in nodes, f"GET /nodes lacks node {self.node_id} ({len(nodes)} listed)")
        asserts.assert_equal(
            nodes[self.node_id],
            ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}"),
            "GET /nodes and GET /nodes/{id} render the node differently",
        )

    @test(depends_on=[create_answers_raw_node])
    def list_filters_by_type(self):
        """GET /nodes?type=switch lists the switch and not the compute node; ?type=compute the other way round."""
        ctx = suite_context()
        switch = ctx.create_node("switch", type="switch")
        self.switch_id = switch["id"]
        asserts.assert_equal(switch["type"], "switch", "POST /nodes with type switch answered another type")
        switches, computes = listed(ctx, type="switch"), listed(ctx, type="compute")
        asserts.assert_true(self.switch_id in switches, "GET /nodes?type=switch does not list the switch")
        asserts.assert_false(self.node_id in switches, "GET /nodes?type=switch lists the compute node")
        asserts.assert_true(self.node_id in computes, "GET /nodes?type=compute does not list the compute node")
        asserts.assert_false(self.switch_id in computes, "GET /nodes?type=compute lists the switch")
        wrong = sorted(n["id"] for n in switches.values() if n["type"] != "switch")
        asserts.assert_equal(wrong, [], "GET /nodes?type=switch lists nodes of other types")

    @test(depends_on=[list_filters_by_type])
    def list_sorts_and_pages(self):
        """GET /nodes?sort=id|-id orders by id; $skip/$top answer that slice of the order, with a Link header."""
        ctx = suite_context()
        ids = [n["id"] for n in ctx.api.get(f"{API_ROOT}/nodes", params={"sort": "id"})]
        asserts.assert_true({self.node_id, self.switch_id} <= set(ids), "GET /nodes?sort=id lacks the suite's nodes")
        asserts.assert_equal(ids, sorted(ids), "GET /nodes?sort=id is not in ascending id order")
        descending = [n["id"] for n in ctx.api.get(f"{API_ROOT}/nodes", params={"sort": "-id"})]
        asserts.assert_equal(descending, sorted(ids, reverse=True), "GET /nodes?sort=-id is not in descending id order")
        response = ctx.api.send("GET", f"{API_ROOT}/nodes", params={"sort": "id", "$skip": 1, "$top": 1})
        asserts.assert_equal(
            [n["id"] for n in response.json()],
            ids[1:2],
            "GET /nodes?sort=id&$skip=1&$top=1 should answer the second node of the order",
        )
        asserts.assert_true(response.headers.get("Link"), "GET /nodes?$top=1 answered without a Link header")

    @test(depends_on=[create_answers_raw_node])
    def get_by_mac_is_not_resolved(self):
        """GET /nodes/{mac} answers 404: GET by id takes the real node id, not an identifier."""
        response = suite_context().api.send("GET", f"{API_ROOT}/nodes/{self.mac}", expect=range(100, 600))
        assert_error(response, 404, f"GET /nodes/{self.mac} (a MAC of node {self.node_id})")

    @test
    def get_unknown_id_answers_404(self):
        """GET /nodes/{id} of an id no node has answers 404 with an error body."""
        missing = unknown_id()
        response = suite_context().api.send("GET", f"{API_ROOT}/nodes/{missing}", expect=range(100, 600))
        assert_error(response, 404, f"GET /nodes/{missing}")

    @test(depends_on=[create_answers_raw_node])
    def patch_by_id_answers_raw_node(self):
        """PATCH /nodes/{id} answers 200 with the raw node carrying the change; GET shows it."""
        ctx = suite_context()
        self.name = ctx.name("patched")
        node = ctx.api.patch(f"{API_ROOT}/nodes/{self.node_id}", {"name": self.name})
        assert_raw_node(node, "PATCH /nodes/{id}")
        asserts.assert_equal(node["id"], self.node_id, "PATCH /nodes/{id} answered another node")
        asserts.assert_equal(node["name"], self.name, "PATCH /nodes/{id} did not answer the new name")
        asserts.assert_equal(node["identifiers"], [self.mac], "PATCH of the name changed the identifiers")
        asserts.assert_equal(
            ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}")["name"],
            self.name,
            "GET /nodes/{id} does not show the patched name",
        )

    @test(depends_on=[patch_by_id_answers_raw_node])
    def patch_by_mac_changes_that_node(self):
        """PATCH /nodes/{mac} resolves the node by a MAC in its identifiers and changes it."""
        ctx = suite_context()
        self.name = ctx.name("patched-by-mac")
        node = ctx.api.patch(f"{API_ROOT}/nodes/{self.mac}", {"name": self.name})
        assert_raw_node(node, "PATCH /nodes/{mac}")
        asserts.assert_equal(node["id"], self.node_id, f"PATCH /nodes/{self.mac} answered another node")
        asserts.assert_equal(
            ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}")["name"],
            self.name,
            "GET /nodes/{id} does not show the name patched by MAC",
        )

    @test
    def patch_unknown_id_answers_404(self):
        """PATCH /nodes/{id} of an id no node has answers 404."""
        ctx = suite_context()
        missing = unknown_id()
        response = ctx.api.send(
            "PATCH", f"{API_ROOT}/nodes/{missing}", json={"name": ctx.name("ghost")}, expect=range(100, 600)
        )
        assert_error(response, 404, f"PATCH /nodes/{missing}")

    @test
    def create_rejects_bodies_breaking_the_schema(self):
        """POST /nodes answers 400 without name or type, with an unknown type or key, or non-list identifiers."""
        ctx = suite_context()
        bodies = {
            "no type": {"name": ctx.name("bad"), "identifiers": [ctx.mac()]},
            "no name": {"type": "compute", "identifiers": [ctx.mac()]},
            "type not in the enum": {"name": ctx.name("bad"), "type": "toaster", "identifiers": [ctx.mac()]},
            "an unknown key": {"name": ctx.name("bad"), "type": "compute", "identifiers": [ctx.mac()], "colour": "red"},
            "identifiers not an array": {"name": ctx.name("bad"), "type": "compute", "identifiers": ctx.mac()},
        }
        for what, body in bodies.items():
            response = ctx.api.send("POST", f"{API_ROOT}/nodes", json=body, expect=range(100, 600))
            if response.status_code in (200, 201):
                created = response.json()
                ctx.created("node", created["id"], created.get("name", ""))
            assert_error(response, 400, f"POST /nodes with {what}")

    @test(depends_on=[patch_by_mac_changes_that_node])
    def delete_by_mac_removes_the_node(self):
        """DELETE /nodes/{mac} answers 204 and the node is gone: GET /nodes/{id} 404, not listed."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/nodes/{self.mac}", expect=(204,))
        response = ctx.api.send("GET", f"{API_ROOT}/nodes/{self.node_id}", expect=range(100, 600))
        assert_error(response, 404, f"GET /nodes/{self.node_id} after DELETE /nodes/{self.mac}")
        asserts.assert_false(self.node_id in listed(ctx), "GET /nodes still lists the deleted node")

    @test(depends_on=[list_filters_by_type], runs_after=[list_sorts_and_pages])
    def delete_by_id_removes_the_node(self):
        """DELETE /nodes/{id} answers 204, the node is gone, and a second DELETE answers 404."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/nodes/{self.switch_id}", expect=(204,))
        response = ctx.api.send("GET", f"{API_ROOT}/nodes/{self.switch_id}", expect=range(100, 600))
        assert_error(response, 404, f"GET /nodes/{self.switch_id} after its DELETE")
        asserts.assert_false(self.switch_id in listed(ctx), "GET /nodes still lists the deleted node")
        response = ctx.api.send("DELETE", f"{API_ROOT}/nodes/{self.switch_id}", expect=range(100, 600))
        assert_error(response, 404, f"a second DELETE /nodes/{self.switch_id}")

    @test
    def delete_unknown_id_answers_404(self):
        """DELETE /nodes/{id} of an id no node has answers 404."""
        missing = unknown_id()
        response = suite_context().api.send("DELETE", f"{API_ROOT}/nodes/{missing}", expect=range(100, 600))
        assert_error(response, 404, f"DELETE /nodes/{missing}")
