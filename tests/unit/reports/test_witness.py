"""The witness: the seams' wrappers change nothing sent or answered, and journal what they see, bounded."""

import json
import unittest

from rackharness.reports.witness import BODY_KEPT, Journal, WitnessedAmqpTransport, WitnessedHttpOut
from rackharness.transports.amqp.memory_broker import MemoryBroker
from rackharness.transports.amqp.memory_side import MemoryTransport
from rackharness.transports.http_out.base import HttpUnreachable
from rackharness.transports.http_out.in_process import InProcessHttpOut


def handler(call):
    if call.path == "/api/2.0/nodes/missing":
        return 404, {"message": "Not Found"}
    if call.path == "/big":
        return 200, "x" * (BODY_KEPT + 10)
    if call.path == "/down":
        raise HttpUnreachable("GET /down: connection refused")
    return 200, {"path": call.path, "query": call.query, "body": call.json()}


class WitnessedHttpOutTest(unittest.TestCase):
    def setUp(self):
        self.journal = Journal(exchanges=3)
        self.inner = InProcessHttpOut(handler, "inprocess://rh-test")
        self.http = WitnessedHttpOut(self.inner, self.journal)
        self.journal.start()

    def test_what_is_sent_and_answered_is_unchanged(self):
        bare = InProcessHttpOut(handler, "inprocess://rh-test")
        args = dict(params=[("macs", "a"), ("macs", "b")], json={"name": "n"}, headers={"X-Auth-Token": "tok"})
        witnessed, plain = (
            self.http.request("POST", "/api/2.0/nodes", **args),
            bare.request("POST", "/api/2.0/nodes", **args),
        )
        self.assertEqual((witnessed.status_code, witnessed.content), (plain.status_code, plain.content))
        self.assertEqual(self.inner.calls, bare.calls)
        self.assertEqual((self.http.base_url, self.http.timeout), (self.inner.base_url, self.inner.timeout))
        self.assertIs(self.http.calls, self.inner.calls, "the inner side's own attributes show through")

    def test_each_exchange_is_journalled_with_its_request_and_answer(self):
        self.http.request("GET", "/api/2.0/nodes/missing", params={"q": "1"}, headers={"authorization": "JWT t"})
        exchanges, events = self.journal.take()
        self.assertEqual(events, [])
        (exchange,) = exchanges
        self.assertEqual(exchange.request_line, "GET inprocess://rh-test/api/2.0/nodes/missing?q=1")
        self.assertEqual((exchange.status, exchange.request_headers), (404, {"authorization": "JWT t"}))
        self.assertEqual(json.loads(exchange.response_body), {"message": "Not Found"})
        self.assertEqual(self.journal.take(), ([], []), "take() empties the journal")

    def test_no_answer_is_journalled_and_raised_as_it_was(self):
        with self.assertRaises(HttpUnreachable):
            self.http.request("GET", "/down")
        (exchange,), _ = self.journal.take()
        self.assertIsNone(exchange.status)
        self.assertIn("connection refused", exchange.error)

    def test_the_ring_keeps_the_last_exchanges_and_bodies_are_cut(self):
        for n in range(5):
            self.http.request("GET", f"/n/{n}")
        self.http.request("GET", "/big")
        exchanges, _ = self.journal.take()
        self.assertEqual([x.url.rsplit("/", 1)[1] for x in exchanges], ["3", "4", "big"])
        self.assertEqual(len(exchanges[-1].response_body), BODY_KEPT)
        self.assertTrue(exchanges[-1].response_truncated)

    def test_nothing_is_journalled_unless_a_session_records(self):
        self.journal.stop()
        self.http.request("GET", "/n/1")
        self.assertEqual(self.journal.take(), ([], []))


class WitnessedAmqpTransportTest(unittest.TestCase):
    def test_messages_taken_and_published_are_journalled_and_delivered_unchanged(self):
        journal = Journal()
        journal.start()
        broker = MemoryBroker("rh-witness-test")
        listener = WitnessedAmqpTransport(MemoryTransport(broker), journal)
        publisher = WitnessedAmqpTransport(MemoryTransport(broker), journal)
        self.addCleanup(listener.close)
        self.addCleanup(publisher.close)
        listener.ensure_exchange("on.events")
        queue = listener.declare_exclusive_queue()
        listener.bind(queue, "on.events", "node.#")
        publisher.publish("on.events", "node.added.rh-1", b'{"nodeId": "rh-1"}')
        message = listener.get(queue, 1.0)
        self.assertEqual((message.routing_key, message.body), ("node.added.rh-1", {"nodeId": "rh-1"}))
        _, events = journal.take()
        self.assertEqual(
            [(e.direction, e.exchange, e.routing_key) for e in events],
            [("published", "on.events", "node.added.rh-1"), ("received", "on.events", "node.added.rh-1")],
        )
        self.assertEqual(events[1].body, {"nodeId": "rh-1"})


if __name__ == "__main__":
    unittest.main()
