"""cleanup: always runs, last — removes what the suite created and checks that nothing remains.

What it puts back: the power state of every rack node a test recorded (ledger kind ``power``).
What it removes: every hook, node, SKU, poller, tag, lookup and user the run recorded, anything else
named with the suite's ``rh-suite-`` prefix (left by an interrupted earlier run) — hooks also when their
URL points at a suite webhook sink (path ``/rh-suite-…``), lookups when their MAC is a suite MAC
(``02:7e:…``) — and every document seeded into Mongo. Hooks go first, so no event of the cleanup
is POSTed to a sink that is gone.
Active graphs on suite nodes are cancelled first, because RackHD refuses to delete a node with an
active graph; SKUs go before the nodes, and the Graph.GenerateSku runs their deletion starts are
waited for. The final test fails naming whatever is still there.
"""

from urllib.parse import urlsplit

from bson import ObjectId

from rackharness.api_paths import API_ROOT
from rackharness.errors import HttpStatusError
from rackharness.suite.checks import wait_for_power, wait_until_idle
from rackharness.suite.context import MAC_PREFIX, PREFIX, suite_context
from rackharness.suite.decorators import asserts, test

#: seconds the Graph.GenerateSku runs a SKU deletion starts (one per node, on RackHD) may take
GENERATE_SKU_TIMEOUT = 60.0


def _named_by_suite(field):
    """Whether an object's ``field`` carries the suite's name prefix (left by this run or an interrupted one)."""
    return lambda item: str(item.get(field, "")).startswith(PREFIX)


def _suite_objects(ctx, kind, listed, *, key="id", marked=_named_by_suite("name")):
    """The ``key`` of each listed object this run recorded (ledger ``kind``) or that is ``marked`` as the suite's."""
    recorded = {c.id for c in ctx.ledger if c.kind == kind}
    return sorted({item[key] for item in listed if item[key] in recorded or marked(item)})


def _suite_nodes(ctx):
    return _suite_objects(ctx, "node", ctx.api.get(f"{API_ROOT}/nodes"))


def _suite_skus(ctx):
    return _suite_objects(ctx, "sku", ctx.api.get(f"{API_ROOT}/skus"))


def _suite_users(ctx):
    """Suite users on the auth endpoint (none when there is no such endpoint or the run made none)."""
    if ctx.target.auth is None:
        return None, []
    client = ctx.auth_client()
    client.login()
    return client, _suite_objects(
        ctx, "user", client.get(f"{API_ROOT}/users"), key="username", marked=_named_by_suite("username")
    )


def _suite_hooks(ctx):
    """Hooks recorded, named rh-suite-*, or pointing at a suite sink (URL path /rh-suite-...)."""

    def marked(hook):
        return _named_by_suite("name")(hook) or urlsplit(str(hook.get("url", ""))).path.startswith("/" + PREFIX)

    return _suite_objects(ctx, "hook", ctx.api.get(f"{API_ROOT}/hooks"), marked=marked)


def _suite_lookups(ctx):
    """Lookups recorded or holding a suite MAC (02:7e:...)."""
    return _suite_objects(
        ctx,
        "lookup",
        ctx.api.get(f"{API_ROOT}/lookups"),
        marked=lambda record: str(record.get("macAddress", "")).lower().startswith(MAC_PREFIX),
    )


def _suite_tags(ctx):
    return _suite_objects(ctx, "tag", ctx.api.get(f"{API_ROOT}/tags"), key="name", marked=_named_by_suite("name"))


@test(groups=["cleanup"], always_run=True)
class Cleanup:
    def __init__(self):
        self.seeded = []

    @test
    def delete_suite_hooks(self):
        """Every hook the run recorded, named rh-suite-* or pointing at a suite sink is deleted (DELETE /hooks/{id})."""
        ctx = suite_context()
        for hook_id in _suite_hooks(ctx):
            ctx.api.delete(f"{API_ROOT}/hooks/{hook_id}", expect=(200, 204, 404))

    @test
    def cancel_active_graphs(self):
        """Every suite node's active graph is cancelled (PUT /nodes/{id}/workflows/action → 202, or 404: none)."""
        ctx = suite_context()
        for node_id in _suite_nodes(ctx):
            ctx.api.put(f"{API_ROOT}/nodes/{node_id}/workflows/action", {"command": "cancel"}, expect=(202, 404))

    @test
    def restore_rack_power(self):
        """Every rack node whose power a test recorded (ledger kind ``power``) is back in that state on its BMC."""
        ctx = suite_context()
        restored = {}
        for entry in ctx.ledger:
            if entry.kind == "power":
                restored.setdefault(entry.id, entry.name)  # the first record is the state before the run touched it
        racks = {rack.name: rack for rack in ctx.target.nodes}
        for name, state in sorted(restored.items()):
            obm = ctx.obm(racks[name])
            if obm.power_status() != state:
                obm.power_on() if state == "on" else obm.power_off()
            wait_for_power(obm, name, state)

    @test
    def delete_suite_skus(self):
        """Every SKU the run recorded or named rh-suite-* is deleted (DELETE /skus/{id}); the re-evaluation ends."""
        ctx = suite_context()
        deleted = _suite_skus(ctx)
        for sku_id in deleted:
            ctx.api.delete(f"{API_ROOT}/skus/{sku_id}", expect=(200, 204, 404))
        if deleted:  # RackHD runs Graph.GenerateSku on every node; a node with an active graph cannot be deleted
            wait_until_idle(
                ctx.api, graph="Graph.GenerateSku", timeout=GENERATE_SKU_TIMEOUT, why="the SKU deletions started"
            )

    @test
    def delete_suite_pollers(self):
        """Every poller the run recorded is deleted (DELETE /pollers/{id} → 204, 404 if gone), before its node."""
        ctx = suite_context()
        for poller_id in sorted({c.id for c in ctx.ledger if c.kind == "poller"}):
            ctx.api.delete(f"{API_ROOT}/pollers/{poller_id}", expect=(200, 204, 404))

    @test
    def delete_suite_nodes(self):
        """Every node the run recorded or named rh-suite-* is deleted (DELETE /nodes/{id} → 200/204, 404 if gone)."""
        ctx = suite_context()
        for node_id in _suite_nodes(ctx):
            ctx.api.delete(f"{API_ROOT}/nodes/{node_id}", expect=(200, 204, 404))

    @test
    def delete_suite_tags(self):
        """Every tag the run recorded or named rh-suite-* is deleted (DELETE /tags/{name})."""
        ctx = suite_context()
        for name in _suite_tags(ctx):
            ctx.api.delete(f"{API_ROOT}/tags/{name}", expect=(200, 204, 404))

    @test
    def delete_suite_users(self):
        """Every user the run recorded or named rh-suite-* is deleted (DELETE /users/{name} on the auth endpoint)."""
        client, names = _suite_users(suite_context())
        for name in names:
            client.delete(f"{API_ROOT}/users/{name}", expect=(200, 204, 404))

    @test
    def delete_suite_lookups(self):
        """Every lookup the run recorded or with a suite MAC (02:7e:…) is deleted (DELETE /lookups/{id})."""
        ctx = suite_context()
        for lookup_id in _suite_lookups(ctx):
            ctx.api.delete(f"{API_ROOT}/lookups/{lookup_id}", expect=(200, 204, 404))

    @test
    def remove_seeded_documents(self):
        """Every document seeded into Mongo during the run is deleted."""
        ctx = suite_context()
        self.seeded = ctx.seeded()
        ctx.remove_seeded()

    @test
    def nothing_the_suite_created_remains(self):
        """No suite hook, node, poller, SKU, tag, lookup, user or seeded document is left (API and Mongo hold none)."""
        ctx = suite_context()
        left = [f"node {i}" for i in _suite_nodes(ctx)] + [f"tag {t}" for t in _suite_tags(ctx)]
        left += [f"sku {i}" for i in _suite_skus(ctx)] + [f"user {u}" for u in _suite_users(ctx)[1]]
        left += [f"hook {i}" for i in _suite_hooks(ctx)] + [f"lookup {i}" for i in _suite_lookups(ctx)]
        for kind, object_id in sorted({(c.kind, c.id) for c in ctx.ledger if c.kind in ("node", "poller")}):
            try:
                ctx.api.get(f"{API_ROOT}/{kind}s/{object_id}", expect=(404,))
            except HttpStatusError as exc:
                left.append(f"{kind} {object_id} (GET answered {exc.status})")
        for collection, object_id in self.seeded:
            key = ObjectId(object_id) if ObjectId.is_valid(object_id) else object_id
            if ctx.seeder.db[collection].find_one({"_id": key}) is not None:
                left.append(f"{collection} document {object_id}")
        asserts.assert_equal(left, [], f"the suite left {len(left)} object(s) behind: {', '.join(left)}")
