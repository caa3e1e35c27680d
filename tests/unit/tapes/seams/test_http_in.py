"""taped_listen: webhook requests recorded around a fake listener, replayed to the responder with no listener."""

from __future__ import annotations

import json
import unittest

from rackharness.tapes.deck import TapeMiss
from rackharness.tapes.seams.http_in import ReplayedListener, taped_listen
from rackharness.tapes.seams.http_out import TapedHttpOut
from rackharness.transports.http_in.base import IncomingRequest
from rackharness.transports.http_in.in_process import InProcessListener
from rackharness.transports.http_out.in_process import InProcessHttpOut
from tests.unit.tapes.seams import SeamTestCase

HOOK_URL = "http://0.0.0.0:0/hooks"
EVENT = b'{"action":"discovered","nodeId":"5f0c3b2a9d1e8a0011223344"}'


class Responder:
    """The suite's side: keeps every request, answers 201."""

    def __init__(self):
        self.received: list[IncomingRequest] = []

    def __call__(self, request: IncomingRequest) -> int:
        self.received.append(request)
        return 201


class FakeListen:
    """A listen function on the in-process listener, keeping what it opened."""

    def __init__(self):
        self.opened: list[InProcessListener] = []

    def __call__(self, url, responder):
        listener = InProcessListener("sink-1", responder)
        listener.port = 40123
        self.opened.append(listener)
        return listener


def seen(request: IncomingRequest) -> tuple:
    return request.method, request.path, dict(request.headers), request.body


class TapedListenTest(SeamTestCase):
    def test_deliveries_are_recorded_then_replayed_to_the_responder(self):
        deck = self.record()
        listen, responder = FakeListen(), Responder()
        listener = taped_listen(deck, HOOK_URL, responder, listen)
        self.assertIs(listener, listen.opened[0])
        self.assertEqual(listener.base_url, "inprocess://sink-1")
        self.assertEqual(listener.deliver("POST", "/hooks?x=1", EVENT, {"Content-Type": "application/json"}), 201)
        self.assertEqual(listener.deliver("PUT", "/hooks/text", b"plain words"), 201)
        self.assertEqual(listener.deliver("POST", "/hooks/bin", b"\xff\x00\x01"), 201)
        live = [seen(r) for r in responder.received]
        self.stop(deck)

        listen_call, *deliveries = self.interactions()
        self.assertEqual(
            (listen_call["kind"], listen_call["channel"], listen_call["request"]),
            ("call", "listen", {"requested": HOOK_URL}),
        )
        self.assertEqual(listen_call["response"], {"base_url": "inprocess://sink-1", "port": 40123})
        self.assertEqual(
            [(d["kind"], d["seam"], d["channel"]) for d in deliveries],
            [("delivery", "http_in", "inprocess://sink-1")] * 3,
        )
        self.assertEqual(deliveries[0]["message"]["body"], {"json": json.loads(EVENT)})
        self.assertEqual(deliveries[1]["message"]["body"], {"text": "plain words"})
        self.assertEqual(deliveries[2]["message"]["body"], {"base64": "/wAB"})

        deck = self.replay()
        again = Responder()
        replayed = taped_listen(deck, HOOK_URL, again, None)
        self.assertIsInstance(replayed, ReplayedListener)
        self.assertEqual((replayed.base_url, replayed.port), ("inprocess://sink-1", 40123))
        self.assertEqual([seen(r) for r in again.received], live)
        self.assertEqual(again.received[0].content_type, "application/json")

    def test_a_delivery_waits_for_the_call_that_caused_it(self):
        deck = self.record()
        listen, responder = FakeListen(), Responder()
        listener = taped_listen(deck, HOOK_URL, responder, listen)

        def api(call):  # creating a hook makes the target POST to it
            listener.deliver("POST", "/hooks", EVENT)
            return 201, {"url": listener.base_url}

        TapedHttpOut(deck, "api", "http://10.0.0.2:9090", InProcessHttpOut(api)).request(
            "POST", "/api/2.0/hooks", json={"url": listener.base_url}
        )
        self.stop(deck)
        self.assertEqual(len(responder.received), 1)

        deck = self.replay()
        again = Responder()
        taped_listen(deck, HOOK_URL, again, None)
        self.assertEqual(again.received, [], "the webhook comes only after the POST that made it")
        TapedHttpOut(deck, "api", "http://10.0.0.2:9090").request(
            "POST", "/api/2.0/hooks", json={"url": "inprocess://sink-1"}
        )
        self.assertEqual([seen(r) for r in again.received], [seen(r) for r in responder.received])

    def test_a_closed_replayed_listener_receives_nothing(self):
        deck = self.record()
        listen = FakeListen()
        listener = taped_listen(deck, HOOK_URL, Responder(), listen)
        TapedHttpOut(
            deck,
            "api",
            "http://10.0.0.2:9090",
            InProcessHttpOut(lambda call: listener.deliver("POST", "/hooks", EVENT) and 204),
        ).request("POST", "/api/2.0/hooks")
        self.stop(deck)

        deck = self.replay()
        again = Responder()
        replayed = taped_listen(deck, HOOK_URL, again, None)
        replayed.close()
        TapedHttpOut(deck, "api", "http://10.0.0.2:9090").request("POST", "/api/2.0/hooks")
        self.assertEqual(again.received, [])

    def test_replay_of_another_url_misses(self):
        deck = self.record()
        taped_listen(deck, HOOK_URL, Responder(), FakeListen())
        self.stop(deck)
        deck = self.replay()
        with self.assertRaises(TapeMiss):
            taped_listen(deck, "http://0.0.0.0:0/other", Responder(), None)


if __name__ == "__main__":
    unittest.main()
