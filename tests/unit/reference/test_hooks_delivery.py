"""Webhook delivery: real POSTs to a local HTTP sink, off the publisher's thread; a failing URL does not
stop the others; a full queue drops and counts; a URL's password never reaches the logs."""

import json
import logging
import socket
import threading
import unittest

from rackharness.reference.events_memory import RecordingEventBus
from rackharness.reference.hooks import HookDelivery, HookedEventBus
from rackharness.suite.sink import WebhookSink

NODE = "5f0000000000000000000001"


class Sink(WebhookSink):
    """The suite's sink on loopback: paths ending in /fail answer 500, /slow wait for ``release``."""

    def __init__(self):
        self.release = threading.Event()
        super().__init__("127.0.0.1", prefix="/t", answer=self.answer_for)

    def answer_for(self, path):
        if path.endswith("/slow"):
            self.release.wait(5)
        return 500 if path.endswith("/fail") else 200

    def close(self):
        self.release.set()
        super().close()


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DeliveryTest(unittest.TestCase):
    def setUp(self):
        self.sink = Sink()
        self.addCleanup(self.sink.close)
        self.hooks = []

    def delivery(self, **kwargs):
        delivery = HookDelivery(lambda: list(self.hooks), **kwargs)
        self.addCleanup(delivery.close, 2)
        return delivery

    def bus(self, **kwargs):
        self.inner = RecordingEventBus()
        return HookedEventBus(self.inner, self.delivery(**kwargs))

    def test_matching_hooks_get_the_envelope_published_on_amqp(self):
        self.hooks = [
            {"url": self.sink.url("added"), "filters": [{"action": "^added$"}]},
            {"url": self.sink.url("all"), "filters": []},
        ]
        bus = self.bus()
        bus.publish_external("node", "added", "information", NODE, NODE, {"nodeType": "compute"})
        bus.publish_external("node", "removed", "information", NODE, NODE, {"nodeType": "compute"})
        self.assertTrue(bus.flush(5))
        (key, published), _ = self.inner.published
        self.assertEqual(key, f"node.added.information.{NODE}.{NODE}")
        self.assertEqual(self.sink.received("added"), [json.loads(json.dumps(published))])
        self.assertEqual(sorted(b["action"] for b in self.sink.received("all")), ["added", "removed"])
        self.assertEqual({got.content_type for got in self.sink.arrivals()}, {"application/json"})

    def test_a_failing_url_does_not_stop_the_others(self):
        self.hooks = [
            {"url": f"http://127.0.0.1:{closed_port()}/refused"},
            {"url": self.sink.url("fail")},
            {"url": "ftp://example.invalid/x"},
            {"url": self.sink.url("ok")},
        ]
        delivery = self.delivery()
        with self.assertLogs("rackharness.reference.hooks", "WARNING") as logs:
            for n in range(3):
                delivery.offer({"type": "node", "action": "added", "n": n})
            self.assertTrue(delivery.flush(5))
        self.assertEqual(sorted(b["n"] for b in self.sink.received("ok")), [0, 1, 2])  # workers: any order
        self.assertEqual((delivery.delivered, delivery.failed), (3, 9))
        self.assertEqual(len(logs.records), 3, "one warning per failing URL, not per event")

    def test_a_full_queue_drops_and_counts_without_blocking(self):
        self.hooks = [{"url": self.sink.url("slow")}]
        delivery = self.delivery(workers=1, max_queue=2)
        with self.assertLogs("rackharness.reference.hooks", "ERROR") as logs:
            for n in range(20):
                delivery.offer({"type": "node", "n": n})  # never blocks although the sink hangs
        self.assertGreater(delivery.dropped, 0)
        self.assertIn("queue full", logs.output[0])
        self.sink.release.set()
        self.assertTrue(delivery.flush(5))
        self.assertEqual(len(self.sink.received("slow")) + delivery.dropped, 20)

    def test_a_password_in_a_url_never_reaches_the_logs(self):
        secret = "s3cr3t-pw"
        self.hooks = [
            {"url": f"http://user:{secret}@127.0.0.1:{closed_port()}/x"},
            {"url": self.sink.url("fail").replace("http://", f"http://user:{secret}@")},
        ]
        delivery = self.delivery()
        with self.assertLogs("rackharness.reference.hooks", logging.DEBUG) as logs:
            delivery.offer({"type": "node"})
            self.assertTrue(delivery.flush(5))
        text = "\n".join(logs.output)
        self.assertEqual(delivery.failed, 2)
        self.assertNotIn(secret, text)
        self.assertIn("user:***@127.0.0.1", text)

    def test_invalidate_rereads_the_hooks_at_once(self):
        delivery = self.delivery(refresh_seconds=3600)
        delivery.offer({"type": "node", "n": 1})
        self.assertTrue(delivery.flush(5))
        self.hooks = [{"url": self.sink.url("late")}]
        delivery.offer({"type": "node", "n": 2})
        self.assertTrue(delivery.flush(5))
        self.assertEqual(self.sink.received("late"), [], "cached: no hooks")
        delivery.invalidate()
        delivery.offer({"type": "node", "n": 3})
        self.assertTrue(delivery.flush(5))
        self.assertEqual([b["n"] for b in self.sink.received("late")], [3])

    def test_close_stops_every_thread(self):
        delivery = HookDelivery(lambda: [])
        threads = list(delivery._threads)
        delivery.close(2)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        delivery.close(2)  # idempotent

    def test_events_change_after_offer_change_nothing(self):
        self.hooks = [{"url": self.sink.url("copy")}]
        delivery = self.delivery()
        event = {"type": "node", "data": {"n": 1}}
        delivery.offer(event)
        event["data"]["n"] = 2
        self.assertTrue(delivery.flush(5))
        self.assertEqual(self.sink.received("copy"), [{"type": "node", "data": {"n": 1}}])

    def test_bad_settings_are_refused(self):
        with self.assertRaisesRegex(ValueError, "workers >= 1"):
            HookDelivery(lambda: [], workers=0)
