"""TapedAmqpTransport: recorded around the in-memory broker, replayed with no broker at all."""

from __future__ import annotations

import time
import unittest
import uuid

from rackharness import clock
from rackharness.tapes.deck import TapeMiss
from rackharness.tapes.seams.amqp import TapedAmqpTransport
from rackharness.transports.amqp.base import PRECONDITION_FAILED, BrokerRefused, Message
from rackharness.transports.amqp.chooser import open_transport
from rackharness.transports.amqp.memory_side import forget_broker
from tests.unit.tapes.seams import SeamTestCase

EVENT = b'{"status":"running","nodeId":"5f0c3b2a9d1e8a0011223344"}'


class TapedAmqpTest(SeamTestCase):
    def setUp(self):
        super().setUp()
        self.broker = f"tapes-amqp-{uuid.uuid4().hex[:8]}"
        self.addCleanup(forget_broker, self.broker)

    def live_transport(self, deck) -> TapedAmqpTransport:
        inner = open_transport(f"memory://{self.broker}")
        self.addCleanup(inner.close)
        return TapedAmqpTransport(deck, inner)

    def exercise(self, amqp: TapedAmqpTransport, quiet_timeout: float) -> dict:
        out = {}
        amqp.ensure_exchange("on.events")
        out["exists"] = amqp.exchange_exists("on.events")
        out["missing"] = amqp.exchange_exists("not.there")
        out["queue"] = queue = amqp.declare_exclusive_queue()
        amqp.bind(queue, "on.events", "graph.#")
        amqp.publish("on.events", "graph.started.abc", EVENT)
        out["message"] = amqp.get(queue, 1.0)
        out["quiet"] = amqp.get(queue, quiet_timeout)
        with self.assertRaises(BrokerRefused) as caught:  # redeclared with another type
            amqp.ensure_exchange("on.events", type="fanout")
        out["refused"] = (caught.exception.reply_code, caught.exception.reply_text, str(caught.exception))
        return out

    def test_replay_gives_what_the_broker_gave(self):
        deck = self.record()
        live = self.exercise(self.live_transport(deck), quiet_timeout=0.05)
        self.stop(deck)
        self.assertTrue(live["exists"])
        self.assertFalse(live["missing"])
        self.assertTrue(live["queue"].startswith("amq.gen-"))
        self.assertEqual(
            live["message"],
            Message("graph.started.abc", {"status": "running", "nodeId": "5f0c3b2a9d1e8a0011223344"}, "on.events"),
        )
        self.assertIsNone(live["quiet"])
        self.assertEqual(live["refused"][0], PRECONDITION_FAILED)

        kinds = [(i["kind"], i["request"]["op"] if i["kind"] == "call" else i["channel"]) for i in self.interactions()]
        self.assertEqual(
            kinds,
            [
                ("call", "ensure_exchange"),
                ("call", "exchange_exists"),
                ("call", "exchange_exists"),
                ("call", "declare_exclusive_queue"),
                ("call", "bind"),
                ("call", "publish"),
                ("delivery", live["queue"]),
                ("call", "ensure_exchange"),
            ],
        )
        self.assertEqual(
            self.interactions()[5]["request"]["body"], {"status": "running", "nodeId": "5f0c3b2a9d1e8a0011223344"}
        )

        deck = self.replay()
        started = time.monotonic()
        replayed = self.exercise(TapedAmqpTransport(deck, None), quiet_timeout=0.05)
        self.assertEqual(replayed, live)
        self.assertEqual(replayed["message"].exchange, "on.events")
        self.assertLess(time.monotonic() - started, 0.5)

    def test_a_quiet_queue_waits_on_the_virtual_clock(self):
        deck = self.record()
        amqp = self.live_transport(deck)
        queue = amqp.declare_exclusive_queue()
        self.stop(deck)

        deck = self.replay()
        amqp = TapedAmqpTransport(deck, None)
        self.assertEqual(amqp.declare_exclusive_queue(), queue)
        before = clock.monotonic()
        started = time.monotonic()
        self.assertIsNone(amqp.get(queue, 30.0))
        self.assertLess(time.monotonic() - started, 0.5, "a 30 s get took wall time")
        self.assertEqual(clock.monotonic() - before, 30.0)

    def test_messages_come_only_after_the_publish_that_caused_them(self):
        deck = self.record()
        amqp = self.live_transport(deck)
        queue = amqp.declare_exclusive_queue()
        amqp.ensure_exchange("on.events")
        amqp.bind(queue, "on.events", "#")
        amqp.publish("on.events", "a", b'{"n":1}')
        first = amqp.get(queue, 1.0)
        amqp.publish("on.events", "b", b'"text"')
        second = amqp.get(queue, 1.0)
        self.stop(deck)

        deck = self.replay()
        amqp = TapedAmqpTransport(deck, None)
        self.assertEqual(amqp.declare_exclusive_queue(), queue)
        amqp.ensure_exchange("on.events")
        amqp.bind(queue, "on.events", "#")
        self.assertIsNone(amqp.get(queue, 1.0), "nothing published yet")
        amqp.publish("on.events", "a", b'{"n":1}')
        self.assertEqual(amqp.get(queue, 1.0), first)
        self.assertIsNone(amqp.get(queue, 1.0), "the second message waits for the second publish")
        amqp.publish("on.events", "b", b'"text"')
        self.assertEqual(amqp.get(queue, 1.0), second)
        self.assertEqual(second.body, "text")

    def test_replayed_publish_must_match(self):
        deck = self.record()
        amqp = self.live_transport(deck)
        amqp.ensure_exchange("on.events")
        amqp.publish("on.events", "a", b'{"n":1}')
        self.stop(deck)
        deck = self.replay()
        amqp = TapedAmqpTransport(deck, None)
        amqp.ensure_exchange("on.events")
        with self.assertRaises(TapeMiss):
            amqp.publish("on.events", "a", b'{"n":2}')

    def test_keep_alive_and_close_without_a_live_side(self):
        deck = self.record()
        self.stop(deck)
        deck = self.replay()
        amqp = TapedAmqpTransport(deck, None)
        amqp.keep_alive()
        amqp.close()


if __name__ == "__main__":
    unittest.main()
