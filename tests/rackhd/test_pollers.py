"""pollers: RackHD's pollers (/api/2.0/pollers) — CRUD, cached data, and IPMI polling checked on the BMC itself.

A poller is a work item: ``POST /pollers {type, pollInterval (ms), node?, config, paused?}`` answers
201 with the poller view ``{id, type, pollInterval, node: "/api/2.0/nodes/<id>", config, lastStarted,
lastFinished, paused, failureCount}`` (``poller.2.0.json#/definitions/Poller``: ``type`` one of ipmi,
snmp, redfish, wsman; no other keys), ``GET|PATCH|DELETE /pollers/{id}`` answer the view, the changed
view and 204, an unknown id 404 and a body that breaks the schema 400. ``GET /nodes/{id}/pollers``
lists the node's raw work items (``name: "Pollers.IPMI"``, ``node`` the id). An IPMI poller takes its
BMC from the node's ipmi-obm-service OBM; ``GET /pollers/{id}/data`` answers its last results
(``pollerCacheSize``, 10) and ``/data/current`` the latest as a one-element array, each entry
``{host, user, node, <command>: <data>, timestamp}`` without the password; both answer 204 while
there is none. A ``chassis`` poller's data is ``{power: bool, uid}``; when the power it sees changes,
``polleralert.chassispower.updated.information.<pollerId>.<nodeId>`` carries ``{states: {last,
current}}`` ("ON"/"OFF"). A paused poller does not poll. (contract §1.4, §2, §6)

Every wait is a Condition on what RackHD reports, bounded by poll intervals; the suite's pollers
poll every second. The ipmi OBM config gets ``port`` only for a BMC off UDP 623 (see test_workflows).
"""

import re

from bson import ObjectId

from rackharness.api_paths import API_ROOT
from rackharness.suite.checks import assert_error, ipmi_obm_config, wait_for_power
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test
from rackharness.wait import Condition, Observation

IPMI = "ipmi-obm-service"
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
VIEW_KEYS = {"id", "type", "pollInterval", "node", "config", "lastStarted", "lastFinished", "paused", "failureCount"}
POLL_INTERVAL_MS = 1000
#: RackHD's first poll of a new poller comes within two poll intervals
FIRST_DATA_TIMEOUT = 2 * POLL_INTERVAL_MS / 1000
CACHE_SIZE = 10  # RackHD's pollerCacheSize
EVENT_TIMEOUT = 10.0


def answer(ctx, method, path, body=None):
    """Send a request and return the response whatever its status (the caller checks it)."""
    return ctx.api.send(method, path, json=body, expect=range(100, 600))


def create_poller(ctx, node_id, command="chassis", **fields):
    """POST /pollers for an IPMI poller of ``node_id`` → 201; recorded for cleanup; returns the view."""
    body = {"type": "ipmi", "pollInterval": POLL_INTERVAL_MS, "node": node_id, "config": {"command": command}, **fields}
    poller = ctx.api.post(f"{API_ROOT}/pollers", body, expect=(201,))
    asserts.assert_true(
        isinstance(poller, dict) and OBJECT_ID.match(str(poller.get("id"))),
        f"POST /pollers should answer the poller with a 24-hex id: {poller!r:.300}",
    )
    ctx.created("poller", poller["id"])
    return poller


def current(ctx, poller_id):
    """/data/current's single entry, or None while it answers 204."""
    response = answer(ctx, "GET", f"{API_ROOT}/pollers/{poller_id}/data/current")
    if response.status_code == 204:
        return None
    asserts.assert_equal(response.status_code, 200, f"GET /pollers/{poller_id}/data/current: {response.text[:300]}")
    data = response.json()
    asserts.assert_true(
        isinstance(data, list) and len(data) == 1, f"/data/current should be a one-element array: {data!r:.300}"
    )
    return data[0]


def wait_for(probe, what, timeout):
    return Condition(probe=probe, what=what, timeout=timeout, interval=0.05, transient=()).wait()


def wait_for_current(ctx, poller_id, what, accept=lambda entry: True, timeout=FIRST_DATA_TIMEOUT):
    """Wait until /data/current has an entry ``accept`` takes; returns it."""
    seen = {}

    def probe():
        seen["entry"] = current(ctx, poller_id)
        ok = seen["entry"] is not None and accept(seen["entry"])
        return Observation(ok, f"/data/current answered {seen['entry']!r:.300}")

    wait_for(probe, what, timeout)
    return seen["entry"]


def wait_for_polls(ctx, poller_id, count, timeout):
    """Wait until the poller has started ``count`` more polls (its view's lastStarted changed that often)."""
    seen = [ctx.api.get(f"{API_ROOT}/pollers/{poller_id}").get("lastStarted")]

    def probe():
        started = ctx.api.get(f"{API_ROOT}/pollers/{poller_id}").get("lastStarted")
        if started != seen[-1]:
            seen.append(started)
        return Observation(len(seen) > count, f"{len(seen) - 1} new poll(s); lastStarted {started!r}")

    wait_for(probe, f"{count} more poll(s) of poller {poller_id}", timeout)


@test(groups=["pollers"], depends_on_groups=["smoke"])
class PollerApi:
    """Poller CRUD on a suite node without a BMC: the poller is paused, so it never polls."""

    @test
    def post_answers_the_poller_view(self):
        """POST /pollers answers 201 with the view: type ipmi, pollInterval, node as URL, config, paused, failureCount 0."""
        ctx = suite_context()
        self.node_id = ctx.create_node("pollers-api")["id"]
        self.poller = create_poller(ctx, self.node_id, "sdr", paused=True)
        seen = f"{self.poller!r:.400}"
        asserts.assert_equal(VIEW_KEYS - set(self.poller), set(), f"the view lacks keys: {seen}")
        asserts.assert_equal(
            (self.poller.get("type"), self.poller.get("pollInterval"), self.poller.get("config")),
            ("ipmi", POLL_INTERVAL_MS, {"command": "sdr"}),
            f"type, pollInterval, config: {seen}",
        )
        asserts.assert_equal(self.poller.get("node"), f"{API_ROOT}/nodes/{self.node_id}", f"node: {seen}")
        asserts.assert_equal((self.poller.get("paused"), self.poller.get("failureCount")), (True, 0), seen)

    @test(depends_on=[post_answers_the_poller_view])
    def get_and_list_answer_the_view(self):
        """GET /pollers/{id} answers the view; GET /pollers lists the poller."""
        ctx = suite_context()
        shown = ctx.api.get(f"{API_ROOT}/pollers/{self.poller['id']}")
        asserts.assert_equal(
            (shown.get("id"), shown.get("type"), shown.get("config")),
            (self.poller["id"], "ipmi", {"command": "sdr"}),
            f"GET /pollers/{{id}}: {shown!r:.300}",
        )
        listed = [p.get("id") for p in ctx.api.get(f"{API_ROOT}/pollers")]
        asserts.assert_true(self.poller["id"] in listed, f"GET /pollers does not list {self.poller['id']}")

    @test(depends_on=[post_answers_the_poller_view])
    def node_pollers_are_raw_work_items(self):
        """GET /nodes/{id}/pollers lists the raw work item: name Pollers.IPMI, node the id, config."""
        ctx = suite_context()
        items = {p.get("id"): p for p in ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}/pollers")}
        asserts.assert_equal(list(items), [self.poller["id"]], "GET /nodes/{id}/pollers lists the node's pollers")
        item = items[self.poller["id"]]
        asserts.assert_equal(
            (item.get("name"), item.get("node"), item.get("config"), item.get("pollInterval")),
            ("Pollers.IPMI", self.node_id, {"command": "sdr"}, POLL_INTERVAL_MS),
            f"the raw work item: {item!r:.400}",
        )

    @test(depends_on=[post_answers_the_poller_view])
    def data_answers_204_while_there_is_none(self):
        """GET /pollers/{id}/data and /data/current answer 204 for a poller that has not polled."""
        ctx = suite_context()
        for path in ("data", "data/current"):
            response = answer(ctx, "GET", f"{API_ROOT}/pollers/{self.poller['id']}/{path}")
            asserts.assert_equal(response.status_code, 204, f"GET /pollers/{{id}}/{path}: {response.text[:200]}")

    @test(depends_on=[post_answers_the_poller_view])
    def patch_answers_the_changed_view(self):
        """PATCH /pollers/{id} {pollInterval} answers the view with the new interval; GET shows it too."""
        ctx = suite_context()
        patched = ctx.api.patch(f"{API_ROOT}/pollers/{self.poller['id']}", {"pollInterval": 2 * POLL_INTERVAL_MS})
        asserts.assert_equal(
            (patched.get("pollInterval"), patched.get("paused")),
            (2 * POLL_INTERVAL_MS, True),
            f"PATCH answered {patched!r:.300}",
        )
        shown = ctx.api.get(f"{API_ROOT}/pollers/{self.poller['id']}")
        asserts.assert_equal(shown.get("pollInterval"), 2 * POLL_INTERVAL_MS, "GET after PATCH")

    @test(depends_on=[post_answers_the_poller_view])
    def bad_bodies_answer_400(self):
        """POST and PATCH bodies that break poller.2.0.json (missing keys, unknown type or key, bad types) answer 400."""
        ctx = suite_context()
        good = {"type": "ipmi", "pollInterval": POLL_INTERVAL_MS, "node": self.node_id, "config": {"command": "sdr"}}
        bad_posts = {
            "an empty body": {},
            "no config": {k: v for k, v in good.items() if k != "config"},
            "no pollInterval": {k: v for k, v in good.items() if k != "pollInterval"},
            "an unknown type": {**good, "type": "telnet"},
            "an unknown key": {**good, "color": "red"},
            "a string pollInterval": {**good, "pollInterval": "often"},
        }
        for what, body in bad_posts.items():
            assert_error(answer(ctx, "POST", f"{API_ROOT}/pollers", body), 400, f"POST /pollers with {what}")
        for what, body in {"an unknown key": {"color": "red"}, "a string paused": {"paused": "yes"}}.items():
            assert_error(
                answer(ctx, "PATCH", f"{API_ROOT}/pollers/{self.poller['id']}", body),
                400,
                f"PATCH /pollers/{{id}} with {what}",
            )
        pollers = [p.get("id") for p in ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}/pollers")]
        asserts.assert_equal(pollers, [self.poller["id"]], "a refused POST created no poller")

    @test
    def unknown_pollers_answer_404(self):
        """GET, PATCH, DELETE /pollers/{id}, /data and /data/current of an unknown id answer 404."""
        ctx = suite_context()
        unknown = str(ObjectId())
        for method, path, body in (
            ("GET", "", None),
            ("PATCH", "", {"paused": True}),
            ("DELETE", "", None),
            ("GET", "/data", None),
            ("GET", "/data/current", None),
        ):
            assert_error(
                answer(ctx, method, f"{API_ROOT}/pollers/{unknown}{path}", body),
                404,
                f"{method} /pollers/<unknown>{path}",
            )

    @test(
        depends_on=[
            get_and_list_answer_the_view,
            node_pollers_are_raw_work_items,
            data_answers_204_while_there_is_none,
            patch_answers_the_changed_view,
            bad_bodies_answer_400,
        ]
    )
    def delete_answers_204_then_404(self):
        """DELETE /pollers/{id} answers 204; the poller is gone (GET 404) and the node lists none."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/pollers/{self.poller['id']}", expect=(204,))
        assert_error(answer(ctx, "GET", f"{API_ROOT}/pollers/{self.poller['id']}"), 404, "GET of a deleted poller")
        asserts.assert_equal(
            ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}/pollers"), [], "GET /nodes/{id}/pollers after the delete"
        )


@test(groups=["pollers"], depends_on_groups=["smoke"])
class IpmiPolling:
    """Chassis pollers of a suite node whose ipmi OBM drives the first rack node's BMC."""

    @test
    def first_data_comes_within_two_poll_intervals(self):
        """A chassis poller's /data/current has an entry {host, user, node, chassis, timestamp}, no password, within two intervals."""
        ctx = suite_context()
        self.rack = ctx.bmc_nodes(power=True, driven_by_target=True)[0]  # the target polls it over IPMI
        self.obm = ctx.obm(self.rack)
        self.node_id = ctx.create_node("pollers-ipmi")["id"]
        ctx.api.put(
            f"{API_ROOT}/nodes/{self.node_id}/obm",
            {"nodeId": self.node_id, "service": IPMI, "config": ipmi_obm_config(self.rack.bmc)},
            expect=(201,),
        )
        self.obm.power_on()
        wait_for_power(self.obm, self.rack.name, "on")
        self.poller_id = create_poller(ctx, self.node_id)["id"]
        entry = wait_for_current(ctx, self.poller_id, f"the first data of chassis poller {self.poller_id}")
        seen = f"{entry!r:.400}"
        asserts.assert_equal(
            (entry.get("node"), entry.get("host")),
            (self.node_id, self.rack.bmc.host),
            f"the entry's node and host: {seen}",
        )
        asserts.assert_true(isinstance(entry.get("timestamp"), str) and entry["timestamp"], f"timestamp: {seen}")
        asserts.assert_true("password" not in entry, f"the entry shows the BMC password: {seen}")
        chassis = entry.get("chassis") or {}
        asserts.assert_true(
            isinstance(chassis.get("power"), bool) and isinstance(chassis.get("uid"), str),
            f"chassis data should be {{power: bool, uid}}: {seen}",
        )

    @test(depends_on=[first_data_comes_within_two_poll_intervals])
    def chassis_data_agrees_with_the_bmc(self):
        """The chassis poller reports the power state the BMC itself reports over IPMI (on)."""
        ctx = suite_context()
        on = self.obm.power_status() == "on"
        wait_for_current(
            ctx,
            self.poller_id,
            f"chassis power {on} as {self.rack.name}'s BMC reports",
            lambda entry: entry.get("chassis", {}).get("power") is on,
        )

    @test(depends_on=[first_data_comes_within_two_poll_intervals])
    def data_keeps_the_latest_results_oldest_first(self):
        """GET /pollers/{id}/data lists up to pollerCacheSize (10) entries, the last one what /data/current shows."""
        ctx = suite_context()

        def two_entries():
            data = ctx.api.get(f"{API_ROOT}/pollers/{self.poller_id}/data", expect=(200, 204)) or []
            return Observation(len(data) >= 2, f"{len(data)} entries")

        wait_for(two_entries, f"two results of poller {self.poller_id}", FIRST_DATA_TIMEOUT + POLL_INTERVAL_MS / 1000)
        latest = current(ctx, self.poller_id)  # first: a poll between the two requests only adds to /data
        data = ctx.api.get(f"{API_ROOT}/pollers/{self.poller_id}/data")
        asserts.assert_true(2 <= len(data) <= CACHE_SIZE, f"/data answered {len(data)} entries")
        asserts.assert_true(latest in data[-2:], f"/data/current {latest!r:.200} is not among /data's newest")

    @test(depends_on=[chassis_data_agrees_with_the_bmc])
    def a_power_change_publishes_a_polleralert(self):
        """Powering the BMC off (over IPMI) makes polleralert.chassispower.updated carry states {last: ON, current: OFF}."""
        ctx = suite_context()
        key = f"polleralert.chassispower.updated.information.{self.poller_id}.{self.node_id}"
        with ctx.events() as events:
            alert = events.expect(
                key, where=lambda body: (body.get("data") or {}).get("states") == {"last": "ON", "current": "OFF"}
            )
            self.obm.power_off()
            wait_for_power(self.obm, self.rack.name, "off")
            events.wait(EVENT_TIMEOUT)
        body = alert.matches[0].body
        asserts.assert_equal(
            (body.get("type"), body.get("action"), body.get("severity"), body.get("typeId"), body.get("nodeId")),
            ("polleralert", "chassispower.updated", "information", self.poller_id, self.node_id),
            f"the alert's envelope: {body!r:.400}",
        )
        wait_for_current(
            ctx,
            self.poller_id,
            "chassis power false after the power off",
            lambda entry: entry.get("chassis", {}).get("power") is False,
        )

    @test(depends_on=[a_power_change_publishes_a_polleralert, data_keeps_the_latest_results_oldest_first])
    def a_paused_poller_does_not_poll(self):
        """PATCH {paused: true} stops the poller (no new poll while another poller of the node polls twice); false resumes it."""
        ctx = suite_context()
        clock = create_poller(ctx, self.node_id, "selInformation")["id"]
        patched = ctx.api.patch(f"{API_ROOT}/pollers/{self.poller_id}", {"paused": True})
        asserts.assert_equal(patched.get("paused"), True, f"PATCH answered {patched!r:.300}")
        polls = 2 * POLL_INTERVAL_MS / 1000 + EVENT_TIMEOUT
        wait_for_polls(ctx, clock, 2, polls)  # a poll in flight when PATCH came has ended by now
        settled = ctx.api.get(f"{API_ROOT}/pollers/{self.poller_id}").get("lastStarted")
        wait_for_polls(ctx, clock, 2, polls)
        asserts.assert_equal(
            ctx.api.get(f"{API_ROOT}/pollers/{self.poller_id}").get("lastStarted"),
            settled,
            "the paused poller polled while another poller of its node polled twice",
        )
        ctx.api.patch(f"{API_ROOT}/pollers/{self.poller_id}", {"paused": False})
        wait_for_polls(ctx, self.poller_id, 1, polls)
        ctx.api.delete(f"{API_ROOT}/pollers/{clock}", expect=(204,))

    @test(depends_on=[a_paused_poller_does_not_poll])
    def a_deleted_poller_has_no_data(self):
        """DELETE /pollers/{id} answers 204; its /data then answers 404."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/pollers/{self.poller_id}", expect=(204,))
        assert_error(
            answer(ctx, "GET", f"{API_ROOT}/pollers/{self.poller_id}/data"), 404, "GET /data of a deleted poller"
        )
