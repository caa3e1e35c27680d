"""Webhook delivery: real POSTs to a local HTTP sink, off the publisher's thread; a failing URL does not
stop the others; a full queue drops and counts; a URL's password never reaches the logs."""
import json
import logging
import socket
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rackharness.target.events_memory import RecordingEventBus
from rackharness.target.hooks import HookDelivery, HookedEventBus

NODE = "5f0000000000000000000001"


class Sink:
    """A local HTTP server recording (path, JSON body); paths under /fail answer 500, /slow wait for ``release``."""

    def __init__(self):
        self.received = []
        self.release = threading.Event()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path.startswith("/slow"):
                    sink.release.wait(5)
                sink.received.append((self.path, self.headers["Content-Type"], body))
                self.send_response(500 if self.path.startswith("/fail") else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def bodies(self, path):
        return [body for got, _type, body in self.received if got == path]

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


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
        self.hooks = [{"url": self.sink.url("/added"), "filters": [{"action": "^added$"}]},
                      {"url": self.sink.url("/all"), "filters": []}]
        bus = self.bus()
        bus.publish_external("node", "added", "information", NODE, NODE, {"nodeType": "compute"})
        bus.publish_external("node", "removed", "information", NODE, NODE, {"nodeType": "compute"})
        self.assertTrue(bus.flush(5))
        (key, published), _ = self.inner.published
        self.assertEqual(key, f"node.added.information.{NODE}.{NODE}")
        self.assertEqual(self.sink.bodies("/added"), [json.loads(json.dumps(published))])
        self.assertEqual([b["action"] for b in self.sink.bodies("/all")], ["added", "removed"])
        self.assertEqual({t for _p, t, _b in self.sink.received}, {"application/json"})

    def test_a_failing_url_does_not_stop_the_others(self):
        self.hooks = [{"url": f"http://127.0.0.1:{closed_port()}/refused"}, {"url": self.sink.url("/fail")},
                      {"url": "ftp://example.invalid/x"}, {"url": self.sink.url("/ok")}]
        delivery = self.delivery()
        with self.assertLogs("rackharness.target.hooks", "WARNING") as logs:
            for n in range(3):
                delivery.offer({"type": "node", "action": "added", "n": n})
            self.assertTrue(delivery.flush(5))
        self.assertEqual([b["n"] for b in self.sink.bodies("/ok")], [0, 1, 2])
        self.assertEqual((delivery.delivered, delivery.failed), (3, 9))
        self.assertEqual(len(logs.records), 3, "one warning per failing URL, not per event")

    def test_a_full_queue_drops_and_counts_without_blocking(self):
        self.hooks = [{"url": self.sink.url("/slow")}]
        delivery = self.delivery(workers=1, max_queue=2)
        with self.assertLogs("rackharness.target.hooks", "ERROR") as logs:
            for n in range(20):
                delivery.offer({"type": "node", "n": n})  # never blocks although the sink hangs
        self.assertGreater(delivery.dropped, 0)
        self.assertIn("queue full", logs.output[0])
        self.sink.release.set()
        self.assertTrue(delivery.flush(5))
        self.assertEqual(len(self.sink.bodies("/slow")) + delivery.dropped, 20)

    def test_a_password_in_a_url_never_reaches_the_logs(self):
        secret = "s3cr3t-pw"
        self.hooks = [{"url": f"http://user:{secret}@127.0.0.1:{closed_port()}/x"},
                      {"url": f"http://user:{secret}@127.0.0.1:{self.sink.server.server_port}/fail"}]
        delivery = self.delivery()
        with self.assertLogs("rackharness.target.hooks", logging.DEBUG) as logs:
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
        self.hooks = [{"url": self.sink.url("/late")}]
        delivery.offer({"type": "node", "n": 2})
        self.assertTrue(delivery.flush(5))
        self.assertEqual(self.sink.bodies("/late"), [], "cached: no hooks")
        delivery.invalidate()
        delivery.offer({"type": "node", "n": 3})
        self.assertTrue(delivery.flush(5))
        self.assertEqual([b["n"] for b in self.sink.bodies("/late")], [3])

    def test_close_stops_every_thread(self):
        delivery = HookDelivery(lambda: [])
        threads = list(delivery._threads)
        delivery.close(2)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        delivery.close(2)  # idempotent

    def test_events_change_after_offer_change_nothing(self):
        self.hooks = [{"url": self.sink.url("/copy")}]
        delivery = self.delivery()
        event = {"type": "node", "data": {"n": 1}}
        delivery.offer(event)
        event["data"]["n"] = 2
        self.assertTrue(delivery.flush(5))
        self.assertEqual(self.sink.bodies("/copy"), [{"type": "node", "data": {"n": 1}}])

    def test_bad_settings_are_refused(self):
        with self.assertRaisesRegex(ValueError, "workers >= 1"):
            HookDelivery(lambda: [], workers=0)
