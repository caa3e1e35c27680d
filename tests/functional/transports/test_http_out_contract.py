"""The HTTP-out contract, run over both sides: requests against a local server, and the in-process side.

One WSGI app answers on both: served by ``wsgiref`` on a loopback port for the real side
(``open_http("http://127.0.0.1:<port>")`` → RequestsHttpOut) and by
:func:`~rackharness.transports.http_out.in_process.wsgi_handler` for the fake
(``open_http("inprocess://<name>")`` → InProcessHttpOut). Whatever requests does here, the fake
must do too.
"""

import json
import threading
import unittest
import uuid
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from rackharness.errors import ConfigError, ServiceUnavailable
from rackharness.transports.http_out.base import HttpOut, HttpUnreachable
from rackharness.transports.http_out.chooser import open_http
from rackharness.transports.http_out.in_process import InProcessHttpOut, forget, serve, wsgi_handler
from rackharness.transports.http_out.requests_side import RequestsHttpOut


def echo_app(environ, start_response):
    """Echoes the request as JSON; ``/status/<n>`` answers ``n``; ``/text`` answers plain text."""
    path = environ["PATH_INFO"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    if path == "/text":
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Thing", "t")])
        return [b"plain \xc3\xa9"]
    status = int(path.rsplit("/", 1)[1]) if path.startswith("/status/") else 200
    echoed = {
        "method": environ["REQUEST_METHOD"],
        "path": path,
        "query": parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True),
        "content_type": environ.get("CONTENT_TYPE") or None,
        "token": environ.get("HTTP_X_AUTH_TOKEN"),
        "body": json.loads(body) if body else None,
    }
    start_response(f"{status} X", [("Content-Type", "application/json"), ("X-Auth-Token", "tok-1")])
    return [json.dumps(echoed).encode()]


class HttpOutContract:
    """The tests; a side sets ``base_url`` (class attribute) and ``unreachable()``."""

    base_url: str

    def open(self) -> HttpOut:
        transport = open_http(self.base_url, timeout=5)
        self.addCleanup(transport.close)
        return transport

    def test_get_with_repeated_params_in_order(self):
        answer = self.open().request("GET", "/api/x", params=[("macs", "a"), ("macs", "b"), ("ips", "1")])
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["query"], [["macs", "a"], ["macs", "b"], ["ips", "1"]])
        self.assertEqual(answer.json()["path"], "/api/x")

    def test_params_as_a_mapping(self):
        answer = self.open().request("GET", "/api/x", params={"sort": "id", "$top": 1})
        self.assertEqual(answer.json()["query"], [["sort", "id"], ["$top", "1"]])

    def test_json_body_is_sent_as_json(self):
        answer = self.open().request("POST", "/api/tasks/n1", json={"tasks": [{"cmd": "x"}]})
        echoed = answer.json()
        self.assertEqual((echoed["method"], echoed["body"]), ("POST", {"tasks": [{"cmd": "x"}]}))
        self.assertEqual(echoed["content_type"], "application/json")

    def test_any_status_is_an_answer(self):
        for status in (201, 204, 401, 404, 500, 503):
            answer = self.open().request("DELETE", f"/status/{status}")
            self.assertEqual(answer.status_code, status)

    def test_headers_go_out_and_come_back_in_any_case(self):
        answer = self.open().request("GET", "/h", headers={"X-Auth-Token": "abc"})
        self.assertEqual(answer.json()["token"], "abc")
        self.assertEqual(answer.headers["x-auth-token"], "tok-1")
        self.assertEqual(answer.headers.get("X-AUTH-TOKEN"), "tok-1")

    def test_text_bodies_and_their_readers(self):
        answer = self.open().request("GET", "/text")
        self.assertEqual((answer.text, answer.content), ("plain \u00e9", b"plain \xc3\xa9"))
        with self.assertRaises(ValueError):
            answer.json()
        self.assertIsNone(answer.json_or_none())
        self.assertEqual(answer.headers["x-thing"], "t")

    def test_an_absolute_url_passes_through(self):
        transport = self.open()
        answer = transport.request("GET", transport.url("/abs"))
        self.assertEqual(answer.json()["path"], "/abs")

    def test_no_answer_is_http_unreachable(self):
        with self.assertRaises(HttpUnreachable) as caught:
            self.unreachable().request("GET", "/")
        self.assertIsInstance(caught.exception, ServiceUnavailable)


class RequestsSideTest(HttpOutContract, unittest.TestCase):
    """The real side: requests against wsgiref on a loopback port."""

    @classmethod
    def setUpClass(cls):
        class Quiet(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        server = make_server("127.0.0.1", 0, echo_app, server_class=WSGIServer, handler_class=Quiet)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        cls.addClassCleanup(server.server_close)
        cls.addClassCleanup(server.shutdown)
        cls.base_url = f"http://127.0.0.1:{server.server_address[1]}"

    def unreachable(self):
        with make_server("127.0.0.1", 0, echo_app) as closed:
            port = closed.server_address[1]
        return open_http(f"http://127.0.0.1:{port}", timeout=1)

    def test_the_url_picks_requests(self):
        self.assertIsInstance(self.open(), RequestsHttpOut)

    def test_passwords_in_the_url_are_masked(self):
        with self.assertRaises(HttpUnreachable) as caught:
            open_http("http://user:s3cret@127.0.0.1:9", timeout=1).request("GET", "/")
        self.assertNotIn("s3cret", str(caught.exception))


class InProcessSideTest(HttpOutContract, unittest.TestCase):
    """The fake side: the same app called in-process, reached by ``inprocess://<name>``."""

    @classmethod
    def setUpClass(cls):
        name = f"contract-{uuid.uuid4().hex[:8]}"
        cls.base_url = serve(name, wsgi_handler(echo_app))
        cls.addClassCleanup(forget, name)

    def unreachable(self):
        def refuse(call):
            raise HttpUnreachable(f"{call.method} {call.url}: connection refused")

        return InProcessHttpOut(refuse)

    def test_the_url_picks_the_in_process_side_and_records_calls(self):
        transport = self.open()
        self.assertIsInstance(transport, InProcessHttpOut)
        transport.request("PUT", "/x", json={"a": 1})
        self.assertEqual([(c.method, c.path, c.json()) for c in transport.calls], [("PUT", "/x", {"a": 1})])

    def test_an_unknown_name_or_scheme_is_refused(self):
        with self.assertRaises(Exception) as caught:
            open_http("inprocess://nobody-registered-this")
        self.assertIn("no in-process HTTP handler", str(caught.exception))
        with self.assertRaises(ConfigError):
            open_http("ftp://host/")


if __name__ == "__main__":
    unittest.main()
