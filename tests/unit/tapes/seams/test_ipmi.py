"""TapedCaller: BMC calls recorded around a fake caller and session, replayed with no BMC at all."""

from __future__ import annotations

import unittest

from rackharness.errors import BmcError
from rackharness.tapes.deck import TapeMiss
from rackharness.tapes.seams.ipmi import TapedCaller
from rackharness.transports.ipmi.base import BmcAddress
from tests.unit.tapes.seams import SeamTestCase

BMC = BmcAddress("10.0.0.5", 623, "admin", "Sup3r-Secret-BMC")


class Reading:
    def __init__(self, name, value, units=None):
        self.name, self.value, self.units = name, value, units


class FakeSession:
    """The part of pyghmi's Command the harness uses."""

    def __init__(self):
        self.asked: list[str] = []

    def get_power(self):
        self.asked.append("get_power")
        return {"powerstate": "on"}

    def raw_command(self, netfn, command, data=()):
        self.asked.append(f"raw_command {netfn:#x} {command:#x}")
        return {"netfn": netfn + 1, "command": command, "data": bytearray(b"\x20\x81\x02" + bytes(data))}

    def get_sensor_data(self):
        self.asked.append("get_sensor_data")
        yield Reading("CPU Temp", 41.0, "°C")
        yield Reading("Fan 1", 5400, "RPM")
        yield Reading("PSU Status", None)


class FakeCaller:
    """An IpmiCaller: runs ``fn`` on its session, or fails as a dead BMC does."""

    def __init__(self):
        self.session = FakeSession()
        self.calls: list[tuple] = []
        self.fail_on: set[str] = set()
        self.closed = False

    def call(self, address, what, fn, timeout=None):
        self.calls.append((address.host, what, timeout))
        if what in self.fail_on:
            raise BmcError(f"{address} did not complete {what} within {timeout or 10:g} s")
        return fn(self.session)

    def close(self):
        self.closed = True


def power(session):
    return session.get_power()["powerstate"]


def device_id(session):
    answer = session.raw_command(0x06, 0x01, data=[0xAA])
    return answer["netfn"], bytes(answer["data"])


def sensors(session):
    return [(r.name, r.value, r.units) for r in session.get_sensor_data()]


def power_then_sensors(session):
    return power(session), len(list(session.get_sensor_data()))


class TapedCallerTest(SeamTestCase):
    def exercise(self, caller: TapedCaller) -> list:
        out = [
            caller.call(BMC, "get power", power, timeout=5.0),
            caller.call(BMC, "get device id", device_id),
            caller.call(BMC, "read sensors", sensors),
            caller.call(BMC, "get power", power),
            caller.call(BMC, "power and sensors", power_then_sensors),
        ]
        with self.assertRaises(BmcError) as caught:
            caller.call(BMC, "chassis power cycle", lambda s: s.raw_command(0x00, 0x02, data=[0x02]), timeout=3.0)
        out.append(str(caught.exception))
        return out

    def test_replay_gives_what_the_bmc_gave(self):
        fake = FakeCaller()
        fake.fail_on.add("chassis power cycle")
        deck = self.record()
        live = self.exercise(TapedCaller(deck, fake))
        self.stop(deck)
        self.assertEqual(
            live[:5],
            [
                "on",
                (7, b"\x20\x81\x02\xaa"),
                [("CPU Temp", 41.0, "°C"), ("Fan 1", 5400, "RPM"), ("PSU Status", None, None)],
                "on",
                ("on", 3),
            ],
        )
        self.assertIn("did not complete chassis power cycle within 3 s", live[5])
        self.assertEqual([c[1:] for c in fake.calls][:2], [("get power", 5.0), ("get device id", None)])
        self.assertEqual(len(fake.session.asked), 6, "the failed call never reached the session")

        deck = self.replay()
        replayed = self.exercise(TapedCaller(deck, None))
        self.assertEqual(replayed, live)
        self.assertEqual(len(fake.calls), 6, "the replay did not reach the live caller")

    def test_the_tape_names_the_bmc_not_its_password(self):
        deck = self.record()
        TapedCaller(deck, FakeCaller()).call(BMC, "get device id", device_id)
        self.stop(deck)
        (interaction,) = self.interactions()
        self.assertEqual(
            interaction["request"],
            {"at": "10.0.0.5:623", "bmc": "10.0.0.5:623", "user": "admin", "what": "get device id"},
        )
        (entry,) = interaction["response"]["calls"]
        self.assertEqual(entry["name"], "ipmi.raw_command")
        self.assertEqual(entry["args"], [6, 1])
        self.assertEqual(entry["kwargs"], {"data": [170]})
        self.assertNotIn(BMC.password, self.tape_text())
        self.assertNotIn(BMC.password, (self.tapes / "_session.json").read_text())

    def test_a_node_named_for_its_bmc_is_matched_by_name_not_address(self):
        deck = self.record()
        TapedCaller(deck, FakeCaller(), node_of=lambda address: "node-01").call(BMC, "get power", power)
        self.stop(deck)
        (interaction,) = self.interactions()
        self.assertEqual(interaction["request"]["node"], "node-01")
        self.assertNotIn("at", interaction["request"])
        moved = BmcAddress("10.0.0.9", 16230, BMC.user, BMC.password)  # the same node's BMC, elsewhere this run
        replay = self.replay()
        self.assertEqual(
            TapedCaller(replay, None, node_of=lambda address: "node-01").call(moved, "get power", power),
            power(FakeSession()),
        )
        with self.assertRaises(TapeMiss):  # another node is another request
            TapedCaller(replay, None, node_of=lambda address: "node-02").call(moved, "get power", power)
        replay.close()

    def test_replay_of_another_bmc_or_call_misses(self):
        deck = self.record()
        TapedCaller(deck, FakeCaller()).call(BMC, "get power", power)
        self.stop(deck)
        deck = self.replay()
        caller = TapedCaller(deck)
        with self.assertRaises(TapeMiss):
            caller.call(BmcAddress("10.0.0.6", 623, "admin", "x"), "get power", power)
        with self.assertRaises(TapeMiss):
            caller.call(BMC, "get device id", device_id)

    def test_a_function_that_asks_otherwise_than_recorded_is_a_bmc_error(self):
        deck = self.record()
        TapedCaller(deck, FakeCaller()).call(BMC, "status", power)
        TapedCaller(deck, FakeCaller()).call(BMC, "status", device_id)
        self.stop(deck)
        deck = self.replay()
        caller = TapedCaller(deck)
        with self.assertRaises(BmcError) as caught:  # the tape's first "status" only read the power
            caller.call(BMC, "status", device_id)
        self.assertIn("replay does not match the tape", str(caught.exception))
        self.assertIn("ipmi.raw_command", str(caught.exception))
        with self.assertRaises(BmcError):  # the second "status" called raw_command(6, 1, data=[0xAA]), not this
            caller.call(BMC, "status", lambda s: s.raw_command(0x06, 0x01, data=[0xBB]))

    def test_diagnosis_is_recorded_and_replayed(self):
        deck = self.record()
        found = TapedCaller(deck, FakeCaller()).diagnosis(BMC, lambda: {"cause": "wrong password", "auth": ["md5"]})
        self.stop(deck)
        deck = self.replay()

        def must_not_run():
            raise AssertionError("the diagnosis ran live during a replay")

        self.assertEqual(TapedCaller(deck).diagnosis(BMC, must_not_run), found)

    def test_close_reaches_the_inner_caller(self):
        fake = FakeCaller()
        deck = self.record()
        TapedCaller(deck, fake).close()
        self.assertTrue(fake.closed)
        TapedCaller(deck).close()


if __name__ == "__main__":
    unittest.main()
