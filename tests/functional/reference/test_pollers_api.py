"""Pollers through the API over a real nx-27017 (contract §1.4, §6): CRUD in RackHD's view and raw
shapes, schema errors, 404s, /nodes/{id}/pollers, cached data (200 / 204), run bookkeeping round
trips through nx-27017's $set-datetime quirk, and no secret in any answer."""

from bson import ObjectId

from rackharness.reference.pollers.defaults import create_default_pollers
from rackharness.reference.pollers.service import PollerService
from rackharness.reference.pollers.store import WorkitemStore
from tests.functional.reference.support import TargetApiTestCase
from tests.unit.reference.pollers.fakes import FakeCaller

VIEW_KEYS = ["id", "type", "pollInterval", "node", "config", "lastStarted", "lastFinished", "paused", "failureCount"]
RAW_KEYS = {
    "id",
    "name",
    "node",
    "config",
    "pollInterval",
    "nextScheduled",
    "lastStarted",
    "lastFinished",
    "leaseToken",
    "leaseExpires",
    "failureCount",
    "paused",
    "state",
    "createdAt",
    "updatedAt",
}
SECRET = "bmc-Secret-9"
MAC = "52:54:00:aa:bb:01"


class PollersApiTest(TargetApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.caller = FakeCaller(password=SECRET)
        cls.bmc = cls.caller.add("127.0.0.1", 16001)
        cls.ctx.pollers = cls.service = PollerService(cls.ctx, caller=cls.caller)  # never started: no thread
        cls.addClassCleanup(setattr, cls.ctx, "pollers", None)

    def setUp(self):
        super().setUp()
        self.service.cache._entries.clear()
        self.nid = self.create_node(identifiers=[MAC])["id"]

    def create(self, body, status=201):
        return self.call("POST", "/pollers", body, status)

    def chassis_poller(self, **extra):
        return self.create(
            {"type": "ipmi", "pollInterval": 1000, "node": self.nid, "config": {"command": "chassis"}, **extra}
        )

    def test_post_answers_the_view_and_stores_rackhd_raw_work_item(self):
        view = self.chassis_poller()
        self.assertEqual(list(view), VIEW_KEYS)
        self.assertEqual(
            (
                view["type"],
                view["pollInterval"],
                view["node"],
                view["config"],
                view["paused"],
                view["failureCount"],
                view["lastStarted"],
            ),
            ("ipmi", 1000, f"/api/2.0/nodes/{self.nid}", {"command": "chassis"}, False, 0, None),
        )
        stored = self.db.workitems.find_one({"_id": ObjectId(view["id"])})
        self.assertEqual((stored["name"], stored["node"]), ("Pollers.IPMI", ObjectId(self.nid)))
        self.assertIn(view["id"], self.service.scheduler.due_times(), "scheduled at once")
        self.assertEqual(self.call("GET", f"/pollers/{view['id']}"), view)
        self.assertEqual([p["id"] for p in self.call("GET", "/pollers")], [view["id"]])

    def test_node_pollers_are_raw_and_found_by_mac(self):
        view = self.chassis_poller()
        other = self.create(
            {"type": "snmp", "pollInterval": 5000, "config": {"host": "10.1.1.3", "communityString": SECRET}}
        )
        for identifier in (self.nid, MAC):
            (raw,) = self.call("GET", f"/nodes/{identifier}/pollers")
            self.assertEqual(set(raw), RAW_KEYS)
            self.assertEqual(
                (raw["id"], raw["name"], raw["node"], raw["state"], raw["leaseToken"]),
                (view["id"], "Pollers.IPMI", self.nid, None, None),
            )
        self.assertEqual(other["config"], {"host": "10.1.1.3"}, "communityString is a secret")
        self.assertEqual([p["id"] for p in self.call("GET", "/pollers?type=snmp")], [other["id"]])
        self.assertEqual(len(self.call("GET", "/pollers?$top=1")), 1)
        self.assert_rackhd_error(self.call("GET", f"/nodes/{ObjectId()}/pollers", status=404), 404)

    def test_patch_changes_fields_and_pausing_unschedules(self):
        view = self.chassis_poller()
        patched = self.call("PATCH", f"/pollers/{view['id']}", {"pollInterval": 2500, "paused": True})
        self.assertEqual((patched["pollInterval"], patched["paused"]), (2500, True))
        self.assertNotIn(view["id"], self.service.scheduler.due_times())
        resumed = self.call("PATCH", f"/pollers/{view['id']}", {"paused": False, "type": "ipmi"})
        self.assertFalse(resumed["paused"])
        self.assertIn(view["id"], self.service.scheduler.due_times())

    def test_bad_bodies_answer_400_with_rackhds_error(self):
        good = {"type": "ipmi", "pollInterval": 1000, "config": {"command": "chassis"}}
        bad = [
            {},
            {**good, "type": "telnet"},
            {**good, "pollInterval": "fast"},
            {**good, "extra": 1},
            {**good, "config": "chassis"},
            {**good, "pollInterval": 1.5},
            {**good, "pollInterval": -1},
            {**good, "paused": "yes"},
            ["not", "an", "object"],
        ]
        for body in bad:
            self.assert_rackhd_error(self.create(body, 400), 400)
        view = self.chassis_poller()
        for body in ({"pollInterval": "fast"}, {"node": 7}, {"bogus": True}):
            self.assert_rackhd_error(self.call("PATCH", f"/pollers/{view['id']}", body, 400), 400)
        self.assertEqual(self.db.workitems.count_documents({}), 1)

    def test_unknown_pollers_and_nodes_answer_404(self):
        for path in (
            f"/pollers/{ObjectId()}",
            "/pollers/not-an-id",
            f"/pollers/{ObjectId()}/data",
            f"/pollers/{ObjectId()}/data/current",
        ):
            self.assert_rackhd_error(self.call("GET", path, status=404), 404)
        self.assert_rackhd_error(self.call("PATCH", f"/pollers/{ObjectId()}", {"paused": True}, 404), 404)
        self.assert_rackhd_error(self.call("DELETE", f"/pollers/{ObjectId()}", status=404), 404)
        body = {"type": "ipmi", "pollInterval": 1000, "node": str(ObjectId()), "config": {"command": "sdr"}}
        self.assert_rackhd_error(self.create(body, 404), 404)

    def test_data_is_204_until_a_poll_then_the_cache(self):
        view = self.chassis_poller()
        for path in ("data", "data/current"):
            response = self.client.get(f"/api/2.0/pollers/{view['id']}/{path}")
            self.assertEqual((response.status_code, response.data), (204, b""))
        self.call(
            "PUT",
            f"/nodes/{self.nid}/obm",
            {
                "nodeId": self.nid,
                "service": "ipmi-obm-service",
                "config": {"host": "127.0.0.1", "port": 16001, "user": "admin", "password": SECRET},
            },
            201,
        )
        for _ in range(2):
            self.service.run(view["id"])
        self.bmc.node.power_on()
        self.service.run(view["id"])
        data = self.call("GET", f"/pollers/{view['id']}/data")
        self.assertEqual([entry["chassis"]["power"] for entry in data], [False, False, True])
        self.assertEqual(self.call("GET", f"/pollers/{view['id']}/data/current"), data[-1:])
        self.assertEqual(set(data[0]), {"host", "port", "user", "node", "chassis", "timestamp"})
        self.assertNotIn(SECRET, str(data))
        shown = self.call("GET", f"/pollers/{view['id']}")
        self.assertTrue(shown["lastStarted"].endswith("Z") and shown["lastFinished"].endswith("Z"), shown)
        (raw,) = self.call("GET", f"/nodes/{self.nid}/pollers")
        self.assertEqual((raw["state"], raw["failureCount"], raw["leaseToken"]), ("accessible", 0, None))
        self.assertGreater(raw["nextScheduled"], raw["lastFinished"])
        keys = [key for key, _ in self.events.published if key.startswith("polleralert")]
        self.assertEqual(len(keys), 2, "the first result and the power change")

    def test_delete_removes_the_poller_and_its_data(self):
        view = self.chassis_poller()
        self.service.cache.add(view["id"], {"chassis": {}})
        self.assertIsNone(self.call("DELETE", f"/pollers/{view['id']}", status=204))
        self.call("GET", f"/pollers/{view['id']}", status=404)
        self.assertEqual(self.service.data(view["id"]), [])

    def test_a_poller_without_a_node_never_shows_its_password(self):
        view = self.create(
            {
                "type": "ipmi",
                "pollInterval": 1000,
                "config": {
                    "command": "chassis",
                    "host": "127.0.0.1",
                    "port": 16001,
                    "user": "admin",
                    "password": SECRET,
                },
            }
        )
        self.assertIsNone(view["node"])
        self.service.run(view["id"])
        answers = [
            self.call("GET", f"/pollers/{view['id']}"),
            self.call("GET", "/pollers"),
            self.call("GET", f"/pollers/{view['id']}/data"),
        ]
        self.assertNotIn(SECRET, str(answers))
        self.assertEqual(answers[2][0]["chassis"], {"uid": "Off", "power": False})

    def test_default_pollers_and_bookkeeping_on_nx_27017(self):
        ids = create_default_pollers(self.ctx, self.nid)
        self.assertEqual(len(self.call("GET", f"/nodes/{self.nid}/pollers")), 6)
        self.assertEqual(create_default_pollers(self.ctx, self.nid), ids)
        store = WorkitemStore(self.db)
        doc = store.get(ids[0])
        store.started(doc)
        store.finished(doc, False)
        (raw,) = [p for p in self.call("GET", f"/nodes/{self.nid}/pollers") if p["id"] == ids[0]]
        self.assertEqual((raw["failureCount"], raw["state"]), (1, "inaccessible"))
        self.assertTrue(raw["lastStarted"].endswith("Z") and raw["nextScheduled"].endswith("Z"), raw)
        store.started(store.get(ids[1]))
        self.assertEqual(store.release_leases(), 1, "a lease a stopped target left behind")
