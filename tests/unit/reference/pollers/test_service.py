"""The poller service over a fake Mongo, a recording event bus and in-process BMCs (FakeCaller):
cache entries, run bookkeeping, failures, RackHD's events, scheduling, and the default pollers."""

import logging
import unittest

from bson import ObjectId

from rackharness.reference.context import TargetContext
from rackharness.reference.events_memory import RecordingEventBus
from rackharness.reference.pollers.defaults import create_default_pollers
from rackharness.reference.pollers.service import RESYNC, PollerService
from rackharness.reference.pollers.store import WorkitemStore
from rackharness.reference.pollers.views import poller_view, workitem_raw
from tests.unit.reference.pollers.fakes import FakeCaller, FakeDatabase

PASSWORD = "pw-Secret-42"


class ServiceTestCase(unittest.TestCase):
    def setUp(self):
        self.db = FakeDatabase()
        self.events = RecordingEventBus()
        self.ctx = TargetContext(db=self.db, events=self.events, config={"pollerCacheSize": 3})
        self.caller = FakeCaller(password=PASSWORD)
        self.bmc = self.caller.add("127.0.0.1", 16001)
        self.clock = [500.0]
        self.service = PollerService(self.ctx, caller=self.caller, clock=lambda: self.clock[0])
        self.ctx.pollers = self.service
        self.store = WorkitemStore(self.db)
        self.node_id = self.node("n1")

    def node(self, name, port=16001, obm=True):
        oid = ObjectId()
        self.db["nodes"].insert_one({"_id": oid, "name": name, "type": "compute"})
        if obm:
            self.db["obms"].insert_one(
                {
                    "node": oid,
                    "service": "ipmi-obm-service",
                    "config": {"host": "127.0.0.1", "port": port, "user": "admin", "password": PASSWORD},
                }
            )
        return str(oid)

    def poller(self, command, node=None, interval=1000, **fields):
        doc = self.store.create(
            "Pollers.IPMI",
            interval,
            node or self.node_id,
            {"command": command, **fields.pop("config", {})},
            fields.pop("paused", False),
        )
        return str(doc["_id"])

    def alerts(self):
        return [(key, body["data"]) for key, body in self.events.published if key.startswith("polleralert.")]

    def node_events(self):
        return [key for key, _ in self.events.published if key.startswith("node.")]


class PollRunTest(ServiceTestCase):
    def test_a_chassis_run_caches_an_entry_and_keeps_the_books(self):
        pid = self.poller("chassis", interval=1500)
        self.assertEqual(self.service.run(pid), 1.5)
        [entry] = self.service.data(pid)
        self.assertEqual(list(entry), ["host", "port", "user", "node", "chassis", "timestamp"])
        self.assertEqual((entry["node"], entry["chassis"]), (self.node_id, {"uid": "Off", "power": False}))
        self.assertNotIn(PASSWORD, repr(entry))
        doc = self.store.get(pid)
        self.assertEqual((doc["failureCount"], doc["state"], doc["leaseToken"]), (0, "accessible", None))
        self.assertIsNotNone(doc["lastStarted"])
        self.assertEqual((doc["nextScheduled"] - doc["lastFinished"]).total_seconds(), 1.5)

    def test_the_cache_keeps_pollerCacheSize_entries(self):
        pid = self.poller("selInformation")
        for _ in range(5):
            self.service.run(pid)
        self.assertEqual(len(self.service.data(pid)), 3)
        self.assertEqual(len(self.service.data(pid, latest_only=True)), 1)

    def test_power_alerts_on_the_first_result_and_on_changes(self):
        pid = self.poller("chassis")
        self.service.run(pid)
        self.service.run(pid)
        self.bmc.node.power_on()
        self.service.run(pid)
        key = f"polleralert.chassispower.updated.information.{pid}.{self.node_id}"
        self.assertEqual(
            self.alerts(),
            [(key, {"states": {"last": "OFF", "current": "OFF"}}), (key, {"states": {"last": "OFF", "current": "ON"}})],
        )

    def test_a_poller_without_a_node_names_its_bmc(self):
        doc = self.store.create(
            "Pollers.IPMI",
            1000,
            None,
            {"command": "chassis", "host": "127.0.0.1", "port": 16001, "user": "admin", "password": PASSWORD},
        )
        pid = str(doc["_id"])
        self.service.run(pid)
        [entry] = self.service.data(pid)
        self.assertIsNone(entry["node"])
        self.assertNotIn("password", entry)
        self.assertEqual(self.alerts()[0][0], f"polleralert.chassispower.updated.information.{pid}")

    def test_sel_entries_remember_their_place_in_the_config(self):
        self.bmc.node.power_on()
        pid = self.poller("selEntries")
        self.service.run(pid)
        self.assertEqual(len(self.service.data(pid)[-1]["selEntries"]), 2)
        self.assertEqual(self.store.get(pid)["config"]["lastPreviouslyReadSelEntry"], "0002")
        self.service.run(pid)
        self.assertEqual(self.service.data(pid)[-1]["selEntries"], [])

    def test_paused_deleted_and_other_pollers_do_not_run(self):
        paused = self.poller("chassis", paused=True)
        snmp = str(self.store.create("Pollers.SNMP", 1000, None, {"host": "h", "communityString": "c"})["_id"])
        self.assertIsNone(self.service.run(paused))
        self.assertIsNone(self.service.run(snmp))
        self.assertIsNone(self.service.run(str(ObjectId())))
        self.assertEqual(self.caller.calls, [])


class FailureTest(ServiceTestCase):
    def test_failures_count_up_and_a_success_resets_them(self):
        pid = self.poller("sdr")
        self.caller.silent.add(("127.0.0.1", 16001))
        with self.assertLogs("rackharness.reference.pollers.service", "WARNING") as logs:
            self.service.run(pid)
        self.service.run(pid)
        doc = self.store.get(pid)
        self.assertEqual((doc["failureCount"], doc["state"]), (2, "inaccessible"))
        self.assertEqual(self.service.data(pid), [])
        self.assertIn("did not complete", logs.output[0])
        self.caller.silent.clear()
        self.service.run(pid)
        self.assertEqual(self.store.get(pid)["failureCount"], 0)

    def test_no_obm_no_command_and_a_wrong_password_fail_without_the_password(self):
        bare = self.poller("chassis", node=self.node("bare", obm=False))
        unknown = self.poller("bogus")
        wrong = str(
            self.store.create(
                "Pollers.IPMI",
                1000,
                None,
                {
                    "command": "chassis",
                    "host": "127.0.0.1",
                    "port": 16001,
                    "user": "admin",
                    "password": "not-" + PASSWORD,
                },
            )["_id"]
        )
        with self.assertLogs("rackharness.reference.pollers.service", "WARNING") as logs:
            for pid in (bare, unknown, wrong):
                self.service.run(pid)
        self.assertIn("has no ipmi-obm-service OBM", logs.output[0])
        self.assertIn("unknown IPMI poller command 'bogus'", logs.output[1])
        self.assertNotIn(PASSWORD, "\n".join(logs.output))
        for pid in (bare, unknown, wrong):
            self.assertEqual(self.store.get(pid)["failureCount"], 1)


class ReachabilityTest(ServiceTestCase):
    def test_node_accessible_then_inaccessible_when_its_last_poller_fails(self):
        chassis, sel = self.poller("chassis"), self.poller("selInformation")
        self.service.run(chassis)
        self.service.run(sel)
        key = f"node.%s.information.{self.node_id}.{self.node_id}"
        self.assertEqual(self.node_events(), [key % "accessible"], "only the node's first accessible poller")
        self.caller.silent.add(("127.0.0.1", 16001))
        with self.assertLogs("rackharness.reference.pollers.service", "WARNING"):
            self.service.run(chassis)
            self.assertEqual(len(self.node_events()), 1, "another poller is still accessible")
            self.service.run(sel)
        self.assertEqual(self.node_events(), [key % "accessible", key % "inaccessible"])
        self.assertEqual(self.events.published[-1][1]["data"], {"nodeType": "compute"})


class SchedulingTest(ServiceTestCase):
    def test_changed_schedules_by_next_scheduled_and_drops_paused_ones(self):
        pid = self.poller("chassis")
        self.service.changed(pid)
        self.assertEqual(self.service.scheduler.due_times(), {pid: 500.0})
        self.assertEqual(self.service.scheduler.tick(), [pid])
        self.assertEqual(self.service.scheduler.due_times(), {pid: 501.0})
        self.store.update(pid, {"paused": True})
        self.service.changed(pid)
        self.assertEqual(self.service.scheduler.due_times(), {})

    def test_resync_picks_up_pollers_written_to_mongo_and_forgets_deleted_ones(self):
        kept, gone = self.poller("chassis"), self.poller("sel")
        self.service.resync()
        self.assertEqual(set(self.service.scheduler.due_times()), {kept, gone})
        self.store.delete(gone)
        self.service.resync()
        self.assertEqual(set(self.service.scheduler.due_times()), {kept})
        self.assertEqual(self.service.run(RESYNC), self.service.resync_seconds)

    def test_removed_forgets_the_data(self):
        pid = self.poller("chassis")
        self.service.run(pid)
        self.service.removed(pid)
        self.assertEqual(self.service.data(pid), [])


class DefaultPollersTest(ServiceTestCase):
    def test_six_default_pollers_scaled_and_idempotent(self):
        self.service.interval_scale = 0.1
        ids = create_default_pollers(self.ctx, self.node_id)
        docs = [self.store.get(i) for i in ids]
        self.assertEqual(
            [(d["config"]["command"], d["pollInterval"]) for d in docs],
            [
                ("sdr", 6000),
                ("selInformation", 6000),
                ("sel", 6000),
                ("selEntries", 6000),
                ("chassis", 1500),
                ("driveHealth", 3000),
            ],
        )
        self.assertTrue(
            all(d["name"] == "Pollers.IPMI" and str(d["node"]) == self.node_id and not d["paused"] for d in docs)
        )
        self.assertEqual(set(self.service.scheduler.due_times()), set(ids), "scheduled at once")
        self.assertEqual(create_default_pollers(self.ctx, self.node_id), ids)
        self.assertEqual(len(self.store.for_node(self.node_id)), 6)
        with self.assertRaises(LookupError):
            create_default_pollers(self.ctx, str(ObjectId()))

    def test_without_a_runtime_they_are_only_stored(self):
        self.ctx.pollers = None
        ids = create_default_pollers(self.ctx, self.node_id)
        self.assertEqual(self.store.get(ids[4])["pollInterval"], 15000)


class ViewsTest(ServiceTestCase):
    def test_view_and_raw_shapes_without_secrets(self):
        doc = self.store.create(
            "Pollers.IPMI",
            1000,
            self.node_id,
            {"command": "chassis", "password": PASSWORD, "nested": {"snmpCommunity": "x", "ok": 1}},
        )
        view = poller_view(doc, "/api/2.0")
        self.assertEqual(
            list(view),
            ["id", "type", "pollInterval", "node", "config", "lastStarted", "lastFinished", "paused", "failureCount"],
        )
        self.assertEqual(
            (view["type"], view["node"], view["config"]),
            ("ipmi", f"/api/2.0/nodes/{self.node_id}", {"command": "chassis", "nested": {"ok": 1}}),
        )
        raw = workitem_raw(doc)
        self.assertEqual(
            (raw["name"], raw["node"], raw["state"], raw["nextScheduled"]), ("Pollers.IPMI", self.node_id, None, None)
        )
        self.assertNotIn(PASSWORD, repr(raw) + repr(view))


if __name__ == "__main__":
    logging.basicConfig()
    unittest.main()
