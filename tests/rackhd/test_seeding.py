"""seeding: state written straight into RackHD's Mongo store is served by the API, and a message
published on AMQP is observed.

RackHD reads Mongo on every request, so a document inserted in RackHD's shape — a node (ObjectId
``_id``), its OBM and its catalog (referring to the node by ObjectId; catalogs and tags have uuid
ids; every document has ``createdAt``/``updatedAt``) — is served at once: the node in the node view,
the OBM as a ``{service, ref}`` link and in ``/nodes/{id}/obm``, the catalog in the list view (node
as URL) and raw by source (node as id), a tag definition by name. Deleting the seeded node through
the API removes its catalogs too. Seeded documents are removed by the cleanup group.

A JSON message published on ``on.events`` reaches a tracker bound to its topic, body intact, and
only bound topics are delivered.
"""

import datetime as dt

from rackharness.api_paths import API_ROOT
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test

EVENT_TIMEOUT = 5.0


def assert_same(actual, expected, what):
    """``asserts.assert_equal`` with a message that shows what was seen and what was expected."""
    asserts.assert_equal(actual, expected, f"{what}: got {actual!r:.400}, expected {expected!r:.400}")


def parse_stamp(text, what):
    try:
        return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        asserts.fail(f"{what}: {text!r} is not an ISO 8601 timestamp")


@test(groups=["seeding"], depends_on_groups=["smoke"])
class MongoSeeding:
    """One node seeded into Mongo with an OBM and a dmi catalog, plus a tag definition."""

    @test
    def seeded_node_is_served_in_the_node_view(self):
        """A node inserted into Mongo is served by GET /nodes/{id} in the node view and listed by GET /nodes."""
        ctx = suite_context()
        seeder = ctx.seeder  # skips without Mongo
        self.name, self.mac = ctx.name("seeded"), ctx.mac()
        self.node = seeder.node(name=self.name, identifiers=[self.mac])
        ctx.created("node", self.node, self.name)
        view = ctx.api.get(f"{API_ROOT}/nodes/{self.node}")
        url = f"{API_ROOT}/nodes/{self.node}"
        expected = {
            "id": self.node,
            "name": self.name,
            "identifiers": [self.mac],
            "type": "compute",
            "autoDiscover": False,
            "relations": [],
            "catalogs": f"{url}/catalogs",
            "tags": f"{url}/tags",
            "pollers": f"{url}/pollers",
            "workflows": f"{url}/workflows",
        }
        assert_same({key: view.get(key) for key in expected}, expected, "the seeded node's view")
        asserts.assert_false("createdAt" in view, f"the node view carries no timestamps: {sorted(view)}")
        listed = [node.get("id") for node in ctx.api.get(f"{API_ROOT}/nodes")]
        asserts.assert_true(self.node in listed, f"GET /nodes does not list the seeded node {self.node}")

    @test(depends_on=[seeded_node_is_served_in_the_node_view])
    def seeded_obm_is_linked_from_the_node(self):
        """An OBM seeded for the node shows as {service, ref} in its view and in GET /nodes/{id}/obm."""
        ctx = suite_context()
        obm = ctx.seeder.obm(self.node, "noop-obm-service", {})
        view = ctx.api.get(f"{API_ROOT}/nodes/{self.node}")
        assert_same(
            view.get("obms"),
            [{"service": "noop-obm-service", "ref": f"{API_ROOT}/obms/{obm}"}],
            "the seeded node view's obms",
        )
        obms = ctx.api.get(f"{API_ROOT}/nodes/{self.node}/obm")
        asserts.assert_equal(
            [(o.get("id"), o.get("node"), o.get("service")) for o in obms],
            [(obm, f"{API_ROOT}/nodes/{self.node}", "noop-obm-service")],
            f"GET /nodes/{{id}}/obm of the seeded node: {obms!r:.400}",
        )

    @test(depends_on=[seeded_node_is_served_in_the_node_view])
    def seeded_catalog_is_served(self):
        """A seeded catalog is listed (node as URL) and served by source (node as id), with createdAt as stored."""
        ctx = suite_context()
        self.data = {"System Information": {"Manufacturer": "rackharness", "Product Name": ctx.name("product")}}
        self.catalog = ctx.seeder.catalog(self.node, "dmi", self.data)
        stored = ctx.seeder.db["catalogs"].find_one({"_id": self.catalog})["createdAt"]
        listed = {c.get("id"): c for c in ctx.api.get(f"{API_ROOT}/nodes/{self.node}/catalogs")}
        asserts.assert_true(self.catalog in listed, f"GET /nodes/{{id}}/catalogs lacks the seeded catalog: {listed}")
        view = listed[self.catalog]
        assert_same(
            (view.get("node"), view.get("source"), view.get("data")),
            (f"{API_ROOT}/nodes/{self.node}", "dmi", self.data),
            "the catalog in the list view",
        )
        asserts.assert_equal(
            parse_stamp(view.get("createdAt"), "catalog createdAt"),
            stored,
            f"the catalog's createdAt {view.get('createdAt')!r} is not the stored {stored}",
        )
        raw = ctx.api.get(f"{API_ROOT}/nodes/{self.node}/catalogs/dmi")
        assert_same(
            (raw.get("id"), raw.get("node"), raw.get("source"), raw.get("data")),
            (self.catalog, self.node, "dmi", self.data),
            "GET /nodes/{id}/catalogs/dmi (raw)",
        )

    @test(depends_on=[seeded_catalog_is_served])
    def seeded_node_resolves_by_its_mac(self):
        """GET /nodes/{mac}/catalogs/dmi finds the seeded node by the MAC in its identifiers."""
        raw = suite_context().api.get(f"{API_ROOT}/nodes/{self.mac}/catalogs/dmi")
        asserts.assert_equal(raw.get("id"), self.catalog, f"GET /nodes/{self.mac}/catalogs/dmi answered {raw!r:.300}")

    @test(depends_on=[seeded_catalog_is_served])
    def deleting_the_seeded_node_removes_its_catalogs(self):
        """DELETE /nodes/{id} of the seeded node removes it (GET answers 404) and its catalogs from Mongo."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/nodes/{self.node}", expect=(200, 204))
        ctx.api.get(f"{API_ROOT}/nodes/{self.node}", expect=(404,))
        left = ctx.seeder.db["catalogs"].count_documents({"_id": self.catalog})
        asserts.assert_equal(left, 0, f"catalog {self.catalog} of the deleted node is still in Mongo")

    @test
    def seeded_tag_definition_is_served(self):
        """A tag definition seeded into Mongo is served by GET /tags/{name} and listed by GET /tags."""
        ctx = suite_context()
        name = ctx.name("seeded-tag")
        rules = [{"path": "dmi.System Information.Product Name", "equals": ctx.name("product")}]
        ctx.seeder.tag(name, rules)
        ctx.created("tag", name, name)
        tag = ctx.api.get(f"{API_ROOT}/tags/{name}")
        assert_same((tag.get("name"), tag.get("rules")), (name, rules), f"GET /tags/{name}")
        asserts.assert_true(name in [t.get("name") for t in ctx.api.get(f"{API_ROOT}/tags")], f"GET /tags lacks {name}")


@test(groups=["seeding"], depends_on_groups=["smoke"])
class AmqpSeeding:
    """Messages published on on.events and observed by a tracker."""

    @test
    def published_message_is_observed(self):
        """A JSON message published on on.events reaches trackers bound to its key and to a wildcard, body intact."""
        ctx = suite_context()
        key = f"rh-suite.{ctx.run_id}.probe"
        body = {"nonce": ctx.name("probe"), "data": {"n": 1, "list": [1, "two", None]}}
        with ctx.events() as events:
            exact = events.expect(key)
            wildcard = events.expect("rh-suite.*.probe", where=lambda b: b.get("nonce") == body["nonce"])
            with ctx.publisher() as publisher:
                publisher.publish(key, body)
            events.wait(EVENT_TIMEOUT)
        assert_same(
            (exact.matches[0].routing_key, exact.matches[0].body), (key, body), "the message the exact binding received"
        )
        assert_same(wildcard.matches[0].body, body, "the message the wildcard binding received")

    @test
    def only_bound_topics_are_delivered(self):
        """A tracker bound to one key receives nothing published (just before) with another key."""
        ctx = suite_context()
        other, wanted = f"rh-suite.{ctx.run_id}.unbound", f"rh-suite.{ctx.run_id}.bound"
        with ctx.events() as events:
            events.expect(wanted)
            with ctx.publisher() as publisher:
                publisher.publish(other, {"n": 1})  # one channel: it would arrive before the next one
                publisher.publish(wanted, {"n": 2})
            events.wait(EVENT_TIMEOUT)
        keys = [message.routing_key for message in events.received]
        assert_same(keys, [wanted], "the tracker received keys it was not bound to")
