"""The Redfish services added beside Systems/Managers/Chassis: accounts and roles, events, update service,
registries, schemas, $metadata, odata, network devices, DCIM, and the RackHD manager's PATCH and NICs."""

import xml.etree.ElementTree as ET
from unittest import mock

from bson import ObjectId

from rackharness.reference.redfish import local_manager
from rackharness.reference.redfish.services import SCHEMA_FILES
from tests.unit.reference.redfish.support import RedfishAppTestCase

BASE = "/redfish/v1"
ABSENT = "ffffffffffffffffffffffff"


class AccountServiceTest(RedfishAppTestCase):
    def test_service_and_accounts(self):
        service = self.get(f"{BASE}/AccountService")
        self.assertEqual(
            (service["Accounts"], service["Roles"], service["MinPasswordLength"]),
            ({"@odata.id": f"{BASE}/AccountService/Accounts"}, {"@odata.id": f"{BASE}/AccountService/Roles"}, 6),
        )
        self.assertEqual(self.get(f"{BASE}/AccountService/Accounts")["Members"], [])
        created = self.call(
            "POST",
            f"{BASE}/AccountService/Accounts",
            {"UserName": "admin", "Password": "admin123", "RoleId": "Administrator"},
            status=201,
        )
        self.assertEqual(created.headers["Location"], f"{BASE}/AccountService/Accounts/admin")
        account = created.get_json()
        self.assertEqual(
            (account["UserName"], account["RoleId"], account["Links"]["Role"]),
            ("admin", "Administrator", {"@odata.id": f"{BASE}/AccountService/Roles/Administrator"}),
        )
        self.assertNotIn("admin123", created.get_data(as_text=True))
        listed = self.get(f"{BASE}/AccountService/Accounts")
        self.assertEqual((listed["Members@odata.count"], listed["Name"]), (1, "RackHD User Accounts"))
        self.assertEqual(self.get(f"{BASE}/AccountService/Accounts/admin"), account)
        # no second user anonymously, even from localhost; a PATCH needs a caller (RackHD's passport runs everywhere)
        self.assert_redfish_error(
            self.client.post(
                f"{BASE}/AccountService/Accounts",
                json={"UserName": "other", "Password": "other123", "RoleId": "ReadOnly"},
            ),
            401,
            "Unauthorized",
        )
        self.assert_redfish_error(
            self.client.patch(f"{BASE}/AccountService/Accounts/admin", json={"Password": "x" * 8}), 401, "Unauthorized"
        )
        self.call("DELETE", f"{BASE}/AccountService/Accounts/admin", status=204)

    def test_bad_bodies_and_unknown_accounts(self):
        for body in ([], {"UserName": "u"}, {"UserName": "u", "Password": 5, "RoleId": "ReadOnly"}):
            self.assert_redfish_error(self.client.post(f"{BASE}/AccountService/Accounts", json=body), 400, "UserName")
        self.assert_redfish_error(
            self.client.post(
                f"{BASE}/AccountService/Accounts", json={"UserName": "u", "Password": "abc12", "RoleId": "ReadOnly"}
            ),
            400,
            "(5 chars), minimum 6",
        )
        for method in ("GET", "DELETE"):
            self.assert_redfish_error(
                self.client.open(f"{BASE}/AccountService/Accounts/nobody", method=method), 404, "nobody"
            )

    def test_roles(self):
        roles = self.get(f"{BASE}/AccountService/Roles")
        self.assertEqual(
            [m["@odata.id"].rsplit("/", 1)[1] for m in roles["Members"]], ["Administrator", "Operator", "ReadOnly"]
        )
        self.assertEqual(
            self.get(f"{BASE}/AccountService/Roles/Operator")["AssignedPrivileges"],
            ["Login", "ConfigureComponents", "ConfigureSelf"],
        )
        self.assert_redfish_error(self.client.get(f"{BASE}/AccountService/Roles/Auditor"), 404, "Auditor")


class AuthenticatedAccountsTest(RedfishAppTestCase):
    AUTH_ENABLED = True

    def test_an_administrator_patches_an_account(self):
        self.ctx.auth.users.create("admin", "admin123", "Administrator")
        self.ctx.auth.users.create("reader", "reader123", "ReadOnly")
        basic = {"Authorization": "Basic YWRtaW46YWRtaW4xMjM="}  # admin:admin123
        changed = self.call(
            "PATCH", f"{BASE}/AccountService/Accounts/reader", {"RoleId": "Operator"}, status=202, headers=basic
        ).get_json()
        self.assertEqual(changed["RoleId"], "Operator")
        self.assert_redfish_error(
            self.client.patch(f"{BASE}/AccountService/Accounts/reader", json={"Locked": True}, headers=basic),
            400,
            "Bad Request",
        )
        self.assert_redfish_error(
            self.client.patch(f"{BASE}/AccountService/Accounts/nobody", json={}, headers=basic), 404, "nobody"
        )


class EventServiceTest(RedfishAppTestCase):
    DESTINATION = {
        "Destination": "http://192.0.2.5:8000/events",
        "EventTypes": ["Alert"],
        "Context": "rack",
        "Protocol": "Redfish",
    }

    def test_subscribe_list_get_delete(self):
        service = self.get(f"{BASE}/EventService")
        self.assertEqual(
            (service["DeliveryRetryAttempts"], service["Subscriptions"]),
            (3, {"@odata.id": f"{BASE}/EventService/Subscriptions"}),
        )
        self.assertEqual(self.get(f"{BASE}/EventService/Subscriptions")["Members@odata.count"], 0)
        created = self.call("POST", f"{BASE}/EventService/Subscriptions", self.DESTINATION, status=201)
        identifier = created.get_json()["Id"]
        self.assertEqual(created.headers["Location"], f"{BASE}/EventService/Subscription/{identifier}")
        self.assertEqual(
            self.get(f"{BASE}/EventService/Subscriptions")["Members"],
            [{"@odata.id": f"{BASE}/EventService/Subscriptions/{identifier}"}],
        )
        self.assertEqual(
            self.get(f"{BASE}/EventService/Subscriptions/{identifier}")["Destination"], self.DESTINATION["Destination"]
        )
        self.call("POST", f"{BASE}/EventService/Subscriptions", self.DESTINATION, status=409)
        self.call("DELETE", f"{BASE}/EventService/Subscriptions/{identifier}", status=204)
        self.assert_redfish_error(
            self.client.get(f"{BASE}/EventService/Subscriptions/{identifier}"),
            404,
            f"EventDestination {identifier} Not Found",
        )

    def test_bad_bodies(self):
        for body in (
            [],
            {"Destination": "http://x"},
            {**self.DESTINATION, "EventTypes": ["Nope"]},
            {**self.DESTINATION, "Protocol": "SNMP"},
        ):
            self.assert_redfish_error(self.client.post(f"{BASE}/EventService/Subscriptions", json=body), 400, "")
        self.assert_redfish_error(self.client.delete(f"{BASE}/EventService/Subscriptions/999999"), 404, "999999")


class UpdateServiceTest(RedfishAppTestCase):
    def test_inventory_from_catalogs(self):
        self.assertEqual(self.get(f"{BASE}/UpdateService/FirmwareInventory")["Members"], [])
        nid = self.node(catalogs=False)
        self.catalog(nid, "dmi", {"BIOS Information": {"Version": "S2S_3A14", "BIOS Revision": "3.14"}})
        self.catalog(nid, "ipmi-mc-info", {"Firmware Revision": "1.02"})
        for kind in ("FirmwareInventory", "SoftwareInventory"):
            listed = self.get(f"{BASE}/UpdateService/{kind}")
            self.assertEqual(
                listed["Members"],
                [
                    {"@odata.id": f"{BASE}/UpdateService/FirmwareInventory/BIOS-S2S_3A14"},
                    {"@odata.id": f"{BASE}/UpdateService/FirmwareInventory/BMC-1.02"},
                ],
            )
        self.assertEqual(
            self.get(f"{BASE}/UpdateService/FirmwareInventory/BMC-1.02")["RelatedItem"],
            [{"@odata.id": f"{BASE}/Managers/{nid}"}],
        )
        self.assertEqual(
            self.get(f"{BASE}/UpdateService/SoftwareInventory/BIOS-S2S_3A14")["RelatedItem"],
            [{"@odata.id": f"{BASE}/Systems/{nid}"}],
        )
        self.assert_redfish_error(self.client.get(f"{BASE}/UpdateService/FirmwareInventory/{ABSENT}"), 404, ABSENT)
        self.assertEqual(
            self.get(f"{BASE}/UpdateService")["FirmwareInventory"],
            {"@odata.id": f"{BASE}/UpdateService/FirmwareInventory"},
        )


class ServiceDescriptionTest(RedfishAppTestCase):
    def test_registries_and_schemas(self):
        self.assertEqual(self.get(f"{BASE}/Registries")["Members"], [{"@odata.id": f"{BASE}/Registries/Base.1.0.0"}])
        self.assertEqual(self.get(f"{BASE}/Registries/Base.1.0.0")["Registry"], "DSP8010_1.0.0")
        self.assert_redfish_error(self.client.get(f"{BASE}/Registries/{ABSENT}"), 404, f"{ABSENT} was not found")
        schemas = self.get(f"{BASE}/JsonSchemas")
        self.assertEqual(schemas["Members@odata.count"], len(SCHEMA_FILES))
        self.assertIn({"@odata.id": f"{BASE}/Schemas/ServiceRoot.v1_3_0"}, schemas["Members"])
        self.assertEqual(self.get(f"{BASE}/JsonSchemas/ServiceRoot.v1_3_0")["Schema"], "ServiceRoot.v1_3_0")
        self.assert_redfish_error(self.client.get(f"{BASE}/JsonSchemas/{ABSENT}"), 404, ABSENT)

    def test_metadata_and_odata(self):
        response = self.call("GET", f"{BASE}/$metadata")
        self.assertEqual(response.mimetype, "application/xml")
        root = ET.fromstring(response.get_data())
        self.assertEqual(root.tag, "{http://docs.oasis-open.org/odata/ns/edmx}Edmx")
        odata = self.get(f"{BASE}/odata")
        self.assertEqual(odata["value"][0], {"name": "Service", "kind": "Singleton", "url": f"{BASE}/"})

    def test_network_devices_and_dcim(self):
        self.assertEqual(self.get(f"{BASE}/NetworkDevices")["Members"], [])
        switch = str(ObjectId())
        self.db["nodes"].insert_one({"_id": ObjectId(switch), "type": "switch", "identifiers": ["sw-1"]})
        self.assertEqual(
            self.get(f"{BASE}/NetworkDevices")["Members"], [{"@odata.id": f"{BASE}/NetworkDevices/sw-1-{switch}"}]
        )
        self.assert_redfish_error(self.client.get(f"{BASE}/NetworkDevices/{ABSENT}"), 404, ABSENT)
        self.assertEqual(self.get(f"{BASE}/DCIMCooling")["Members"], [])
        self.db["nodes"].insert_one({"type": "power", "identifiers": ["pdu", "x", "room-1", "ups"]})
        self.assertEqual(self.get(f"{BASE}/DCIMPower")["Members"], [{"@odata.id": f"{BASE}/DCIMPower/room-1"}])


class LocalManagerTest(RedfishAppTestCase):
    def test_patch_managers(self):
        self.assert_redfish_error(self.client.patch(f"{BASE}/Managers/RackHD", json={}), 404, "invalid resource")
        nid = self.node()
        self.call("PATCH", f"{BASE}/Managers/RackHD", {}, status=204)
        for identifier in (nid, ABSENT):  # RackHD patches no manager but its own
            response = self.client.patch(f"{BASE}/Managers/{identifier}", json={})
            self.assertEqual(response.status_code, 405)
            self.assertEqual(response.get_json()["error"]["@Message.ExtendedInfo"][1]["Message"], "method not allowed")

    def test_ethernet_interfaces_of_the_host(self):
        interfaces = {
            "lo": {"ipv4": []},
            "eth0": {"ipv4": [{"Address": "192.0.2.2", "SubnetMask": "255.255.255.0"}], "mac": "02:00:00:00:00:01"},
        }
        with mock.patch.object(local_manager, "host_interfaces", return_value=interfaces):
            listed = self.get(f"{BASE}/Managers/RackHD/EthernetInterfaces")
            self.assertEqual(listed["Members"], [{"@odata.id": f"{BASE}/Managers/RackHD/EthernetInterfaces/eth0"}])
            eth0 = self.get(f"{BASE}/Managers/RackHD/EthernetInterfaces/eth0")
            self.assertEqual(
                (eth0["Id"], eth0["MACAddress"], eth0["IPv4Addresses"]),
                ("eth0", "02:00:00:00:00:01", interfaces["eth0"]["ipv4"]),
            )
            self.assert_redfish_error(
                self.client.get(f"{BASE}/Managers/RackHD/EthernetInterfaces/eth9"), 404, "invalid resource"
            )
        self.assertIsInstance(local_manager.host_interfaces(), dict)
