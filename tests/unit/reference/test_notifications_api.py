"""What outside machines post to the target (api/notifications.py: Redfish alerts, UCS callbacks) and the
bodies that are not objects where RackHD's body parameter is one (POST /tags, PUT /workflows/tasks)."""

import datetime as dt
import json
import unittest

from bson import ObjectId

from rackharness.reference.app import create_app
from rackharness.reference.context import TargetContext
from rackharness.reference.events_memory import RecordingEventBus
from rackharness.reference.workflows.engine import WorkflowEngine
from rackharness.reference.workflows.obm import NoopObmService, ObmRegistry
from tests.support.fake_mongo import FakeDatabase

BMC_IP = "172.31.128.20"
ALERT = {
    "EventType": "Alert",
    "EventId": "8689",
    "Severity": "Critical",
    "MessageId": "CMC8572",
    "Message": "The coin cell battery in CMC 1 is not working.",
}
FRU = {
    "Builtin FRU Device (ID 0)": {
        "Board Product": "PowerEdge R630",
        "Product Serial": "4666482",
        "Board Serial": "CN747515A80855",
    }
}


class ApiTestCase(unittest.TestCase):
    AUTH_ENABLED = False

    def setUp(self):
        self.db = FakeDatabase()
        self.events = RecordingEventBus()
        self.ctx = TargetContext(db=self.db, events=self.events)
        self.ctx.engine = WorkflowEngine(self.ctx, obms=ObmRegistry({"noop-obm-service": NoopObmService()}))
        self.addCleanup(self.ctx.engine.close)
        self.client = create_app(self.ctx, auth_enabled=self.AUTH_ENABLED).test_client()

    def call(self, method, path, body=None, status=200, headers=None, raw=None):
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        response = self.client.open(
            f"/api/2.0{path}",
            method=method,
            data=data,
            headers=headers,
            content_type="application/json" if data is not None else None,
        )
        self.assertEqual(response.status_code, status, f"{method} {path}: {response.get_data(as_text=True)[:500]}")
        return response

    def assert_400(self, method, path, body, text, headers=None):
        error = self.call(method, path, body, status=400, headers=headers).get_json()
        self.assertEqual(error["status"], "400", error)
        self.assertIn(text, json.dumps(error))
        return error


class AlertsTest(ApiTestCase):
    FROM_BMC = {"X-Forwarded-For": BMC_IP}

    def bmc_node(self, host=BMC_IP, fru=True):
        oid = ObjectId()
        self.db["nodes"].insert_one({"_id": oid, "name": "n1", "type": "compute", "identifiers": []})
        self.db["obms"].insert_one(
            {
                "node": oid,
                "service": "ipmi-obm-service",
                "config": {"host": host, "user": "admin", "password": "sealed"},
            }
        )
        stamp = dt.datetime.now(dt.timezone.utc)
        if fru:
            self.db["catalogs"].insert_one(
                {
                    "_id": str(ObjectId()),
                    "node": oid,
                    "source": "ipmi-fru",
                    "data": FRU,
                    "createdAt": stamp,
                    "updatedAt": stamp,
                }
            )
        self.db["catalogs"].insert_one(
            {
                "_id": str(ObjectId()),
                "node": oid,
                "source": "bmc",
                "data": {"IP Address": BMC_IP, "MAC Address": "00:1e:67:aa:bb:cc"},
                "createdAt": stamp,
                "updatedAt": stamp,
            }
        )
        return str(oid)

    def test_an_alert_from_a_nodes_bmc_is_published_as_a_node_alert(self):
        nid = self.bmc_node()
        event = self.call("POST", "/notification/alerts", ALERT, status=201, headers=self.FROM_BMC).get_json()
        self.assertEqual(
            (event["type"], event["action"], event["severity"], event["typeId"], event["version"]),
            ("node", "alerts", "critical", nid, "1.0"),
        )
        self.assertEqual(
            event["data"],
            {
                **ALERT,
                "sourceIpAddress": BMC_IP,
                "nodeId": nid,
                "sourceMacAddress": "00:1e:67:aa:bb:cc",
                "ChassisName": "PowerEdge R630",
                "ServiceTag": "4666482",
                "SN": "CN747515A80855",
                "originOfConditionPartNumber": None,
                "originOfConditionSerialNumber": None,
            },
        )
        [(key, published)] = self.events.published
        self.assertEqual(key, f"node.alerts.critical.{nid}")
        self.assertEqual(published["data"], event["data"])

    def test_the_bmc_is_found_through_a_lookup_when_its_obm_names_a_mac(self):
        mac = "00:1e:67:aa:bb:dd"
        nid = self.bmc_node(host=mac, fru=False)
        self.db["lookups"].insert_one({"macAddress": mac, "ipAddress": BMC_IP, "node": None})
        event = self.call("POST", "/notification/alerts", ALERT, status=201, headers=self.FROM_BMC).get_json()
        self.assertEqual(
            (event["typeId"], event["data"]["sourceMacAddress"], event["data"]["ChassisName"]), (nid, mac, None)
        )

    def test_form_encoded_json_and_query_fields(self):
        self.bmc_node()
        response = self.client.post(
            "/api/2.0/notification/alerts?Context=rack-7",
            data=json.dumps(ALERT),
            content_type="application/x-www-form-urlencoded",
            headers=self.FROM_BMC,
        )
        self.assertEqual(response.status_code, 201, response.get_data(as_text=True))
        self.assertEqual(response.get_json()["data"]["Context"], "rack-7")

    def test_refused(self):
        self.bmc_node()
        for body in ([], [ALERT], "alert", 7, {}):
            self.assert_400("POST", "/notification/alerts", body, "Unexpected alert data", headers=self.FROM_BMC)
        self.assert_400("POST", "/notification/alerts", None, "Unexpected alert data", headers=self.FROM_BMC)
        self.assert_400("POST", "/notification/alerts", {"EventId": "1"}, "Severity", headers=self.FROM_BMC)
        self.assert_400(
            "POST", "/notification/alerts", ALERT, "unrecognized node", headers={"X-Forwarded-For": "10.9.9.9"}
        )
        self.assertEqual(self.events.published, [])


class UcsCallbackTest(ApiTestCase):
    def test_an_object_with_a_task_id_is_accepted(self):
        response = self.call("POST", "/ucsCallback?callbackId=cb-1", {"taskId": "t-1", "data": {"ok": True}})
        self.assertEqual(response.get_data(), b"")

    def test_refused(self):
        for body in ([], ["taskId"], "x", None):
            self.assert_400("POST", "/ucsCallback?callbackId=cb-1", body, "taskId does not exist.")
        self.assert_400("POST", "/ucsCallback?callbackId=cb-1", {"data": 1}, "taskId does not exist.")
        self.assert_400("POST", "/ucsCallback", {"taskId": "t-1"}, "callbackId")


class OpenOnTheAuthEndpointTest(ApiTestCase):
    AUTH_ENABLED = True

    def test_no_token_needed(self):
        self.call("POST", "/ucsCallback?callbackId=cb-1", {"taskId": "t-1"})
        self.assert_400("POST", "/notification/alerts", [], "Unexpected alert data")
        self.assertEqual(self.client.put("/api/2.0/files/x", data=b"x").status_code, 401)  # uploads are not open


class NonObjectBodiesTest(ApiTestCase):
    def test_create_tag(self):
        self.assert_400("POST", "/tags", [], "Expected type object but found type array")
        self.call(
            "POST",
            "/tags",
            {"name": "t1", "rules": [{"path": "dmi.Base Board Information.Manufacturer", "equals": "Quanta"}]},
            status=201,
        )

    def test_put_workflow_task(self):
        error = self.assert_400("PUT", "/workflows/tasks", [], "Expected type object but found type array")
        self.assertEqual(error["message"], "Validation errors")
        self.assert_400("PUT", "/workflows/tasks", "task", "Expected type object but found type string")
        task = {
            "friendlyName": "Soft reset",
            "injectableName": "Task.Test.SoftReset",
            "implementsTask": "Task.Base.Obm.Node",
            "options": {"action": "reset"},
            "properties": {},
        }
        self.assertEqual(
            self.call("PUT", "/workflows/tasks", task, status=201).get_json()["injectableName"], "Task.Test.SoftReset"
        )


if __name__ == "__main__":
    unittest.main()
