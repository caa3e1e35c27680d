"""The suite's record/replay sessions (rackharness.suite.recording): the system under test and run id on tape."""

from __future__ import annotations

import tempfile
import unittest
from dataclasses import replace
from pathlib import Path

from rackharness import __version__, clock
from rackharness.config.loader import load_config
from rackharness.errors import UsageError
from rackharness.stack_info import BmcAccess, NodeInfo
from rackharness.suite.recording import (
    RUN_KEY,
    SUT_KEY,
    TapedClients,
    recording_session,
    replay_session,
)
from rackharness.suite.sut import AuthAccess, SystemUnderTest, from_record, to_record
from rackharness.tapes.modes import RecordMode
from rackharness.tapes.tape import Tape, load
from rackharness.transports.amqp.memory_side import forget_broker
from rackharness.transports.http_out.in_process import forget, serve
from rackharness.transports.mongo.mongomock_side import forget as forget_mongo

NODES = (
    NodeInfo(
        "node-01",
        ("52:54:00:aa:bb:01", "52:54:00:aa:bb:02"),
        BmcAccess("10.0.0.5", 623, "admin", "BmcPw-one", mac="52:54:00:cc:dd:01"),
        uuid="0b9f3c52-1d2e-4f60-8a7b-0c1d2e3f4a5b",
        serial="SN-1",
        profile="quanta-d51",
        sku="gold",
        ip="10.0.1.5",
    ),
    NodeInfo(
        "node-02",
        ("52:54:00:aa:bb:03",),
        BmcAccess("10.0.0.6", 624, "root", "BmcPw-two"),
        power_control=False,
        fault="bmc-silent",
    ),
)
TARGET = SystemUnderTest(
    api_url="http://10.0.0.2:9090",
    amqp_url="amqp://rackhd:AmqpPw-1@10.0.0.2:5672/%2F",
    mongo_url="mongodb://10.0.0.2:27017",
    database="pxe",
    nodes=NODES,
    source="config file lab.yaml",
    provider="local",
    auth=AuthAccess("https://10.0.0.2:9093", "admin", "ApiPw-123", "TokSecret-1", token_expire=3600),
    callback_port=40417,
    api_timeout=20.0,
    discover_timeout=300.0,
    kind="reference",
    version="0.1.0",
)


class RecordingTestCase(unittest.TestCase):
    def setUp(self):
        self.assertIs(clock.current(), clock.REAL)
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.dir = Path(temp.name)
        self.record_dir, self.tapes_dir = self.dir / "recorded", self.dir / "promoted"
        self.addCleanup(self._real_clock_back)

    def _real_clock_back(self):
        leaked = clock.current()
        clock.install(clock.REAL)
        self.assertIs(leaked, clock.REAL, "a deck left its virtual clock installed")

    def config(self, *, tapes_dir: Path | None = None, tape_set: str = "reference"):
        flags = {
            "tapes.dir": (str(tapes_dir or self.tapes_dir), "test"),
            "tapes.set": (tape_set, "test"),
            "tapes.record_dir": (str(self.record_dir), "test"),
        }
        return load_config(None, environ={}, flags=flags)

    def record(self, mode: RecordMode = RecordMode.ALL, run_id: str = "3f2a1c", target: SystemUnderTest = TARGET):
        deck, run = recording_session(mode, self.config(), target, run_id, "10.0.0.1")
        self.addCleanup(deck.close)
        return deck, run


class RecordThenReplayTest(RecordingTestCase):
    def test_replay_gives_back_the_recorded_system_and_run_id(self):
        deck, run_id = self.record()
        self.assertEqual(run_id, "3f2a1c")
        self.assertTrue(deck.session.recording)
        path = deck.close()
        self.assertEqual(path, self.record_dir / "reference" / "_session.json")

        header = load(path).header
        self.assertEqual(header["system"], "reference")
        self.assertEqual(header["target"], "reference target 0.1.0")
        self.assertEqual(header["rackharness"], __version__)
        self.assertEqual(header["session"][RUN_KEY], "3f2a1c")
        self.assertEqual(header["session"][SUT_KEY]["callback_host"], "10.0.0.1")

        deck, target, run_id = replay_session(RecordMode.NONE, self.config(tapes_dir=self.record_dir))
        self.addCleanup(deck.close)
        self.assertEqual(run_id, "3f2a1c")
        where = f"tape set reference in {self.record_dir / 'reference'}"
        self.assertEqual(target, replace(TARGET, callback_host="10.0.0.1", source=where))
        self.assertEqual(target.nodes, NODES)
        self.assertEqual(target.nodes[0].macs, ("52:54:00:aa:bb:01", "52:54:00:aa:bb:02"))
        self.assertIsInstance(target.nodes[0].macs, tuple)
        self.assertEqual(target.nodes[1].bmc.password, "BmcPw-two")
        self.assertEqual(target.auth, TARGET.auth)
        self.assertTrue(deck.replaying_session)
        self.assertIsInstance(clock.current(), clock.VirtualClock, "a replay runs on the virtual clock")
        deck.close()
        self.assertIs(clock.current(), clock.REAL)

    def test_a_system_without_auth_or_nodes(self):
        bare = replace(TARGET, nodes=(), auth=None, kind="rackhd", version="2.60.7", provider=None)
        deck, _ = self.record(target=bare)
        deck.close()
        self.assertTrue((self.record_dir / "rackhd-2.60.7" / "_session.json").is_file())
        deck, target, _ = replay_session(
            RecordMode.NONE, self.config(tapes_dir=self.record_dir, tape_set="rackhd-2.60.7")
        )
        self.addCleanup(deck.close)
        self.assertEqual(target, replace(bare, callback_host="10.0.0.1", source=target.source))
        self.assertIsNone(target.auth)

    def test_to_record_from_record_round_trip(self):
        record = to_record(TARGET)
        self.assertEqual(record["nodes"][0]["macs"], ["52:54:00:aa:bb:01", "52:54:00:aa:bb:02"])
        self.assertEqual(from_record(record, source="x"), replace(TARGET, source="x"))

    def test_once_keeps_the_recorded_session(self):
        deck, _ = self.record(run_id="3f2a1c")
        deck.close()
        deck, run_id = self.record(RecordMode.ONCE, run_id="99aa00", target=replace(TARGET, api_url="http://other:1"))
        self.assertEqual(run_id, "3f2a1c", "names must match the recorded tapes")
        self.assertFalse(deck.session.recording)
        self.assertEqual(deck.session_data[SUT_KEY]["api_url"], "http://10.0.0.2:9090")
        self.assertIsNone(deck.close())

    def test_new_episodes_keeps_the_recorded_run_id(self):
        deck, _ = self.record(run_id="3f2a1c")
        deck.close()
        deck, run_id = self.record(RecordMode.NEW_EPISODES, run_id="99aa00")
        self.assertEqual(run_id, "3f2a1c", "the recorded interactions name things with the recorded run id")
        self.assertEqual(load(deck.close()).header["session"][RUN_KEY], "3f2a1c")

    def test_all_records_a_new_run_id(self):
        deck, _ = self.record(run_id="3f2a1c")
        deck.close()
        deck, run_id = self.record(RecordMode.ALL, run_id="99aa00")
        self.assertEqual(run_id, "99aa00")
        self.assertEqual(load(deck.close()).header["session"][RUN_KEY], "99aa00")


class ReplaySessionErrorsTest(RecordingTestCase):
    def test_missing_set_lists_the_sets_there_and_how_to_record(self):
        for name in ("rackhd-2.60.7", "lab-rackhd-2.60.7"):
            Tape({"test": "(session)"}).save(self.tapes_dir / name / "_session.json")
        (self.tapes_dir / "not-a-set").mkdir()
        with self.assertRaises(UsageError) as caught:
            replay_session(RecordMode.NONE, self.config(tape_set="reference"))
        error = caught.exception
        self.assertIn(
            f"RACKHARNESS_RECORD_MODE=none: no tape set 'reference' at {self.tapes_dir / 'reference'} "
            "(no _session.json); sets there: lab-rackhd-2.60.7, rackhd-2.60.7",
            error.message,
        )
        self.assertIn("RACKHARNESS_RECORD_MODE=all", error.hint)
        self.assertIn("rackharness tapes promote", error.hint)
        self.assertIn("RACKHARNESS_TAPES_SET", error.hint)
        self.assertIs(clock.current(), clock.REAL)

    def test_missing_tapes_dir_says_none(self):
        with self.assertRaises(UsageError) as caught:
            replay_session(RecordMode.NONE, self.config(tapes_dir=self.dir / "nowhere"))
        self.assertIn("sets there: none", caught.exception.message)

    def test_session_tape_without_the_system(self):
        Tape({"test": "(session)", "session": {RUN_KEY: "3f2a1c"}}).save(self.tapes_dir / "reference" / "_session.json")
        with self.assertRaises(UsageError) as caught:
            replay_session(RecordMode.NONE, self.config())
        self.assertIn("the session tape does not say which system it recorded", str(caught.exception))
        self.assertIs(clock.current(), clock.REAL, "a failed replay_session must give the real clock back")

    def test_session_tape_with_a_broken_system(self):
        Tape(
            {"test": "(session)", "session": {RUN_KEY: "3f2a1c", SUT_KEY: {"api_url": "http://x", "nodes": [{}]}}}
        ).save(self.tapes_dir / "reference" / "_session.json")
        with self.assertRaises((KeyError, TypeError)):
            replay_session(RecordMode.NONE, self.config())
        self.assertIs(clock.current(), clock.REAL, "a failed replay_session must give the real clock back")


class TapedClientsTest(RecordingTestCase):
    def test_replay_opens_no_live_side(self):
        deck, _ = self.record()
        deck.close()
        deck, _, _ = replay_session(RecordMode.NONE, self.config(tapes_dir=self.record_dir))
        self.addCleanup(deck.close)
        clients = TapedClients(deck)
        self.assertFalse(clients.live)
        self.assertIsNone(clients.http("api", "http://10.0.0.2:9090", 5.0).inner)
        self.assertIsNone(clients.amqp("amqp://rackhd:x@10.0.0.2:5672/%2F", 1.0).inner)
        self.assertIsNone(clients.mongo("mongodb://10.0.0.2:27017", "pxe").inner)
        self.assertIsNone(clients.ipmi().inner)

    def test_recording_opens_the_live_side(self):
        deck, _ = self.record()
        clients = TapedClients(deck)
        self.assertTrue(clients.live)
        self.addCleanup(forget, "tapes-recording-unit")
        http = clients.http("api", serve("tapes-recording-unit", lambda call: 204), 5.0)
        self.assertIsNotNone(http.inner)
        self.assertEqual(http.request("GET", "/x").status_code, 204)
        self.addCleanup(forget_broker, "tapes-recording-unit")
        amqp = clients.amqp("memory://tapes-recording-unit", 1.0)
        self.addCleanup(amqp.close)
        self.assertIsNotNone(amqp.inner)
        self.addCleanup(forget_mongo, "mongomock://tapes-recording-unit")
        db = clients.mongo("mongomock://tapes-recording-unit", "pxe")
        self.assertIsNotNone(db.inner)
        self.assertEqual(db["nodes"].count_documents({}), 0)
        self.assertEqual([i["seam"] for i in deck.session.tape.interactions], ["http_out", "mongo"])


if __name__ == "__main__":
    unittest.main()
