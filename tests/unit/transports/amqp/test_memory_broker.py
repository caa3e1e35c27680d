"""The in-memory broker's internals: acks and redelivery, consumers, auto-delete, refusals, the URL registry,
blocking receives across threads. The behaviour shared with RabbitMQ is checked against both in
tests/functional/transports/test_amqp_contract.py."""

import threading
import time
import unittest
import uuid

from rackharness.clients.events import topic_matches
from rackharness.errors import ClientError, ServiceUnavailable
from rackharness.transports.amqp.base import (
    ACCESS_REFUSED,
    NOT_FOUND,
    PRECONDITION_FAILED,
    RESOURCE_LOCKED,
    BrokerRefused,
)
from rackharness.transports.amqp.chooser import open_transport
from rackharness.transports.amqp.memory_broker import MemoryBroker
from rackharness.transports.amqp.memory_side import MemoryTransport, broker_for_url, forget_broker, named_broker


class BrokerCase(unittest.TestCase):
    def setUp(self):
        self.broker = MemoryBroker("unit")

    def connect(self):
        connection = self.broker.connect()
        self.addCleanup(connection.close)
        return connection

    def queue_on(self, connection, *keys, exchange="ex", **declare):
        connection.exchange_declare(exchange, "topic")
        queue = connection.queue_declare(**declare)
        for key in keys:
            connection.queue_bind(queue, exchange, key)
        return queue

    def refused(self, code, fn, *args, **kwargs):
        with self.assertRaises(BrokerRefused) as caught:
            fn(*args, **kwargs)
        self.assertEqual(caught.exception.reply_code, code, caught.exception)
        return caught.exception


class AckTest(BrokerCase):
    def test_unacked_messages_come_back_redelivered_when_the_consumer_closes(self):
        owner = self.connect()
        queue = self.queue_on(owner, "#", queue="work", durable=True)
        for index in range(3):
            owner.basic_publish("ex", f"k.{index}", str(index).encode(), {"content_type": "application/json"})
        consumer = self.broker.connect()
        first, second = consumer.basic_get(queue), consumer.basic_get(queue)
        self.assertEqual((first.delivery_tag, second.delivery_tag, first.redelivered), (1, 2, False))
        self.assertEqual(first.properties, {"content_type": "application/json"})
        consumer.basic_ack(first.delivery_tag)
        self.assertEqual(consumer.unacked, [2])
        consumer.close()
        again = [owner.basic_get(queue, no_ack=True) for _ in range(2)]
        self.assertEqual([(d.routing_key, d.redelivered) for d in again], [("k.1", True), ("k.2", False)])
        self.assertIsNone(owner.basic_get(queue))

    def test_reject_and_nack_requeue_at_the_head_in_order(self):
        connection = self.connect()
        queue = self.queue_on(connection, "#", queue="q")
        for index in range(4):
            connection.basic_publish("ex", f"k.{index}", b"x")
        tags = [connection.basic_get(queue).delivery_tag for _ in range(3)]
        connection.basic_nack(tags[1], multiple=True)  # k.0 and k.1 back, in order
        connection.basic_reject(tags[2], requeue=False)  # k.2 dropped
        keys = [(d.routing_key, d.redelivered) for d in iter(lambda: connection.basic_get(queue, no_ack=True), None)]
        self.assertEqual(keys, [("k.0", True), ("k.1", True), ("k.3", False)])

    def test_ack_multiple_and_unknown_tags(self):
        connection = self.connect()
        queue = self.queue_on(connection, "#", queue="q")
        for _ in range(3):
            connection.basic_publish("ex", "k", b"x")
        tags = [connection.basic_get(queue).delivery_tag for _ in range(3)]
        connection.basic_ack(tags[1], multiple=True)
        self.assertEqual(connection.unacked, [tags[2]])
        error = self.refused(PRECONDITION_FAILED, connection.basic_ack, 99)
        self.assertIn("unknown delivery tag 99", str(error))
        self.refused(PRECONDITION_FAILED, connection.basic_ack, tags[0])  # already acked

    def test_no_ack_deliveries_are_never_redelivered(self):
        connection = self.broker.connect()
        other = self.connect()
        queue = self.queue_on(other, "#", queue="q")
        other.basic_publish("ex", "k", b"x")
        self.assertIsNotNone(connection.basic_get(queue, no_ack=True))
        connection.close()
        self.assertIsNone(other.basic_get(queue))


class ConsumerTest(BrokerCase):
    def test_next_delivery_wakes_on_a_publish_from_another_thread(self):
        connection = self.connect()
        queue = self.queue_on(connection, "wake.*", exclusive=True)
        tag = connection.basic_consume(queue, no_ack=True)
        publisher = self.connect()
        timer = threading.Timer(0.1, publisher.basic_publish, ("ex", "wake.up", b'"now"'))
        timer.start()
        self.addCleanup(timer.cancel)
        began = time.monotonic()
        delivery = connection.next_delivery(tag, 5)
        self.assertLess(time.monotonic() - began, 2)
        self.assertEqual(delivery.message().body, "now")

    def test_concurrent_publishers_keep_their_own_order(self):
        connection = self.connect()
        queue = self.queue_on(connection, "#", exclusive=True)
        tag = connection.basic_consume(queue, no_ack=True)

        def publish(name):
            own = self.broker.connect()
            for index in range(200):
                own.basic_publish("ex", f"{name}.{index}", b"{}")
            own.close()

        threads = [threading.Thread(target=publish, args=(f"p{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        seen = {f"p{n}": [] for n in range(4)}
        for _ in range(800):
            name, index = connection.next_delivery(tag, 5).routing_key.split(".")
            seen[name].append(int(index))
        for thread in threads:
            thread.join()
        self.assertEqual(seen, {name: list(range(200)) for name in seen})

    def test_exclusive_consumers_and_auto_delete(self):
        owner = self.connect()
        queue = self.queue_on(owner, "#", queue="shared", auto_delete=True)
        other = self.connect()
        first = other.basic_consume(queue, exclusive=True)
        self.refused(ACCESS_REFUSED, owner.basic_consume, queue)
        other.basic_cancel(first)  # the last consumer went: an auto-delete queue goes with it
        self.assertNotIn(queue, self.broker.queues())
        self.assertEqual(self.broker.bindings("ex"), [])
        with self.assertRaises(ClientError):
            other.next_delivery(first, 0)

    def test_competing_consumers_share_a_queue(self):
        connection = self.connect()
        queue = self.queue_on(connection, "#", queue="q")
        one, two = connection.basic_consume(queue, no_ack=True), self.connect().basic_consume(queue, no_ack=True)
        self.assertNotEqual(one, two)
        connection.basic_publish("ex", "k", b"x")
        self.assertIsNotNone(connection.next_delivery(one, 0))
        self.assertIsNone(connection.next_delivery(one, 0))

    def test_closing_the_connection_wakes_a_blocked_receive(self):
        connection = self.broker.connect()
        queue = self.queue_on(connection, "#", exclusive=True)
        tag = connection.basic_consume(queue)
        threading.Timer(0.1, connection.close).start()
        began = time.monotonic()
        with self.assertRaises(ServiceUnavailable):
            connection.next_delivery(tag, 5)
        self.assertLess(time.monotonic() - began, 2)


class DeclareTest(BrokerCase):
    def test_exclusive_queues_are_locked_to_their_connection_and_die_with_it(self):
        owner = self.broker.connect()
        queue = self.queue_on(owner, "#", exclusive=True)
        self.assertTrue(queue.startswith("amq.gen-"))
        other = self.connect()
        self.refused(ACCESS_REFUSED, other.queue_declare, queue, exclusive=True)  # amq.* names are the server's
        for call in (
            lambda: other.queue_declare(queue, passive=True),
            lambda: other.queue_bind(queue, "ex", "x"),
            lambda: other.basic_get(queue),
            lambda: other.basic_consume(queue),
            lambda: other.queue_delete(queue),
        ):
            error = self.refused(RESOURCE_LOCKED, call)
            self.assertIn("exclusive access to locked queue", str(error))
        self.assertEqual(other.basic_publish("", queue, b"direct"), 1)  # publishing to it is allowed
        owner.close()
        self.assertNotIn(queue, self.broker.queues())
        self.refused(NOT_FOUND, other.queue_declare, queue, passive=True)

    def test_redeclare_mismatches_and_reserved_names(self):
        connection = self.connect()
        connection.exchange_declare("ex", "topic", durable=True)
        connection.exchange_declare("ex", "topic", durable=True)
        error = self.refused(
            PRECONDITION_FAILED, connection.exchange_declare, "ex", "topic", auto_delete=True, durable=True
        )
        self.assertIn(
            "inequivalent arg 'auto_delete' for exchange 'ex' in vhost '/': received 'true' but current is 'false'",
            str(error),
        )
        self.refused(ACCESS_REFUSED, connection.exchange_declare, "amq.mine")
        self.refused(ACCESS_REFUSED, connection.exchange_declare, "")
        self.refused(503, connection.exchange_declare, "odd", "headers")
        self.refused(NOT_FOUND, connection.exchange_declare, "missing", passive=True)
        connection.exchange_declare("amq.topic", "topic", durable=True)  # the predeclared ones exist
        connection.queue_declare("q", durable=True)
        self.refused(PRECONDITION_FAILED, connection.queue_declare, "q")
        self.refused(RESOURCE_LOCKED, connection.queue_declare, "q", durable=True, exclusive=True)
        self.refused(ACCESS_REFUSED, connection.queue_declare, "amq.q")
        self.refused(ACCESS_REFUSED, connection.queue_bind, "q", "", "q")

    def test_auto_delete_exchange_goes_with_its_last_binding(self):
        connection = self.connect()
        connection.exchange_declare("temp", "topic", auto_delete=True)
        queue = connection.queue_declare("q")
        connection.queue_bind(queue, "temp", "a.#")
        connection.queue_bind(queue, "temp", "b.#")
        connection.queue_unbind(queue, "temp", "a.#")
        self.assertIn("temp", self.broker.exchanges())
        self.assertEqual(connection.queue_delete(queue), 0)
        self.assertNotIn("temp", self.broker.exchanges())

    def test_delete_conditions_and_idempotence(self):
        connection = self.connect()
        queue = self.queue_on(connection, "#", queue="q")
        connection.basic_publish("ex", "k", b"x")
        self.refused(PRECONDITION_FAILED, connection.queue_delete, queue, if_empty=True)
        self.refused(PRECONDITION_FAILED, connection.exchange_delete, "ex", if_unused=True)
        self.assertEqual(connection.queue_delete(queue), 1)
        self.assertEqual(connection.queue_delete(queue), 0)
        connection.exchange_delete("ex")
        connection.exchange_delete("ex")
        self.refused(NOT_FOUND, connection.basic_publish, "ex", "k", b"x")

    def test_routing_counts_and_default_exchange(self):
        connection = self.connect()
        queue = self.queue_on(connection, "a.*", "#", queue="q")
        self.assertEqual(connection.basic_publish("ex", "a.b", b"x"), 1)  # one copy for two matching bindings
        self.assertEqual(connection.basic_publish("", "q", b"y"), 1)
        self.assertEqual(connection.basic_publish("", "nobody", b"z"), 0)
        self.assertEqual(self.broker.queues(), {queue: 2})
        with self.assertRaises(ClientError):
            connection.basic_publish("ex", "k", "text, not bytes")

    def test_closed_connection_and_repr(self):
        connection = self.broker.connect()
        self.assertEqual(self.broker.connection_count, 1)
        connection.close()
        connection.close()
        self.assertEqual(self.broker.connection_count, 0)
        with self.assertRaises(ServiceUnavailable):
            connection.queue_declare()
        self.assertIn("closed", repr(connection))
        self.assertIn("'unit'", repr(self.broker))


class TopicTest(unittest.TestCase):
    def test_empty_keys_and_patterns_have_no_words(self):
        self.assertTrue(topic_matches("#", ""))
        self.assertFalse(topic_matches("*", ""))
        self.assertTrue(topic_matches("", ""))
        self.assertFalse(topic_matches("", "a"))
        self.assertTrue(topic_matches("a.*.b", "a..b"))
        self.assertTrue(topic_matches("a.#.b", "a.b"))
        self.assertFalse(topic_matches("a.#.b", "a.b.c"))


class RegistryAndTransportTest(unittest.TestCase):
    def setUp(self):
        self.name = f"unit-{uuid.uuid4().hex[:8]}"
        self.addCleanup(forget_broker, self.name)

    def test_urls_resolve_through_the_registry(self):
        broker = named_broker(self.name)
        self.assertIs(broker_for_url(f"memory://{self.name}"), broker)
        self.assertIs(broker_for_url(f"memory://user:pw@{self.name}/"), broker)  # credentials ignored
        self.assertIs(broker_for_url("memory://"), named_broker())
        transport = open_transport(f"memory://{self.name}")
        self.addCleanup(transport.close)
        self.assertIsInstance(transport, MemoryTransport)
        self.assertIs(transport.broker, broker)
        self.assertEqual(repr(transport), f"<MemoryTransport memory://{self.name} connection 1>")
        self.assertIs(forget_broker(self.name), broker)
        self.assertIsNot(named_broker(self.name), broker)

    def test_bad_urls_and_names_are_clear(self):
        for url in (f"memory://{self.name}/vhost", f"memory://{self.name}?x=1", "memory://bad name"):
            with self.assertRaises(ClientError):
                broker_for_url(url)
        with self.assertRaises(ClientError) as caught:
            open_transport("redis://user:Very-Secret@host/")
        self.assertIn("user:***@host", str(caught.exception))
        self.assertNotIn("Very-Secret", str(caught.exception))
        with self.assertRaises(ClientError):
            broker_for_url("amqp://host/")

    def test_transport_get_reads_only_its_own_queues(self):
        transport = MemoryTransport(self.name)
        self.addCleanup(transport.close)
        transport.ensure_exchange("on.events")
        queue = transport.declare_exclusive_queue()
        transport.bind(queue, "on.events", "#")
        transport.publish("on.events", "a.b", b'{"x": 1}')
        message = transport.get(queue, 1)
        self.assertEqual((message.routing_key, message.exchange, message.body), ("a.b", "on.events", {"x": 1}))
        with self.assertRaises(ClientError):
            transport.get("amq.gen-other", 0)
        transport.keep_alive()
        transport.close()
        self.assertEqual(named_broker(self.name).queues(), {})
        with self.assertRaises(ServiceUnavailable):
            transport.keep_alive()


if __name__ == "__main__":
    unittest.main()
