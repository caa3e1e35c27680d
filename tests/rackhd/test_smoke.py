"""smoke: the rack is reachable — the API and its config, AMQP, Mongo, and every node's BMC over IPMI.

Every other group depends on this one: when the rack is not there, one failure here skips the
rest with that reason instead of failing a hundred tests the same way.
"""

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
        """The AMQP broker RackHD publishes events on accepts a connection (and a queue on it)."""
        transport = suite_context().amqp()
        try:
            transport.keep_alive()
            asserts.assert_true(transport.declare_exclusive_queue(), "the broker named no queue")
        finally:
            transport.close()

    @test
    def mongo_answers_ping(self):
        """RackHD's Mongo store answers ping."""
        ctx = suite_context()
        db = ctx.mongo(timeout=5.0)
        try:
            asserts.assert_equal(db.command("ping")["ok"], 1.0)
        finally:
            db.client.close()

    @test
    def every_bmc_answers_ipmi(self):
        """Every node's BMC logs in over IPMI 2.0 (RMCP+) and reports a power state."""
        for node in suite_context().bmc_nodes():
            state = suite_context().obm(node).power_status()
            asserts.assert_true(state in ("on", "off"), f"{node.name}: power state {state!r}")
