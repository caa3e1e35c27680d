"""TapedHttpOut: recorded around an in-process HttpOut, replayed with no HTTP side at all."""

from __future__ import annotations

import unittest
import uuid

from rackharness.tapes.deck import TapeMiss
from rackharness.tapes.seams.http_out import TapedHttpOut
from rackharness.transports.http_out.base import HttpAnswer, HttpUnreachable
from rackharness.transports.http_out.in_process import (
    HttpCall,
    forget,
    open_in_process,
    serve,
)
from tests.unit.tapes.seams import SeamTestCase


def handler(call: HttpCall):
    if call.path == "/api/2.0/nodes" and call.method == "GET":
        return 200, [{"id": "5f0c3b2a9d1e8a0011223344", "name": "node-01", "query": call.query}]
    if call.path == "/api/2.0/nodes" and call.method == "POST":
        return 201, {"created": call.json()}, {"Location": "/api/2.0/nodes/n2", "X-Request": "1"}
    if call.path == "/text":
        return 200, "plain text, not JSON", {"Content-Type": "text/plain"}
    if call.path == "/binary":
        return 200, b"\x00\xff\xfe binary"
    if call.path == "/empty":
        return 204
    if call.path == "/down":
        raise HttpUnreachable(f"{call.method} {call.url}: connection refused")
    return 404, {"message": "Not Found"}


def shape(answer: HttpAnswer) -> tuple:
    """What a caller reads of an answer (a JSON body as its value: the tape keeps JSON as JSON, keys sorted)."""
    body = answer.json_or_none() if answer.content[:1] in (b"{", b"[") else answer.content
    return answer.status_code, body, dict(answer.headers.items()), answer.url


class TapedHttpOutTest(SeamTestCase):
    def setUp(self):
        super().setUp()
        self.name = f"tapes-http-{uuid.uuid4().hex[:8]}"
        self.base = serve(self.name, handler)
        self.addCleanup(forget, self.name)

    def exercise(self, http: TapedHttpOut) -> list:
        """Every kind of answer, and the error, in one order."""
        out = [
            shape(http.request("GET", "/api/2.0/nodes", params=[("macs", "a"), ("macs", "b"), ("all", True)])),
            shape(
                http.request(
                    "post",
                    "/api/2.0/nodes",
                    json={"name": "node-02", "macs": ["00:1a:2b:3c:4d:5e"]},
                    headers={"Authorization": "Bearer abc"},
                )
            ),
            shape(http.request("GET", "/text")),
            shape(http.request("GET", "/binary")),
            shape(http.request("DELETE", "/empty")),
            shape(http.request("GET", "/missing")),
        ]
        with self.assertRaises(HttpUnreachable) as caught:
            http.request("GET", "/down")
        out.append(str(caught.exception))
        return out

    def test_replay_gives_what_the_live_side_gave(self):
        deck = self.record()
        inner = open_in_process(self.base)
        live = self.exercise(TapedHttpOut(deck, "api", self.base, inner))
        self.assertEqual(len(inner.calls), 7, "every request reached the live side while recording")
        self.stop(deck)

        self.assertEqual(live[0][0], 200)
        self.assertEqual(live[1][0], 201)
        self.assertEqual(live[1][2]["Location"], "/api/2.0/nodes/n2")
        self.assertEqual(live[1][1], {"created": {"name": "node-02", "macs": ["00:1a:2b:3c:4d:5e"]}})
        self.assertEqual(live[2][1], b"plain text, not JSON")
        self.assertEqual(live[3][1], b"\x00\xff\xfe binary")
        self.assertEqual(live[4][:2], (204, b""))
        self.assertIn("connection refused", live[6])

        deck = self.replay()
        replayed = self.exercise(TapedHttpOut(deck, "api", self.base, None))
        self.assertEqual(replayed, live)
        self.assertEqual(deck.reel.played, set(range(7)))

    def test_json_bodies_read_the_same(self):
        deck = self.record()
        answer = TapedHttpOut(deck, "api", self.base, open_in_process(self.base)).request("GET", "/api/2.0/nodes")
        self.stop(deck)
        deck = self.replay()
        again = TapedHttpOut(deck, "api", self.base).request("GET", "/api/2.0/nodes")
        self.assertEqual(again.json(), answer.json())
        self.assertEqual(again.json()[0]["name"], "node-01")

    def test_the_tape_holds_the_request_and_the_answer(self):
        deck = self.record()
        http = TapedHttpOut(deck, "api", self.base, open_in_process(self.base))
        http.request("GET", "/api/2.0/nodes?sku=x", params={"macs": ["a", "b"], "n": 3})
        http.request("POST", "/api/2.0/nodes", json={"name": "n"})
        with self.assertRaises(HttpUnreachable):
            http.request("GET", "/down")
        self.stop(deck)
        first, second, third = self.interactions()
        self.assertEqual(first["request"]["method"], "GET")
        self.assertEqual(first["request"]["path"], "/api/2.0/nodes")
        self.assertEqual(first["request"]["query"], [["sku", "x"], ["macs", "a"], ["macs", "b"], ["n", "3"]])
        self.assertEqual(first["request"]["url"], f"{self.base}/api/2.0/nodes")
        self.assertEqual(
            first["response"]["body"],
            {"json": [{"id": "5f0c3b2a9d1e8a0011223344", "name": "node-01", "query": "sku=x&macs=a&macs=b&n=3"}]},
        )
        self.assertEqual(second["request"]["body"], {"name": "n"})
        self.assertEqual(second["response"]["status"], 201)
        self.assertIn("connection refused", third["response"]["unreachable"])

    def test_query_values_as_the_tape_keeps_them(self):
        deck = self.record()
        TapedHttpOut(deck, "api", self.base, open_in_process(self.base)).request(
            "GET", "/api/2.0/nodes", params={"all": True, "skip": None, "macs": ("a", "b")}
        )
        self.stop(deck)
        self.assertEqual(self.interactions()[0]["request"]["query"], [["all", "true"], ["macs", "a"], ["macs", "b"]])
        deck = self.replay()
        answer = TapedHttpOut(deck, "api", self.base).request(
            "GET", "/api/2.0/nodes?all=true", params=[("macs", "a"), ("macs", "b")]
        )
        self.assertEqual(answer.status_code, 200)

    def test_replay_matches_another_host_and_headers_but_not_another_body(self):
        deck = self.record()
        TapedHttpOut(deck, "api", self.base, open_in_process(self.base)).request(
            "POST", "/api/2.0/nodes", json={"name": "n"}, headers={"Authorization": "Bearer recorded"}
        )
        self.stop(deck)
        deck = self.replay()
        http = TapedHttpOut(deck, "api", "http://another-lab.example:9090/")
        with self.assertRaises(TapeMiss) as caught:
            http.request("POST", "/api/2.0/nodes", json={"name": "other"})
        self.assertIn('"name": "n"', str(caught.exception))
        answer = http.request("POST", "/api/2.0/nodes", json={"name": "n"}, headers={"Authorization": "Bearer new"})
        self.assertEqual(answer.status_code, 201)
        self.assertEqual(answer.url, "http://another-lab.example:9090/api/2.0/nodes")

    def test_replay_without_a_recording_never_reaches_a_live_side(self):
        deck = self.record()
        self.stop(deck)
        deck = self.replay()
        with self.assertRaises(TapeMiss):
            TapedHttpOut(deck, "api", self.base).request("GET", "/api/2.0/nodes")

    def test_timeout_and_close_go_to_the_inner_side(self):
        inner = open_in_process(self.base, timeout=4.5)
        deck = self.record()
        http = TapedHttpOut(deck, "api", self.base, inner)
        self.assertEqual(http.timeout, 4.5)
        self.assertEqual(TapedHttpOut(deck, "api", self.base, inner, timeout=2.0).timeout, 2.0)
        closed = []
        inner.close = lambda: closed.append(True)
        http.close()
        self.assertEqual(closed, [True])
        TapedHttpOut(deck, "api", self.base).close()  # no inner: nothing to close


if __name__ == "__main__":
    unittest.main()
