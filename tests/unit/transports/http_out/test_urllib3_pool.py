"""PoolOnHttpOut: a swagger-codegen client's pool manager answered through any HttpOut."""

from __future__ import annotations

import json
import unittest

from rackharness.transports.http_out.base import Headers, HttpAnswer, HttpOut
from rackharness.transports.http_out.in_process import InProcessHttpOut
from rackharness.transports.http_out.urllib3_pool import PooledAnswer, PoolOnHttpOut


class FakeHttp(HttpOut):
    """Keeps what it was asked and gives one answer."""

    base_url = "http://10.0.0.2:9090"

    def __init__(self, answer: HttpAnswer | None = None) -> None:
        self.answer = answer or HttpAnswer(
            200, b'{"ok":true}', Headers({"Content-Type": "application/json", "X-Total-Count": "3"})
        )
        self.sent: list[dict] = []
        self.closed = False

    def request(self, method, target, *, params=None, json=None, headers=None, timeout=None):
        self.sent.append(
            {"method": method, "target": target, "params": params, "json": json, "headers": headers, "timeout": timeout}
        )
        return self.answer

    def close(self):
        self.closed = True


class RequestTest(unittest.TestCase):
    def setUp(self):
        self.http = FakeHttp()
        self.pool = PoolOnHttpOut(self.http)

    def sent(self) -> dict:
        self.assertEqual(len(self.http.sent), 1)
        return self.http.sent[0]

    def test_json_body_string_is_sent_as_json(self):
        self.pool.request(
            "POST",
            "http://10.0.0.2:9090/api/2.0/nodes",
            body='{"name": "n1", "macs": ["a"]}',
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        sent = self.sent()
        self.assertEqual(sent["method"], "POST")
        self.assertEqual(sent["target"], "http://10.0.0.2:9090/api/2.0/nodes")
        self.assertEqual(sent["json"], {"name": "n1", "macs": ["a"]})
        self.assertEqual(sent["headers"], {"Accept": "application/json"}, "the HttpOut sets the content type itself")
        self.assertIsNone(sent["params"])

    def test_json_body_bytes(self):
        self.pool.request("PUT", "/x", body=b"[1, 2]")
        self.assertEqual(self.sent()["json"], [1, 2])

    def test_no_body(self):
        for body in (None, "", b"", "null"):
            with self.subTest(body=body):
                self.http.sent.clear()
                self.pool.request("GET", "/x", body=body)
                self.assertIsNone(self.sent()["json"])

    def test_content_type_dropped_in_any_case(self):
        self.pool.request("POST", "/x", body="{}", headers={"content-TYPE": "application/json", "X-Auth-Token": "t"})
        self.assertEqual(self.sent()["headers"], {"X-Auth-Token": "t"})
        self.assertEqual(self.sent()["json"], {})

    def test_fields_are_query_params(self):
        self.pool.request("GET", "/api/2.0/nodes", fields={"sku": "x", "skip": 2})
        self.assertEqual(self.sent()["params"], [("sku", "x"), ("skip", 2)])
        self.http.sent.clear()
        self.pool.request("GET", "/api/2.0/nodes", fields=[("macs", "a"), ("macs", "b")])
        self.assertEqual(self.sent()["params"], [("macs", "a"), ("macs", "b")])
        self.http.sent.clear()
        self.pool.request("GET", "/api/2.0/nodes", fields=[])
        self.assertIsNone(self.sent()["params"])

    def test_urllib3_only_arguments_are_ignored(self):
        self.pool.request("GET", "/x", preload_content=False, timeout=3.0, encode_multipart=False)
        self.assertIsNone(self.sent()["timeout"])
        self.assertEqual(self.sent()["headers"], {})

    def test_clear_closes_the_http_side(self):
        self.pool.clear()
        self.assertTrue(self.http.closed)


class AnswerTest(unittest.TestCase):
    def test_status_data_and_headers(self):
        answer = PoolOnHttpOut(FakeHttp()).request("GET", "/x")
        self.assertIsInstance(answer, PooledAnswer)
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.data, b'{"ok":true}')
        self.assertEqual(answer.reason, "")
        self.assertEqual(answer.getheaders(), {"Content-Type": "application/json", "X-Total-Count": "3"})
        self.assertEqual(answer.getheader("content-type"), "application/json")
        self.assertEqual(answer.getheader("X-TOTAL-COUNT"), "3")
        self.assertIsNone(answer.getheader("Location"))
        self.assertEqual(answer.getheader("Location", "none"), "none")

    def test_getheaders_is_a_copy(self):
        answer = PoolOnHttpOut(FakeHttp()).request("GET", "/x")
        answer.getheaders()["X-Total-Count"] = "99"
        self.assertEqual(answer.getheader("X-Total-Count"), "3")

    def test_error_status_is_an_answer(self):
        http = FakeHttp(HttpAnswer(404, b'{"message":"Not Found"}', Headers({})))
        answer = PoolOnHttpOut(http).request("GET", "/api/2.0/nodes/nope")
        self.assertEqual((answer.status, answer.data, answer.getheaders()), (404, b'{"message":"Not Found"}', {}))


class InProcessTest(unittest.TestCase):
    def test_through_an_in_process_http_out(self):
        def handler(call):
            return 201, {
                "method": call.method,
                "path": call.path,
                "query": call.query,
                "json": call.json(),
                "auth": call.headers.get("Authorization"),
            }

        pool = PoolOnHttpOut(InProcessHttpOut(handler, "inprocess://api"))
        answer = pool.request(
            "POST",
            "inprocess://api/api/2.0/workflows",
            body='{"name": "Graph.Noop"}',
            fields=[("force", "true")],
            headers={"Authorization": "JWT abc", "Content-Type": "application/json"},
        )
        self.assertEqual(answer.status, 201)
        self.assertEqual(
            json.loads(answer.data),
            {
                "method": "POST",
                "path": "/api/2.0/workflows",
                "query": "force=true",
                "json": {"name": "Graph.Noop"},
                "auth": "JWT abc",
            },
        )
        self.assertEqual(answer.getheader("Content-Type"), "application/json")


if __name__ == "__main__":
    unittest.main()
