"""The auth-enabled endpoint: which operation a request is, RackHD's 401/403 bodies, /login, users."""

import base64
import logging
import time
import unittest

import mongomock

from rackharness.reference.app import create_app
from rackharness.reference.auth.gate import operation_for
from rackharness.reference.auth.service import AuthService, credentials_from
from rackharness.reference.auth.tokens import TokenSigner
from rackharness.reference.auth.users import LocalUsers
from rackharness.reference.context import TargetContext

PASSWORD = "admin123-secret"


class NoEvents:
    def publish(self, routing_key, body):
        pass

    def publish_external(self, *args, **kwargs):
        pass


class OperationLookupTest(unittest.TestCase):
    def test_literal_paths_win_over_templates(self):
        self.assertEqual(operation_for("DELETE", "/api/2.0/nodes/tags/rack-a").path, "/api/2.0/nodes/tags/{tagName}")
        self.assertEqual(operation_for("GET", "/api/2.0/nodes/5a1/tags").path, "/api/2.0/nodes/{identifier}/tags")

    def test_each_spec_by_its_base_path(self):
        self.assertEqual(operation_for("GET", "/api/2.0/nodes").authentication, ("jwt",))
        self.assertEqual(operation_for("GET", "/redfish/v1/Systems").authentication, ("redfish", "basic"))
        self.assertEqual(operation_for("GET", "/redfish/v1/").authentication, ("redfish", "basic", "anonymous"))
        self.assertEqual(operation_for("POST", "/api/2.0/users").authentication, ("jwt", "anonymous"))
        self.assertIsNone(operation_for("GET", "/no/such/thing"))
        self.assertIsNone(operation_for("PUT", "/api/2.0/nodes"), "a method the path does not have")


class AuthEndpointTest(unittest.TestCase):
    def setUp(self):
        self.db = mongomock.MongoClient().pxe
        ctx = TargetContext(db=self.db, events=NoEvents(), config={})
        ctx.auth = AuthService(LocalUsers(self.db), TokenSigner("RackHDRocks!", 3600))
        ctx.auth.users.ensure("admin", PASSWORD)
        self.ctx = ctx
        self.auth = create_app(ctx, auth_enabled=True).test_client()
        self.plain = create_app(ctx).test_client()

    def login(self, user="admin", password=PASSWORD):
        response = self.auth.post("/login", json={"username": user, "password": password})
        self.assertEqual(response.status_code, 200, response.get_json())
        return response.get_json()["token"]

    def test_login_answers_rackhds_bodies(self):
        self.assertEqual(
            self.auth.post("/login", json={"username": "admin"}).get_json(), {"message": "Missing credentials"}
        )
        wrong = self.auth.post("/login", json={"username": "admin", "password": "nope-nope"})
        self.assertEqual((wrong.status_code, wrong.get_json()), (401, {"message": "Unauthorized"}))
        self.assertEqual(
            self.plain.post("/login", json={"username": "admin", "password": PASSWORD}).status_code,
            404,
            "/login is mounted on the auth-enabled endpoint only",
        )

    def test_a_token_is_taken_from_the_header_the_query_or_the_body(self):
        token = self.login()
        self.assertEqual(self.auth.get("/api/2.0/nodes", headers={"authorization": f"JWT {token}"}).status_code, 200)
        self.assertEqual(self.auth.get(f"/api/2.0/nodes?auth_token={token}").status_code, 200)
        # a body field authenticates too (passport-jwt); the operation's schema still judges the body
        in_body = credentials_from({}, {}, {"name": "n1", "auth_token": token})
        self.assertEqual(self.ctx.auth.authenticate(["jwt"], in_body).user, "admin")

    def test_missing_wrong_and_expired_tokens_get_rackhds_401(self):
        expired = TokenSigner("RackHDRocks!", 60).sign({"user": "admin"}, issued_at=time.time() - 3600)
        cases = {
            None: "No auth token",
            "garbage": "jwt malformed",
            expired: "jwt expired",
            TokenSigner("other-secret", 60).sign({"user": "admin"}): "invalid signature",
        }
        for token, message in cases.items():
            headers = {"authorization": f"JWT {token}"} if token else {}
            response = self.auth.get("/api/2.0/nodes", headers=headers)
            self.assertEqual(
                (response.status_code, response.get_json()), (401, [{"method": "jwt", "message": message}])
            )

    def test_a_deleted_users_token_stops_working(self):
        admin = self.login()
        created = self.auth.post(
            "/api/2.0/users",
            json={"username": "temp", "password": "temp-pass", "role": "ReadOnly"},
            headers={"authorization": f"JWT {admin}"},
        )
        self.assertEqual(created.get_json(), {"username": "temp", "role": "ReadOnly"})
        temp = self.login("temp", "temp-pass")
        self.assertEqual(
            self.auth.delete("/api/2.0/users/temp", headers={"authorization": f"JWT {admin}"}).status_code, 204
        )
        response = self.auth.get("/api/2.0/nodes", headers={"authorization": f"JWT {temp}"})
        self.assertEqual(
            (response.status_code, response.get_json()), (401, [{"method": "jwt", "message": "Unauthorized"}])
        )

    def test_privileges_decide_403(self):
        self.ctx.auth.users.create("reader", "reader-pass", "ReadOnly")
        reader = {"authorization": f"JWT {self.login('reader', 'reader-pass')}"}
        self.assertEqual(self.auth.get("/api/2.0/nodes", headers=reader).status_code, 200)
        refused = self.auth.post("/api/2.0/nodes", json={"name": "n", "type": "compute"}, headers=reader)
        self.assertEqual((refused.status_code, refused.get_json()), (403, {"message": "Forbidden"}))

    def test_the_plain_endpoint_asks_for_nothing(self):
        self.assertEqual(self.plain.get("/api/2.0/nodes").status_code, 200)

    def test_redfish_methods_redfish_and_basic(self):
        response = self.auth.get("/redfish/v1/Systems")
        self.assertEqual(
            (response.status_code, response.get_json()), (401, [{"method": "redfish", "message": "No auth token"}])
        )
        session, token = self.ctx.auth.open_session("admin")
        self.assertNotEqual(self.auth.get("/redfish/v1/Systems", headers={"x-auth-token": token}).status_code, 401)
        basic = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
        self.assertNotEqual(
            self.auth.get("/redfish/v1/Systems", headers={"authorization": f"Basic {basic}"}).status_code, 401
        )
        self.ctx.auth.close_session(session.id)
        self.assertEqual(self.auth.get("/redfish/v1/Systems", headers={"x-auth-token": token}).status_code, 401)

    def test_first_user_only_from_localhost_while_there_is_none(self):
        self.db.localusers.delete_many({})
        first = self.plain.post(
            "/api/2.0/users",
            json={"username": "root", "password": "root-pass", "role": "Administrator"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        self.assertEqual(first.status_code, 201, first.get_json())
        second = self.plain.post(
            "/api/2.0/users",
            json={"username": "two", "password": "two-pass", "role": "ReadOnly"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        self.assertEqual(second.status_code, 401, "only the first user may be created anonymously")
        self.db.localusers.delete_many({})
        remote = self.plain.post(
            "/api/2.0/users",
            json={"username": "root", "password": "root-pass", "role": "Administrator"},
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        )
        self.assertEqual(remote.status_code, 401)

    def test_user_bodies_are_checked_and_never_show_passwords(self):
        admin = {"authorization": f"JWT {self.login()}"}
        short = self.auth.post(
            "/api/2.0/users", json={"username": "u", "password": "abc", "role": "ReadOnly"}, headers=admin
        )
        self.assertEqual(short.status_code, 400)
        message = short.get_json()["message"]  # RackHD's words: "ValidationError: String is too short (3 chars), ..."
        self.assertTrue(message.startswith("ValidationError: "), message)
        self.assertNotIn("abc", message)
        listed = self.auth.get("/api/2.0/users", headers=admin).get_json()
        self.assertEqual(listed, [{"username": "admin", "role": "Administrator"}])
        duplicate = self.auth.post(
            "/api/2.0/users", json={"username": "admin", "password": "whatever1", "role": "ReadOnly"}, headers=admin
        )
        self.assertEqual(duplicate.status_code, 409)

    def test_a_user_may_change_their_own_password_but_not_anothers(self):
        self.ctx.auth.users.create("reader", "reader-pass", "ReadOnly")
        reader = {"authorization": f"JWT {self.login('reader', 'reader-pass')}"}
        own = self.auth.patch("/api/2.0/users/reader", json={"password": "reader-pass-2"}, headers=reader)
        self.assertEqual(own.status_code, 200, own.get_json())
        self.login("reader", "reader-pass-2")
        other = self.auth.patch("/api/2.0/users/admin", json={"password": "taken-over"}, headers=reader)
        self.assertEqual(other.status_code, 403)

    def test_roles_are_stored_and_grant_their_privileges(self):
        admin = {"authorization": f"JWT {self.login()}"}
        self.assertEqual(self.auth.get("/api/2.0/roles", headers=admin).get_json(), [])
        created = self.auth.post("/api/2.0/roles", json={"role": "Auditor", "privileges": ["Read"]}, headers=admin)
        self.assertEqual((created.status_code, created.get_json()), (201, {"role": "Auditor", "privileges": ["Read"]}))
        self.assertEqual(self.auth.post("/api/2.0/roles", json={"role": "Auditor"}, headers=admin).status_code, 409)
        self.assertEqual(self.auth.post("/api/2.0/roles", json={"privileges": "Read"}, headers=admin).status_code, 400)
        self.ctx.auth.users.create("audit", "audit-pass", "Auditor")
        auditor = {"authorization": f"JWT {self.login('audit', 'audit-pass')}"}
        self.assertEqual(self.auth.get("/api/2.0/nodes", headers=auditor).status_code, 200)
        self.assertEqual(self.auth.delete("/api/2.0/roles/Auditor", headers=admin).status_code, 204)
        self.assertEqual(self.auth.get("/api/2.0/nodes", headers=auditor).status_code, 403)
        self.assertEqual(self.auth.get("/api/2.0/roles/Auditor", headers=admin).status_code, 404)

    def test_no_token_or_password_reaches_the_logs(self):
        with self.assertLogs(level=logging.DEBUG) as logs:
            logging.getLogger("rackharness.reference").debug("marker")
            token = self.login()
            self.auth.get("/api/2.0/nodes", headers={"authorization": f"JWT {token}"})
            self.auth.post("/login", json={"username": "admin", "password": "wrong-password-x"})
        text = "\n".join(logs.output)
        for secret in (token, PASSWORD, "wrong-password-x"):
            self.assertNotIn(secret, text)


if __name__ == "__main__":
    unittest.main()
