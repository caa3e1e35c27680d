"""skus: SKU definitions (/skus) and the SKU a node's catalogs give it.

A SKU is ``{name, rules, discoveryGraphName?, discoveryGraphOptions?}`` with the rule grammar tag
definitions use: ``{"path": "<source>.<dot.path>", <operator>: <value>}``, operators equals, contains,
notContains, in, notIn, regex, notRegex, min, max, greaterThan, lessThan. ``POST /skus`` answers 201
(409 for a name already taken, 400 for a body that breaks skus.2.0.json#/SkusUpsert), ``PUT /skus``
upserts by name (201), ``GET|PATCH|DELETE /skus/{id}`` answer 200/200/204 (404 for an unknown id).
Every create, change and delete runs Graph.GenerateSku for every node: a node whose latest catalogs
pass all of a SKU's rules gets it as ``sku`` (the node view links ``/api/2.0/skus/<id>``),
``GET /skus/{id}/nodes`` lists it as a node view, and RackHD publishes
``node.sku.assigned.information.<id>.<id>`` and ``sku.assigned.<id>`` ``{sku}`` (contract §5 step 6,
§2). Deleting the SKU leaves the node without one.

Rule matching needs catalogs, which only discovery writes: the suite seeds them into Mongo before it
creates the SKU, as RackHD evaluates on create (the matching classes skip without Mongo). Every SKU
the suite creates has a rule on a value only the run's own seeded nodes carry, so it never matches
another node of the rack; names are suite names (``rh-suite-<run>-...``).
"""

import uuid

from rackharness.api_paths import API_ROOT
from rackharness.suite.checks import assert_error, wait_until_idle
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import SkipTest, asserts, test
from rackharness.wait import Condition, Observation

#: RackHD answers while the Graph.GenerateSku graphs it started run; the reference target evaluates first
MATCH_TIMEOUT = 30.0
EVENT_TIMEOUT = 10.0
GENERATE_SKU = "Graph.GenerateSku"
PRODUCT_PATH = "dmi.System Information.Product Name"


def assert_same(actual, expected, what):
    """``asserts.assert_equal`` with a message that shows what was seen and what was expected."""
    asserts.assert_equal(actual, expected, f"{what}: got {actual!r:.400}, expected {expected!r:.400}")


def product_rule(product):
    """A rule on the DMI product name, as discovery catalogs it (``dmi`` source)."""
    return {"path": PRODUCT_PATH, "equals": product}


def wait_generate_sku_done(ctx, why):
    """Return once no Graph.GenerateSku is active: a node's active graph refuses the next one."""
    wait_until_idle(ctx.api, graph=GENERATE_SKU, timeout=MATCH_TIMEOUT, why=f"{why} started")


def create_sku(ctx, name, rules, **fields):
    """POST /skus → 201, recorded for the cleanup group; returns once the re-evaluation finished."""
    sku = ctx.api.post(f"{API_ROOT}/skus", {"name": name, "rules": rules, **fields}, expect=(201,))
    asserts.assert_true(isinstance(sku, dict) and sku.get("id"), f"POST /skus answered {sku!r:.300}")
    ctx.created("sku", sku["id"], name)
    wait_generate_sku_done(ctx, "POST /skus")
    return sku


def change_sku(ctx, method, path, body, expect):
    """PUT or PATCH a SKU; returns the answer once the re-evaluation it started finished."""
    answer = ctx.api.request(method, f"{API_ROOT}{path}", json=body, expect=expect)
    wait_generate_sku_done(ctx, f"{method} {path}")
    return answer


def sku_names(ctx):
    listed = ctx.api.get(f"{API_ROOT}/skus")
    asserts.assert_true(isinstance(listed, list), f"GET /skus should answer a list, got {listed!r:.300}")
    return [sku.get("name") for sku in listed]


def sku_node_ids(ctx, sku_id):
    nodes = ctx.api.get(f"{API_ROOT}/skus/{sku_id}/nodes")
    asserts.assert_true(isinstance(nodes, list), f"GET /skus/{sku_id}/nodes should answer a list, got {nodes!r:.300}")
    return {node.get("id") for node in nodes}


def node_sku_link(ctx, node_id):
    """The node view's ``sku``: ``/api/2.0/skus/<id>``, or None when the node has no SKU (key absent)."""
    return ctx.api.get(f"{API_ROOT}/nodes/{node_id}").get("sku")


def wait_for_sku_nodes(ctx, sku_id, candidates, expected, what):
    """Wait until, of ``candidates``, exactly ``expected`` are listed by GET /skus/{id}/nodes."""

    def listed():
        seen = sku_node_ids(ctx, sku_id) & set(candidates)
        return Observation(seen == set(expected), f"of {sorted(candidates)} it lists {sorted(seen)}")

    Condition(
        probe=listed,
        what=f"GET /skus/{sku_id}/nodes to list {sorted(expected)} ({what})",
        timeout=MATCH_TIMEOUT,
        interval=0.25,
    ).wait()


@test(groups=["skus"], depends_on_groups=["smoke"])
class SkuDefinitions:
    """One SKU created, listed, read, refused as a duplicate, upserted, renamed and deleted; bad bodies refused."""

    @test
    def create_answers_201_with_the_sku(self):
        """POST /skus answers 201 with a uuid id and every field as posted (name, rules, discoveryGraph*)."""
        ctx = suite_context()
        self.name = ctx.name("sku")
        self.body = {
            "name": self.name,
            "rules": [product_rule(ctx.name("product"))],
            "discoveryGraphName": "Graph.noop-example",
            "discoveryGraphOptions": {"owner": "rackharness"},
        }
        sku = create_sku(ctx, **self.body)
        self.id = sku["id"]
        try:
            uuid.UUID(str(self.id))
        except ValueError:
            asserts.fail(f"a SKU id is a uuid, got {self.id!r}")
        for key, value in self.body.items():
            assert_same(sku.get(key), value, f"POST /skus answered {key}")

    @test(depends_on=[create_answers_201_with_the_sku])
    def list_includes_the_sku(self):
        """GET /skus lists the new SKU once, with its id."""
        listed = suite_context().api.get(f"{API_ROOT}/skus")
        ids = [sku.get("id") for sku in listed if sku.get("name") == self.name]
        assert_same(ids, [self.id], f"the ids GET /skus lists for {self.name}")

    @test(depends_on=[create_answers_201_with_the_sku])
    def get_by_id_answers_the_sku(self):
        """GET /skus/{id} answers the SKU with its id, name and rules."""
        sku = suite_context().api.get(f"{API_ROOT}/skus/{self.id}")
        assert_same(
            (sku.get("id"), sku.get("name"), sku.get("rules")),
            (self.id, self.name, self.body["rules"]),
            f"GET /skus/{self.id}",
        )

    @test(depends_on=[create_answers_201_with_the_sku])
    def duplicate_name_answers_409(self):
        """POST /skus with a name already taken answers 409 and leaves one SKU of that name."""
        ctx = suite_context()
        response = ctx.api.send(
            "POST", f"{API_ROOT}/skus", json={"name": self.name, "rules": self.body["rules"]}, expect=(409, 201)
        )
        if response.status_code == 201:
            ctx.created("sku", response.json().get("id", ""), self.name)
        assert_error(response, 409, "POST /skus with a taken name")
        assert_same(sku_names(ctx).count(self.name), 1, f"SKUs named {self.name} after the refused duplicate")

    @test(depends_on=[duplicate_name_answers_409])
    def put_with_a_taken_name_updates_that_sku(self):
        """PUT /skus with the name of an existing SKU answers 201 and changes that SKU's rules (same id)."""
        ctx = suite_context()
        rules = [product_rule(ctx.name("product"))]
        sku = change_sku(ctx, "PUT", "/skus", {"name": self.name, "rules": rules}, expect=(201,))
        assert_same((sku.get("id"), sku.get("rules")), (self.id, rules), "PUT /skus with a taken name answered")
        assert_same(
            ctx.api.get(f"{API_ROOT}/skus/{self.id}").get("rules"), rules, f"GET /skus/{self.id} rules after PUT"
        )
        assert_same(sku_names(ctx).count(self.name), 1, f"SKUs named {self.name} after PUT")
        self.body["rules"] = rules

    @test(depends_on=[create_answers_201_with_the_sku])
    def put_with_a_new_name_creates_a_sku(self):
        """PUT /skus with a name no SKU has answers 201 with a new SKU (another uuid), then listed."""
        ctx = suite_context()
        name = ctx.name("sku")
        sku = change_sku(
            ctx, "PUT", "/skus", {"name": name, "rules": [product_rule(ctx.name("product"))]}, expect=(201,)
        )
        ctx.created("sku", sku.get("id", ""), name)
        asserts.assert_true(sku.get("id") not in (None, self.id), f"PUT /skus with a new name answered {sku!r:.300}")
        assert_same(sku.get("name"), name, "PUT /skus with a new name answered name")
        asserts.assert_true(name in sku_names(ctx), f"GET /skus does not list {name}, created by PUT")
        change_sku(ctx, "DELETE", f"/skus/{sku['id']}", None, expect=(204,))

    @test(depends_on=[put_with_a_taken_name_updates_that_sku])
    def patch_renames_the_sku(self):
        """PATCH /skus/{id} {"name": new} answers 200 with the new name; GET /skus/{id} shows it."""
        ctx = suite_context()
        name = ctx.name("sku")
        sku = change_sku(ctx, "PATCH", f"/skus/{self.id}", {"name": name}, expect=(200,))
        assert_same((sku.get("id"), sku.get("name")), (self.id, name), f"PATCH /skus/{self.id} answered")
        assert_same(
            ctx.api.get(f"{API_ROOT}/skus/{self.id}").get("name"), name, f"GET /skus/{self.id} name after PATCH"
        )
        self.name = name

    @test(depends_on=[patch_renames_the_sku])
    def delete_removes_the_sku(self):
        """DELETE /skus/{id} answers 204; the SKU is no longer listed and GET /skus/{id} answers 404."""
        ctx = suite_context()
        change_sku(ctx, "DELETE", f"/skus/{self.id}", None, expect=(204,))
        names = sku_names(ctx)
        asserts.assert_false(self.name in names, f"GET /skus still lists {self.name} after DELETE: {names}")
        assert_error(
            ctx.api.send("GET", f"{API_ROOT}/skus/{self.id}", expect=(404, 200)),
            404,
            f"GET /skus/{self.id} after DELETE",
        )

    @test
    def bad_bodies_answer_400(self):
        """POST /skus answers 400 without a name, rules not a list, a rule without path or with an unknown operator."""
        ctx = suite_context()
        rule = product_rule(ctx.name("product"))
        for what, body in (
            ("no name", {"rules": [rule]}),
            ("rules that are not a list", {"rules": "not-a-list"}),
            ("a rule without a path", {"rules": [{"equals": "x"}]}),
            ("a rule with an unknown operator", {"rules": [{"path": PRODUCT_PATH, "sameAs": "x"}]}),
        ):
            name = body.setdefault("name", ctx.name("bad-sku")) if what != "no name" else None
            response = ctx.api.send("POST", f"{API_ROOT}/skus", json=body, expect=(400, 201))
            if response.status_code == 201:  # wrongly accepted: leave it to the cleanup group
                ctx.created("sku", response.json().get("id", ""), name or "")
                wait_generate_sku_done(ctx, "a wrongly accepted POST /skus")
            assert_error(response, 400, f"POST /skus with {what}")
            if name is not None:
                asserts.assert_false(name in sku_names(ctx), f"POST /skus with {what} was refused but {name} is listed")

    @test
    def unknown_id_answers_404(self):
        """GET, PATCH and DELETE /skus/{id} and GET /skus/{id}/nodes of an id no SKU has answer 404."""
        ctx = suite_context()
        unknown = str(uuid.uuid4())
        for method, path, body in (
            ("GET", f"/skus/{unknown}", None),
            ("PATCH", f"/skus/{unknown}", {"name": ctx.name("sku")}),
            ("DELETE", f"/skus/{unknown}", None),
            ("GET", f"/skus/{unknown}/nodes", None),
        ):
            response = ctx.api.send(method, f"{API_ROOT}{path}", json=body, expect=(404, 200, 204))
            assert_error(response, 404, f"{method} {path} (no such SKU)")


@test(groups=["skus"], depends_on_groups=["smoke"])
class SkuAssignment:
    """A SKU whose rule one seeded node's catalog passes and another's does not; then deleted."""

    def __init__(self):
        self.events = None  # what the tracker saw while the SKU was created (None: no AMQP)

    @test
    def matching_node_gets_the_sku(self):
        """The node whose latest dmi catalog passes the rule is listed by /skus/{id}/nodes; its view links the SKU."""
        ctx = suite_context()
        seeder = ctx.seeder  # skips without Mongo
        product = ctx.name("product")
        self.match = ctx.create_node("sku-match")["id"]
        self.other = ctx.create_node("sku-other")["id"]
        seeder.catalog(self.match, "dmi", {"System Information": {"Product Name": product}})
        seeder.catalog(self.other, "dmi", {"System Information": {"Product Name": product + "-other"}})
        self.track_events_while(ctx, lambda: create_sku(ctx, ctx.name("sku"), [product_rule(product)]))
        self.link = f"{API_ROOT}/skus/{self.id}"
        wait_for_sku_nodes(ctx, self.id, [self.match, self.other], [self.match], "the node matching the rule")
        assert_same(node_sku_link(ctx, self.match), self.link, f"the view of node {self.match} (sku)")

    def track_events_while(self, ctx, create):
        """Create the SKU with an event tracker open when the target gives AMQP; keep what arrived."""
        if not ctx.target.amqp_url:
            self.id = create()["id"]
            return
        created = {}
        with ctx.events() as events:
            attribute = events.expect(f"node.sku.assigned.information.{self.match}.{self.match}")
            # the predicate reads `created` only while wait() drains, after POST /skus answered
            legacy = events.expect(f"sku.assigned.{self.match}", where=lambda body: body.get("sku") == created["id"])
            self.id = created["id"] = create()["id"]
            try:
                events.wait(EVENT_TIMEOUT)
                self.events = {"failure": None, "attribute": attribute.matches[0], "legacy": legacy.matches[0]}
            except AssertionError as exc:
                self.events = {"failure": str(exc)}

    @test(depends_on=[matching_node_gets_the_sku])
    def assignment_is_published(self):
        """Assigning publishes node.sku.assigned.information.<id>.<id> (data.nodeType) and sku.assigned.<id> {sku}."""
        if self.events is None:
            raise SkipTest("the target gives no AMQP URL: the SKU's events were not watched")
        if self.events["failure"]:
            asserts.fail(self.events["failure"])
        body = self.events["attribute"].body
        assert_same(
            {key: body.get(key) for key in ("type", "action", "severity", "typeId", "nodeId")},
            {
                "type": "node",
                "action": "sku.assigned",
                "severity": "information",
                "typeId": self.match,
                "nodeId": self.match,
            },
            "node.sku.assigned envelope",
        )
        assert_same((body.get("data") or {}).get("nodeType"), "compute", "node.sku.assigned data.nodeType")
        assert_same(self.events["legacy"].body, {"sku": self.id}, f"the body of sku.assigned.{self.match}")

    @test(depends_on=[matching_node_gets_the_sku])
    def sku_nodes_answers_node_views(self):
        """GET /skus/{id}/nodes answers node views: the sku and tags of each are links (/api/2.0/...)."""
        ctx = suite_context()
        for node in ctx.api.get(f"{API_ROOT}/skus/{self.id}/nodes"):
            assert_same(node.get("sku"), self.link, f"the sku of node {node.get('id')} in GET /skus/{self.id}/nodes")
            assert_same(
                node.get("tags"),
                f"{API_ROOT}/nodes/{node.get('id')}/tags",
                f"the tags of node {node.get('id')} in GET /skus/{self.id}/nodes (a node view)",
            )

    @test(depends_on=[matching_node_gets_the_sku])
    def other_node_has_no_sku(self):
        """The node whose catalog fails the rule is not listed and its view links no SKU."""
        ctx = suite_context()
        asserts.assert_false(
            self.other in sku_node_ids(ctx, self.id),
            f"GET /skus/{self.id}/nodes lists node {self.other}, whose catalog fails the rule",
        )
        assert_same(node_sku_link(ctx, self.other), None, f"the view of node {self.other} (sku)")

    @test(
        depends_on=[matching_node_gets_the_sku],
        runs_after=[sku_nodes_answers_node_views, other_node_has_no_sku, assignment_is_published],
    )
    def delete_leaves_the_node_without_a_sku(self):
        """DELETE /skus/{id} answers 204 and the node that had the SKU no longer links one."""
        ctx = suite_context()
        change_sku(ctx, "DELETE", f"/skus/{self.id}", None, expect=(204,))

        def unassigned():
            link = node_sku_link(ctx, self.match)
            return Observation(link is None, f"its view has sku {link!r}")

        Condition(
            probe=unassigned,
            what=f"node {self.match} to lose its SKU after DELETE /skus/{self.id}",
            timeout=MATCH_TIMEOUT,
            interval=0.25,
        ).wait()


#: operator → (path, expected value, the node that passes: "A" or "B"); the other node fails the rule
OPERATORS = {
    "equals": (PRODUCT_PATH, "rackharness alpha-server", "A"),
    "contains": ("dmi.Memory Device.1.Size", "32", "B"),
    "notContains": (PRODUCT_PATH, "beta", "A"),
    "in": (PRODUCT_PATH, ["rackharness beta-server", "rackharness gamma-server"], "B"),
    "notIn": (PRODUCT_PATH, ["rackharness beta-server"], "A"),
    "regex": (PRODUCT_PATH, "^rackharness b[a-z]+-server$", "B"),
    "notRegex": (PRODUCT_PATH, "b[a-z]+-server", "A"),
    "min": ("ohai.cpu.total", 4, "A"),
    "max": ("ohai.cpu.total", 4, "B"),
    "greaterThan": ("ohai.cpu.total", 2, "A"),
    "lessThan": ("ohai.cpu.total", 8, "B"),
}
#: the seeded catalogs of node A and node B (the SKU Number, unique per run, is added when seeding)
CATALOGS = {
    "A": {
        "dmi": {
            "System Information": {"Product Name": "rackharness alpha-server"},
            "Memory Device": [{"Size": "8 GB"}, {"Size": "16 GB"}],
        },
        "ohai": {"cpu": {"total": 8}},
    },
    "B": {
        "dmi": {
            "System Information": {"Product Name": "rackharness beta-server"},
            "Memory Device": [{"Size": "8 GB"}, {"Size": "32 GB"}],
        },
        "ohai": {"cpu": {"total": 2}},
    },
}


@test(groups=["skus"], depends_on_groups=["smoke"])
class SkuRuleOperators:
    """One SKU whose second rule is changed (PATCH) to each operator in turn: it selects node A or node B."""

    @test
    def both_seeded_nodes_get_the_sku(self):
        """A SKU whose one rule both seeded nodes pass (the run's SKU Number) is given to both."""
        ctx = suite_context()
        seeder = ctx.seeder  # skips without Mongo
        scope = ctx.name("sku-number")
        self.scope = {"path": "dmi.System Information.SKU Number", "equals": scope}
        self.nodes = {}
        for which, catalogs in CATALOGS.items():
            node_id = self.nodes[which] = ctx.create_node(f"sku-operand-{which.lower()}")["id"]
            dmi = {
                **catalogs["dmi"],
                "System Information": {**catalogs["dmi"]["System Information"], "SKU Number": scope},
            }
            seeder.catalog(node_id, "dmi", dmi)
            seeder.catalog(node_id, "ohai", catalogs["ohai"])
        self.id = create_sku(ctx, ctx.name("sku"), [self.scope])["id"]
        wait_for_sku_nodes(ctx, self.id, self.nodes.values(), self.nodes.values(), "both pass the SKU Number rule")

    def select(self, operator):
        """PATCH the SKU's rules to [SKU Number, <operator> rule]: only the node the table names gets it."""
        ctx = suite_context()
        path, value, winner = OPERATORS[operator]
        rule = {"path": path, operator: value}
        change_sku(ctx, "PATCH", f"/skus/{self.id}", {"rules": [self.scope, rule]}, expect=(200,))
        loser = "B" if winner == "A" else "A"
        wait_for_sku_nodes(
            ctx,
            self.id,
            self.nodes.values(),
            [self.nodes[winner]],
            f"node {winner} passes {rule}, node {loser} does not",
        )
        assert_same(
            node_sku_link(ctx, self.nodes[winner]),
            f"{API_ROOT}/skus/{self.id}",
            f"the view of node {winner} (sku) under {rule}",
        )
        asserts.assert_not_equal(
            node_sku_link(ctx, self.nodes[loser]),
            f"{API_ROOT}/skus/{self.id}",
            f"node {loser} fails {rule} but its view links the SKU",
        )

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_equals(self):
        """equals: only the node whose product name is that string gets the SKU."""
        self.select("equals")

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_contains(self):
        """contains, on a path through a list (Memory Device.1.Size): only the node whose value has the substring."""
        self.select("contains")

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_not_contains(self):
        """notContains: only the node whose product name lacks the substring gets the SKU."""
        self.select("notContains")

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_in(self):
        """in: only the node whose product name is one of the listed strings gets the SKU."""
        self.select("in")

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_not_in(self):
        """notIn: only the node whose product name is none of the listed strings gets the SKU."""
        self.select("notIn")

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_regex(self):
        """regex: only the node whose product name matches the pattern gets the SKU."""
        self.select("regex")

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_not_regex(self):
        """notRegex: only the node whose product name does not match the pattern gets the SKU."""
        self.select("notRegex")

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_min(self):
        """min (ohai cpu.total, a number): only the node with at least that many gets the SKU."""
        self.select("min")

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_max(self):
        """max: only the node with at most that many CPUs gets the SKU."""
        self.select("max")

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_greater_than(self):
        """greaterThan: only the node with more CPUs than the bound gets the SKU (equal is not enough)."""
        self.select("greaterThan")

    @test(depends_on=[both_seeded_nodes_get_the_sku])
    def rule_less_than(self):
        """lessThan: only the node with fewer CPUs than the bound gets the SKU (equal is not enough)."""
        self.select("lessThan")
