"""SessionService: the session lifecycle on the plain app, and the gate on the auth-enabled app."""

import base64
import logging

from tests.unit.reference.redfish.support import RedfishAppTestCase

BASE = "/redfish/v1"
SESSIONS = f"{BASE}/SessionService/Sessions"
USER, PASSWORD = "admin", "admin123"


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


class SessionLifecycleTest(RedfishAppTestCase):
    def setUp(self):
        super().setUp()
        self.ctx.auth.users.ensure(USER, PASSWORD)

    def open(self, user=USER, password=PASSWORD, status=201):
        return self.call("POST", SESSIONS, {"UserName": user, "Password": password}, status)

    def test_post_answers_the_session_and_its_token(self):
        with self.assertLogs(level=logging.DEBUG) as logs:
            logging.getLogger("rackharness").debug("capture")
            response = self.open()
        body, token = response.get_json(), response.headers["X-Auth-Token"]
        self.assertTrue(token)
        self.assertEqual((body["@odata.type"], body["UserName"]), ("#Session.v1_0_0.Session", USER))
        self.assertEqual(body["@odata.id"], f"{SESSIONS}/{body['Id']}")
        self.assertEqual(response.headers["Location"], body["@odata.id"])
        self.assertNotIn(token, response.get_data(as_text=True))
        self.assertFalse([line for line in logs.output if token in line or PASSWORD in line])

    def test_get_lists_then_delete_ends_it(self):
        session_id = self.open().get_json()["Id"]
        listed = self.get(SESSIONS)
        self.assertIn({"@odata.id": f"{SESSIONS}/{session_id}"}, listed["Members"])
        self.assertEqual(listed["Members@odata.count"], len(listed["Members"]))
        self.assertEqual(self.get(f"{SESSIONS}/{session_id}")["UserName"], USER)
        self.call("DELETE", f"{SESSIONS}/{session_id}", status=204)
        self.assertEqual(self.get(SESSIONS)["Members"], [])
        self.assert_redfish_error(self.client.get(f"{SESSIONS}/{session_id}"), 404, session_id)
        self.assert_redfish_error(self.client.delete(f"{SESSIONS}/{session_id}"), 404, session_id)

    def test_wrong_password_is_401(self):
        response = self.open(password="wrong", status=401)
        self.assertNotIn("X-Auth-Token", response.headers)
        self.assertEqual(self.ctx.auth.sessions(), [])

    def test_malformed_bodies_are_400_without_echoing_the_password(self):
        for body, detail in (
            ({"UserName": USER}, "Password must be given"),
            ("x", "the body must be"),
            ({"UserName": 1, "Password": 2}, "UserName and Password"),
        ):
            response = self.client.post(SESSIONS, json=body)
            self.assert_redfish_error(response, 400, detail)

    def test_session_service(self):
        body = self.get(f"{BASE}/SessionService")
        self.assertEqual((body["Id"], body["Sessions"]), ("SessionService", {"@odata.id": SESSIONS}))


class AuthEnabledRedfishTest(RedfishAppTestCase):
    AUTH_ENABLED = True

    def setUp(self):
        super().setUp()
        self.ctx.auth.users.ensure(USER, PASSWORD)
        self.nid = self.node()

    def login(self):
        response = self.call("POST", SESSIONS, {"UserName": USER, "Password": PASSWORD}, 201)
        return response.get_json()["Id"], response.headers["X-Auth-Token"]

    def test_no_token_is_401(self):
        response = self.client.get(f"{BASE}/Systems")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.get_json(), [{"method": "redfish", "message": "No auth token"}])

    def test_service_root_is_open(self):
        self.call("GET", f"{BASE}/")

    def test_x_auth_token_works(self):
        _, token = self.login()
        body = self.get(f"{BASE}/Systems", headers={"X-Auth-Token": token})
        self.assertEqual(body["Members"], [{"@odata.id": f"{BASE}/Systems/{self.nid}"}])
        self.call(
            "POST",
            f"{BASE}/Systems/{self.nid}/Actions/ComputerSystem.Reset",
            {"ResetType": "ForceOff"},
            202,
            headers={"X-Auth-Token": token},
        )

    def test_basic_works_and_a_wrong_password_does_not(self):
        self.get(f"{BASE}/Systems/{self.nid}", headers=basic(USER, PASSWORD))
        self.assertEqual(self.client.get(f"{BASE}/Systems", headers=basic(USER, "nope")).status_code, 401)

    def test_deleted_session_token_is_401(self):
        session_id, token = self.login()
        self.call("DELETE", f"{SESSIONS}/{session_id}", status=204, headers={"X-Auth-Token": token})
        response = self.client.get(f"{BASE}/Systems", headers={"X-Auth-Token": token})
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.get_json(), [{"method": "redfish", "message": "Unauthorized"}])
