"""RackHD's event envelope and keys, the recording bus, the heartbeat, and an AMQP bus whose broker
is down (publishing must neither raise nor block, and the password must not be logged)."""

import socket
import time
import unittest

from rackharness.reference.events import AmqpEventBus, Heartbeat, external_event, external_routing_key
from rackharness.reference.events_memory import RecordingEventBus


class EnvelopeTest(unittest.TestCase):
    def test_routing_key_and_envelope(self):
        self.assertEqual(
            external_routing_key("node", "added", "information", "n1", "n1"), "node.added.information.n1.n1"
        )
        self.assertEqual(
            external_routing_key("graph", "started", "information", "g1", None), "graph.started.information.g1"
        )
        event = external_event("graph", "finished", "information", "g1", "n1", {"status": "succeeded"})
        self.assertEqual(
            list(event), ["version", "type", "action", "severity", "typeId", "nodeId", "data", "createdAt"]
        )
        self.assertEqual(event["version"], "1.0")
        self.assertRegex(event["createdAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

    def test_heartbeat(self):
        bus = RecordingEventBus()
        beat = Heartbeat(bus, interval=0.05, host="rack.example")
        beat.start()
        time.sleep(0.18)
        beat.stop()
        keys = bus.keys()
        self.assertGreaterEqual(len(keys), 2)
        self.assertEqual(set(keys), {"heartbeat.updated.information.rack.example.on-http"})
        first, second = (body["data"] for _key, body in bus.published[:2])
        self.assertEqual(
            (first["name"], first["lastUpdate"], second["lastUpdate"]), ("on-http", None, first["currentTime"])
        )
        self.assertGreater(second["nextUpdate"], second["currentTime"])
        with self.assertRaises(ValueError):
            Heartbeat(bus, interval=0)


class UnreachableBrokerTest(unittest.TestCase):
    def test_publish_never_raises_or_blocks(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]  # nothing listens here once closed
        with self.assertLogs("rackharness.reference.events", "ERROR") as logs:
            bus = AmqpEventBus(f"amqp://rackhd:Very-Secret@127.0.0.1:{port}/", retry_seconds=0.01)
            began = time.monotonic()
            for index in range(50):
                bus.publish_external("graph", "started", "information", f"g{index}", None, {})
            self.assertLess(time.monotonic() - began, 0.5)
            self.assertTrue(bus.flush(timeout=20))
            bus.close()
        self.assertEqual(bus.dropped, 50)
        text = "\n".join(logs.output)
        self.assertIn("rackhd:***@127.0.0.1", text)
        self.assertNotIn("Very-Secret", text)


class MemoryBrokerBusTest(unittest.TestCase):
    """The bus on the in-process broker (``memory://``): the API's events reach an EventTracker by URL."""

    def setUp(self):
        import uuid

        from rackharness.transports.amqp.memory_side import forget_broker

        name = f"target-events-{uuid.uuid4().hex[:8]}"
        self.url = f"memory://{name}"
        self.addCleanup(forget_broker, name)

    def test_node_events_and_heartbeat_arrive_at_a_tracker(self):
        import json

        from rackharness.clients.events import EventTracker
        from rackharness.reference.app import create_app
        from rackharness.reference.context import TargetContext
        from tests.support.fake_mongo import FakeDatabase

        class NoGraphs:
            def has_active_graph(self, node_id):
                return False

        bus = AmqpEventBus(self.url)
        self.addCleanup(bus.close)
        client = create_app(TargetContext(db=FakeDatabase(), events=bus, engine=NoGraphs(), config={})).test_client()
        with EventTracker(self.url) as tracker:
            added = tracker.expect("node.added.information.*.*")
            removed = tracker.expect("node.removed.information.#")
            beat = tracker.expect("heartbeat.updated.information.rack.example.on-http")
            response = client.post(
                "/api/2.0/nodes", data=json.dumps({"name": "n1", "type": "compute"}), content_type="application/json"
            )
            self.assertEqual(response.status_code, 201)
            node_id = response.get_json()["id"]
            self.assertEqual(client.delete(f"/api/2.0/nodes/{node_id}").status_code, 204)
            Heartbeat(bus, host="rack.example").beat()
            tracker.wait(timeout=5)
        self.assertEqual(added.matches[0].routing_key, f"node.added.information.{node_id}.{node_id}")
        self.assertEqual(added.matches[0].body["data"], {"nodeType": "compute"})
        self.assertEqual(removed.matches[0].body["nodeId"], node_id)
        self.assertEqual(beat.matches[0].body["data"]["name"], "on-http")
        self.assertEqual(bus.dropped, 0)

    def test_a_custom_connect_is_the_seam(self):
        from rackharness.transports.amqp.memory_side import MemoryTransport, named_broker

        broker = named_broker(self.url.removeprefix("memory://"))
        opened = []

        def connect():
            opened.append(MemoryTransport(broker))
            return opened[-1]

        bus = AmqpEventBus("amqp://unused:Very-Secret@127.0.0.1:1/", connect=connect)
        connection = broker.connect()
        self.addCleanup(connection.close)
        self.assertTrue(bus.flush(timeout=5))  # the thread declared on.events on connecting
        queue = connection.queue_declare(exclusive=True)
        connection.queue_bind(queue, "on.events", "graph.#")
        bus.publish_external("graph", "started", "information", "g1", None, {})
        bus.close()
        delivery = connection.basic_get(queue, no_ack=True)
        self.assertEqual(delivery.routing_key, "graph.started.information.g1")
        self.assertEqual(delivery.properties, {"content_type": "application/json", "type": "Object"})
        self.assertEqual(len(opened), 1)
        self.assertFalse(opened[0].connection.is_open)  # closed with the bus
