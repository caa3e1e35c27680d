"""RackHD's event envelope and keys, the recording bus, the heartbeat, and an AMQP bus whose broker
is down (publishing must neither raise nor block, and the password must not be logged)."""
import socket
import time
import unittest

from rackharness.target.events import AmqpEventBus, Heartbeat, external_event, external_routing_key
from rackharness.target.events_memory import RecordingEventBus


class EnvelopeTest(unittest.TestCase):
    def test_routing_key_and_envelope(self):
        self.assertEqual(external_routing_key("node", "added", "information", "n1", "n1"),
                         "node.added.information.n1.n1")
        self.assertEqual(external_routing_key("graph", "started", "information", "g1", None),
                         "graph.started.information.g1")
        event = external_event("graph", "finished", "information", "g1", "n1", {"status": "succeeded"})
        self.assertEqual(list(event), ["version", "type", "action", "severity", "typeId", "nodeId", "data",
                                       "createdAt"])
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
        self.assertEqual((first["name"], first["lastUpdate"], second["lastUpdate"]),
                         ("on-http", None, first["currentTime"]))
        self.assertGreater(second["nextUpdate"], second["currentTime"])
        with self.assertRaises(ValueError):
            Heartbeat(bus, interval=0)


class UnreachableBrokerTest(unittest.TestCase):
    def test_publish_never_raises_or_blocks(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]  # nothing listens here once closed
        with self.assertLogs("rackharness.target.events", "ERROR") as logs:
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
