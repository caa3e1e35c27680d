"""Fault drills on a real local rack: the broker or the store dies mid-run, a BMC drops a third of its
packets, the API answers 500 or hangs. Each ends in a clear failure or a recovery within its timeout,
and nothing the user created is lost."""

import http.server
import os
import signal
import socket
import threading
import time
import unittest

from rackharness.clients.events import EventTracker
from rackharness.clients.obm import ObmClient
from rackharness.clients.rest import RackHDClient
from rackharness.errors import BmcCommandError, ClientError, HttpStatusError, ServiceUnavailable
from tests.functional.stack_fixture import PrivateStack, alive

NODE = "rh-drill-keep-me"


class ServiceDeathTest(unittest.TestCase):
    """The store and the broker killed under a running rack: the API stays bounded, `up` recovers, data stays."""

    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=2)
        cls.addClassCleanup(cls.stack.cleanup)
        cls.stack.up()

    def api(self, timeout=15.0):
        return RackHDClient(self.stack.status()["api_url"], timeout=timeout)

    def kill(self, service):
        pid = self.stack.status()["services"][service]["pid"]
        os.killpg(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.stack.status()["status"], "degraded")

    def recover(self):
        result = self.stack.up()
        self.assertIn("its data is kept", result.stdout)
        self.assertEqual(self.stack.status()["status"], "up")

    def test_1_store_killed_then_recovered_keeps_the_users_data(self):
        created = self.api().post("/api/2.0/nodes", {"name": NODE, "type": "compute"}, expect=(201,))
        self.kill("mongo")
        began = time.monotonic()
        with self.assertRaises(ClientError) as failed:  # an answer (500) or a bounded timeout, never a hang
            self.api(timeout=20).get("/api/2.0/nodes")
        self.assertLess(time.monotonic() - began, 21)
        self.assertIsInstance(failed.exception, (HttpStatusError, ServiceUnavailable))
        self.recover()
        names = {n["name"] for n in self.api().get("/api/2.0/nodes")}
        self.assertIn(NODE, names, "the node created before the store died is gone")
        self.assertEqual(self.api().get(f"/api/2.0/nodes/{created['id']}")["name"], NODE)

    def test_2_broker_killed_events_fail_clearly_and_come_back_after_recovery(self):
        info = self.stack.info()
        tracker = EventTracker(info.amqp_url, connect_timeout=5)
        self.addCleanup(tracker.close)
        tracker.expect("node.added.#", name="an event after the broker died")
        self.kill("rabbitmq")
        began = time.monotonic()
        with self.assertRaises(ClientError):  # the tracker says the broker is gone, within its timeout
            tracker.wait(timeout=5)
        self.assertLess(time.monotonic() - began, 15)
        self.assertEqual(self.api().get("/api/2.0/config")["heartbeatIntervalSec"] > 0, True)  # API still serves
        self.recover()
        info = self.stack.info()
        with EventTracker(info.amqp_url, connect_timeout=10) as fresh:
            fresh.expect("node.added.information.#", name="node.added after recovery")
            self.api().post("/api/2.0/nodes", {"name": "rh-drill-after", "type": "compute"}, expect=(201,))
            fresh.wait(timeout=15)
        self.assertIn(NODE, {n["name"] for n in self.api().get("/api/2.0/nodes")})


class LossyBmcTest(unittest.TestCase):
    """A BMC that drops a third of its packets: every call ends within its timeout, with the state asked
    for or a clear error; retried calls get through."""

    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=2, RACKHARNESS_RACK_FAULTS="node-02=bmc-lossy")
        cls.addClassCleanup(cls.stack.cleanup)
        cls.stack.up()

    def test_power_through_a_lossy_bmc_recovers_or_fails_clearly_in_time(self):
        node = next(n for n in self.stack.info().nodes if n.name == "node-02")
        timeout = 8.0
        outcomes = []
        for state in ("on", "off", "on", "off"):
            obm = ObmClient.for_node(node, timeout=timeout)
            began = time.monotonic()
            try:
                getattr(obm, f"power_{state}")()
                outcomes.append("ok" if obm.power_status() == state else "wrong state")
            except BmcCommandError as exc:  # a clear failure is an allowed end: it names the BMC and why
                outcomes.append("failed")
                self.assertIn(node.name, str(exc))
                self.assertRegex(exc.reason, r"silent|no answer|not answering|no IPMI session|failed|refused")
            self.assertLess(time.monotonic() - began, 2 * timeout + 3, "a call outlived its timeout")
        self.assertNotIn("wrong state", outcomes)
        self.assertIn("ok", outcomes, f"no call got through a BMC that drops a third of its packets: {outcomes}")


class _Handler(http.server.BaseHTTPRequestHandler):
    mode = "500"

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.mode == "hang":
            time.sleep(30)
            return
        body = b'{"message": "boom", "status": 500}'
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class BrokenApiTest(unittest.TestCase):
    """An API that answers 500, or never answers: the client fails clearly and within its timeout."""

    def serve(self, mode):
        handler = type("Handler", (_Handler,), {"mode": mode})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def test_a_500_is_an_http_status_error_with_the_body(self):
        with self.assertRaises(HttpStatusError) as failed:
            RackHDClient(self.serve("500"), timeout=5).get("/api/2.0/nodes")
        self.assertEqual(failed.exception.status, 500)
        self.assertIn("boom", str(failed.exception))

    def test_a_hanging_api_times_out(self):
        began = time.monotonic()
        with self.assertRaises(ServiceUnavailable) as failed:
            RackHDClient(self.serve("hang"), timeout=2).get("/api/2.0/nodes")
        self.assertLess(time.monotonic() - began, 6)
        self.assertIn("2", str(failed.exception))

    def test_a_closed_port_is_refused_at_once(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        began = time.monotonic()
        with self.assertRaises(ServiceUnavailable):
            RackHDClient(f"http://127.0.0.1:{port}", timeout=5).get("/api/2.0/nodes")
        self.assertLess(time.monotonic() - began, 1)
