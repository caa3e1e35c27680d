"""events: RackHD's northbound events on the AMQP exchange ``on.events`` — routing keys and envelopes.

``on.events`` is a durable topic exchange. An external event is published with the routing key
``<type>.<action>.<severity>.<typeId>[.<nodeId>]`` and the JSON envelope ``{version: "1.0", type,
action, severity, typeId, nodeId, data, createdAt}``: creating a node publishes
``node.added.information.<id>.<id>`` and deleting it ``node.removed.information.<id>.<id>`` (data
carries ``nodeType``); every service publishes ``heartbeat.updated.information.<fqdn>.<service>``
(nodeId null) every ``heartbeatIntervalSec``. Each test subscribes (its own exclusive queue) before
it acts, so it only sees what its action caused.
"""

import datetime as dt

from rackharness.api_paths import API_ROOT
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import SkipTest, asserts, test
from rackharness.transports.amqp.base import BrokerRefused

EXCHANGE = "on.events"
ENVELOPE_KEYS = {"version", "type", "action", "severity", "typeId", "nodeId", "data", "createdAt"}
#: the services that publish a heartbeat (contract §2)
HEARTBEAT_SERVICES = ("on-http", "on-taskgraph", "on-tftp", "on-dhcp-proxy", "on-syslog")
#: the longest the suite waits for a heartbeat; a rack beating less often is not waited for
HEARTBEAT_BUDGET = 10.0  # RackHD's default heartbeatIntervalSec: the suite waits up to 21 s for it
EVENT_TIMEOUT = 10.0


def assert_same(actual, expected, what):
    """``asserts.assert_equal`` with a message that shows what was seen and what was expected."""
    asserts.assert_equal(actual, expected, f"{what}: got {actual!r:.400}, expected {expected!r:.400}")


def assert_timestamp(text, what):
    """``text`` is an ISO 8601 UTC timestamp (``2018-07-01T12:00:00.123Z``)."""
    try:
        stamp = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        stamp = None
    asserts.assert_true(
        stamp is not None and stamp.utcoffset() == dt.timedelta(0),
        f"{what}: createdAt should be an ISO 8601 UTC timestamp, got {text!r}",
    )


def assert_envelope(message, *, type_, action, severity, type_id, node_id, what):
    """The message's body is the external-event envelope with these fields, and its key is built from them."""
    body = message.body
    asserts.assert_true(isinstance(body, dict), f"{what}: the body is not a JSON object: {message.excerpt()}")
    missing = ENVELOPE_KEYS - set(body)
    asserts.assert_equal(missing, set(), f"{what}: the envelope lacks {sorted(missing)}: {message.excerpt(400)}")
    seen = {key: body[key] for key in ("version", "type", "action", "severity", "typeId", "nodeId")}
    expected = {
        "version": "1.0",
        "type": type_,
        "action": action,
        "severity": severity,
        "typeId": type_id,
        "nodeId": node_id,
    }
    assert_same(seen, expected, f"{what}: envelope fields")
    key = ".".join([type_, action, severity, type_id] + ([node_id] if node_id else []))
    assert_same(message.routing_key, key, f"{what}: the routing key (<type>.<action>.<severity>.<typeId>[.<nodeId>])")
    asserts.assert_true(isinstance(body["data"], dict), f"{what}: data should be an object, got {body['data']!r}")
    assert_timestamp(body["createdAt"], what)


@test(groups=["events"], depends_on_groups=["smoke"])
class Events:
    """Node added/removed and the heartbeat, observed on on.events."""

    @test
    def on_events_is_a_durable_topic_exchange(self):
        """on.events exists and is a durable, not auto-deleted topic exchange (declaring it so is accepted)."""
        transport = suite_context().amqp()
        try:
            asserts.assert_true(transport.exchange_exists(EXCHANGE), f"exchange {EXCHANGE} does not exist")
            try:
                transport.ensure_exchange(EXCHANGE, type="topic", durable=True, auto_delete=False)
            except BrokerRefused as exc:
                asserts.fail(
                    f"{EXCHANGE} is not a durable, non-auto-delete topic exchange: the broker refused the "
                    f"equivalent declaration ({exc})"
                )
        finally:
            transport.close()

    @test
    def node_added_key_and_envelope(self):
        """POST /nodes publishes node.added.information.<id>.<id> with the envelope (type node, data.nodeType)."""
        ctx = suite_context()
        created = {}
        with ctx.events() as events:
            # the predicate reads `created` only while wait() drains, after the POST answered
            added = events.expect("node.added.information.#", where=lambda body: body["nodeId"] == created["id"])
            node = ctx.create_node("event")
            created["id"] = self.node = node["id"]
            events.wait(EVENT_TIMEOUT)
        message = added.matches[0]
        assert_envelope(
            message,
            type_="node",
            action="added",
            severity="information",
            type_id=self.node,
            node_id=self.node,
            what="node.added",
        )
        asserts.assert_equal(
            message.body["data"].get("nodeType"),
            "compute",
            f"node.added data should carry the node's type: {message.excerpt(300)}",
        )

    @test(depends_on=[node_added_key_and_envelope])
    def node_removed_key_and_envelope(self):
        """DELETE /nodes/{id} publishes node.removed.information.<id>.<id> with the envelope (data.nodeType)."""
        ctx = suite_context()
        with ctx.events() as events:
            removed = events.expect(f"node.removed.information.{self.node}.{self.node}")
            ctx.api.delete(f"{API_ROOT}/nodes/{self.node}", expect=(200, 204))
            events.wait(EVENT_TIMEOUT)
        message = removed.matches[0]
        assert_envelope(
            message,
            type_="node",
            action="removed",
            severity="information",
            type_id=self.node,
            node_id=self.node,
            what="node.removed",
        )
        asserts.assert_equal(
            message.body["data"].get("nodeType"),
            "compute",
            f"node.removed data should carry the node's type: {message.excerpt(300)}",
        )

    @test
    def heartbeat_key_and_envelope(self):
        """A heartbeat.updated.information.<fqdn>.<service> arrives with nodeId null and data.currentTime/nextUpdate."""
        ctx = suite_context()
        interval = ctx.api.get(f"{API_ROOT}/config").get("heartbeatIntervalSec", 10)  # RackHD's default: 10 s
        if not isinstance(interval, (int, float)) or interval > HEARTBEAT_BUDGET:
            raise SkipTest(
                f"heartbeatIntervalSec is {interval!r} (GET /config); the suite waits at most "
                f"{HEARTBEAT_BUDGET:g} s for a heartbeat (for the local rack: `rackharness up "
                "--set target.heartbeat_interval=1`)"
            )
        with ctx.events() as events:
            beat = events.expect("heartbeat.updated.information.#")
            events.wait(2 * interval + 1)
        message = beat.matches[0]
        type_id = message.routing_key[len("heartbeat.updated.information.") :]
        asserts.assert_true(
            type_id.rsplit(".", 1)[-1] in HEARTBEAT_SERVICES,
            f"a heartbeat's key ends with the service ({', '.join(HEARTBEAT_SERVICES)}): {message.routing_key}",
        )
        assert_envelope(
            message,
            type_="heartbeat",
            action="updated",
            severity="information",
            type_id=type_id,
            node_id=None,
            what="heartbeat",
        )
        missing = {"currentTime", "nextUpdate"} - set(message.body["data"])
        asserts.assert_equal(missing, set(), f"heartbeat data lacks {sorted(missing)}: {message.excerpt(400)}")
