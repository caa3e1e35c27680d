"""Systems: the collection, a ComputerSystem built from catalogs and poller data, reset types, reset → graph."""

from rackharness.reference.redfish.computer_system import memory_gib
from rackharness.reference.redfish.systems import ALLOWABLE_RESET_TYPES, RESET_GRAPHS
from tests.unit.reference.redfish.support import OHAI, RedfishAppTestCase

BASE = "/redfish/v1"


class FakePollers:
    interval_scale = 1.0

    def __init__(self, data):
        self.entries = data

    def data(self, poller_id, *, latest_only=False):
        return self.entries[-1:] if latest_only else list(self.entries)


class SystemsCollectionTest(RedfishAppTestCase):
    def test_lists_compute_and_redfish_nodes_only(self):
        compute, redfish = self.node(), self.node("redfish", catalogs=False)
        self.node("enclosure", catalogs=False)
        body = self.get(f"{BASE}/Systems")
        self.assertEqual(body["@odata.type"], "#ComputerSystemCollection.ComputerSystemCollection")
        self.assertEqual(body["Members@odata.count"], 2)
        self.assertEqual(
            [m["@odata.id"] for m in body["Members"]], [f"{BASE}/Systems/{compute}", f"{BASE}/Systems/{redfish}"]
        )

    def test_empty_collection(self):
        body = self.get(f"{BASE}/Systems")
        self.assertEqual((body["Members@odata.count"], body["Members"]), (0, []))


class ComputerSystemTest(RedfishAppTestCase):
    def test_fields_come_from_ohai_and_dmi(self):
        nid = self.node()
        body = self.get(f"{BASE}/Systems/{nid}")
        self.assertEqual(body["@odata.id"], f"{BASE}/Systems/{nid}")
        self.assertEqual(body["@odata.type"], "#ComputerSystem.v1_0_0.ComputerSystem")
        self.assertEqual(body["Id"], nid)
        self.assertEqual(body["UUID"], "4c4c4544-0042-3510-8056-b4c04f4e4e31")
        self.assertEqual(
            (body["Manufacturer"], body["Model"], body["SerialNumber"], body["SKU"], body["AssetTag"]),
            ("Quanta", "D51B-2U", "QTFCJ0536000C", "S2U", "RH-0001"),
        )
        self.assertEqual(body["BiosVersion"], "S2S_3A14 3.14 09/18/2014")
        self.assertEqual(body["ProcessorSummary"]["Count"], 2)
        self.assertEqual(body["ProcessorSummary"]["Model"], "Intel(R) Xeon(R) CPU E5-2650 v3")
        self.assertEqual(body["MemorySummary"]["TotalSystemMemoryGiB"], 32)
        self.assertEqual(
            body["Actions"]["#ComputerSystem.Reset"]["target"], f"{BASE}/Systems/{nid}/Actions/ComputerSystem.Reset"
        )
        self.assertEqual(
            [m["@odata.id"] for m in body["Links"]["ManagedBy"]], [f"{BASE}/Managers/{nid}", f"{BASE}/Managers/RackHD"]
        )

    def test_latest_catalog_wins(self):
        nid = self.node()
        newer = {**OHAI, "cpu": {"real": 4}}
        self.catalog(nid, "ohai", newer, age_seconds=-5)
        self.assertEqual(self.get(f"{BASE}/Systems/{nid}")["ProcessorSummary"]["Count"], 4)

    def test_without_poller_data_power_shows_on_as_rackhd_does(self):
        body = self.get(f"{BASE}/Systems/{self.node()}")
        self.assertEqual((body["PowerState"], body["IndicatorLED"]), ("On", "Unknown"))

    def test_power_and_led_come_from_the_chassis_poller(self):
        nid = self.node()
        self.db["workitems"].insert_one({"name": "Pollers.IPMI", "node": nid, "config": {"command": "chassis"}})
        self.ctx.pollers = FakePollers(
            [{"chassis": {"power": True, "uid": "Off"}}, {"chassis": {"power": False, "uid": "Temporary On"}}]
        )
        body = self.get(f"{BASE}/Systems/{nid}")
        self.assertEqual((body["PowerState"], body["IndicatorLED"]), ("Off", "Blinking"))

    def test_enclosure_links_and_no_obm(self):
        enclosure = self.node("enclosure", catalogs=False, obm=False)
        nid = self.node(obm=False, relations=[{"relationType": "enclosedBy", "targets": [enclosure]}])
        links = self.get(f"{BASE}/Systems/{nid}")["Links"]
        self.assertEqual(links["Chassis"], [{"@odata.id": f"{BASE}/Chassis/{enclosure}"}])
        self.assertEqual(links["ManagedBy"], [{"@odata.id": f"{BASE}/Managers/RackHD"}])

    def test_unknown_or_not_a_system_is_404(self):
        for identifier in ("5f0000000000000000000009", "not-an-id", self.node("enclosure", catalogs=False)):
            self.assert_redfish_error(self.client.get(f"{BASE}/Systems/{identifier}"), 404, identifier)

    def test_missing_catalogs_is_404_naming_them(self):
        nid = self.node(catalogs=False)
        self.assert_redfish_error(self.client.get(f"{BASE}/Systems/{nid}"), 404, "no ohai and no dmi catalog")

    def test_memory_sizes(self):
        self.assertEqual(memory_gib({"Memory Device": [{"Size": "512 MB"}]}), 0.5)
        self.assertEqual(memory_gib({}), 0)


class ResetTest(RedfishAppTestCase):
    def reset(self, nid, body, status=202):
        return self.call("POST", f"{BASE}/Systems/{nid}/Actions/ComputerSystem.Reset", body, status)

    def test_allowable_values(self):
        body = self.get(f"{BASE}/Systems/{self.node()}/Actions/ComputerSystem.Reset")
        self.assertEqual(
            body,
            {"@odata.type": "#RackHD.ResetAction", "ResetType@Redfish.AllowableValues": list(ALLOWABLE_RESET_TYPES)},
        )

    def test_each_reset_type_runs_its_graph_and_the_task_completes(self):
        nid = self.node()
        for reset_type, graph_name in RESET_GRAPHS.items():
            response = self.reset(nid, {"ResetType": reset_type})
            task_path = response.get_json()["@odata.id"]
            self.assertEqual(response.headers["Location"], task_path)
            instance_id = task_path.rsplit("/", 1)[1]
            graph = self.engine.wait(instance_id, 5)
            self.assertEqual((graph["injectableName"], graph["node"]), (graph_name, nid), reset_type)
            task = self.get(task_path)
            self.assertEqual((task["Id"], task["TaskState"], task["TaskStatus"]), (instance_id, "Completed", "OK"))
            self.assertEqual(task["Oem"]["RackHD"]["SystemId"], nid)
            self.assertIn("EndTime", task)

    def test_force_off_then_on_reaches_the_obm(self):
        nid = self.node()
        for reset_type, powered in (("ForceOff", False), ("On", True)):
            instance_id = self.reset(nid, {"ResetType": reset_type}).get_json()["@odata.id"].rsplit("/", 1)[1]
            self.engine.wait(instance_id, 5)
            self.assertEqual(self.noop.run("powerStatus", nid, {}), powered, reset_type)

    def test_bad_reset_types_are_400(self):
        nid = self.node()
        for body, detail in (
            ({"ResetType": "Bogus"}, "is not a ResetType"),
            ({"ResetType": "Nmi"}, "has no power graph"),
            ({"ResetType": "GracefulShutdown"}, "has no power graph"),
            ({"reset_type": "On"}, "the body must be"),
            (["On"], "the body must be"),
        ):
            response = self.client.post(f"{BASE}/Systems/{nid}/Actions/ComputerSystem.Reset", json=body)
            self.assert_redfish_error(response, 400, detail)
        self.assertEqual(list(self.db["graphobjects"].find()), [])

    def test_not_json_is_400(self):
        response = self.client.post(
            f"{BASE}/Systems/{self.node()}/Actions/ComputerSystem.Reset", data="{", content_type="application/json"
        )
        self.assert_redfish_error(response, 400, "not valid JSON")

    def test_unknown_system_is_404(self):
        response = self.client.post(
            f"{BASE}/Systems/5f0000000000000000000009/Actions/ComputerSystem.Reset", json={"ResetType": "On"}
        )
        self.assert_redfish_error(response, 404, "5f0000000000000000000009")

    def test_a_node_running_a_graph_refuses_the_reset(self):
        nid = self.node()
        self.db["graphobjects"].insert_one({"instanceId": "busy", "node": nid, "_status": "running"})
        response = self.client.post(f"{BASE}/Systems/{nid}/Actions/ComputerSystem.Reset", json={"ResetType": "On"})
        self.assert_redfish_error(response, 400, "Unable to run multiple task graphs")
