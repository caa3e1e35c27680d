"""smoke: the rack is reachable — the API and its config, AMQP, Mongo, and every node's BMC over IPMI.

Every other group depends on this one: when the rack is not there, one failure here skips the
rest with that reason instead of failing a hundred tests the same way.
"""
import pika
import pymongo

from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test


@test(groups=["smoke"])
class Smoke:
    @test
    def api_serves_config(self):
        """GET /api/2.0/config answers 200 with RackHD's configuration object."""
        config = suite_context().api.get("/api/2.0/config")
        asserts.assert_true(isinstance(config, dict), f"/config is not an object: {config!r:.200}")

    @test
    def amqp_accepts_a_connection(self):
        """The AMQP broker RackHD publishes events on accepts a connection."""
        connection = pika.BlockingConnection(pika.URLParameters(suite_context().need("amqp_url", "AMQP")))
        try:
            asserts.assert_true(connection.is_open)
        finally:
            connection.close()

    @test
    def mongo_answers_ping(self):
        """RackHD's Mongo store answers ping."""
        client = pymongo.MongoClient(suite_context().need("mongo_url", "Mongo"), serverSelectionTimeoutMS=5000)
        try:
            asserts.assert_equal(client.admin.command("ping")["ok"], 1.0)
        finally:
            client.close()

    @test
    def every_bmc_answers_ipmi(self):
        """Every node's BMC logs in over IPMI 2.0 (RMCP+) and reports a power state."""
        for node in suite_context().bmc_nodes():
            state = suite_context().obm(node).power_status()
            asserts.assert_true(state in ("on", "off"), f"{node.name}: power state {state!r}")
