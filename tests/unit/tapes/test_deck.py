"""The tape deck (rackharness.tapes.deck): recording, replaying, misses, deliveries, the virtual clock, modes."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import unittest
from pathlib import Path

from rackharness import clock
from rackharness.tapes.deck import Deck, Mailbox, TapeMiss
from rackharness.tapes.modes import RecordMode
from rackharness.tapes.tape import SESSION, Tape, file_name, load

T0 = "2026-12-03T12:00:00+00:00"
T0_EPOCH = dt.datetime.fromisoformat(T0).timestamp()
TEST = "tests.rackhd.test_workflows.Workflows.test_run"
REC_UUID, LIVE_UUID, OTHER_UUID = (
    "0b9f3c52-1d2e-4f60-8a7b-0c1d2e3f4a5b",
    "7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9",
    "11111111-2222-4333-8444-555555555555",
)
REC_OID, LIVE_OID = "5f0c3b2a9d1e8a0011223344", "64a1b2c3d4e5f60718293a4b"


def request(path: str, method: str = "GET", body=None) -> dict:
    return {
        "method": method,
        "path": path,
        "query": [],
        "body": body,
        "url": "http://10.0.0.2:9090" + path,
        "headers": {"Authorization": "Bearer recorded-token-1"},
    }


def call(
    path: str,
    response,
    *,
    method: str = "GET",
    body=None,
    at: float = 0.0,
    seam: str = "http_out",
    channel: str = "api",
) -> dict:
    return {
        "seam": seam,
        "kind": "call",
        "channel": channel,
        "at": at,
        "request": request(path, method, body),
        "response": response,
    }


def delivery(channel: str, message: dict, *, at: float = 0.0, seam: str = "amqp") -> dict:
    return {"seam": seam, "kind": "delivery", "channel": channel, "at": at, "message": message}


def write_tape(directory: Path, test_id: str, interactions: list[dict], *, recorded_at: str = T0, **header) -> Path:
    tape = Tape({"test": test_id, "recorded_at": recorded_at, "mode": "all", **header})
    for interaction in interactions:
        tape.append(interaction)
    return tape.save(directory / file_name(test_id))


class DeckTestCase(unittest.TestCase):
    def setUp(self):
        self.assertIs(clock.current(), clock.REAL)
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.dir = Path(temp.name)
        self.tapes = self.dir / "tapes"
        self.addCleanup(self._real_clock_back)
        self.live_calls: list[str] = []

    def _real_clock_back(self):
        leaked = clock.current()
        clock.install(clock.REAL)
        self.assertIs(leaked, clock.REAL, "the deck left its virtual clock installed")

    def deck(
        self,
        mode: RecordMode,
        *,
        replay_dir: Path | None = None,
        record_dir: Path | None = None,
        header: dict | None = None,
    ) -> Deck:
        deck = Deck(mode, replay_dir=replay_dir, record_dir=record_dir, header=header)
        self.addCleanup(deck.close)
        return deck

    def live(self, answer, name: str = "live"):
        def run():
            self.live_calls.append(name)
            return answer

        return run

    def must_not_run(self):
        self.live_calls.append("FORBIDDEN")
        self.fail("a replay called the live side")


class RecordAllTest(DeckTestCase):
    def test_records_calls_and_deliveries_per_test_and_the_session(self):
        deck = self.deck(
            RecordMode.ALL,
            replay_dir=self.tapes,
            record_dir=self.tapes,
            header={"system": "reference", "target": "reference target 0.1.0"},
        )
        self.assertIs(clock.current(), clock.REAL, "a recording runs on the real clock")
        self.assertTrue(deck.session.recording)
        self.assertFalse(deck.replaying_session)
        deck.session_data["run_id"] = "run-1"
        self.assertEqual(
            deck.call("http_out", "api", request("/api/2.0/config"), self.live({"status": 200})), {"status": 200}
        )

        deck.begin(TEST)
        self.assertEqual(deck.reel.tape.test, TEST)
        answer = deck.call(
            "http_out",
            "api",
            request("/api/2.0/workflows", "POST", {"name": "Graph.Noop"}),
            self.live({"status": 201, "body": {"json": {"instanceId": "wf-1"}}}),
        )
        self.assertEqual(answer, {"status": 201, "body": {"json": {"instanceId": "wf-1"}}})
        deck.delivered("amqp", "amq.gen-q1", {"routing_key": "graph.finished", "body": {"status": "succeeded"}})
        time.sleep(0.02)
        deck.call("amqp", "broker", {"op": "publish", "routing_key": "x"}, self.live({"result": None}))
        path = deck.end()
        self.assertIs(deck.reel, deck.session)
        self.assertEqual(path, self.tapes / file_name(TEST))
        self.assertEqual(self.live_calls, ["live", "live", "live"])

        tape = load(path)
        self.assertEqual(tape.header["test"], TEST)
        self.assertEqual(tape.header["mode"], "all")
        self.assertEqual(tape.header["system"], "reference")
        self.assertEqual(tape.header["target"], "reference target 0.1.0")
        recorded_at = dt.datetime.fromisoformat(tape.header["recorded_at"])
        self.assertLess(abs(recorded_at.timestamp() - time.time()), 60)
        self.assertEqual(
            [(i["seq"], i["kind"], i["seam"], i["channel"]) for i in tape.interactions],
            [(0, "call", "http_out", "api"), (1, "delivery", "amqp", "amq.gen-q1"), (2, "call", "amqp", "broker")],
        )
        self.assertEqual(tape.interactions[0]["request"]["body"], {"name": "Graph.Noop"})
        self.assertEqual(tape.interactions[0]["response"]["status"], 201)
        self.assertEqual(tape.interactions[1]["message"]["body"], {"status": "succeeded"})
        self.assertGreaterEqual(tape.interactions[2]["at"], 0.02)
        self.assertLessEqual(tape.interactions[0]["at"], tape.interactions[2]["at"])

        self.assertFalse((self.tapes / "_session.json").exists(), "the session tape is written at close()")
        session_path = deck.close()
        self.assertEqual(session_path, self.tapes / "_session.json")
        session = load(session_path)
        self.assertEqual(session.header["test"], SESSION)
        self.assertEqual(session.header["session"], {"run_id": "run-1"})
        self.assertEqual([i["request"]["path"] for i in session.interactions], ["/api/2.0/config"])
        self.assertEqual(deck.saved, [path, session_path])
        self.assertIn(f"wrote 2 tape(s) to {self.tapes}", deck.report())

    def test_a_delivery_that_arrives_while_a_call_runs_is_recorded_after_it(self):
        deck = self.deck(RecordMode.ALL, record_dir=self.tapes)
        deck.begin(TEST)
        deck.call("http_out", "api", request("/first"), self.live({"status": 200}))

        def create_hook():  # the target POSTs the webhook before its answer to this request is back
            deck.delivered("http_in", "http://127.0.0.1:40417", {"method": "POST", "path": "/sink"})
            return {"status": 201}

        deck.call("http_out", "api", request("/api/2.0/hooks", "POST"), create_hook)
        deck.delivered("amqp", "q", {"routing_key": "after"})
        tape = load(deck.end())
        self.assertEqual(
            [(i["seq"], i["kind"], i.get("request", {}).get("path")) for i in tape.interactions],
            [(0, "call", "/first"), (1, "call", "/api/2.0/hooks"), (2, "delivery", None), (3, "delivery", None)],
        )
        self.assertLessEqual(tape.interactions[1]["at"], tape.interactions[2]["at"])

        replay = Deck(RecordMode.NONE, replay_dir=self.tapes, record_dir=None)
        self.addCleanup(replay.close)
        replay.begin(TEST)
        sink = replay.mailbox("http_in", "http://127.0.0.1:40417")
        replay.call("http_out", "api", request("/first"), self.must_not_run)
        self.assertIsNone(sink.take(), "the webhook must not come before the request that caused it")
        replay.call("http_out", "api", request("/api/2.0/hooks", "POST"), self.must_not_run)
        self.assertEqual(sink.take(), {"method": "POST", "path": "/sink"})

    def test_all_records_again_over_existing_tapes(self):
        write_tape(self.tapes, TEST, [call("/old", {"status": 500})])
        deck = self.deck(RecordMode.ALL, replay_dir=self.tapes, record_dir=self.tapes)
        deck.begin(TEST)
        self.assertEqual(deck.call("http_out", "api", request("/old"), self.live({"status": 200})), {"status": 200})
        deck.end()
        self.assertEqual(self.live_calls, ["live"])
        self.assertEqual([i["response"] for i in load(self.tapes / file_name(TEST)).interactions], [{"status": 200}])

    def test_live_error_propagates_and_nothing_is_recorded(self):
        deck = self.deck(RecordMode.ALL, record_dir=self.tapes)
        deck.begin(TEST)

        def broken():
            raise ConnectionError("down")

        with self.assertRaises(ConnectionError):
            deck.call("http_out", "api", request("/x"), broken)
        self.assertEqual(deck.reel.tape.interactions, [])


class ReplayTest(DeckTestCase):
    def setUp(self):
        super().setUp()
        write_tape(
            self.tapes,
            SESSION,
            [call("/api/2.0/config", {"status": 200, "body": {"json": {"v": 1}}}, at=20.0)],
            session={"run_id": "run-1"},
        )

    def test_answers_come_from_the_tape_without_live(self):
        write_tape(self.tapes, TEST, [call("/api/2.0/nodes", {"status": 200, "body": {"json": []}})])
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        self.assertTrue(deck.replaying_session)
        self.assertEqual(deck.session_data, {"run_id": "run-1"})
        deck.begin(TEST)
        replayed = deck.call(
            "http_out",
            "api",
            {
                **request("/api/2.0/nodes"),
                "url": "http://other-lab:8080/x",
                "headers": {"Authorization": "Bearer another"},
            },
            self.must_not_run,
        )
        self.assertEqual(replayed, {"status": 200, "body": {"json": []}})
        self.assertIsNone(deck.end(), "a replay writes nothing")
        self.assertEqual(self.live_calls, [])
        self.assertEqual(sorted(p.name for p in self.tapes.iterdir()), ["_session.json", file_name(TEST)])
        self.assertIsNone(deck.close())
        self.assertEqual(deck.saved, [])
        self.assertIn(f"replayed tapes from {self.tapes}", deck.report())

    def test_first_unplayed_match_order(self):
        write_tape(
            self.tapes,
            TEST,
            [
                call(
                    "/api/2.0/workflows",
                    {"status": 201, "body": {"json": {"instanceId": "wf-1"}}},
                    method="POST",
                    body={"name": "Graph.Noop"},
                    at=0.5,
                ),
                call("/api/2.0/workflows/wf-1", {"status": 200, "body": {"json": {"status": "running"}}}, at=1.0),
                call("/api/2.0/workflows/wf-1", {"status": 200, "body": {"json": {"status": "running"}}}, at=2.0),
                call("/api/2.0/workflows/wf-1", {"status": 200, "body": {"json": {"status": "succeeded"}}}, at=3.0),
            ],
        )
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        deck.begin(TEST)
        created = deck.call(
            "http_out", "api", request("/api/2.0/workflows", "POST", {"name": "Graph.Noop"}), self.must_not_run
        )
        self.assertEqual(created["status"], 201)
        states = [
            deck.call("http_out", "api", request("/api/2.0/workflows/wf-1"), self.must_not_run)["body"]["json"][
                "status"
            ]
            for _ in range(3)
        ]
        self.assertEqual(states, ["running", "running", "succeeded"])
        self.assertEqual(deck.reel.played, {0, 1, 2, 3})
        with self.assertRaises(TapeMiss) as caught:  # a fourth poll: the tape has no more
            deck.call("http_out", "api", request("/api/2.0/workflows/wf-1"), self.must_not_run)
        self.assertIn("played already", str(caught.exception))

    def test_a_request_not_on_the_tape_is_a_tape_miss_saying_why(self):
        path = write_tape(
            self.tapes,
            TEST,
            [
                call("/api/2.0/workflows", {"status": 201}, method="POST", body={"name": "Graph.Noop"}),
                call("/api/2.0/nodes", {"status": 200}),
            ],
        )
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        deck.begin(TEST)
        with self.assertRaises(TapeMiss) as caught:
            deck.call("http_out", "api", request("/api/2.0/pollers"), self.must_not_run)
        text = str(caught.exception)
        self.assertIsInstance(caught.exception, AssertionError, "a miss fails the test")
        self.assertIn(f"test {TEST}: http_out request not on the tape {path}", text)
        self.assertIn("  request: GET /api/2.0/pollers\n", text)
        self.assertIn("  nearest recorded (#1, not played yet): GET /api/2.0/nodes\n", text)
        self.assertIn("  diff (recorded -> now):\n", text)
        self.assertIn('    - "path": "/api/2.0/nodes"', text)
        self.assertIn('    + "path": "/api/2.0/pollers"', text)
        self.assertNotIn("Bearer", text)  # headers are not part of the request shown
        self.assertIn("RACKHARNESS_RECORD_MODE=all", caught.exception.hint)
        self.assertEqual(self.live_calls, [])

    def test_a_miss_shows_no_password(self):
        write_tape(
            self.tapes,
            TEST,
            [
                call(
                    "/api/2.0/obms",
                    {"status": 201},
                    method="PUT",
                    body={"config": {"host": "h", "password": "Recorded-pw1"}},
                )
            ],
        )
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        deck.begin(TEST)
        with self.assertRaises(TapeMiss) as caught:
            deck.call(
                "http_out",
                "api",
                request("/api/2.0/obms", "PUT", {"config": {"host": "g", "password": "Live-pw2"}}),
                self.must_not_run,
            )
        text = str(caught.exception)
        self.assertNotIn("Recorded-pw1", text)
        self.assertNotIn("Live-pw2", text)
        self.assertIn('"password": "***"', text)
        self.assertIn('+   "host": "g"', text)  # the difference that matters is still shown

    def test_a_miss_on_a_seam_the_tape_never_used(self):
        write_tape(self.tapes, TEST, [call("/api/2.0/nodes", {"status": 200})])
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        deck.begin(TEST)
        with self.assertRaises(TapeMiss) as caught:
            deck.call("mongo", "pxe", {"collection": "nodes", "op": "find_one"}, self.must_not_run)
        self.assertIn("the tape has no mongo request at all", str(caught.exception))

    def test_same_request_on_another_channel_misses(self):
        write_tape(self.tapes, TEST, [call("/login", {"status": 200}, method="POST", channel="auth")])
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        deck.begin(TEST)
        with self.assertRaises(TapeMiss):
            deck.call("http_out", "api", request("/login", "POST"), self.must_not_run)
        self.assertEqual(deck.call("http_out", "auth", request("/login", "POST"), self.must_not_run), {"status": 200})

    def test_missing_tape_says_there_is_none_and_how_to_record(self):
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        deck.begin("tests.rackhd.test_new.New.test_never_recorded")
        with self.assertRaises(TapeMiss) as caught:
            deck.call("http_out", "api", request("/api/2.0/nodes"), self.must_not_run)
        text = str(caught.exception)
        expected = self.tapes / "tests.rackhd.test_new.New.test_never_recorded.json"
        self.assertIn(
            f"test tests.rackhd.test_new.New.test_never_recorded: no tape at {expected}; "
            "replay cannot answer http_out GET /api/2.0/nodes",
            text,
        )
        self.assertIn("RACKHARNESS_RECORD_MODE=once", caught.exception.hint)
        self.assertIn("rackharness tapes promote", caught.exception.hint)
        self.assertFalse(expected.exists(), "replay must not write a tape")

    def test_deliveries_are_released_after_the_calls_before_them(self):
        write_tape(
            self.tapes,
            TEST,
            [
                delivery("q", {"routing_key": "early", "body": 0}),
                call("/api/2.0/workflows", {"status": 201}, method="POST"),
                delivery("q", {"routing_key": "graph.started", "body": 1}),
                call("/api/2.0/workflows/wf-1", {"status": 200}),
                delivery("q", {"routing_key": "graph.finished", "body": 2}),
                delivery("other", {"routing_key": "elsewhere", "body": 3}, seam="http_in"),
            ],
        )
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        box = deck.mailbox("amqp", "q")
        self.assertIsNone(box.take())
        deck.begin(TEST)
        self.assertEqual(box.take(), {"routing_key": "early", "body": 0}, "nothing comes before it")
        self.assertIsNone(box.take(), "graph.started must wait for the POST")
        deck.call("http_out", "api", request("/api/2.0/workflows", "POST"), self.must_not_run)
        self.assertEqual(box.take(), {"routing_key": "graph.started", "body": 1})
        self.assertIsNone(box.take(), "graph.finished must wait for the GET")
        self.assertIsNone(deck.mailbox("http_in", "other").take())
        deck.call("http_out", "api", request("/api/2.0/workflows/wf-1"), self.must_not_run)
        self.assertEqual(box.take(), {"routing_key": "graph.finished", "body": 2})
        self.assertIsNone(box.take())
        self.assertEqual(deck.mailbox("http_in", "other").take(), {"routing_key": "elsewhere", "body": 3})

    def test_delivery_waits_for_every_earlier_call_even_when_played_out_of_order(self):
        write_tape(
            self.tapes, TEST, [call("/a", {"status": 200}), call("/b", {"status": 200}), delivery("q", {"n": 1})]
        )
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        deck.begin(TEST)
        deck.call("http_out", "api", request("/b"), self.must_not_run)
        self.assertIsNone(deck.mailbox("amqp", "q").take(), "/a has not been played yet")
        deck.call("http_out", "api", request("/a"), self.must_not_run)
        self.assertEqual(deck.mailbox("amqp", "q").take(), {"n": 1})

    def test_virtual_clock_during_the_replay(self):
        write_tape(
            self.tapes,
            TEST,
            [call("/a", {"status": 200}, at=1.0), call("/b", {"status": 200}, at=2.5)],
            recorded_at="2026-12-03T12:00:05+00:00",
        )
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        virtual = clock.current()
        self.assertIsInstance(virtual, clock.VirtualClock)
        self.assertEqual(virtual.time(), T0_EPOCH, "the session tape's recorded_at")
        deck.begin(TEST)
        self.assertIs(clock.current(), virtual)
        self.assertEqual(clock.now(), T0_EPOCH + 5, "the test tape's recorded_at")
        deck.call("http_out", "api", request("/a"), self.must_not_run)
        self.assertEqual(clock.now(), T0_EPOCH + 6)
        deck.call("http_out", "api", request("/b"), self.must_not_run)
        self.assertEqual(clock.now(), T0_EPOCH + 7.5)
        started = time.monotonic()
        clock.sleep(3600)
        self.assertLess(time.monotonic() - started, 0.5, "a sleep on the replay's clock took wall time")
        self.assertEqual(clock.now(), T0_EPOCH + 3607.5)
        deck.end()
        self.assertIs(clock.current(), virtual, "the session's tape replays too")
        deck.close()
        self.assertIs(clock.current(), clock.REAL)

    def test_session_interactions_keep_their_offset_after_a_test(self):
        write_tape(self.tapes, TEST, [call("/a", {"status": 200}, at=3.0)], recorded_at="2026-12-03T12:00:05+00:00")
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        deck.begin(TEST)
        deck.call("http_out", "api", request("/a"), self.must_not_run)
        self.assertEqual(clock.now(), T0_EPOCH + 8)
        deck.end()
        deck.call("http_out", "api", request("/api/2.0/config"), self.must_not_run)  # recorded at 20 s
        self.assertEqual(clock.now(), T0_EPOCH + 20)

    def test_replayed_ids_correspond_to_this_runs_ids(self):
        write_tape(
            self.tapes,
            TEST,
            [
                call(
                    "/api/2.0/nodes",
                    {"status": 201, "body": {"json": {"id": REC_UUID, "obm": REC_OID}}},
                    method="POST",
                    body={"id": REC_UUID, "name": "n1"},
                ),
                delivery("q", {"routing_key": f"node.added.{REC_UUID}", "body": {"nodeId": REC_UUID}}),
                call(f"/api/2.0/nodes/{REC_UUID}", {"status": 200, "body": {"json": {"id": REC_UUID}}}),
                call(f"/api/2.0/obms/{REC_OID}", {"status": 200, "body": {"json": {"id": REC_OID, "node": REC_UUID}}}),
            ],
        )
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        deck.begin(TEST)
        created = deck.call(
            "http_out", "api", request("/api/2.0/nodes", "POST", {"id": LIVE_UUID, "name": "n1"}), self.must_not_run
        )
        self.assertEqual(created["body"]["json"]["id"], LIVE_UUID, "the answer carries this run's id back")
        self.assertEqual(deck.correspondence.forward, {REC_UUID: LIVE_UUID})
        self.assertEqual(
            deck.mailbox("amqp", "q").take(), {"routing_key": f"node.added.{LIVE_UUID}", "body": {"nodeId": LIVE_UUID}}
        )
        with self.assertRaises(TapeMiss):  # the recorded node now stands for LIVE_UUID only
            deck.call("http_out", "api", request(f"/api/2.0/nodes/{OTHER_UUID}"), self.must_not_run)
        got = deck.call("http_out", "api", request(f"/api/2.0/nodes/{LIVE_UUID}"), self.must_not_run)
        self.assertEqual(got["body"]["json"], {"id": LIVE_UUID})
        obm = deck.call("http_out", "api", request(f"/api/2.0/obms/{LIVE_OID}"), self.must_not_run)
        self.assertEqual(obm["body"]["json"], {"id": LIVE_OID, "node": LIVE_UUID})
        self.assertEqual(deck.correspondence.forward, {REC_UUID: LIVE_UUID, REC_OID: LIVE_OID})

    def test_an_exact_match_is_preferred_to_one_needing_new_pairs(self):
        write_tape(
            self.tapes,
            TEST,
            [
                call(f"/api/2.0/nodes/{REC_OID}", {"status": 200, "body": {"json": "first"}}),
                call(f"/api/2.0/nodes/{LIVE_OID}", {"status": 200, "body": {"json": "second"}}),
            ],
        )
        deck = self.deck(RecordMode.NONE, replay_dir=self.tapes)
        deck.begin(TEST)
        got = deck.call("http_out", "api", request(f"/api/2.0/nodes/{LIVE_OID}"), self.must_not_run)
        self.assertEqual(got["body"]["json"], "second")
        self.assertEqual(deck.correspondence.forward, {})


class NewEpisodesTest(DeckTestCase):
    def test_replays_what_matches_and_records_what_is_new(self):
        promoted, recorded = self.dir / "promoted", self.dir / "recorded"
        write_tape(promoted, SESSION, [], session={"run_id": "run-1"})
        write_tape(promoted, TEST, [call("/old", {"status": 200, "body": {"json": "from tape"}})])
        deck = self.deck(RecordMode.NEW_EPISODES, replay_dir=promoted, record_dir=recorded)
        self.assertIs(clock.current(), clock.REAL, "a reel that records runs on the real clock")
        deck.begin(TEST)
        self.assertEqual(
            deck.call("http_out", "api", request("/old"), self.must_not_run),
            {"status": 200, "body": {"json": "from tape"}},
        )
        self.assertEqual(deck.call("http_out", "api", request("/new"), self.live({"status": 202})), {"status": 202})
        self.assertEqual(self.live_calls, ["live"])
        path = deck.end()
        self.assertEqual(path, recorded / file_name(TEST))
        self.assertEqual(
            [(i["seq"], i["request"]["path"]) for i in load(path).interactions], [(0, "/old"), (1, "/new")]
        )
        self.assertEqual(len(load(promoted / file_name(TEST)).interactions), 1, "the replayed tape is left alone")
        self.assertEqual(deck.close(), recorded / "_session.json")
        self.assertEqual(load(recorded / "_session.json").header["session"], {"run_id": "run-1"})

    def test_a_test_without_a_tape_is_recorded(self):
        recorded = self.dir / "recorded"
        deck = self.deck(RecordMode.NEW_EPISODES, replay_dir=self.tapes, record_dir=recorded)
        deck.begin(TEST)
        deck.call("http_out", "api", request("/x"), self.live({"status": 200}))
        self.assertEqual(deck.end(), recorded / file_name(TEST))


class OnceTest(DeckTestCase):
    def test_records_a_missing_tape_and_replays_an_existing_one(self):
        write_tape(self.tapes, SESSION, [], session={"run_id": "run-1"})
        write_tape(self.tapes, "tests.a.A.test_old", [call("/old", {"status": 200})])
        before = (self.tapes / file_name("tests.a.A.test_old")).read_text()
        deck = self.deck(RecordMode.ONCE, replay_dir=self.tapes, record_dir=self.tapes)
        self.assertTrue(deck.replaying_session)
        self.assertIsInstance(clock.current(), clock.VirtualClock)

        deck.begin("tests.a.A.test_old")
        self.assertEqual(deck.call("http_out", "api", request("/old"), self.must_not_run), {"status": 200})
        with self.assertRaises(TapeMiss):  # an existing tape is not extended in once
            deck.call("http_out", "api", request("/other"), self.must_not_run)
        self.assertIsNone(deck.end())
        self.assertEqual((self.tapes / file_name("tests.a.A.test_old")).read_text(), before)

        deck.begin("tests.a.A.test_new")
        self.assertIs(clock.current(), clock.REAL, "recording a test: the real clock")
        self.assertEqual(deck.call("http_out", "api", request("/new"), self.live({"status": 201})), {"status": 201})
        path = deck.end()
        self.assertIsInstance(clock.current(), clock.VirtualClock, "back on the replayed session")
        self.assertEqual(path, self.tapes / file_name("tests.a.A.test_new"))
        self.assertEqual(load(path).header["mode"], "once")
        self.assertEqual(self.live_calls, ["live"])
        self.assertIsNone(deck.close(), "the replayed session tape is not rewritten")
        self.assertIs(clock.current(), clock.REAL)

    def test_missing_session_is_recorded(self):
        deck = self.deck(RecordMode.ONCE, replay_dir=self.tapes, record_dir=self.tapes)
        self.assertTrue(deck.session.recording)
        self.assertIs(clock.current(), clock.REAL)
        self.assertEqual(deck.close(), self.tapes / "_session.json")


class MailboxTest(unittest.TestCase):
    def test_fifo_then_subscribe_drains_and_pushes(self):
        box = Mailbox()
        box.put({"n": 1})
        box.put({"n": 2})
        self.assertEqual(box.take(), {"n": 1})
        seen = []
        box.subscribe(seen.append)
        self.assertEqual(seen, [{"n": 2}])
        box.put({"n": 3})
        self.assertEqual(seen, [{"n": 2}, {"n": 3}])
        self.assertIsNone(box.take())


if __name__ == "__main__":
    unittest.main()
