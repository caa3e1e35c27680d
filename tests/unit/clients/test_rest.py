"""RackHDClient over the fake transport: typed errors, 204, auth headers, secrets, workflow waits."""

import json
import logging
import unittest

import requests

from rackharness.clients.rest import RackHDClient, normalize_graph
from rackharness.errors import ClientError, HttpStatusError, ReadinessTimeout, ServiceUnavailable
from rackharness.transports.http_out.fake_adapter import FakeTransport

BASE = "http://rackhd.test:8080"
PASSWORD = "s3cret-Pa55"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.payload.signature"


def client_with(handler, **kwargs):
    client = RackHDClient(BASE, **kwargs)
    transport = FakeTransport(handler)
    client.session.mount("http://", transport)
    return client, transport


class RequestTest(unittest.TestCase):
    def test_json_in_and_out(self):
        client, transport = client_with(lambda r: (201, {"id": "n1", "echo": json.loads(r.body)}))
        body = client.post("/api/2.0/nodes", {"name": "a"}, expect=(201,))
        self.assertEqual(body, {"id": "n1", "echo": {"name": "a"}})
        self.assertEqual(transport.requests[0].url, BASE + "/api/2.0/nodes")
        self.assertEqual(transport.timeouts[0], 10)

    def test_params_are_sent(self):
        client, transport = client_with(lambda r: (200, []))
        self.assertEqual(client.nodes(type="compute"), [])
        self.assertEqual(transport.requests[0].path_url, "/api/2.0/nodes?type=compute")

    def test_204_returns_none(self):
        client, _ = client_with(lambda r: (204, None))
        self.assertIsNone(client.delete("/api/2.0/nodes/abc", expect=(204,)))

    def test_unexpected_status_carries_method_url_status_body(self):
        body = {"message": "Node Not Found: abc", "status": 404, "UUID": "u"}
        client, _ = client_with(lambda r: (404, body))
        with self.assertRaises(HttpStatusError) as caught:
            client.node("abc")
        err = caught.exception
        self.assertEqual((err.method, err.url, err.status), ("GET", BASE + "/api/2.0/nodes/abc", 404))
        self.assertEqual(json.loads(err.body), body)
        self.assertIn("GET http://rackhd.test:8080/api/2.0/nodes/abc answered 404", str(err))
        self.assertIsInstance(err, ClientError)

    def test_500_is_an_http_status_error(self):
        client, _ = client_with(lambda r: (500, {"message": "boom", "status": 500}))
        with self.assertRaises(HttpStatusError) as caught:
            client.create_node("n1")
        self.assertEqual(caught.exception.status, 500)
        self.assertEqual(caught.exception.method, "POST")
        self.assertIn("boom", caught.exception.body)

    def test_expected_status_other_than_200(self):
        client, _ = client_with(lambda r: (200, {"id": "x"}))
        with self.assertRaises(HttpStatusError):
            client.create_node("n1")  # POST /nodes must answer 201

    def test_connection_refused_is_service_unavailable_with_url_and_timeout(self):
        def refuse(request):
            raise requests.ConnectionError("[Errno 111] Connection refused")

        client, _ = client_with(refuse, timeout=2.5)
        with self.assertRaises(ServiceUnavailable) as caught:
            client.nodes()
        message = str(caught.exception)
        self.assertIn(BASE + "/api/2.0/nodes", message)
        self.assertIn("2.5s", message)
        self.assertIsInstance(caught.exception.__cause__, requests.ConnectionError)

    def test_timeout_is_service_unavailable(self):
        def slow(request):
            raise requests.ReadTimeout("read timed out")

        client, _ = client_with(slow, timeout=1)
        with self.assertRaises(ServiceUnavailable):
            client.get("/api/2.0/config")

    def test_non_json_body_is_a_client_error(self):
        client, _ = client_with(lambda r: (200, "<html>proxy</html>"))
        with self.assertRaisesRegex(ClientError, "not JSON"):
            client.get("/api/2.0/nodes")


class AuthTest(unittest.TestCase):
    def handler(self, request):
        if request.path_url == "/login":
            creds = json.loads(request.body)
            if creds == {"username": "admin", "password": PASSWORD}:
                return 200, {"token": TOKEN}
            return 401, {"message": f"bad credentials for {creds['username']} / {creds['password']}"}
        if request.path_url == "/redfish/v1/SessionService/Sessions":
            return 201, {"Id": "1"}, {"X-Auth-Token": "rf-token-123"}
        return 200, {
            "authorization": request.headers.get("authorization"),
            "x-auth-token": request.headers.get("X-Auth-Token"),
        }

    def test_login_sends_jwt_header_afterwards(self):
        client, transport = client_with(self.handler, username="admin", password=PASSWORD)
        self.assertIsNone(client.get("/api/2.0/nodes")["authorization"])
        self.assertEqual(client.login(), TOKEN)
        self.assertEqual(json.loads(transport.requests[1].body), {"username": "admin", "password": PASSWORD})
        self.assertEqual(client.get("/api/2.0/nodes")["authorization"], f"JWT {TOKEN}")

    def test_redfish_session_token(self):
        client, _ = client_with(self.handler, username="admin", password=PASSWORD)
        client.redfish_login()
        self.assertEqual(client.get("/redfish/v1/Systems")["x-auth-token"], "rf-token-123")

    def test_password_and_token_never_in_errors_reprs_or_logs(self):
        client, _ = client_with(self.handler, username="admin", password="wrong-" + PASSWORD)
        with self.assertLogs("rackharness.clients.rest", logging.DEBUG) as logs:
            with self.assertRaises(HttpStatusError) as caught:
                client.login()  # the 401 body echoes the password back
            right = RackHDClient(BASE, username="admin", password=PASSWORD)
            right.session.mount("http://", FakeTransport(self.handler))
            right.login()
            right.get("/api/2.0/nodes")
        texts = [
            str(caught.exception),
            caught.exception.body,
            repr(caught.exception),
            repr(client),
            repr(right),
            *logs.output,
        ]
        for text in texts:
            self.assertNotIn(PASSWORD, text)
            self.assertNotIn(TOKEN, text)
        self.assertEqual(caught.exception.status, 401)
        self.assertIn("bad credentials for admin", caught.exception.body)

    def test_token_echoed_in_an_error_body_is_masked(self):
        def handler(request):
            if request.path_url == "/login":
                return 200, {"token": TOKEN}
            return 403, {"message": f"token {TOKEN} lacks privilege"}

        client, _ = client_with(handler, username="admin", password=PASSWORD)
        client.login()
        with self.assertRaises(HttpStatusError) as caught:
            client.get("/api/2.0/users")
        self.assertNotIn(TOKEN, str(caught.exception))
        self.assertIn("lacks privilege", str(caught.exception))

    def test_login_without_credentials_says_what_to_do(self):
        client, _ = client_with(self.handler)
        with self.assertRaisesRegex(ClientError, "needs a username and password"):
            client.login()


class WorkflowTest(unittest.TestCase):
    def graph_server(self, states):
        """Serves GET /workflows/{id} with successive (status, task state) pairs, the last one forever."""
        served = []

        def handler(request):
            if request.method == "POST":
                return 201, {"instanceId": "g-1", "_status": "pending", "tasks": {}}
            status, task_state = states[min(len(served), len(states) - 1)]
            served.append(status)
            return 200, {
                "instanceId": "g-1",
                "status": status,
                "tasks": [{"label": "set-boot-pxe", "state": "succeeded"}, {"label": "reboot", "state": task_state}],
            }

        return handler, served

    def test_run_then_wait_returns_final_graph(self):
        handler, served = self.graph_server(
            [("pending", "pending"), ("running", "running"), ("succeeded", "succeeded")]
        )
        client, transport = client_with(handler)
        instance = client.run_workflow("n1", "Graph.Reboot.Node")
        self.assertEqual(instance, "g-1")
        self.assertEqual(json.loads(transport.requests[0].body), {"name": "Graph.Reboot.Node", "options": {}})
        graph = client.wait_for_workflow(instance, timeout=5, interval=0.01)
        self.assertEqual(graph["status"], "succeeded")
        self.assertEqual(served, ["pending", "running", "succeeded"])

    def test_failed_is_final_too_and_raw_status_is_accepted(self):
        client, _ = client_with(
            lambda r: (
                200,
                {"instanceId": "g", "_status": "failed", "tasks": {"t1": {"label": "a", "state": "failed"}}},
            )
        )
        self.assertEqual(client.wait_for_workflow("g", timeout=1)["_status"], "failed")

    def test_timeout_message_states_status_and_tasks_with_hint(self):
        handler, _ = self.graph_server([("running", "running")])
        client, _ = client_with(handler)
        with self.assertRaises(ReadinessTimeout) as caught:
            client.wait_for_workflow("g-1", timeout=0.2, interval=0.05)
        message = str(caught.exception)
        self.assertIn("workflow g-1", message)
        self.assertIn("status=running", message)
        self.assertIn("set-boot-pxe=succeeded, reboot=running", message)
        self.assertIn(f"GET {BASE}/api/2.0/workflows/g-1", message)

    def test_unknown_workflow_fails_at_once(self):
        client, transport = client_with(lambda r: (404, {"message": "Graph Not Found"}))
        with self.assertRaises(HttpStatusError):
            client.wait_for_workflow("nope", timeout=5)
        self.assertEqual(len(transport.requests), 1)

    def test_normalize_graph(self):
        graph = normalize_graph({"_status": "running", "tasks": {"t1": {"label": "a", "state": "pending"}}})
        self.assertEqual(graph["status"], "running")
        self.assertEqual(graph["tasks"], [{"instanceId": "t1", "label": "a", "state": "pending"}])


class ConstructionTest(unittest.TestCase):
    def test_from_stack_and_config(self):
        class Stack:
            api_url, state_dir = "http://127.0.0.1:1234/", "x"

        self.assertEqual(RackHDClient.from_stack(Stack()).base_url, "http://127.0.0.1:1234")
        config = {"target.url": None, "target.host": "127.0.0.1", "target.port": 21080}
        self.assertEqual(RackHDClient.from_config(config).base_url, "http://127.0.0.1:21080")

    def test_from_stack_without_api_url(self):
        class Stack:
            api_url, state_dir = None, "/tmp/s"

        with self.assertRaisesRegex(ClientError, "no api_url"):
            RackHDClient.from_stack(Stack())

    def test_repr_hides_password(self):
        text = repr(RackHDClient(BASE, username="admin", password=PASSWORD))
        self.assertNotIn(PASSWORD, text)
        self.assertIn("admin", text)
