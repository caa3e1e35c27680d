"""The AmqpTransport contract, run over both sides: pika against a private RabbitMQ, and the in-memory broker.

Every test lives in :class:`TransportContract` and runs once per side, through ``open_transport(url)``
exactly as the clients and the target's event bus build their transports: ``amqp://`` for RabbitMQ,
``memory://<name>`` for the fake. Whatever RabbitMQ does here, the memory broker must do too.
"""

import time
import unittest
import uuid

from rackharness.clients.events import EventPublisher, EventTracker, ExpectationFailed
from rackharness.errors import ClientError, ServiceUnavailable
from rackharness.reference.events import AmqpEventBus
from rackharness.services import RabbitMqService
from rackharness.transports.amqp.base import NOT_FOUND, PRECONDITION_FAILED, RESOURCE_LOCKED, BrokerRefused
from rackharness.transports.amqp.chooser import open_transport
from rackharness.transports.amqp.memory_side import MemoryTransport, forget_broker
from rackharness.transports.amqp.pika_side import PikaTransport
from tests.functional.services.support import free_ports, reachable_temp_dir, remove_tree, start_for_class

PASSWORD = "Contract-S3cret"
SENTINEL = "sentinel"  # published last: once it arrives, everything published before it has too

KEYS = ["", "a", "b", "ab", "a.b", "a..b", "a.x.b", "a.x.y.b", "a.b.c", "x.a.b"]
#: binding pattern -> which of KEYS RabbitMQ routes to it (in publish order)
ROUTES = {
    "#": KEYS,
    "*": ["a", "b", "ab"],  # an empty key has no words at all
    "*.#": KEYS[1:],
    "a.b": ["a.b"],
    "a.*": ["a.b"],
    "a.#": ["a", "a.b", "a..b", "a.x.b", "a.x.y.b", "a.b.c"],  # '#' may be zero words
    "a.*.b": ["a..b", "a.x.b"],  # an empty word is a word
    "a.#.b": ["a.b", "a..b", "a.x.b", "a.x.y.b"],
    "#.b": ["b", "a.b", "a..b", "a.x.b", "a.x.y.b", "x.a.b"],
    "#.a.#": ["a", "a.b", "a..b", "a.x.b", "a.x.y.b", "a.b.c", "x.a.b"],
}


class TransportContract:
    """The tests; a side sets ``url`` (class attribute) before they run."""

    url: str

    def setUp(self):
        self.tag = uuid.uuid4().hex[:10]
        self.exchange = f"contract.{self.tag}"

    def open(self):
        transport = open_transport(self.url, timeout=5)
        self.addCleanup(transport.close)
        return transport

    def listener(self, *patterns, transport=None, exchange=None, **declare):
        """(transport, queue) bound to ``patterns`` and the sentinel on the test's exchange."""
        transport = transport or self.open()
        exchange = exchange or self.exchange
        transport.ensure_exchange(exchange, **declare)
        queue = transport.declare_exclusive_queue()
        for pattern in (*patterns, SENTINEL):
            transport.bind(queue, exchange, pattern)
        return transport, queue

    def publisher(self, exchange=None, **declare):
        transport = self.open()
        transport.ensure_exchange(exchange or self.exchange, **declare)
        return transport

    def drain(self, transport, queue):
        """Messages up to (not including) the sentinel; fails if it does not come within 5 s."""
        taken = []
        while True:
            message = transport.get(queue, 5.0)
            self.assertIsNotNone(message, f"the sentinel never arrived; got {[m.routing_key for m in taken]}")
            if message.routing_key == SENTINEL:
                return taken
            taken.append(message)

    # -- routing ----------------------------------------------------------------------------------
    def test_topic_routing_star_and_hash(self):
        consumer = self.open()
        queues = {pattern: self.listener(pattern, transport=consumer)[1] for pattern in ROUTES}
        publisher = self.publisher()
        for key in KEYS + [SENTINEL]:
            publisher.publish(self.exchange, key, f'"{key}"'.encode())
        for pattern, expected in ROUTES.items():
            got = [m.routing_key for m in self.drain(consumer, queues[pattern])]
            self.assertEqual(got, expected, f"pattern {pattern!r}")

    def test_one_copy_per_queue_however_many_bindings_match(self):
        transport, queue = self.listener("a.b", "a.*", "#", "a.#.b")
        self.publisher().publish(self.exchange, "a.b", b"{}")
        self.publisher().publish(self.exchange, SENTINEL, b"{}")
        self.assertEqual([m.routing_key for m in self.drain(transport, queue)], ["a.b"])

    def test_unroutable_messages_are_dropped(self):
        publisher = self.publisher()
        publisher.publish(self.exchange, "nobody.listens", b"{}")  # no queue bound yet
        transport, queue = self.listener("#")
        publisher.publish(self.exchange, "only.b", b"{}")
        publisher.publish(self.exchange, SENTINEL, b"{}")
        self.assertEqual([m.routing_key for m in self.drain(transport, queue)], ["only.b"])

    def test_direct_and_fanout_exchanges(self):
        direct, fanout = f"{self.exchange}.direct", f"{self.exchange}.fanout"
        self.publisher(direct, type="direct").publish(direct, "a.b", b"{}")  # before any binding: dropped
        self.publisher(fanout, type="fanout")
        d_transport, d_queue = self.listener(
            "a.*", "a.b", exchange=direct, type="direct"
        )  # direct: "a.*" is just a word
        f_transport, f_queue = self.listener("ignored", exchange=fanout, type="fanout")  # fanout: keys do not matter
        for exchange in (direct, fanout):
            for key in ("a.x", "a.b", "z"):
                d_transport.publish(exchange, key, b"{}")
            d_transport.publish(exchange, SENTINEL, b"{}")
        self.assertEqual([m.routing_key for m in self.drain(d_transport, d_queue)], ["a.b"])
        self.assertEqual([m.routing_key for m in self.drain(f_transport, f_queue)], ["a.x", "a.b", "z"])

    def test_order_per_queue_and_each_message_once(self):
        transport, queue = self.listener("seq.#")
        publisher = self.publisher()
        for index in range(60):
            publisher.publish(self.exchange, f"seq.{index % 3}", str(index).encode())
        publisher.publish(self.exchange, SENTINEL, b"{}")
        self.assertEqual([m.body for m in self.drain(transport, queue)], list(range(60)))
        began = time.monotonic()
        self.assertIsNone(transport.get(queue, 0.2), "a message taken by get() is gone (no redelivery)")
        self.assertGreaterEqual(time.monotonic() - began, 0.19)

    def test_message_fields(self):
        transport, queue = self.listener("#")
        publisher = self.publisher()
        publisher.publish(self.exchange, "m.json", b'{"a": [1, 2]}')
        publisher.publish(self.exchange, "m.text", "not json \u00e9".encode())
        json_message, text_message = transport.get(queue, 5), transport.get(queue, 5)
        self.assertEqual(
            (json_message.routing_key, json_message.exchange, json_message.body),
            ("m.json", self.exchange, {"a": [1, 2]}),
        )
        self.assertEqual(text_message.body, "not json \u00e9")

    # -- get ----------------------------------------------------------------------------------------
    def test_get_returns_none_only_after_the_timeout(self):
        transport, queue = self.listener("#")
        began = time.monotonic()
        self.assertIsNone(transport.get(queue, 0.4))
        self.assertGreaterEqual(time.monotonic() - began, 0.39)
        self.assertLess(time.monotonic() - began, 2.0)
        began = time.monotonic()
        self.assertIsNone(transport.get(queue, 0))
        self.assertLess(time.monotonic() - began, 0.5)

    def test_get_on_a_queue_this_transport_did_not_declare(self):
        _, foreign = self.listener("#")
        with self.assertRaises(ClientError) as caught:
            self.open().get(foreign, 0.1)
        self.assertNotIsInstance(caught.exception, BrokerRefused)
        self.assertIn("not declared by this transport", str(caught.exception))

    # -- exclusive queues ---------------------------------------------------------------------------
    def test_another_connection_touching_an_exclusive_queue_is_refused_resource_locked(self):
        _, queue = self.listener("#")
        intruder = self.open()
        intruder.ensure_exchange(self.exchange)
        with self.assertRaises(BrokerRefused) as caught:
            intruder.bind(queue, self.exchange, "x.#")
        self.assertEqual(caught.exception.reply_code, RESOURCE_LOCKED)
        self.assertIn("exclusive", caught.exception.reply_text)
        self.assertIn("RESOURCE_LOCKED (405) - cannot obtain exclusive access", str(caught.exception))

    def test_a_refusal_ends_the_channel_and_its_queues(self):
        victim = self.open()
        victim.ensure_exchange(self.exchange)
        own = victim.declare_exclusive_queue()
        with self.assertRaises(BrokerRefused):
            victim.bind("no-such-queue", self.exchange, "#")
        with self.assertRaises(BrokerRefused) as again:  # every later call says why
            victim.publish(self.exchange, "x", b"{}")
        self.assertEqual(again.exception.reply_code, NOT_FOUND)
        with self.assertRaises(BrokerRefused):
            victim.get(own, 0.1)
        checker = self.open()
        with self.assertRaises(BrokerRefused) as gone:  # its consumer went with the channel: auto-delete
            checker.bind(own, self.exchange, "#")
        self.assertEqual(gone.exception.reply_code, NOT_FOUND)

    def test_exclusive_queue_is_deleted_when_its_transport_closes(self):
        transport, queue = self.listener("#")
        transport.close()
        transport.close()  # twice is fine
        other = self.open()
        with self.assertRaises(BrokerRefused) as caught:
            other.bind(queue, self.exchange, "#")
        self.assertEqual(caught.exception.reply_code, NOT_FOUND)

    def test_two_queues_get_their_own_copies(self):
        first, first_queue = self.listener("k.*")
        second, second_queue = self.listener("k.a", "k.b")
        self.assertNotEqual(first_queue, second_queue)
        publisher = self.publisher()
        for key in ("k.a", "k.b", "k.c", SENTINEL):
            publisher.publish(self.exchange, key, b"{}")
        self.assertEqual([m.routing_key for m in self.drain(first, first_queue)], ["k.a", "k.b", "k.c"])
        self.assertEqual([m.routing_key for m in self.drain(second, second_queue)], ["k.a", "k.b"])

    # -- exchanges ----------------------------------------------------------------------------------
    def test_redeclaring_an_exchange_differently_is_precondition_failed(self):
        self.open().ensure_exchange(self.exchange, type="fanout")
        self.open().ensure_exchange(self.exchange, type="fanout")  # the same declaration again is fine
        with self.assertRaises(BrokerRefused) as caught:
            self.open().ensure_exchange(self.exchange)
        self.assertEqual(caught.exception.reply_code, PRECONDITION_FAILED)
        self.assertIn("inequivalent arg 'type'", caught.exception.reply_text)
        transient = f"{self.exchange}.transient"
        self.open().ensure_exchange(transient, durable=False)
        with self.assertRaises(BrokerRefused) as caught:
            self.open().ensure_exchange(transient)
        self.assertIn("inequivalent arg 'durable'", caught.exception.reply_text)

    def test_exchange_exists_is_passive_and_keeps_the_channel(self):
        transport, queue = self.listener("#")
        self.assertTrue(transport.exchange_exists(self.exchange))
        self.assertFalse(transport.exchange_exists(f"{self.exchange}.missing"))
        self.assertFalse(self.open().exchange_exists(f"{self.exchange}.missing"), "a passive check creates nothing")
        transport.publish(self.exchange, SENTINEL, b"{}")  # the channel survived the missing exchange
        self.assertEqual(self.drain(transport, queue), [])

    def test_binding_to_a_missing_exchange_is_not_found(self):
        transport = self.open()
        queue = transport.declare_exclusive_queue()
        with self.assertRaises(BrokerRefused) as caught:
            transport.bind(queue, f"{self.exchange}.missing", "#")
        self.assertEqual(caught.exception.reply_code, NOT_FOUND)
        self.assertIn("no exchange", caught.exception.reply_text)

    def test_a_closed_transport_is_service_unavailable(self):
        transport, queue = self.listener("#")
        transport.close()
        for call in (
            lambda: transport.ensure_exchange(self.exchange),
            lambda: transport.get(queue, 0.1),
            lambda: transport.publish(self.exchange, "x", b"{}"),
            transport.keep_alive,
        ):
            with self.assertRaises(ServiceUnavailable):
                call()

    # -- the clients on top ------------------------------------------------------------------------
    def test_event_tracker_and_publisher_end_to_end(self):
        publisher = EventPublisher(self.url, self.exchange)
        self.addCleanup(publisher.close)
        publisher.publish(f"graph.finished.{self.tag}", {"status": "early"})  # before the tracker: unseen
        with EventTracker(self.url, self.exchange) as tracker:
            done = tracker.expect(f"graph.finished.{self.tag}", where=lambda body: body["status"] == "succeeded")
            once = tracker.expect(f"node.#.{self.tag}", max=1)
            publisher.publish(f"graph.finished.{self.tag}", {"status": "failed"})
            publisher.publish(f"node.added.information.{self.tag}", {"n": 1})
            publisher.publish(f"graph.finished.{self.tag}", {"status": "succeeded"})
            tracker.wait(timeout=10, settle=0.3)
            self.assertEqual([m.body["status"] for m in done.matches], ["succeeded"])
            self.assertEqual([m.body["status"] for m in done.rejected], ["failed"])
            self.assertEqual(len(once.matches), 1)
            publisher.publish(f"node.removed.information.{self.tag}", {"n": 2})
            with self.assertRaises(ExpectationFailed) as caught:
                tracker.wait(timeout=5, settle=2)
            self.assertIn("more messages than allowed", str(caught.exception))

    def test_tracker_failure_lists_what_arrived_instead(self):
        publisher = EventPublisher(self.url, self.exchange)
        self.addCleanup(publisher.close)
        with EventTracker(self.url, self.exchange) as tracker:
            tracker.expect(f"graph.#.{self.tag}", where=lambda body: body["status"] == "succeeded", name="ok")
            publisher.publish(f"graph.started.{self.tag}", {"status": "running"})
            with self.assertRaises(AssertionError) as caught:
                tracker.wait(timeout=1)
        text = str(caught.exception)
        self.assertIn("ok [graph.#.", text)
        self.assertIn(f'1 x graph.started.{self.tag}: {{"status": "running"}}', text)
        self.assertNotIn(PASSWORD, text)

    def test_the_targets_event_bus_reaches_a_tracker(self):
        with EventTracker(self.url) as tracker:
            added = tracker.expect(f"node.added.information.{self.tag}.{self.tag}")
            bus = AmqpEventBus(self.url)
            self.addCleanup(bus.close)
            bus.publish_external("node", "added", "information", self.tag, self.tag, {"nodeType": "compute"})
            tracker.wait(timeout=10)
        self.assertEqual(added.matches[0].body["data"], {"nodeType": "compute"})
        self.assertEqual(added.matches[0].body["type"], "node")
        self.assertEqual(bus.dropped, 0)


class RabbitMqSideTest(TransportContract, unittest.TestCase):
    """The real side: PikaTransport against a private RabbitMQ node (one per class)."""

    @classmethod
    def setUpClass(cls):
        cls.dir = reachable_temp_dir("rh-contract-")
        cls.addClassCleanup(remove_tree, cls.dir)
        port, dist, epmd = free_ports(3)
        service = RabbitMqService(
            "127.0.0.1", port, dist, epmd, "rackhd", PASSWORD, cls.dir / "rabbitmq", cls.dir / "logs"
        )
        cls.url = start_for_class(cls, service, timeout=60).url  # skips, reason printed, without rabbitmq-server

    def test_the_url_picks_pika(self):
        self.assertIsInstance(self.open(), PikaTransport)

    def test_errors_and_reprs_hide_the_password(self):
        transport = self.open()
        self.assertNotIn(PASSWORD, repr(transport))
        with self.assertRaises(BrokerRefused) as caught:
            transport.bind("no-such-queue", "amq.topic", "#")
        self.assertNotIn(PASSWORD, str(caught.exception))
        self.assertIn("rackhd:***@", str(caught.exception))


class MemorySideTest(TransportContract, unittest.TestCase):
    """The fake side: MemoryTransport on a broker of its own, reached by ``memory://`` URL."""

    @classmethod
    def setUpClass(cls):
        name = f"contract-{uuid.uuid4().hex[:8]}"
        cls.url = f"memory://{name}"
        cls.addClassCleanup(forget_broker, name)

    def test_the_url_picks_the_memory_broker(self):
        self.assertIsInstance(self.open(), MemoryTransport)


if __name__ == "__main__":
    unittest.main()
