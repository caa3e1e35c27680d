"""Managers, Chassis, the ServiceRoot, /redfish and the Redfish error body."""

from rackharness.reference.redfish.chassis import chassis_type
from tests.unit.reference.redfish.support import RedfishAppTestCase

BASE = "/redfish/v1"


class ManagersTest(RedfishAppTestCase):
    def test_compute_nodes_with_obms_and_rackhd(self):
        managed, unmanaged = self.node(), self.node(obm=False)
        body = self.get(f"{BASE}/Managers")
        self.assertEqual(
            [m["@odata.id"] for m in body["Members"]], [f"{BASE}/Managers/{managed}", f"{BASE}/Managers/RackHD"]
        )
        self.assertEqual(body["Members@odata.count"], 2)
        rackhd = self.get(f"{BASE}/Managers/RackHD")
        self.assertEqual(rackhd["ManagerType"], "ManagementController")
        self.assertEqual(rackhd["Links"]["ManagerForServers@odata.count"], 2)
        self.assertIn({"@odata.id": f"{BASE}/Systems/{unmanaged}"}, rackhd["Links"]["ManagerForServers"])

    def test_a_bmc_manager(self):
        nid = self.node()
        self.catalog(nid, "ipmi-mc-info", {"Product Name": "Virtual BMC", "Firmware Revision": "1.02"})
        body = self.get(f"{BASE}/Managers/{nid}")
        self.assertEqual(
            (body["Id"], body["ManagerType"], body["Model"], body["FirmwareVersion"]),
            (nid, "BMC", "Virtual BMC", "1.02"),
        )
        self.assertEqual(body["Links"]["ManagerForServers"], [{"@odata.id": f"{BASE}/Systems/{nid}"}])

    def test_unknown_manager_is_404(self):
        self.assert_redfish_error(self.client.get(f"{BASE}/Managers/5f0000000000000000000009"), 404, "Manager")


class ChassisTest(RedfishAppTestCase):
    def test_enclosures_by_id_and_serial(self):
        nid = self.node()
        enclosure = self.node(
            "enclosure",
            catalogs=False,
            obm=False,
            name="Enclosure Node CH77",
            relations=[{"relationType": "encloses", "targets": [nid]}],
        )
        body = self.get(f"{BASE}/Chassis")
        self.assertEqual(
            [m["@odata.id"] for m in body["Members"]], [f"{BASE}/Chassis/{enclosure}", f"{BASE}/Chassis/CH77"]
        )
        for identifier in (enclosure, "CH77"):
            chassis = self.get(f"{BASE}/Chassis/{identifier}")
            self.assertEqual(chassis["Id"], identifier)
            self.assertEqual(chassis["Links"]["ComputerSystems"], [{"@odata.id": f"{BASE}/Systems/{nid}"}])
            self.assertEqual(
                (chassis["ChassisType"], chassis["SerialNumber"], chassis["Model"]), ("RackMount", "CH-77", "D51B-2U")
            )

    def test_compute_node_is_not_a_chassis(self):
        nid = self.node()
        self.assert_redfish_error(self.client.get(f"{BASE}/Chassis/{nid}"), 404, nid)

    def test_chassis_type(self):
        self.assertEqual(chassis_type("Main Server Chassis"), "Other")
        self.assertEqual(chassis_type("Blade"), "Blade")


class RootTest(RedfishAppTestCase):
    def test_versions(self):
        self.assertEqual(self.get("/redfish"), {"v1": "/redfish/v1/"})

    def test_service_root_links(self):
        body = self.get(f"{BASE}/")
        self.assertEqual((body["Name"], body["RedfishVersion"]), ("Root Service", "1.0.0"))
        for key, path in (
            ("Systems", "Systems"),
            ("Chassis", "Chassis"),
            ("Managers", "Managers"),
            ("Tasks", "TaskService"),
            ("SessionService", "SessionService"),
        ):
            self.assertEqual(body[key], {"@odata.id": f"{BASE}/{path}"})
        self.assertEqual(body["UUID"], self.get(BASE)["UUID"])
        for key in ("Systems", "Chassis", "Managers", "Tasks", "SessionService"):
            self.call("GET", body[key]["@odata.id"])
