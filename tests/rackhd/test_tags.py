"""tags: tag definitions (/tags) and a node's tags (/nodes/{id}/tags).

A tag definition is ``{name, rules}`` with the SKU rule grammar (``{"path": "<source>.<dot.path>",
"equals": ...}``); ``POST /tags`` answers 201 (409 for a name already taken, 400 for rules that
are not a list of ``{path, <rule>}`` objects) and evaluates the rules against every node's latest
catalogs (RackHD runs Graph.GenerateTags for each node): a node passing every rule carries the tag's
name in its ``tags``, and ``GET /tags/{name}/nodes`` lists it as a raw node. Tags are also set by
hand: ``PATCH /nodes/{id}/tags {"tags": [...]}``, removed from one node with
``DELETE /nodes/{id}/tags/{name}`` or from every node with ``DELETE /nodes/tags/{name}``.

Rule matching needs a catalog, which only discovery writes; the suite seeds one into Mongo (the
``TagRules`` class skips without Mongo). Tag names are suite names (``rh-suite-<run>-...``).
"""

import uuid

from rackharness.api_paths import API_ROOT
from rackharness.suite.checks import wait_until_idle
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test
from rackharness.wait import Condition, Observation

#: RackHD evaluates a new tag in one Graph.GenerateTags per node; the reference target before answering
MATCH_TIMEOUT = 30.0
GENERATE_TAGS = "Graph.GenerateTags"


def assert_same(actual, expected, what):
    """``asserts.assert_equal`` with a message that shows what was seen and what was expected."""
    asserts.assert_equal(actual, expected, f"{what}: got {actual!r:.400}, expected {expected!r:.400}")


def product_rule(product):
    """A rule on the DMI product name, as discovery catalogs it (``dmi`` source)."""
    return {"path": "dmi.System Information.Product Name", "equals": product}


def create_tag(ctx, name, rules):
    """POST /tags → 201, recorded for the cleanup group; returns once no Graph.GenerateTags is active.

    RackHD answers while the graphs it started run; a node's active graph would refuse the next
    workflow a test (or a later group) starts on that node.
    """
    ctx.created("tag", name, name)
    tag = ctx.api.post(f"{API_ROOT}/tags", {"name": name, "rules": rules}, expect=(201,))

    wait_until_idle(ctx.api, graph=GENERATE_TAGS, timeout=MATCH_TIMEOUT, why="POST /tags started")
    return tag


def tag_names(ctx):
    listed = ctx.api.get(f"{API_ROOT}/tags")
    asserts.assert_true(isinstance(listed, list), f"GET /tags should answer a list, got {listed!r:.300}")
    return [tag.get("name") for tag in listed]


def assert_not_served(ctx, name):
    """GET /tags/{name} no longer answers the definition (404; RackHD 2.60.7 may answer 200 with no body)."""
    response = ctx.api.send("GET", f"{API_ROOT}/tags/{name}", expect=(200, 404))
    body = response.json() if response.content else None
    asserts.assert_false(
        isinstance(body, dict) and body.get("name") == name,
        f"GET /tags/{name} still answers the deleted tag: {response.text[:300]}",
    )


def tagged_node_ids(ctx, name):
    nodes = ctx.api.get(f"{API_ROOT}/tags/{name}/nodes")
    asserts.assert_true(isinstance(nodes, list), f"GET /tags/{name}/nodes should answer a list, got {nodes!r:.300}")
    return {node.get("id") for node in nodes}


@test(groups=["tags"], depends_on_groups=["smoke"])
class TagDefinitions:
    """One tag definition created, listed, read, refused as a duplicate and deleted; bad bodies refused."""

    @test
    def create_answers_201_with_name_and_rules(self):
        """POST /tags {name, rules} answers 201 with the tag: a uuid id, the name and the rules as given."""
        ctx = suite_context()
        self.name = ctx.name("tag")
        self.rules = [product_rule(ctx.name("product"))]
        tag = create_tag(ctx, self.name, self.rules)
        asserts.assert_true(isinstance(tag, dict), f"POST /tags answered {tag!r:.300}")
        asserts.assert_equal(tag.get("name"), self.name, f"POST /tags answered another name: {tag!r:.300}")
        asserts.assert_equal(tag.get("rules"), self.rules, f"POST /tags answered other rules: {tag!r:.300}")
        try:
            uuid.UUID(str(tag.get("id")))
        except ValueError:
            asserts.fail(f"a tag id is a uuid, got {tag.get('id')!r}")

    @test(depends_on=[create_answers_201_with_name_and_rules])
    def list_includes_the_tag(self):
        """GET /tags lists the new tag once, by name."""
        names = tag_names(suite_context())
        asserts.assert_equal(names.count(self.name), 1, f"GET /tags should list {self.name} once; names: {names}")

    @test(depends_on=[create_answers_201_with_name_and_rules])
    def get_by_name_answers_the_tag(self):
        """GET /tags/{name} answers the tag with its name and rules."""
        tag = suite_context().api.get(f"{API_ROOT}/tags/{self.name}")
        asserts.assert_equal(
            (tag.get("name"), tag.get("rules")), (self.name, self.rules), f"GET /tags/{self.name} answered {tag!r:.300}"
        )

    @test(depends_on=[create_answers_201_with_name_and_rules])
    def duplicate_name_answers_409(self):
        """POST /tags with a name already taken answers 409 and leaves one tag of that name."""
        ctx = suite_context()
        response = ctx.api.send("POST", f"{API_ROOT}/tags", json={"name": self.name, "rules": []}, expect=(409,))
        asserts.assert_true("message" in response.json(), f"409 without an error body: {response.text[:300]}")
        names = tag_names(ctx)
        asserts.assert_equal(names.count(self.name), 1, f"after the refused duplicate, GET /tags lists {names}")

    @test(depends_on=[create_answers_201_with_name_and_rules])
    def delete_removes_the_tag(self):
        """DELETE /tags/{name} answers 204; the tag is no longer listed or served."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/tags/{self.name}", expect=(204,))
        names = tag_names(ctx)
        asserts.assert_false(self.name in names, f"GET /tags still lists {self.name} after DELETE: {names}")
        assert_not_served(ctx, self.name)

    @test
    def bad_bodies_answer_400(self):
        """POST /tags answers 400 when rules is not a list, or a rule has no path; no tag is created."""
        ctx = suite_context()
        for what, rules in (("rules that are not a list", "not-a-list"), ("a rule without a path", [{"equals": "x"}])):
            name = ctx.name("bad-tag")
            ctx.created("tag", name, name)  # in case it is wrongly accepted
            response = ctx.api.send("POST", f"{API_ROOT}/tags", json={"name": name, "rules": rules}, expect=(400, 201))
            asserts.assert_equal(
                response.status_code,
                400,
                f"POST /tags with {what} answered {response.status_code}: {response.text[:300]}",
            )
            asserts.assert_false(name in tag_names(ctx), f"POST /tags with {what} was refused but {name} is listed")


@test(groups=["tags"], depends_on_groups=["smoke"])
class TagRules:
    """A tag whose rule one node's catalog passes and another's does not (catalogs seeded into Mongo)."""

    @test
    def matching_node_gets_the_tag(self):
        """A node whose latest dmi catalog passes the rule is listed by GET /tags/{name}/nodes as a raw node."""
        ctx = suite_context()
        seeder = ctx.seeder  # skips without Mongo
        product = ctx.name("product")
        self.match = ctx.create_node("tag-match")["id"]
        self.other = ctx.create_node("tag-other")["id"]
        seeder.catalog(self.match, "dmi", {"System Information": {"Product Name": product}})
        seeder.catalog(self.other, "dmi", {"System Information": {"Product Name": product + "-other"}})
        self.name = ctx.name("tag")
        create_tag(ctx, self.name, [product_rule(product)])

        def tagged():
            listed = tagged_node_ids(ctx, self.name)
            return Observation(self.match in listed, f"it lists {sorted(listed)}")

        Condition(
            probe=tagged,
            what=f"GET /tags/{self.name}/nodes to list node {self.match}",
            timeout=MATCH_TIMEOUT,
            interval=0.25,
        ).wait()
        for node in ctx.api.get(f"{API_ROOT}/tags/{self.name}/nodes"):
            asserts.assert_true(
                isinstance(node.get("tags"), list) and self.name in node["tags"],
                f"/tags/{{name}}/nodes answers raw nodes carrying the name; got {node!r:.300}",
            )

    @test(depends_on=[matching_node_gets_the_tag])
    def matching_node_carries_the_name(self):
        """GET /nodes/{id}/tags of the matching node includes the tag's name."""
        tags = suite_context().api.get(f"{API_ROOT}/nodes/{self.match}/tags")
        asserts.assert_true(self.name in tags, f"node {self.match} matched {self.name} but its tags are {tags}")

    @test(depends_on=[matching_node_gets_the_tag])
    def other_node_is_not_tagged(self):
        """The node whose catalog fails the rule neither carries the name nor is listed for the tag."""
        ctx = suite_context()
        tags = ctx.api.get(f"{API_ROOT}/nodes/{self.other}/tags")
        asserts.assert_false(self.name in tags, f"node {self.other} fails the rule but carries {self.name}: {tags}")
        asserts.assert_false(
            self.other in tagged_node_ids(ctx, self.name),
            f"GET /tags/{self.name}/nodes lists node {self.other}, whose catalog fails the rule",
        )

    @test(depends_on=[matching_node_gets_the_tag])
    def delete_definition(self):
        """DELETE /tags/{name} of a tag that matched a node answers 204 and the definition is gone."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/tags/{self.name}", expect=(204,))
        assert_not_served(ctx, self.name)


@test(groups=["tags"], depends_on_groups=["smoke"])
class NodeTags:
    """Tags set on one node by hand, then removed from it and from every node."""

    @test
    def patch_adds_tags(self):
        """PATCH /nodes/{id}/tags {"tags": [a, b]} answers 200 with a list holding both; GET shows them."""
        ctx = suite_context()
        self.node = ctx.create_node("tagged")["id"]
        self.first, self.second = ctx.name("node-tag"), ctx.name("node-tag")
        answer = ctx.api.patch(f"{API_ROOT}/nodes/{self.node}/tags", {"tags": [self.first, self.second]})
        asserts.assert_true(
            isinstance(answer, list) and {self.first, self.second} <= set(answer),
            f"PATCH /nodes/{{id}}/tags answered {answer!r:.300}",
        )
        tags = ctx.api.get(f"{API_ROOT}/nodes/{self.node}/tags")
        assert_same(sorted(tags), sorted([self.first, self.second]), "GET /nodes/{id}/tags after PATCH")

    @test(depends_on=[patch_adds_tags])
    def view_links_tags_and_tag_lists_the_node(self):
        """The node view links its tags by URL (/api/2.0/nodes/{id}/tags); /tags/{name}/nodes lists the node."""
        ctx = suite_context()
        view = ctx.api.get(f"{API_ROOT}/nodes/{self.node}")
        assert_same(view.get("tags"), f"{API_ROOT}/nodes/{self.node}/tags", "the node view's tags")
        asserts.assert_true(
            self.node in tagged_node_ids(ctx, self.first),
            f"GET /tags/{self.first}/nodes does not list node {self.node}, which carries it",
        )

    @test(depends_on=[patch_adds_tags])
    def delete_one_tag_from_the_node(self):
        """DELETE /nodes/{id}/tags/{name} answers 204 and removes that name only."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/nodes/{self.node}/tags/{self.first}", expect=(204,))
        tags = ctx.api.get(f"{API_ROOT}/nodes/{self.node}/tags")
        asserts.assert_equal(tags, [self.second], f"after DELETE of {self.first} the node's tags are {tags}")

    @test(depends_on=[patch_adds_tags])
    def delete_tag_from_every_node(self):
        """DELETE /nodes/tags/{name} answers 204 and the name is gone from the node."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/nodes/tags/{self.second}", expect=(204,))
        tags = ctx.api.get(f"{API_ROOT}/nodes/{self.node}/tags")
        asserts.assert_false(self.second in tags, f"after DELETE /nodes/tags/{self.second} the node's tags are {tags}")

    @test(depends_on=[patch_adds_tags])
    def patch_with_tags_not_a_list_answers_400(self):
        """PATCH /nodes/{id}/tags with "tags" not a list answers 400 and changes nothing."""
        ctx = suite_context()
        before = ctx.api.get(f"{API_ROOT}/nodes/{self.node}/tags")
        response = ctx.api.send(
            "PATCH", f"{API_ROOT}/nodes/{self.node}/tags", json={"tags": ctx.name("x")}, expect=(400, 200)
        )
        asserts.assert_equal(response.status_code, 400, f"PATCH with tags as a string answered {response.text[:300]}")
        assert_same(ctx.api.get(f"{API_ROOT}/nodes/{self.node}/tags"), before, "the refused PATCH changed the tags")

    @test
    def unknown_node_answers_404(self):
        """GET and PATCH /nodes/{id}/tags of an id no node has answer 404."""
        ctx = suite_context()
        unknown = uuid.uuid4().hex[:24]
        ctx.api.get(f"{API_ROOT}/nodes/{unknown}/tags", expect=(404,))
        ctx.api.patch(f"{API_ROOT}/nodes/{unknown}/tags", {"tags": [ctx.name("x")]}, expect=(404,))
