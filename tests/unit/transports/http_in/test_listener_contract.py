"""The HTTP-in contract over both sides: a responder sees each request and its status is the answer."""

import unittest
import uuid

import requests

from rackharness.errors import ConfigError, ServiceUnavailable, UsageError
from rackharness.transports.http_in.chooser import listen
from rackharness.transports.http_in.in_process import InProcessListener
from rackharness.transports.http_in.threaded_server import ThreadedHttpListener


class ListenerContract:
    url: str

    def setUp(self):
        self.seen = []
        self.listener = listen(self.url, self.respond)
        self.addCleanup(self.listener.close)

    def respond(self, request):
        self.seen.append(request)
        return 202 if "/slowly" in request.path else 200

    def test_a_post_reaches_the_responder_and_its_status_is_answered(self):
        self.assertEqual(self.send("POST", "/sink/added", b'{"a": 1}', {"Content-Type": "application/json"}), 200)
        self.assertEqual(self.send("POST", "/sink/slowly?x=1", b"raw", {}), 202)
        self.assertEqual(
            [(r.method, r.path, r.body) for r in self.seen],
            [("POST", "/sink/added", b'{"a": 1}'), ("POST", "/sink/slowly?x=1", b"raw")],
        )
        self.assertEqual(self.seen[0].content_type, "application/json")

    def test_close_twice_is_fine(self):
        self.listener.close()
        self.listener.close()


class ThreadedServerSideTest(ListenerContract, unittest.TestCase):
    url = "http://127.0.0.1:0"

    def send(self, method, path, body, headers):
        return requests.request(
            method, self.listener.base_url + path, data=body, headers=headers, timeout=5
        ).status_code

    def test_the_url_picks_the_threaded_server_on_a_free_port(self):
        self.assertIsInstance(self.listener, ThreadedHttpListener)
        self.assertNotEqual(self.listener.port, 0)

    def test_an_address_it_cannot_bind_is_a_usage_error(self):
        with self.assertRaisesRegex(UsageError, "cannot listen on 192.0.2.1"):
            listen("http://192.0.2.1:0", self.respond)


class InProcessSideTest(ListenerContract, unittest.TestCase):
    url = f"inprocess://sink-{uuid.uuid4().hex[:8]}"

    def send(self, method, path, body, headers):
        return self.listener.deliver(method, path, body, headers)

    def test_the_url_picks_the_in_process_side_and_closed_refuses(self):
        self.assertIsInstance(self.listener, InProcessListener)
        self.assertEqual(self.listener.base_url, self.url)
        self.listener.close()
        with self.assertRaises(ServiceUnavailable):
            self.listener.deliver("POST", "/x")

    def test_other_schemes_are_refused(self):
        with self.assertRaises(ConfigError):
            listen("ftp://x", self.respond)


if __name__ == "__main__":
    unittest.main()
