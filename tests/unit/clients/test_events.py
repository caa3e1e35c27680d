"""EventTracker logic against an in-memory transport and a fake clock: no broker, no waiting."""

import unittest

from rackharness.clients.events import EventPublisher, EventTracker, ExpectationFailed, topic_matches
from rackharness.errors import ClientError
from rackharness.transports.amqp.base import AmqpTransport, Message


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class ScriptedTransport(AmqpTransport):
    """Hands out ``script`` messages one per get(); an empty get lets the whole timeout pass."""

    def __init__(self, clock, script=()):
        self.clock, self.script = clock, list(script)
        self.bindings, self.published, self.closed = [], [], False

    def ensure_exchange(self, exchange):
        self.exchange = exchange

    def exchange_exists(self, exchange):
        return exchange == getattr(self, "exchange", None)

    def declare_exclusive_queue(self):
        return "amq.gen-test"

    def bind(self, queue, exchange, pattern):
        self.bindings.append(pattern)

    def get(self, queue, timeout):
        if self.script:
            self.clock.now += 0.01
            key, body = self.script.pop(0)
            return Message(key, body, self.exchange)
        self.clock.now += timeout
        return None

    def publish(self, exchange, routing_key, body):
        self.published.append((exchange, routing_key, body))

    def close(self):
        self.closed = True


class TopicMatchTest(unittest.TestCase):
    def test_rabbitmq_topic_semantics(self):
        cases = [
            ("graph.finished.abc", "graph.finished.abc", True),
            ("graph.finished.abc", "graph.finished.abcd", False),
            ("graph.finished.*", "graph.finished.abc", True),
            ("graph.finished.*", "graph.finished.abc.node1", False),
            ("graph.finished.#", "graph.finished", True),
            ("graph.finished.#", "graph.finished.information.g1.n1", True),
            ("node.discovered.information.n1.#", "node.discovered.information.n1.n1", True),
            ("node.discovered.information.n1.#", "node.discovered.information.n2.n2", False),
            ("#", "anything.at.all", True),
            ("#.on-http", "heartbeat.updated.information.host.on-http", True),
            ("#.on-http", "heartbeat.updated.information.host.on-tftp", False),
            ("*.*.information.#", "graph.started.information.g1", True),
            ("a.#.z", "a.z", True),
            ("a.#.z", "a.b.c.z", True),
            ("a.#.z", "a.b.c.y", False),
        ]
        for pattern, key, expected in cases:
            with self.subTest(pattern=pattern, key=key):
                self.assertIs(topic_matches(pattern, key), expected)


class TrackerTest(unittest.TestCase):
    def make(self, *script):
        self.clock = FakeClock()
        self.transport = ScriptedTransport(self.clock, script)
        return EventTracker(transport=self.transport, clock=self.clock)

    def test_wait_returns_once_min_reached_and_keeps_matches(self):
        tracker = self.make(
            ("graph.started.g1", {"status": "running"}),
            ("graph.finished.g1", {"status": "succeeded"}),
            ("graph.finished.g2", {"status": "failed"}),
        )
        done = tracker.expect("graph.finished.g1")
        started_at = self.clock.now
        tracker.wait(timeout=30)
        self.assertEqual([m.body for m in done.matches], [{"status": "succeeded"}])
        self.assertLess(self.clock.now - started_at, 1, "wait must return as soon as the min is reached")
        self.assertEqual([m.routing_key for m in tracker.received], ["graph.started.g1", "graph.finished.g1"])
        self.assertEqual(self.transport.bindings, ["graph.finished.g1"])

    def test_predicate_filters_and_failures_list_near_misses_and_arrivals(self):
        tracker = self.make(
            ("graph.finished.g1", {"status": "failed"}),
            ("graph.progress.updated.information.g1.n1", {"progress": {"value": 1}}),
            ("graph.progress.updated.information.g1.n1", {"progress": {"value": 2}}),
        )
        tracker.expect("graph.finished.g1", where=lambda b: b["status"] == "succeeded", name="graph done")
        with self.assertRaises(AssertionError) as caught:
            tracker.wait(timeout=5)
        error = caught.exception
        self.assertIsInstance(error, ExpectationFailed)
        self.assertIsInstance(error, ClientError)
        text = str(error)
        self.assertIn("1 of 1 expectation(s) unmet after 5 s", text)
        self.assertIn("graph done [graph.finished.g1] where <predicate>: wanted at least 1, got 0", text)
        self.assertIn("1 more matched the key but not the predicate", text)
        self.assertIn('"status": "failed"', text)
        self.assertIn("What arrived instead (3 message(s), 2 routing key(s))", text)
        self.assertIn("2 x graph.progress.updated.information.g1.n1", text)
        self.assertIn("Hint:", text)
        self.assertGreaterEqual(self.clock.now - 1000.0, 5, "the timeout is honoured")

    def test_nothing_arrived_says_so(self):
        tracker = self.make()
        tracker.expect("node.discovered.information.n1.#")
        with self.assertRaises(ExpectationFailed) as caught:
            tracker.wait(timeout=2)
        self.assertIn("Nothing arrived on the tracker's queue", str(caught.exception))

    def test_max_exceeded_fails_at_once(self):
        tracker = self.make(
            ("node.discovered.information.n1.n1", {}),
            ("node.discovered.information.n1.n1", {}),
            ("graph.finished.g1", {}),
        )
        tracker.expect("node.discovered.information.n1.#", max=1)
        tracker.expect("graph.finished.g1")
        with self.assertRaises(ExpectationFailed) as caught:
            tracker.wait(timeout=30)
        self.assertIn("got more messages than allowed", str(caught.exception))
        self.assertIn("wanted 1..1, got 2", str(caught.exception))
        self.assertEqual(len(tracker.received), 2, "stops taking messages once the outcome is decided")

    def test_settle_catches_a_late_extra(self):
        tracker = self.make(("graph.finished.g1", {}), ("graph.finished.g1", {}))
        tracker.expect("graph.finished.g1", max=1)
        with self.assertRaises(ExpectationFailed):
            tracker.wait(timeout=5, settle=1)

    def test_none_expected_passes_when_none_come(self):
        tracker = self.make(("graph.started.g1", {}))
        tracker.expect("graph.finished.#", min=0, max=0)
        tracker.wait(timeout=5, settle=1)
        self.assertEqual(len(tracker.received), 1)

    def test_predicate_that_raises_does_not_match(self):
        tracker = self.make(("graph.finished.g1", "not json"), ("graph.finished.g1", {"status": "succeeded"}))
        done = tracker.expect("graph.finished.*", where=lambda b: b["status"] == "succeeded")
        tracker.wait(timeout=5)
        self.assertEqual(len(done.matches), 1)
        self.assertEqual(len(done.rejected), 1)

    def test_bad_patterns_and_bounds_are_refused(self):
        tracker = self.make()
        for pattern in ("", "graph..finished", "graph.finished."):
            with self.subTest(pattern=pattern), self.assertRaises(ClientError):
                tracker.expect(pattern)
        with self.assertRaises(ClientError):
            tracker.expect("a.b", min=2, max=1)

    def test_same_pattern_bound_once_and_context_manager_closes(self):
        with self.make() as tracker:
            tracker.expect("graph.#")
            tracker.expect("graph.#", where=lambda b: True)
        self.assertEqual(self.transport.bindings, ["graph.#"])
        self.assertTrue(self.transport.closed)


class PublisherTest(unittest.TestCase):
    def test_bodies_are_json_encoded_unless_already_bytes_or_text(self):
        transport = ScriptedTransport(FakeClock())
        with EventPublisher(transport=transport) as publisher:
            publisher.publish("graph.finished.g1", {"status": "succeeded"})
            publisher.publish("notification", "plain")
        self.assertEqual(
            transport.published,
            [("on.events", "graph.finished.g1", b'{"status": "succeeded"}'), ("on.events", "notification", b"plain")],
        )
        self.assertTrue(transport.closed)


class MessageTest(unittest.TestCase):
    def test_json_is_decoded_and_excerpt_is_short(self):
        self.assertEqual(Message.from_bytes("k", b'{"a": 1}').body, {"a": 1})
        self.assertEqual(Message.from_bytes("k", b"\xffnot json").body, "\ufffdnot json")
        self.assertLessEqual(len(Message("k", {"x": "y" * 500}).excerpt()), 120)
