"""workflows: graphs run against a node through /nodes/{id}/workflows, their effect checked on the BMC itself.

Power graphs: a suite node gets an ipmi-obm-service OBM pointing at a rack node's BMC;
``POST /nodes/{id}/workflows`` (body ``{name}`` or ``?name=``) answers 201 with the raw graph
(``instanceId``, ``injectableName``, ``name`` = the friendly name, ``node``, ``_status``), the graph
ends ``succeeded``, and the BMC — asked directly over IPMI, not through RackHD — reports the power
state the graph set. ``graph.started`` / ``graph.finished`` events announce it on ``on.events``;
``GET /nodes/{id}/workflows[?active=]`` lists it raw, ``GET /workflows/{instanceId}`` as the view.
A power graph on a node without an OBM fails ("No OBM service assigned to this node.").

Active graphs: ``Graph.noop-example`` with a long ``delay`` on its first task stays running; while
it does, a second graph on the node is refused ("Unable to run multiple task graphs against a single
target.") and so is ``DELETE /nodes/{id}``. ``PUT /nodes/{id}/workflows/action {"command": "cancel"}``
and ``PUT /workflows/{id}/action`` answer 202 and the graph ends ``cancelled``; with nothing active
the node form answers 404. A finished graph is removed by ``DELETE /workflows/{id}`` (204, then 404).
(contract §1.3, §1.4, §2, §4)

The ipmi OBM config is ``{host, user, password}`` (schemas/obms/ipmi-obm-service.json); the suite
adds ``port`` only for a BMC that does not listen on IPMI's UDP 623 — the reference target honours
it, RackHD's ipmitool command line (``-H host``) has no port.
"""

import re

from rackharness.api_paths import API_ROOT
from rackharness.clients.rest import describe_graph, graph_status, graph_tasks
from rackharness.errors import HttpStatusError, ReadinessTimeout
from rackharness.suite.checks import ipmi_obm_config, wait_for_power
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test

IPMI = "ipmi-obm-service"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LIFECYCLE = ("pending", "running", "succeeded", "failed", "cancelled", "timeout")
ACTIVE = ("pending", "running")
MULTIPLE_GRAPHS = "Unable to run multiple task graphs against a single target."
GRAPH_TIMEOUT = 30.0  # seconds a graph may take to finish (a power graph takes well under one)
EVENT_TIMEOUT = 10.0
#: long enough to stay active for the whole class; every test that starts one cancels it
LONG_DELAY_MS = 300_000
LONG_GRAPH = {"name": "Graph.noop-example", "options": {"noop-1": {"delay": LONG_DELAY_MS}}}


def node_with_ipmi_obm(ctx, rack_node, what):
    """A suite node whose ipmi OBM drives ``rack_node``'s BMC; returns its id."""
    node_id = ctx.create_node(what)["id"]
    body = {"nodeId": node_id, "service": IPMI, "config": ipmi_obm_config(rack_node.bmc)}
    obm = ctx.api.put(f"{API_ROOT}/nodes/{node_id}/obm", body, expect=(201,))
    asserts.assert_equal(obm.get("service"), IPMI, f"PUT /nodes/{node_id}/obm answered {obm!r:.300}")
    return node_id


def set_power(ctx, rack_node, state):
    """Put ``rack_node`` in ``state`` directly over IPMI (not through RackHD) and wait for it."""
    obm = ctx.obm(rack_node)
    obm.power_on() if state == "on" else obm.power_off()
    wait_for_power(obm, rack_node.name, state)


def port_hint(rack_node):
    """Why a power graph may fail on a RackHD that is not the reference target (empty when it cannot)."""
    port = int(rack_node.bmc.port or 623)
    if port == 623:
        return ""
    return (
        f" (note: {rack_node.name}'s BMC listens on UDP {port}; RackHD's ipmi-obm-service runs ipmitool -H host, "
        "i.e. port 623, and ignores config.port, which only the reference target honours)"
    )


def finish(ctx, instance_id, expected, rack_node=None):
    """Wait for the graph to end (cancelling it if it does not); assert it ended ``expected``; return it (view)."""
    try:
        graph = ctx.api.wait_for_workflow(instance_id, GRAPH_TIMEOUT, interval=0.05)
    except ReadinessTimeout:
        # RackHD 2.60.7 answers this cancel with the bare instance id as text/plain: not JSON
        ctx.api.send(
            "PUT", f"{API_ROOT}/workflows/{instance_id}/action", json={"command": "cancel"}, expect=(202, 400, 404)
        )
        raise
    errors = [f"{t.get('label')}: {t['error']}" for t in graph_tasks(graph) if t.get("error")]
    asserts.assert_equal(
        graph_status(graph),
        expected,
        f"graph {instance_id} ({graph.get('injectableName')}) ended {describe_graph(graph)}"
        + (f"; task errors: {'; '.join(errors)}" if errors else "")
        + (port_hint(rack_node) if rack_node is not None and errors else ""),
    )
    return graph


def cancel_if_active(ctx, node_id):
    """Cleanup for a test that fails midway: cancel the node's active graph, if any (202 or 404)."""
    try:
        ctx.api.put(f"{API_ROOT}/nodes/{node_id}/workflows/action", {"command": "cancel"}, expect=(202, 404))
    except HttpStatusError:
        pass


def answer(ctx, method, path, body=None):
    """Send a request and return the response whatever its status (the caller checks it)."""
    return ctx.api.send(method, path, json=body, expect=range(100, 600))


def message_of(response):
    """The ``message`` of a RackHD error body (or the raw text)."""
    try:
        body = response.json()
    except ValueError:
        return response.text
    return body.get("message", "") if isinstance(body, dict) else str(body)


def active_ids(ctx, node_id):
    """Instance ids of the node's active graphs (GET /nodes/{id}/workflows?active=true)."""
    return [g["instanceId"] for g in ctx.api.get(f"{API_ROOT}/nodes/{node_id}/workflows", params={"active": "true"})]


@test(groups=["workflows"], depends_on_groups=["smoke"])
class PowerGraphs:
    """Power graphs on a suite node whose ipmi OBM drives the first rack node's BMC."""

    @test
    def power_off_graph_answers_raw_graph(self):
        """POST /nodes/{id}/workflows {name: Graph.PowerOff.Node} answers 201 with the raw graph of that node."""
        ctx = suite_context()
        self.rack = ctx.bmc_nodes(power=True, driven_by_target=True)[0]  # the target powers it over IPMI
        self.node_id = node_with_ipmi_obm(ctx, self.rack, "power-graphs")
        self.finished = []
        set_power(ctx, self.rack, "on")
        graph = ctx.api.post(
            f"{API_ROOT}/nodes/{self.node_id}/workflows", {"name": "Graph.PowerOff.Node"}, expect=(201,)
        )
        self.power_off_id = graph.get("instanceId")
        seen = f"{graph!r:.400}"
        asserts.assert_true(UUID.match(str(self.power_off_id)), f"instanceId should be a uuid: {seen}")
        asserts.assert_equal(graph.get("injectableName"), "Graph.PowerOff.Node", f"injectableName: {seen}")
        asserts.assert_equal(graph.get("node"), self.node_id, f"the graph's node: {seen}")
        asserts.assert_true(graph.get("_status") in LIFECYCLE, f"raw graph _status {graph.get('_status')!r}")
        # the definition from the list: GET /workflows/graphs/{name} answers [definition] in RackHD 2.60.7
        definition = next(
            (
                d
                for d in ctx.api.get(f"{API_ROOT}/workflows/graphs")
                if d.get("injectableName") == "Graph.PowerOff.Node"
            ),
            {},
        )
        asserts.assert_equal(
            graph.get("name"),
            definition.get("friendlyName"),
            "the graph's name should be the definition's friendlyName (GET /workflows/graphs)",
        )

    @test(depends_on=[power_off_graph_answers_raw_graph])
    def power_off_graph_turns_the_bmc_off(self):
        """Graph.PowerOff.Node succeeds and the node's BMC, asked over IPMI, reports power off."""
        ctx = suite_context()
        finish(ctx, self.power_off_id, "succeeded", self.rack)
        self.finished.append(self.power_off_id)
        wait_for_power(ctx.obm(self.rack), self.rack.name, "off")

    @test(depends_on=[power_off_graph_turns_the_bmc_off])
    def power_on_graph_by_query_name_turns_the_bmc_on(self):
        """POST /nodes/{id}/workflows?name=Graph.PowerOn.Node answers 201; the graph succeeds and the BMC reports on."""
        ctx = suite_context()
        graph = ctx.api.post(
            f"{API_ROOT}/nodes/{self.node_id}/workflows", {}, params={"name": "Graph.PowerOn.Node"}, expect=(201,)
        )
        asserts.assert_equal(
            graph.get("injectableName"), "Graph.PowerOn.Node", f"?name= started another graph: {graph!r:.300}"
        )
        finish(ctx, graph["instanceId"], "succeeded", self.rack)
        self.finished.append(graph["instanceId"])
        wait_for_power(ctx.obm(self.rack), self.rack.name, "on")

    @test(depends_on=[power_off_graph_answers_raw_graph])
    def power_graph_announces_start_and_finish(self):
        """graph.started and graph.finished events (both key families) name the graph, its node and its status."""
        ctx = suite_context()
        this = {}  # the graph's id, known once POST answers; messages are only matched in wait()
        with ctx.events() as events:
            started = events.expect(f"graph.started.information.*.{self.node_id}")
            finished = events.expect(f"graph.finished.information.*.{self.node_id}")
            short = events.expect("graph.finished.*", where=lambda body: body.get("graphId") == this["id"])
            graph = ctx.api.post(
                f"{API_ROOT}/nodes/{self.node_id}/workflows", {"name": "Graph.PowerOff.Node"}, expect=(201,)
            )
            this["id"] = graph_id = graph["instanceId"]
            self.finished.append(graph_id)
            finish(ctx, graph_id, "succeeded", self.rack)
            events.wait(EVENT_TIMEOUT)
        for expectation, action in ((started, "started"), (finished, "finished")):
            message = expectation.matches[0]
            body = message.body
            asserts.assert_equal(
                message.routing_key,
                f"graph.{action}.information.{graph_id}.{self.node_id}",
                f"graph.{action} routing key",
            )
            asserts.assert_equal(
                (body.get("type"), body.get("action"), body.get("typeId"), body.get("nodeId")),
                ("graph", action, graph_id, self.node_id),
                f"graph.{action} envelope: {body!r:.400}",
            )
            data = body.get("data") or {}
            asserts.assert_equal(data.get("graphId"), graph_id, f"graph.{action} data: {body!r:.400}")
            asserts.assert_equal(
                data.get("graphName"),
                graph.get("name"),
                f"graph.{action} data.graphName should be the friendly name: {body!r:.400}",
            )
        asserts.assert_equal(
            finished.matches[0].body["data"].get("status"),
            "succeeded",
            f"graph.finished data.status: {finished.matches[0].body!r:.400}",
        )
        asserts.assert_equal(
            short.matches[0].body.get("status"),
            "succeeded",
            f"graph.finished.<graphId> body: {short.matches[0].body!r:.400}",
        )

    @test(depends_on=[power_on_graph_by_query_name_turns_the_bmc_on, power_graph_announces_start_and_finish])
    def node_workflows_list_the_finished_graphs(self):
        """GET /nodes/{id}/workflows lists the node's graphs raw (_status succeeded); ?active=true lists none."""
        ctx = suite_context()
        listed = {g.get("instanceId"): g for g in ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}/workflows")}
        missing = [i for i in self.finished if i not in listed]
        asserts.assert_equal(missing, [], f"GET /nodes/{{id}}/workflows lacks graphs; it lists {sorted(listed)}")
        statuses = {i: listed[i].get("_status") for i in self.finished}
        asserts.assert_equal(set(statuses.values()), {"succeeded"}, f"raw _status of the finished graphs: {statuses}")
        asserts.assert_equal(active_ids(ctx, self.node_id), [], "?active=true lists graphs of an idle node")
        inactive = [
            g.get("instanceId")
            for g in ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}/workflows", params={"active": "false"})
        ]
        asserts.assert_equal(
            sorted(set(self.finished) - set(inactive)), [], f"?active=false lacks finished graphs; it lists {inactive}"
        )

    @test(depends_on=[power_off_graph_turns_the_bmc_off])
    def workflow_view_by_instance_id(self):
        """GET /workflows/{instanceId} answers the view: status succeeded, tasks as a list, definition as a URL."""
        ctx = suite_context()
        view = ctx.api.get(f"{API_ROOT}/workflows/{self.power_off_id}")
        seen = f"{view!r:.400}"
        asserts.assert_equal(view.get("instanceId"), self.power_off_id, f"GET /workflows/{{id}} answered {seen}")
        asserts.assert_equal(view.get("status"), "succeeded", f"view status: {seen}")
        asserts.assert_true(
            isinstance(view.get("tasks"), list) and view["tasks"], f"view tasks should be a list: {seen}"
        )
        asserts.assert_equal(
            [t.get("state") for t in view["tasks"]],
            ["succeeded"] * len(view["tasks"]),
            f"task states: {describe_graph(view)}",
        )
        asserts.assert_equal(
            view.get("definition"), f"{API_ROOT}/workflows/graphs/Graph.PowerOff.Node", f"view definition: {seen}"
        )

    @test
    def power_graph_without_obm_fails(self):
        """Graph.PowerOn.Node on a node without an OBM is accepted (201) and ends failed."""
        ctx = suite_context()
        node_id = ctx.create_node("no-obm")["id"]
        graph = ctx.api.post(f"{API_ROOT}/nodes/{node_id}/workflows", {"name": "Graph.PowerOn.Node"}, expect=(201,))
        try:
            finish(ctx, graph["instanceId"], "failed")
        finally:
            cancel_if_active(ctx, node_id)


@test(groups=["workflows"], depends_on_groups=["smoke"])
class ActiveGraphs:
    """A graph that stays running (Graph.noop-example, first task delayed) on a suite node without an OBM."""

    @test
    def long_graph_stays_active(self):
        """Graph.noop-example with a long noop-1 delay answers 201 and is listed by ?active=true as running."""
        ctx = suite_context()
        self.node_id = ctx.create_node("active-graph")["id"]
        graph = ctx.api.post(f"{API_ROOT}/nodes/{self.node_id}/workflows", LONG_GRAPH, expect=(201,))
        self.graph_id = graph["instanceId"]
        try:
            asserts.assert_equal(active_ids(ctx, self.node_id), [self.graph_id], "?active=true should list the graph")
            status = graph_status(ctx.api.workflow(self.graph_id))
            asserts.assert_true(status in ACTIVE, f"GET /workflows/{{id}} status {status!r}, expected pending/running")
        except BaseException:
            cancel_if_active(ctx, self.node_id)
            raise

    @test(depends_on=[long_graph_stays_active])
    def second_graph_on_the_node_is_refused(self):
        """A second POST /nodes/{id}/workflows while one is active is refused ("Unable to run multiple task graphs")."""
        ctx = suite_context()
        response = answer(ctx, "POST", f"{API_ROOT}/nodes/{self.node_id}/workflows", {"name": "Graph.noop-example"})
        if response.status_code < 300:  # accepted: stop the intruder before failing
            ctx.api.send(
                "PUT",
                f"{API_ROOT}/workflows/{response.json().get('instanceId')}/action",
                json={"command": "cancel"},
                expect=(202, 400, 404),
            )
        asserts.assert_true(
            400 <= response.status_code < 600, f"a second graph answered {response.status_code}: {response.text[:300]}"
        )
        asserts.assert_true(
            MULTIPLE_GRAPHS in message_of(response),
            f"the refusal should say {MULTIPLE_GRAPHS!r}: {response.status_code} {response.text[:300]}",
        )
        asserts.assert_equal(
            active_ids(ctx, self.node_id), [self.graph_id], "the node's active graphs after the refusal"
        )

    @test(depends_on=[long_graph_stays_active])
    def node_delete_is_refused_while_a_graph_is_active(self):
        """DELETE /nodes/{id} while a graph is active is refused (non-2xx); the node and its graph remain."""
        ctx = suite_context()
        response = answer(ctx, "DELETE", f"{API_ROOT}/nodes/{self.node_id}")
        asserts.assert_true(
            response.status_code >= 300,
            f"DELETE /nodes/{{id}} with an active graph answered {response.status_code}: {response.text[:300]}",
        )
        ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}")
        asserts.assert_equal(active_ids(ctx, self.node_id), [self.graph_id], "the active graph after the refusal")

    @test(depends_on=[long_graph_stays_active])
    def cancel_by_node_action(self):
        """PUT /nodes/{id}/workflows/action {command: cancel} answers 202 with the graph, which ends cancelled."""
        ctx = suite_context()
        try:
            answer = ctx.api.put(
                f"{API_ROOT}/nodes/{self.node_id}/workflows/action", {"command": "cancel"}, expect=(202,)
            )
            asserts.assert_equal(
                (answer or {}).get("instanceId"),
                self.graph_id,
                f"the cancel answer should be the active graph: {answer!r:.300}",
            )
            finish(ctx, self.graph_id, "cancelled")
        finally:
            cancel_if_active(ctx, self.node_id)

    @test(depends_on=[cancel_by_node_action])
    def cancel_without_active_graph_answers_404(self):
        """PUT /nodes/{id}/workflows/action {command: cancel} on a node with no active graph answers 404."""
        ctx = suite_context()
        response = answer(ctx, "PUT", f"{API_ROOT}/nodes/{self.node_id}/workflows/action", {"command": "cancel"})
        asserts.assert_equal(response.status_code, 404, f"cancel with nothing active: {response.text[:300]}")

    @test(depends_on=[cancel_by_node_action])
    def cancel_by_instance_action(self):
        """After the cancel the node takes a new graph; PUT /workflows/{id}/action cancel → 202, it ends cancelled.
        (The 202's body is not checked: RackHD 2.60.7 answers the bare instance id as text/plain.)"""
        ctx = suite_context()
        graph = ctx.api.post(f"{API_ROOT}/nodes/{self.node_id}/workflows", LONG_GRAPH, expect=(201,))
        try:
            ctx.api.send(
                "PUT", f"{API_ROOT}/workflows/{graph['instanceId']}/action", json={"command": "cancel"}, expect=(202,)
            )
            finish(ctx, graph["instanceId"], "cancelled")
        finally:
            cancel_if_active(ctx, self.node_id)

    @test(depends_on=[cancel_by_node_action])
    def finished_graph_is_deleted(self):
        """DELETE /workflows/{id} of a finished graph answers 204; GET /workflows/{id} then answers 404."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/workflows/{self.graph_id}", expect=(204,))
        response = answer(ctx, "GET", f"{API_ROOT}/workflows/{self.graph_id}")
        asserts.assert_equal(response.status_code, 404, f"GET of a deleted graph: {response.text[:300]}")

    @test(depends_on=[cancel_by_node_action])
    def node_delete_is_allowed_once_no_graph_is_active(self):
        """DELETE /nodes/{id} answers 204 once the node's graphs are cancelled; GET /nodes/{id} then answers 404."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/nodes/{self.node_id}", expect=(204,))
        response = answer(ctx, "GET", f"{API_ROOT}/nodes/{self.node_id}")
        asserts.assert_equal(response.status_code, 404, f"GET of a deleted node: {response.text[:300]}")
