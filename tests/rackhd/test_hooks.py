"""hooks: webhooks (/hooks) and the external events RackHD POSTs to them.

A hook is ``{id (uuid), url, name?, filters: [{field: regex}, ...]}``. ``POST /hooks`` answers 201
(409 when a hook already has the URL, 400 for a body ``hooks.2.0.json`` refuses), ``GET|PATCH|DELETE
/hooks/{id}``. RackHD POSTs every external event — the envelope it publishes on ``on.events``:
``{version: "1.0", type, action, severity, typeId, nodeId, data, createdAt}`` — as JSON to each hook
whose filters match: no filters means every event; otherwise any filter that matches suffices, and a
filter matches when each field it names matches its (JavaScript) regex.

The test runs its own webhook sink (an HTTP server in the test process, stopped at the end) on the
address the target reaches the runner on (``suite.callback_host``; default: the local address routed
to the API host). Hooks are suite names; cleanup deletes them and any hook pointing at a suite sink.
"""

import uuid

from rackharness.api_paths import API_ROOT
from rackharness.suite.checks import assert_error, assert_same
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test
from rackharness.wait import Condition, Observation

ENVELOPE_KEYS = {"version", "type", "action", "severity", "typeId", "nodeId", "data", "createdAt"}
#: seconds an event may take from the API call that causes it to the sink
DELIVERY_TIMEOUT = 15.0
#: a filter no event matches: CRUD hooks must not be sent anything
NOTHING = [{"type": "^rh-suite-no-such-type$"}]


def hook_ids(ctx):
    listed = ctx.api.get(f"{API_ROOT}/hooks")
    asserts.assert_true(isinstance(listed, list), f"GET /hooks should answer a list, got {listed!r:.300}")
    return [hook.get("id") for hook in listed]


def node_events(bodies, node_id):
    """``(type, action)`` of the bodies about ``node_id``, in arrival order."""
    return [(b.get("type"), b.get("action")) for b in bodies if isinstance(b, dict) and b.get("nodeId") == node_id]


def wait_for_event(sink, what, node_id, action):
    """Wait until the sink's ``what`` URL received node ``node_id``'s ``node.<action>`` event."""

    def arrived():
        seen = node_events(sink.received(what), node_id)
        return Observation(("node", action) in seen, f"{what} received {seen} about node {node_id}")

    Condition(
        probe=arrived,
        what=f"node.{action} of node {node_id} at the {what} hook ({sink.url(what)})",
        timeout=DELIVERY_TIMEOUT,
        interval=0.1,
        hint="is the sink reachable from the target? set suite.callback_host to the runner's address "
        "as the target sees it",
    ).wait()


@test(groups=["hooks"], depends_on_groups=["smoke"])
class HookDefinitions:
    """One hook created, listed, read, refused as a duplicate, patched and deleted; bad bodies refused."""

    @test
    def create_answers_201_with_the_hook(self):
        """POST /hooks {url, name, filters} answers 201 with the hook: a uuid id, url, name and filters as given."""
        ctx = suite_context()
        self.url = f"http://192.0.2.1:9/{ctx.name('crud-hook')}"  # TEST-NET-1: filtered so nothing is sent
        hook = ctx.create_hook(self.url, "crud-hook", filters=NOTHING)
        self.id = hook.get("id")
        assert_same(
            {key: hook.get(key) for key in ("url", "filters")},
            {"url": self.url, "filters": NOTHING},
            "POST /hooks answer",
        )
        asserts.assert_true(str(hook.get("name", "")).startswith("rh-suite-"), f"POST /hooks lost the name: {hook}")
        try:
            uuid.UUID(str(self.id))
        except ValueError:
            asserts.fail(f"a hook id is a uuid, got {self.id!r} in {hook}")

    @test(depends_on=[create_answers_201_with_the_hook])
    def list_and_get_answer_the_hook(self):
        """GET /hooks lists the hook once; GET /hooks/{id} answers it."""
        ctx = suite_context()
        ids = hook_ids(ctx)
        asserts.assert_equal(ids.count(self.id), 1, f"GET /hooks should list {self.id} once; ids: {ids}")
        hook = ctx.api.get(f"{API_ROOT}/hooks/{self.id}")
        assert_same((hook.get("id"), hook.get("url")), (self.id, self.url), f"GET /hooks/{self.id}")

    @test(depends_on=[create_answers_201_with_the_hook])
    def duplicate_url_answers_409(self):
        """POST /hooks with a URL another hook has answers 409 with RackHD's error body; one hook keeps the URL."""
        ctx = suite_context()
        response = ctx.api.send(
            "POST", f"{API_ROOT}/hooks", json={"url": self.url, "name": ctx.name("dup-hook")}, expect=(409, 201)
        )
        if response.status_code == 201:
            ctx.created("hook", response.json().get("id", ""))
        assert_error(response, 409, "POST /hooks with a URL already taken")
        urls = [hook.get("url") for hook in ctx.api.get(f"{API_ROOT}/hooks")]
        asserts.assert_equal(
            urls.count(self.url), 1, f"after the refused duplicate, {urls.count(self.url)} hooks have {self.url}"
        )

    @test
    def bad_bodies_answer_400(self):
        """POST /hooks answers 400 without a url, with a field the schema does not know, or with filters that
        are not a list of objects; no hook is created."""
        ctx = suite_context()
        for what, body in (
            ("no url", {"name": ctx.name("bad-hook")}),
            ("an unknown field", {"url": f"http://192.0.2.1:9/{ctx.name('bad')}", "bogus": 1}),
            ("filters that are not objects", {"url": f"http://192.0.2.1:9/{ctx.name('bad')}", "filters": ["node"]}),
        ):
            before = set(hook_ids(ctx))
            response = ctx.api.send("POST", f"{API_ROOT}/hooks", json=body, expect=(400, 201))
            if response.status_code == 201:
                ctx.created("hook", response.json().get("id", ""))
            assert_error(response, 400, f"POST /hooks with {what}")
            new = set(hook_ids(ctx)) - before
            asserts.assert_equal(new, set(), f"POST /hooks with {what} was refused but created {new}")

    @test(
        depends_on=[create_answers_201_with_the_hook],
        runs_after=[list_and_get_answer_the_hook, duplicate_url_answers_409],
    )
    def patch_changes_name_and_filters(self):
        """PATCH /hooks/{id} {name, filters} answers 200 with the changed hook; GET shows the change."""
        ctx = suite_context()
        name, filters = ctx.name("patched-hook"), [{"type": "^rh-suite-patched$", "action": "^never$"}]
        hook = ctx.api.patch(f"{API_ROOT}/hooks/{self.id}", {"name": name, "filters": filters})
        expected = {"id": self.id, "url": self.url, "name": name, "filters": filters}
        assert_same({key: hook.get(key) for key in expected}, expected, f"PATCH /hooks/{self.id} answer")
        got = ctx.api.get(f"{API_ROOT}/hooks/{self.id}")
        assert_same({key: got.get(key) for key in expected}, expected, f"GET /hooks/{self.id} after PATCH")

    @test(depends_on=[create_answers_201_with_the_hook], runs_after=[patch_changes_name_and_filters])
    def delete_answers_204_then_404(self):
        """DELETE /hooks/{id} answers 204; the hook is no longer listed, and deleting it again answers 404."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/hooks/{self.id}", expect=(204,))
        ids = hook_ids(ctx)
        asserts.assert_false(self.id in ids, f"GET /hooks still lists {self.id} after DELETE: {ids}")
        response = ctx.api.send("DELETE", f"{API_ROOT}/hooks/{self.id}", expect=(404, 200, 204))
        assert_error(response, 404, f"a second DELETE /hooks/{self.id}")


@test(groups=["hooks"], depends_on_groups=["smoke"])
class HookDelivery:
    """Three hooks on a sink in the test process: an AND filter, an OR of two filters, and no filter; a suite
    node is created and deleted, and each hook gets exactly the events its filters let through."""

    def __init__(self):
        self.sink = None

    @test
    def hooks_on_a_sink_are_created(self):
        """A webhook sink starts in the test process; three hooks pointing at it are created (201)."""
        ctx = suite_context()
        self.sink = ctx.webhook_sink()
        self.hooks = {
            "added": ctx.create_hook(
                self.sink.url("added"), "added-hook", filters=[{"type": "^node$", "action": "^added$"}]
            ),
            "either": ctx.create_hook(
                self.sink.url("either"),
                "either-hook",
                filters=[{"type": "^node$", "action": "^added$"}, {"type": "^node$", "action": "^removed$"}],
            ),
            "all": ctx.create_hook(self.sink.url("all"), "all-hook"),
        }
        assert_same(self.hooks["all"].get("filters"), [], "a hook created without filters has")

    @test(depends_on=[hooks_on_a_sink_are_created])
    def node_events_are_posted_as_the_envelope(self):
        """Creating and deleting a node POSTs node.added and node.removed to the hooks whose filters let them
        through, as the JSON envelope {version 1.0, type, action, severity, typeId, nodeId, data, createdAt}."""
        ctx = suite_context()
        self.node = ctx.create_node("hooked")["id"]
        ctx.api.delete(f"{API_ROOT}/nodes/{self.node}", expect=(200, 204))
        for what, action in (
            ("either", "added"),
            ("either", "removed"),
            ("all", "added"),
            ("all", "removed"),
            ("added", "added"),
        ):
            wait_for_event(self.sink, what, self.node, action)
        for body in self.sink.received("either"):
            missing = ENVELOPE_KEYS - set(body) if isinstance(body, dict) else ENVELOPE_KEYS
            asserts.assert_equal(missing, set(), f"a hook body lacks {sorted(missing)}: {body!r:.400}")
            if body.get("nodeId") == self.node:
                seen = {key: body[key] for key in ("version", "type", "severity", "typeId")}
                assert_same(
                    seen,
                    {"version": "1.0", "type": "node", "severity": "information", "typeId": self.node},
                    f"node.{body.get('action')} envelope fields",
                )
                asserts.assert_equal(
                    (body.get("data") or {}).get("nodeType"),
                    "compute",
                    f"node event data should carry nodeType compute: {body!r:.400}",
                )

    @test(depends_on=[node_events_are_posted_as_the_envelope])
    def filtered_out_events_do_not_arrive(self):
        """The AND-filtered hook got node.added but not node.removed, nor any event that is not node.added."""
        ctx = suite_context()
        marker = ctx.create_node("marker")["id"]  # delivered after the removal: everything before has arrived
        wait_for_event(self.sink, "either", marker, "added")
        wait_for_event(self.sink, "added", marker, "added")
        self.marker = marker
        got = [(b.get("type"), b.get("action")) for b in self.sink.received("added")]
        asserts.assert_false(
            ("node", "removed") in node_events(self.sink.received("added"), self.node),
            f"the hook filtered on action ^added$ received node.removed: {got}",
        )
        others = [pair for pair in got if pair != ("node", "added")]
        asserts.assert_equal(others, [], f"the hook filtered on node/added received other events: {got}")
        either = [(b.get("type"), b.get("action")) for b in self.sink.received("either")]
        asserts.assert_equal(
            [p for p in either if p not in (("node", "added"), ("node", "removed"))],
            [],
            f"the hook filtered on node added|removed received other events: {either}",
        )

    @test(depends_on=[filtered_out_events_do_not_arrive])
    def a_deleted_hook_gets_nothing_more(self):
        """After DELETE /hooks/{id} (204) the hook's URL gets no further event; the other hooks still do."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/hooks/{self.hooks['all']['id']}", expect=(204,))
        ctx.api.delete(f"{API_ROOT}/nodes/{self.marker}", expect=(200, 204))
        wait_for_event(self.sink, "either", self.marker, "removed")
        late = node_events(self.sink.received("all"), self.marker)
        asserts.assert_false(
            ("node", "removed") in late, f"the deleted hook still received node.removed of {self.marker}: {late}"
        )

    @test(depends_on=[hooks_on_a_sink_are_created], runs_after=[a_deleted_hook_gets_nothing_more], always_run=True)
    def the_sink_stops(self):
        """The hooks on the sink are deleted (204, or 404 if gone) and the sink stops."""
        ctx = suite_context()
        try:
            for hook in getattr(self, "hooks", {}).values():
                ctx.api.delete(f"{API_ROOT}/hooks/{hook['id']}", expect=(204, 404))
        finally:
            if self.sink is not None:
                self.sink.close()
                self.sink = None
