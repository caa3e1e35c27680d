"""The EventService and UpdateService actions: SubmitTestEvent (accepted, nothing delivered) and
SimpleUpdate (checked; the firmware update itself is not modelled)."""

import json

from tests.unit.reference.redfish.support import RedfishAppTestCase

BASE = "/redfish/v1"
ABSENT = "ffffffffffffffffffffffff"
TEST_EVENT = f"{BASE}/EventService/Actions/EventService.SubmitTestEvent"
SIMPLE_UPDATE = f"{BASE}/UpdateService/Actions/UpdateService.SimpleUpdate"


class SubmitTestEventTest(RedfishAppTestCase):
    def test_accepted(self):
        self.call(
            "POST",
            f"{BASE}/EventService/Subscriptions",
            status=201,
            body={
                "Destination": "http://10.1.1.5:9000/events",
                "EventTypes": ["Alert"],
                "Context": "c",
                "Protocol": "Redfish",
            },
        )
        for body in ({}, {"EventType": "Alert"}, None):
            response = self.call("POST", TEST_EVENT, body, status=202)
            self.assertEqual((response.get_data(), response.headers.get("Content-Type")), (b"", None))
        self.assertEqual(self.ctx.events.published, [])  # no subscriber is posted to, nothing published

    def test_a_body_that_is_not_an_object(self):
        for body in ([], "event", 3):
            self.assert_redfish_error(self.client.post(TEST_EVENT, json=body), 400, "must be an object")


class SimpleUpdateTest(RedfishAppTestCase):
    def post(self, body):
        return self.client.post(SIMPLE_UPDATE, data=json.dumps(body), content_type="application/json")

    def test_bodies_refused(self):
        for body, detail in (
            ([], "must be an object"),
            ("x", "must be an object"),
            ({"Targets": []}, "ImageURI is required"),
            ({"ImageURI": "http://10.1.1.5/fw.exe"}, "Targets is required"),
            ({"ImageURI": 7, "Targets": []}, "ImageURI must be a string"),
            ({"ImageURI": "http://10.1.1.5/fw.exe", "Targets": "n1"}, "Targets must be an array"),
        ):
            self.assert_redfish_error(self.post(body), 400, detail)

    def test_unknown_targets_are_refused_as_rackhd_does(self):
        self.assert_redfish_error(
            self.post({"ImageURI": "http://10.1.1.5/fw.exe", "Targets": [ABSENT]}),
            400,
            f"NotFoundError: Node not Found {ABSENT}",
        )

    def test_no_targets_is_201_with_nothing_run(self):
        response = self.post({"ImageURI": "http://10.1.1.5/fw.exe", "Targets": []})
        self.assertEqual((response.status_code, response.get_data()), (201, b""))

    def test_a_valid_update_is_not_modelled(self):
        nid = self.node()
        self.assert_redfish_error(
            self.post({"ImageURI": "http://10.1.1.5/fw.exe", "Targets": [nid]}),
            400,
            "not supported by the reference target",
        )
        self.assertFalse(self.engine.has_active_graph(nid))


class SimpleUpdateAuthTest(RedfishAppTestCase):
    AUTH_ENABLED = True

    def test_needs_credentials(self):
        self.assertEqual(self.client.post(SIMPLE_UPDATE, json={"ImageURI": "u", "Targets": []}).status_code, 401)
        self.assertEqual(self.client.post(TEST_EVENT, json={}).status_code, 401)
