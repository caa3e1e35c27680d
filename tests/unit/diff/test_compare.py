"""rackharness.diff.compare: pairing two sides' requests, and one difference however often it occurred."""

from __future__ import annotations

import unittest

from rackharness.diff.compare import Comparison, Difference, answer_differences, compare, compare_events, endpoint
from rackharness.diff.exchanges import Event, Exchange

JSON = {"Content-Type": "application/json; charset=utf-8"}
OBJECT_ID = "5f1c9a3b2e4d6f7a8b9c0d1e"
OTHER_ID = "58e6b2f1a2b3c4d5e6f70809"


def ex(method, path, status=200, body=None, *, channel="api", headers=None, test=""):
    return Exchange(channel, method, path, (), None, status, dict(JSON if headers is None else headers), body, test)


def summary(comparison: Comparison):
    return sorted((d.endpoint, d.where, d.kind, d.count) for d in comparison.differences.values())


class EndpointTest(unittest.TestCase):
    def test_method_and_template_and_the_auth_prefix(self):
        self.assertEqual(endpoint(ex("GET", f"/api/2.0/nodes/{OBJECT_ID}/obm")), "GET /api/2.0/nodes/{id}/obm")
        self.assertEqual(endpoint(ex("POST", "/login", channel="auth")), "auth: POST /login")
        self.assertEqual(endpoint(ex("POST", "/login", channel="api")), "POST /login")


class AlignmentTest(unittest.TestCase):
    def test_the_same_requests_pair_in_order(self):
        rackhd = [
            ex("GET", "/api/2.0/nodes", body=[]),
            ex("POST", "/api/2.0/nodes", 201, {"id": OBJECT_ID}),
            ex("GET", f"/api/2.0/nodes/{OBJECT_ID}", body={"id": OBJECT_ID}),
        ]
        reference = [
            ex("GET", "/api/2.0/nodes", body=[]),
            ex("POST", "/api/2.0/nodes", 201, {"id": OTHER_ID}),
            ex("GET", f"/api/2.0/nodes/{OTHER_ID}", body={"id": OTHER_ID}),
        ]
        result = compare(rackhd, reference)
        self.assertEqual((result.operations, result.unpaired_rackhd, result.unpaired_reference), (3, 0, 0))
        self.assertEqual(result.endpoints, {"GET /api/2.0/nodes", "POST /api/2.0/nodes", "GET /api/2.0/nodes/{id}"})
        self.assertEqual(result.differences, {})

    def test_a_poll_is_compared_on_its_last_answer(self):
        poll = f"/api/2.0/workflows/{OBJECT_ID}"
        rackhd = [
            ex("POST", "/api/2.0/workflows", 201, {"instanceId": OBJECT_ID}),
            ex("GET", poll, body={"status": "running"}),
            ex("GET", poll, body={"status": "running"}),
            ex("GET", poll, body={"status": "succeeded"}),
            ex("DELETE", f"/api/2.0/nodes/{OBJECT_ID}", 204),
        ]
        reference = [
            ex("POST", "/api/2.0/workflows", 201, {"instanceId": OTHER_ID}),
            ex("GET", f"/api/2.0/workflows/{OTHER_ID}", body={"status": "succeeded"}),
            ex("DELETE", f"/api/2.0/nodes/{OTHER_ID}", 204),
            ex("GET", "/api/2.0/only-here", body={}),
        ]
        result = compare(rackhd, reference)
        # RackHD's three polls are one (its last answer): nothing unpaired on its side, no difference
        self.assertEqual((result.operations, result.unpaired_rackhd, result.unpaired_reference), (3, 0, 1))
        self.assertEqual(summary(result), [])
        self.assertNotIn("GET /api/2.0/only-here", result.endpoints)

    def test_a_poll_settling_elsewhere_is_one_difference(self):
        poll = f"/api/2.0/workflows/{OBJECT_ID}"
        rackhd = [ex("GET", poll, body={"status": "running"}), ex("GET", poll, body={"status": "failed"})]
        reference = [ex("GET", poll, body={"status": "succeeded"})]
        result = compare(rackhd, reference)
        self.assertEqual(summary(result), [("GET /api/2.0/workflows/{id}", "body.status", "value", 1)])

    def test_the_same_get_apart_is_not_a_poll(self):
        rackhd = [ex("GET", "/a", body={"n": "1"}), ex("POST", "/b", 201), ex("GET", "/a", body={"n": "2"})]
        reference = [ex("GET", "/a", body={"n": "1"}), ex("POST", "/b", 201), ex("GET", "/a", body={"n": "2"})]
        self.assertEqual(compare(rackhd, reference).operations, 3)

    def test_one_side_empty(self):
        result = compare([ex("GET", "/a"), ex("GET", "/b")], [])
        self.assertEqual((result.operations, result.unpaired_rackhd, result.unpaired_reference), (0, 2, 0))
        self.assertEqual(result.differences, {})


class AnswerTest(unittest.TestCase):
    def test_a_status_difference_stops_the_comparison(self):
        found = answer_differences(
            ex("GET", "/x", 404, {"message": "no"}, headers={"Content-Type": "text/plain"}),
            ex("GET", "/x", 200, [{"other": 1}], test="tests.rackhd.t.C.m"),
        )
        self.assertEqual(
            [(d.where, d.kind, d.rackhd, d.reference, d.tests) for d in found],
            [("status", "status", "404", "200", ["tests.rackhd.t.C.m"])],
        )

    def test_headers(self):
        found = answer_differences(
            ex("POST", "/x", 201, {}, headers={"Content-Type": "application/json", "Location": "http://a:1/x/1"}),
            ex("POST", "/x", 201, {}, headers={"Content-Type": "text/html", "Location": "http://b:2/x/2"}),
        )
        self.assertEqual(
            [(d.where, d.kind, d.rackhd, d.reference) for d in found],
            [
                ("header content-type", "header", "application/json", "text/html"),
                ("header location", "header", "http://{host}/x/1", "http://{host}/x/2"),
            ],
        )
        missing = answer_differences(ex("GET", "/x", headers={"Allow": "GET"}), ex("GET", "/x", headers={}))
        self.assertEqual([(d.where, d.rackhd, d.reference) for d in missing], [("header allow", "GET", "(none)")])

    def test_charset_utf8_alone_is_no_difference(self):
        for rackhd, reference in (
            ("application/json; charset=utf-8", "application/json"),
            ("application/json", "application/json; charset=UTF-8"),
            ("application/json;charset=utf-8", 'application/json; charset="utf-8"'),
        ):
            with self.subTest(rackhd=rackhd, reference=reference):
                self.assertEqual(
                    answer_differences(
                        ex("GET", "/x", headers={"Content-Type": rackhd}),
                        ex("GET", "/x", headers={"Content-Type": reference}),
                    ),
                    [],
                )
        other = answer_differences(
            ex("GET", "/x", headers={"Content-Type": "application/json; charset=iso-8859-1"}),
            ex("GET", "/x", headers={"Content-Type": "application/json"}),
        )
        self.assertEqual([d.where for d in other], ["header content-type"])

    def test_body_differences_are_listed(self):
        found = answer_differences(ex("GET", "/x", body={"name": "a"}), ex("GET", "/x", body={"nodeName": "a"}))
        # a key gone on one side and another come on the other, alone under one parent: one rename, one line
        self.assertEqual(
            [(d.endpoint, d.where, d.kind) for d in found], [("GET /x", "body.name → body.nodeName", "renamed key")]
        )
        two = answer_differences(
            ex("GET", "/x", body={"name": "a", "size": 1}), ex("GET", "/x", body={"nodeName": "a"})
        )
        self.assertEqual(
            [(d.where, d.kind) for d in two],  # paired by type: the number is just missing
            [("body.name → body.nodeName", "renamed key"), ("body.size", "missing key")],
        )
        several = answer_differences(
            ex("GET", "/x", body={"name": "a", "color": "b"}), ex("GET", "/x", body={"nodeName": "a", "zone": "c"})
        )
        self.assertEqual(
            sorted((d.where, d.kind) for d in several),  # several of a type: only names alike pair
            [("body.color", "missing key"), ("body.name → body.nodeName", "renamed key"), ("body.zone", "extra key")],
        )
        retyped = answer_differences(ex("GET", "/x", body={"name": "a"}), ex("GET", "/x", body={"label": 2}))
        self.assertEqual(sorted(d.kind for d in retyped), ["extra key", "missing key"])  # not a rename: another type


class AggregationTest(unittest.TestCase):
    def test_the_same_difference_many_times_is_one_with_a_count(self):
        rackhd, reference = [], []
        for i, test in enumerate(["t.a.A.one", "t.a.A.one", "t.b.B.two", "t.c.C.three"]):
            node = f"{i:024x}"
            rackhd.append(ex("GET", f"/api/2.0/nodes/{node}", body={"id": node, "name": "n"}, test=test))
            reference.append(ex("GET", f"/api/2.0/nodes/{node}", body={"id": node, "nodeName": "n"}, test=test))
        result = compare(rackhd, reference)
        self.assertEqual(summary(result), [("GET /api/2.0/nodes/{id}", "body.name → body.nodeName", "renamed key", 4)])
        renamed = result.differences[("GET /api/2.0/nodes/{id}", "body.name → body.nodeName", "renamed key")]
        self.assertEqual(renamed.tests, ["t.a.A.one", "t.b.B.two", "t.c.C.three"])
        self.assertEqual(renamed.line(), 'body.name → body.nodeName: renamed key (4x): RackHD "n", reference "n"')

    def test_the_auth_channel_is_its_own_endpoint(self):
        rackhd = [ex("POST", "/login", 200, {"token": "t"}, channel="auth"), ex("POST", "/login", 200, {"token": "t"})]
        reference = [ex("POST", "/login", 401, {}, channel="auth"), ex("POST", "/login", 200, {"token": "t"})]
        result = compare(rackhd, reference)
        self.assertEqual(result.operations, 2)
        self.assertEqual(summary(result), [("auth: POST /login", "status", "status", 1)])
        self.assertEqual(result.endpoints, {"auth: POST /login", "POST /login"})

    def test_add_counts_and_keeps_the_first(self):
        comparison = Comparison()
        comparison.add(Difference("GET /x", "status", "status", "200", "404", tests=["t.a"]))
        comparison.add(Difference("GET /x", "status", "status", "201", "500", tests=["t.a"]))
        comparison.add(Difference("GET /x", "body.a", "value", "1", "2"))
        first = comparison.differences[("GET /x", "status", "status")]
        self.assertEqual((first.count, first.rackhd, first.reference, first.tests), (2, "200", "404", ["t.a"]))
        self.assertEqual(len(comparison.differences), 2)
        self.assertEqual(first.line(), "status: status (2x): RackHD 200, reference 404")


if __name__ == "__main__":
    unittest.main()


class EventsTest(unittest.TestCase):
    def test_messages_of_one_routing_key_are_compared_by_shape(self):
        rackhd = [
            Event("on.events", f"graph.finished.information.{OBJECT_ID}", {"data": {"status": "succeeded"}}),
            Event("on.events", "heartbeat.updated.information.localhost.on-http", {"data": {"uptime": 1}}),
        ]
        reference = [Event("on.events", f"graph.finished.information.{OTHER_ID}", {"data": {"state": "succeeded"}})]
        result = compare_events(rackhd, reference, Comparison())
        self.assertEqual(result.event_kinds, 1)  # the heartbeat only RackHD published is no difference
        found = sorted((d.endpoint, d.where, d.kind) for d in result.differences.values())
        self.assertEqual(
            found,
            [
                ("AMQP on.events graph.finished.information.{id}", "body.data.state", "extra key"),
                ("AMQP on.events graph.finished.information.{id}", "body.data.status", "missing key"),
            ],
        )

    def test_a_routing_key_only_the_reference_publishes_is_a_difference(self):
        rackhd = [Event("on.events", "node.added.information.x", {})]
        reference = [Event("on.events", f"node.accessible.information.{OTHER_ID}", {})]
        (difference,) = compare_events(rackhd, reference, Comparison()).differences.values()
        self.assertEqual(
            (difference.endpoint, difference.where), ("AMQP on.events node.accessible.information.{id}", "routing key")
        )

    def test_no_messages_at_all_on_rackhds_side_say_nothing(self):
        reference = [Event("on.events", "node.added.information.x", {})]
        self.assertEqual(compare_events([], reference, Comparison()).differences, {})
