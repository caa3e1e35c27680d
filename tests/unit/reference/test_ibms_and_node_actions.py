"""/ibms (records, schemas, body checks), POST /obms/led and POST /tags/{name}/nodes/workflows, in-process
over mongomock with the real workflow engine (noop OBMs, and an IPMI service whose BMC is a fake)."""

import json
import unittest

from bson import ObjectId

from rackharness.reference.app import create_app
from rackharness.reference.context import TargetContext
from rackharness.reference.events_memory import RecordingEventBus
from rackharness.reference.workflows.engine import WorkflowEngine
from rackharness.reference.workflows.obm import IpmiObmService, NoopObmService, ObmRegistry
from tests.support.fake_mongo import FakeDatabase

ABSENT = "ffffffffffffffffffffffff"
SSH = {"service": "ssh-ibm-service", "config": {"host": "192.0.2.9", "user": "root", "password": "s3cret-pw"}}


class FakeCommand:
    def __init__(self, calls):
        self.calls = calls

    def raw_command(self, **request):
        self.calls.append(request)
        return {}


class FakeCaller:
    def __init__(self):
        self.calls, self.addresses = [], []

    def call(self, address, what, fn, timeout=None):
        self.addresses.append(address)
        return fn(FakeCommand(self.calls))


class ApiCase(unittest.TestCase):
    def setUp(self):
        self.db = FakeDatabase()
        self.ctx = TargetContext(db=self.db, events=RecordingEventBus())
        self.caller = FakeCaller()
        obms = ObmRegistry(
            {"noop-obm-service": NoopObmService(), "ipmi-obm-service": IpmiObmService(self.caller)},
            sealer=self.ctx.sealer,
        )
        self.ctx.engine = self.engine = WorkflowEngine(self.ctx, obms=obms)
        self.addCleanup(self.engine.close)
        self.client = create_app(self.ctx).test_client()

    def call(self, method, path, body=None, status=200):
        kwargs = {} if body is None else {"data": json.dumps(body), "content_type": "application/json"}
        response = self.client.open(f"/api/2.0{path}", method=method, **kwargs)
        self.assertEqual(response.status_code, status, f"{method} {path}: {response.get_data(as_text=True)}")
        return response.get_json(silent=True)

    def node(self, **fields):
        oid = ObjectId()
        self.db.nodes.insert_one(
            {"_id": oid, "name": "n", "type": "compute", "identifiers": [], "relations": [], **fields}
        )
        return str(oid)


class IbmsApiTest(ApiCase):
    def test_put_get_patch_delete(self):
        nid = self.node()
        self.assertEqual(self.call("GET", "/ibms"), [])
        created = self.call("PUT", "/ibms", {"nodeId": nid, **SSH}, 201)
        self.assertEqual(created["node"], f"/api/2.0/nodes/{nid}")
        self.assertEqual(
            (created["service"], created["config"]), ("ssh-ibm-service", {"host": "192.0.2.9", "user": "root"})
        )
        self.assertNotIn("s3cret-pw", json.dumps(self.call("GET", "/ibms")))
        self.assertEqual(self.call("GET", f"/ibms/{created['id']}"), created)
        again = self.call("PUT", "/ibms", {"nodeId": nid, **SSH}, 201)
        self.assertEqual(again["id"], created["id"], "one record per (node, service)")
        patched = self.call(
            "PATCH",
            f"/ibms/{created['id']}",
            {"service": "ssh-ibm-service", "config": {"host": "192.0.2.10", "user": "u", "privateKey": "K"}},
        )
        self.assertEqual((patched["node"], patched["config"]), (nid, {"host": "192.0.2.10", "user": "u"}))
        self.assertEqual(
            self.call("GET", "/nodes/" + nid)["ibms"],
            [{"service": "ssh-ibm-service", "ref": f"/api/2.0/ibms/{created['id']}"}],
        )
        self.call("DELETE", f"/ibms/{created['id']}", status=204)
        self.assertEqual(self.call("GET", "/ibms"), [])

    def test_bodies_are_checked_before_the_target(self):
        self.assertIn("Invalid type: array (expected object)", self.call("PUT", "/ibms", [], 400)["message"])
        self.assertIn(
            "Missing required property: config",
            self.call("PUT", "/ibms", {"service": "ssh-ibm-service"}, 400)["message"],
        )
        no_password = {"service": "ssh-ibm-service", "config": {"host": "h", "user": "u"}}
        self.assertIn("anyOf", self.call("PUT", "/ibms", {"nodeId": ABSENT, **no_password}, 400)["message"])
        self.assertIn("unknown IBM service", self.call("PUT", "/ibms", {"service": "x", "config": {}}, 400)["message"])
        self.call("PUT", "/ibms", {"nodeId": ABSENT, **SSH}, 404)
        self.call("PATCH", f"/ibms/{ABSENT}", [], 400)

    def test_unknown_ibm_is_404(self):
        for method, body in (("GET", None), ("PATCH", {"nodeId": ABSENT, **SSH}), ("DELETE", None)):
            error = self.call(method, f"/ibms/{ABSENT}", body, 404)
            self.assertEqual(error["message"], f"Could not find ibm with identifier {ABSENT}")

    def test_definitions(self):
        self.assertEqual(
            self.call("GET", "/ibms/definitions"),
            ["/api/2.0/ibms/definitions/snmp-ibm-service.json", "/api/2.0/ibms/definitions/ssh-ibm-service.json"],
        )
        ssh = self.call("GET", "/ibms/definitions/ssh-ibm-service.json")
        self.assertEqual(
            (ssh["title"], ssh["definitions"]["Ibm"]["required"]), ("ssh-ibm-service", ["service", "config"])
        )
        self.assertEqual(self.call("GET", "/ibms/definitions/snmp-ibm-service")["title"], "snmp-ibm-service")
        self.assertIn("Not Found", self.call("GET", "/ibms/definitions/rackharness-absent", status=404)["message"])


class NodeActionsTest(ApiCase):
    def test_led_needs_a_node_id_and_an_ipmi_obm(self):
        self.assertEqual(self.call("POST", "/obms/led", [], 400)["message"], "Must specify nodeId in body")
        self.assertEqual(self.call("POST", "/obms/led", {"value": True}, 400)["message"], "Must specify nodeId in body")
        nid = self.node()
        self.assertEqual(
            self.call("POST", "/obms/led", {"nodeId": nid}, 404)["message"], f"No IPMI OBM Settings Found ({nid})."
        )
        self.db.obms.insert_one(
            {
                "node": ObjectId(nid),
                "service": "ipmi-obm-service",
                "config": self.ctx.sealer.seal({"host": "192.0.2.7", "user": "admin", "password": "pw"}),
            }
        )
        self.call("POST", "/obms/led", {"nodeId": nid, "value": True}, 201)
        self.call("POST", "/obms/led", {"nodeId": nid}, 201)
        self.assertEqual([call["data"] for call in self.caller.calls], [[0, 1], [0]])
        self.assertEqual((self.caller.addresses[0].host, self.caller.addresses[0].password), ("192.0.2.7", "pw"))

    def test_a_tag_nobody_has_runs_nothing(self):
        self.assertEqual(self.call("POST", "/tags/rack-a/nodes/workflows", {}, 202), [])
        self.assertEqual(self.call("POST", "/tags/rack-a/nodes/workflows", [], 202), [])
        self.assertEqual(self.db.graphobjects.count_documents({}), 0)

    def test_runs_the_graph_on_every_tagged_node(self):
        tagged, other = self.node(tags=["rack-a"]), self.node(tags=["rack-b"])
        self.db.obms.insert_one({"node": ObjectId(tagged), "service": "noop-obm-service", "config": {}})
        started = self.call("POST", "/tags/rack-a/nodes/workflows?name=Graph.noop-example", {}, 202)
        self.assertEqual(
            [(graph["injectableName"], graph["node"]) for graph in started], [("Graph.noop-example", tagged)]
        )
        self.assertEqual(self.db.graphobjects.count_documents({"node": other}), 0)
        self.assertEqual(
            self.call("POST", "/tags/rack-a/nodes/workflows", {"name": "Graph.RackHarness.Absent"}, 404)["status"],
            "404",
        )


if __name__ == "__main__":
    unittest.main()
