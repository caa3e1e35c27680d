"""Matching requests against the tape (rackharness.tapes.matching): wildcards, id pairs, mismatches, diffs."""

from __future__ import annotations

import unittest

from rackharness.tapes.matching import (
    Correspondence,
    Mismatch,
    canonical,
    compare,
    diff,
    nearest,
    similarity,
    tokens,
)

REC_UUID, LIVE_UUID, OTHER_UUID = (
    "0b9f3c52-1d2e-4f60-8a7b-0c1d2e3f4a5b",
    "7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9",
    "11111111-2222-4333-8444-555555555555",
)
REC_OID, LIVE_OID, OTHER_OID = "5f0c3b2a9d1e8a0011223344", "64a1b2c3d4e5f60718293a4b", "0123456789abcdef01234567"


class TokensTest(unittest.TestCase):
    def test_splits_literals_and_volatile_values(self):
        literals, values = tokens(
            f"/api/2.0/nodes/{REC_OID}/workflows?at=2026-12-03T12:00:00Z&mac=00:1a:2b:3c:4d:5e&uuid={REC_UUID}"
        )
        self.assertEqual(
            values,
            [("hex", REC_OID), ("timestamp", "2026-12-03T12:00:00Z"), ("mac", "00:1a:2b:3c:4d:5e"), ("uuid", REC_UUID)],
        )
        self.assertEqual(literals, ["/api/2.0/nodes/", "/workflows?at=", "&mac=", "&uuid=", ""])

    def test_short_hex_and_words_are_literal(self):
        self.assertEqual(
            tokens("deadbeef node-01 abcdefabcdefabcdefXYZ"), (["deadbeef node-01 abcdefabcdefabcdefXYZ"], [])
        )

    def test_timestamp_forms(self):
        for stamp in (
            "2026-12-03T12:00:00Z",
            "2026-12-03 12:00:00",
            "2026-12-03T12:00:00.123456+02:00",
            "2026-12-03T12:00:00-0500",
        ):
            with self.subTest(stamp=stamp):
                self.assertEqual(tokens(f"x {stamp} y")[1], [("timestamp", stamp)])


class WildcardTest(unittest.TestCase):
    def test_timestamps_match_any_timestamp(self):
        known = Correspondence()
        pairs = compare(
            {"since": "2026-12-03T12:00:00Z", "note": "made 2026-12-03T12:00:00.5Z"},
            {"since": "2031-01-01T00:00:00+01:00", "note": "made 2030-06-30T23:59:59Z"},
            known,
        )
        self.assertEqual(pairs, {})

    def test_timestamps_are_never_paired_or_substituted(self):
        known = Correspondence()
        compare("at 2026-12-03T12:00:00Z", "at 2031-01-01T00:00:00Z", known)
        self.assertEqual(known.forward, {})
        known.pair({REC_OID: LIVE_OID})
        self.assertEqual(known.to_live("at 2026-12-03T12:00:00Z"), "at 2026-12-03T12:00:00Z")

    def test_timestamp_against_text_mismatches(self):
        with self.assertRaises(Mismatch):
            compare({"since": "2026-12-03T12:00:00Z"}, {"since": "yesterday"}, Correspondence())


class PairingTest(unittest.TestCase):
    def test_new_ids_pair(self):
        known = Correspondence()
        pairs = compare(
            {"id": REC_UUID, "path": f"/nodes/{REC_OID}"}, {"id": LIVE_UUID, "path": f"/nodes/{LIVE_OID}"}, known
        )
        self.assertEqual(pairs, {REC_UUID: LIVE_UUID, REC_OID: LIVE_OID})
        self.assertEqual(known.forward, {}, "compare must not change the correspondence")

    def test_same_id_is_no_new_pair(self):
        self.assertEqual(compare({"id": REC_OID}, {"id": REC_OID}, Correspondence()), {})

    def test_same_recorded_id_later_maps_to_the_same_live_id(self):
        known = Correspondence()
        known.pair(compare(f"/nodes/{REC_OID}", f"/nodes/{LIVE_OID}", known))
        self.assertEqual(compare(f"/nodes/{REC_OID}/obm", f"/nodes/{LIVE_OID}/obm", known), {})
        with self.assertRaises(Mismatch) as caught:
            compare({"node": REC_OID}, {"node": OTHER_OID}, known)
        self.assertEqual(caught.exception.where, ".node")
        self.assertIn(
            f"recorded {REC_OID} stands for {LIVE_OID} in this replay, not {OTHER_OID}", str(caught.exception)
        )

    def test_live_id_already_paired_to_another_recorded_id(self):
        known = Correspondence()
        known.pair({REC_UUID: LIVE_UUID})
        with self.assertRaises(Mismatch) as caught:
            compare({"id": OTHER_UUID}, {"id": LIVE_UUID}, known)
        self.assertIn(f"{LIVE_UUID} already stands for another recorded uuid", str(caught.exception))

    def test_recorded_id_seen_unchanged_but_paired_elsewhere(self):
        known = Correspondence()
        known.pair({REC_OID: LIVE_OID})
        with self.assertRaises(Mismatch) as caught:
            compare({"id": REC_OID}, {"id": REC_OID}, known)
        self.assertIn(f"{REC_OID} stands for {LIVE_OID}", str(caught.exception))

    def test_pairs_are_consistent_within_one_request(self):
        known = Correspondence()
        self.assertEqual(compare([REC_OID, REC_OID], [LIVE_OID, LIVE_OID], known), {REC_OID: LIVE_OID})
        with self.assertRaises(Mismatch):  # one recorded id, two live ids
            compare([REC_OID, REC_OID], [LIVE_OID, OTHER_OID], known)
        with self.assertRaises(Mismatch):  # two recorded ids, one live id
            compare([REC_OID, OTHER_OID], [LIVE_OID, LIVE_OID], known)

    def test_identity_and_pair_of_the_same_id_within_one_request(self):
        known = Correspondence()
        with self.assertRaises(Mismatch):  # REC_OID cannot stand for LIVE_OID and for itself
            compare([REC_OID, REC_OID], [LIVE_OID, REC_OID], known)
        with self.assertRaises(Mismatch):  # LIVE_OID cannot stand for REC_OID and for itself
            compare([REC_OID, LIVE_OID], [LIVE_OID, LIVE_OID], known)

    def test_live_id_paired_elsewhere_seen_unchanged(self):
        known = Correspondence()
        known.pair({REC_OID: LIVE_OID})
        with self.assertRaises(Mismatch):  # LIVE_OID is this run's REC_OID, not the recorded LIVE_OID
            compare({"id": LIVE_OID}, {"id": LIVE_OID}, known)

    def test_ids_of_another_class_do_not_match(self):
        with self.assertRaises(Mismatch):
            compare({"id": REC_UUID}, {"id": LIVE_OID}, Correspondence())

    def test_macs_pair(self):
        self.assertEqual(
            compare("mac 00:1a:2b:3c:4d:5e", "mac 52:54:00:aa:bb:cc", Correspondence()),
            {"00:1a:2b:3c:4d:5e": "52:54:00:aa:bb:cc"},
        )

    def test_pair_is_one_to_one_both_ways(self):
        known = Correspondence()
        known.pair({REC_OID: LIVE_OID, REC_UUID: LIVE_UUID})
        self.assertEqual(known.forward, {REC_OID: LIVE_OID, REC_UUID: LIVE_UUID})
        self.assertEqual(known.backward, {LIVE_OID: REC_OID, LIVE_UUID: REC_UUID})


class ToLiveTest(unittest.TestCase):
    def test_substitutes_paired_ids_everywhere(self):
        known = Correspondence()
        known.pair({REC_OID: LIVE_OID, REC_UUID: LIVE_UUID})
        recorded = {
            "id": REC_OID,
            "links": [f"/api/2.0/nodes/{REC_OID}/catalogs", {"uuid": REC_UUID}],
            REC_OID: "key too",
            "count": 3,
            "other": OTHER_OID,
            "when": "2026-12-03T12:00:00Z",
        }
        self.assertEqual(
            known.to_live(recorded),
            {
                "id": LIVE_OID,
                "links": [f"/api/2.0/nodes/{LIVE_OID}/catalogs", {"uuid": LIVE_UUID}],
                LIVE_OID: "key too",
                "count": 3,
                "other": OTHER_OID,
                "when": "2026-12-03T12:00:00Z",
            },
        )

    def test_nothing_paired_gives_the_value_back(self):
        value = {"id": REC_OID}
        self.assertIs(Correspondence().to_live(value), value)

    def test_round_trip_with_compare(self):
        known = Correspondence()
        known.pair(compare({"node": REC_OID}, {"node": LIVE_OID}, known))
        self.assertEqual(known.to_live({"node": REC_OID, "status": "running"}), {"node": LIVE_OID, "status": "running"})


class LiteralMismatchTest(unittest.TestCase):
    def assertMismatch(self, recorded, live, where, why_part):
        with self.assertRaises(Mismatch) as caught:
            compare(recorded, live, Correspondence())
        self.assertEqual(caught.exception.where, where)
        self.assertIn(why_part, caught.exception.why)
        return caught.exception

    def test_text_differs_with_json_path(self):
        error = self.assertMismatch(
            {"body": {"nodes": [{"name": "a"}, {"name": "b"}]}},
            {"body": {"nodes": [{"name": "a"}, {"name": "c"}]}},
            ".body.nodes[1].name",
            "recorded 'b', now 'c'",
        )
        self.assertEqual(str(error), ".body.nodes[1].name: recorded 'b', now 'c'")

    def test_literal_around_an_id_differs(self):
        self.assertMismatch({"path": f"/nodes/{REC_OID}"}, {"path": f"/pollers/{LIVE_OID}"}, ".path", "recorded")

    def test_keys_differ(self):
        self.assertMismatch({"a": 1, "b": 2}, {"a": 1, "c": 2}, "", "recorded only: ['b'], now only: ['c']")

    def test_list_lengths_differ(self):
        self.assertMismatch({"q": [1, 2]}, {"q": [1]}, ".q", "2 items recorded, 1 now")

    def test_types_differ(self):
        self.assertMismatch({"n": 1}, {"n": "1"}, ".n", "recorded 1, now '1'")
        self.assertMismatch({"n": 1}, {"n": True}, ".n", "recorded 1, now True")
        self.assertMismatch({"n": 1}, {"n": 1.0}, ".n", "recorded 1, now 1.0")
        self.assertMismatch([None], [{}], "[0]", "recorded None, now {}")

    def test_top_level_mismatch_says_top(self):
        error = self.assertMismatch("GET", "POST", "", "recorded 'GET', now 'POST'")
        self.assertEqual(str(error), "(top): recorded 'GET', now 'POST'")

    def test_equal_values_match(self):
        self.assertEqual(compare({"a": [1, None, True, "x"]}, {"a": [1, None, True, "x"]}, Correspondence()), {})


class ExplainTest(unittest.TestCase):
    def test_canonical_sorts_keys_one_value_a_line(self):
        self.assertEqual(canonical({"b": 1, "a": [2]}), '{\n "a": [\n  2\n ],\n "b": 1\n}')

    def test_diff_from_recorded_to_now(self):
        text = diff({"method": "GET", "path": "/api/2.0/nodes"}, {"method": "GET", "path": "/api/2.0/pollers"})
        lines = text.splitlines()
        self.assertEqual(lines[:2], ["--- recorded", "+++ now"])
        self.assertIn(' "path": "/api/2.0/nodes"', [line[1:] for line in lines if line.startswith("-")])
        self.assertIn('- "path": "/api/2.0/nodes"', lines)
        self.assertIn('+ "path": "/api/2.0/pollers"', lines)
        self.assertIn('  "method": "GET",', lines)  # context

    def test_diff_of_equal_requests_is_empty(self):
        self.assertEqual(diff({"a": 1}, {"a": 1}), "")

    def test_nearest_picks_the_most_similar_request(self):
        candidates = [
            {"seq": 0, "request": {"method": "POST", "path": "/api/2.0/workflows"}},
            {"seq": 1, "request": {"method": "GET", "path": "/api/2.0/nodes/abc"}},
            {"seq": 2, "request": {"method": "DELETE", "path": "/api/2.0/tags/x"}},
        ]
        self.assertEqual(nearest(candidates, {"method": "GET", "path": "/api/2.0/nodes/abd"})["seq"], 1)
        self.assertIsNone(nearest([], {"method": "GET"}))
        self.assertEqual(similarity({"a": 1}, {"a": 1}), 1.0)
        self.assertLess(similarity({"a": 1}, {"b": 2}), 1.0)


if __name__ == "__main__":
    unittest.main()
