"""relations: GET/PUT/DELETE /nodes/{id}/relations between suite nodes, and the mirror RackHD keeps.

A node's relations are ``[{relationType, targets: [nodeId, ...]}]``. ``PUT`` adds and ``DELETE``
removes ``{"<relationType>": [nodeId, ...]}`` (relations.2.0.json#/Relation: ``contains`` or
``containedBy``, a non-empty list of ids) and both answer 200 with the changed raw nodes — DELETE
too, although the spec says 204. Every change is mirrored on the target node (``contains`` ⇄
``containedBy``), whichever side it was made from, and deleting a node removes it from the
relations of the nodes it was related to. The path resolves a node by id or by a MAC in its
``identifiers``. One rack and two compute nodes, all created by the suite.
"""

import secrets

from rackharness.api_paths import API_ROOT
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test


def assert_same(actual, expected, what):
    """``asserts.assert_equal`` with a message that shows what was seen and what was expected."""
    asserts.assert_equal(actual, expected, f"{what}: got {actual!r:.400}, expected {expected!r:.400}")


def targets_of(relations, relation_type):
    """The targets of ``relation_type`` in a relations list (None when the type is absent)."""
    asserts.assert_true(isinstance(relations, list), f"relations should be a list, got {relations!r:.300}")
    for relation in relations:
        if isinstance(relation, dict) and relation.get("relationType") == relation_type:
            return relation.get("targets")
    return None


def relations(ctx, node_id):
    return ctx.api.get(f"{API_ROOT}/nodes/{node_id}/relations")


def by_id(nodes, what):
    """The raw nodes a PUT/DELETE answered, by id."""
    asserts.assert_true(
        isinstance(nodes, list) and all(isinstance(n, dict) for n in nodes),
        f"{what} should answer a list of raw nodes, got {nodes!r:.300}",
    )
    return {node.get("id"): node for node in nodes}


@test(groups=["relations"], depends_on_groups=["smoke"])
class Relations:
    """A rack that contains two compute nodes, linked from either side, unlinked, and one node deleted."""

    @test
    def put_contains_answers_both_nodes(self):
        """PUT /nodes/{rack}/relations {"contains": [a]} answers 200 with the rack (contains a) and a (containedBy)."""
        ctx = suite_context()
        rack = ctx.create_node("rack", type="rack")
        self.rack, self.rack_mac = rack["id"], rack["identifiers"][0]
        self.a = ctx.create_node("contained")["id"]
        changed = by_id(ctx.api.put(f"{API_ROOT}/nodes/{self.rack}/relations", {"contains": [self.a]}), "PUT relations")
        asserts.assert_true(
            {self.rack, self.a} <= set(changed),
            f"PUT relations should answer the rack and its target; answered {sorted(changed)}",
        )
        asserts.assert_equal(
            targets_of(changed[self.rack].get("relations"), "contains"),
            [self.a],
            f"the rack's relations in the PUT answer: {changed[self.rack].get('relations')}",
        )
        asserts.assert_equal(
            targets_of(changed[self.a].get("relations"), "containedBy"),
            [self.rack],
            f"the target's mirror in the PUT answer: {changed[self.a].get('relations')}",
        )

    @test(depends_on=[put_contains_answers_both_nodes])
    def get_shows_the_relation_and_its_mirror(self):
        """GET /nodes/{id}/relations shows contains on the rack and containedBy on the target; so does the node view."""
        ctx = suite_context()
        assert_same(targets_of(relations(ctx, self.rack), "contains"), [self.a], "GET rack relations")
        assert_same(targets_of(relations(ctx, self.a), "containedBy"), [self.rack], "GET target relations")
        view = ctx.api.get(f"{API_ROOT}/nodes/{self.rack}")
        asserts.assert_equal(
            targets_of(view.get("relations"), "contains"),
            [self.a],
            f"the rack's node view lists relations {view.get('relations')}",
        )

    @test(depends_on=[put_contains_answers_both_nodes])
    def contained_by_from_the_other_side_mirrors_on_the_rack(self):
        """PUT /nodes/{mac}/relations {"containedBy": [rack]} on a second node adds it to the rack's contains."""
        ctx = suite_context()
        node = ctx.create_node("contained")
        self.b = node["id"]
        ctx.api.put(f"{API_ROOT}/nodes/{node['identifiers'][0]}/relations", {"containedBy": [self.rack]})
        assert_same(targets_of(relations(ctx, self.b), "containedBy"), [self.rack], "GET relations of b")
        contains = targets_of(relations(ctx, self.rack), "contains")
        assert_same(sorted(contains or []), sorted([self.a, self.b]), "the rack's contains after b joined")

    @test(depends_on=[contained_by_from_the_other_side_mirrors_on_the_rack])
    def deleting_a_node_removes_it_from_the_rack(self):
        """Deleting node b (DELETE /nodes/{b}) removes b from the rack's contains."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/nodes/{self.b}", expect=(200, 204))
        rack_relations = relations(ctx, self.rack)
        asserts.assert_false(
            self.b in (targets_of(rack_relations, "contains") or []),
            f"the rack still contains deleted node {self.b}: {rack_relations}",
        )

    @test(depends_on=[put_contains_answers_both_nodes])
    def put_by_rack_mac_is_the_same_rack(self):
        """PUT /nodes/{rack MAC}/relations with a target the rack already contains changes nothing (no duplicates)."""
        ctx = suite_context()
        ctx.api.put(f"{API_ROOT}/nodes/{self.rack_mac}/relations", {"contains": [self.a]})
        contains = targets_of(relations(ctx, self.rack), "contains") or []
        asserts.assert_equal(contains.count(self.a), 1, f"the rack's contains after a repeated PUT: {contains}")
        assert_same(targets_of(relations(ctx, self.a), "containedBy"), [self.rack], "a's containedBy")

    @test(depends_on=[put_contains_answers_both_nodes])
    def bad_bodies_answer_400(self):
        """PUT relations with an empty or non-list, or without contains/containedBy, answers 400, changing nothing."""
        ctx = suite_context()
        before = relations(ctx, self.rack)
        for what, body in (
            ("an empty target list", {"contains": []}),
            ("targets that are not a list", {"contains": self.a}),
            ("neither contains nor containedBy", {"encloses": [self.a]}),
        ):
            response = ctx.api.send("PUT", f"{API_ROOT}/nodes/{self.rack}/relations", json=body, expect=(400, 200))
            asserts.assert_equal(response.status_code, 400, f"PUT relations with {what}: {response.text[:300]}")
        assert_same(relations(ctx, self.rack), before, "refused PUTs changed the rack's relations")

    @test(depends_on=[put_contains_answers_both_nodes])
    def delete_removes_the_relation_and_its_mirror(self):
        """DELETE /nodes/{rack}/relations {"contains": [a]} answers 200 (not 204); neither side lists the other."""
        ctx = suite_context()
        changed = by_id(
            ctx.api.delete(f"{API_ROOT}/nodes/{self.rack}/relations", {"contains": [self.a]}, expect=(200,)),
            "DELETE relations",
        )
        asserts.assert_true(
            self.rack in changed, f"DELETE relations should answer the rack; answered {sorted(changed)}"
        )
        asserts.assert_false(
            self.a in (targets_of(relations(ctx, self.rack), "contains") or []),
            f"the rack still contains {self.a}: {relations(ctx, self.rack)}",
        )
        asserts.assert_equal(
            targets_of(relations(ctx, self.a), "containedBy"),
            None,
            f"the removed node keeps its mirror: {relations(ctx, self.a)}",
        )

    @test
    def unknown_node_answers_404(self):
        """GET /nodes/{id}/relations of an id no node has answers 404."""
        suite_context().api.get(f"{API_ROOT}/nodes/{secrets.token_hex(12)}/relations", expect=(404,))
