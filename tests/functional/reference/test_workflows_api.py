"""Workflows through the API over a real nx-27017, with the real engine and noop OBMs (contract §1.3, §1.4)."""

import time
import unittest

from bson import ObjectId

from rackharness.reference.app import create_app
from rackharness.reference.context import TargetContext
from rackharness.reference.events_memory import RecordingEventBus
from rackharness.reference.workflows.engine import WorkflowEngine
from tests.functional.reference.workflow_support import Services

RAW_KEYS = {
    "id",
    "instanceId",
    "name",
    "injectableName",
    "_status",
    "node",
    "domain",
    "serviceGraph",
    "context",
    "definition",
    "tasks",
    "logContext",
    "createdAt",
    "updatedAt",
}
TASK_KEYS = {
    "instanceId",
    "label",
    "name",
    "friendlyName",
    "injectableName",
    "implementsTask",
    "options",
    "properties",
    "runJob",
    "state",
    "waitingOn",
    "ignoreFailure",
    "terminalOnStates",
    "taskStartTime",
}


class WorkflowsApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.services = Services("rh-wf-api-")
        cls.addClassCleanup(cls.services.stop)
        cls.db = cls.services.start_mongo(cls)
        cls.events = RecordingEventBus()
        cls.ctx = TargetContext(db=cls.db, events=cls.events)
        cls.ctx.engine = cls.engine = WorkflowEngine(cls.ctx)
        cls.addClassCleanup(cls.engine.close)
        cls.client = create_app(cls.ctx).test_client()

    def setUp(self):
        for name in ("nodes", "obms", "graphobjects"):
            self.db[name].delete_many({})
        self.events.clear()
        self.nid = self.call(
            "POST",
            "/nodes",
            {"name": "n1", "type": "compute", "obms": [{"service": "noop-obm-service", "config": {}}]},
            201,
        )["id"]

    def call(self, method, path, body=None, status=200):
        response = self.client.open(f"/api/2.0{path}", method=method, json=body)
        self.assertEqual(response.status_code, status, response.get_data(as_text=True))
        return response.get_json(silent=True)

    def finished(self, graph, timeout=10):
        return self.engine.wait(graph["instanceId"], timeout)

    def test_power_graph_runs_to_succeeded_in_raw_and_view_shapes(self):
        raw = self.call("POST", f"/nodes/{self.nid}/workflows", {"name": "Graph.PowerOn.Node"}, 201)
        self.assertEqual(set(raw), RAW_KEYS - {"id", "serviceGraph"})  # RackHD answers the run before storing it
        self.assertEqual(
            (raw["name"], raw["_status"], raw["node"], raw["domain"]), ("PowerOn Node", "running", self.nid, "default")
        )
        self.assertEqual(
            raw["context"], {"graphId": raw["instanceId"], "graphName": "Graph.PowerOn.Node", "target": self.nid}
        )
        (task,) = raw["tasks"].values()
        self.assertEqual(set(task), TASK_KEYS - {"taskStartTime"})  # answered before the task starts, as RackHD
        self.assertEqual(
            (task["injectableName"], task["options"], task["runJob"]),
            ("Task.Obm.Node.PowerOn", {"action": "powerOn", "_taskTimeout": 86_400_000}, "Job.Obm.Node"),
        )
        self.assertEqual(self.finished(raw)["_status"], "succeeded")  # latency: benchmarks/target_numbers.py

        view = self.call("GET", f"/workflows/{raw['instanceId']}")
        self.assertEqual(
            (view["status"], view["definition"]), ("succeeded", "/api/2.0/workflows/graphs/Graph.PowerOn.Node")
        )
        self.assertNotIn("_status", view)
        self.assertEqual([t["state"] for t in view["tasks"]], ["succeeded"])
        self.assertEqual(self.call("GET", f"/workflows/{view['id']}")["instanceId"], raw["instanceId"])
        self.assertEqual(
            set(view["tasks"][0]),
            {"instanceId", "label", "options", "runJob", "state", "taskStartTime", "terminalOnStates", "waitingOn"},
        )  # RackHD's graph view
        self.assertEqual(view["serviceGraph"], "")
        self.assertTrue(self.engine.obms.services["noop-obm-service"].run("powerStatus", self.nid, {}))

        keys = self.events.keys("graph.")
        gid = raw["instanceId"]
        self.assertEqual(
            keys,
            [
                f"graph.started.information.{gid}.{self.nid}",
                f"graph.started.{gid}",
                f"graph.progress.updated.information.{gid}.{self.nid}",
                f"graph.finished.information.{gid}.{self.nid}",
                f"graph.finished.{gid}",
            ],
        )
        messages = dict(self.events.published)
        self.assertEqual(
            messages[f"graph.finished.{gid}"], {"graphId": gid, "graphName": "PowerOn Node", "status": "succeeded"}
        )
        envelope = messages[f"graph.finished.information.{gid}.{self.nid}"]
        self.assertEqual(
            {k: envelope[k] for k in ("version", "type", "action", "severity", "typeId", "nodeId")},
            {
                "version": "1.0",
                "type": "graph",
                "action": "finished",
                "severity": "information",
                "typeId": gid,
                "nodeId": self.nid,
            },
        )
        progress = messages[f"graph.progress.updated.information.{gid}.{self.nid}"]["data"]
        self.assertEqual(
            (progress["progress"]["value"], progress["progress"]["maximum"], progress["taskProgress"]["state"]),
            (1, 1, "succeeded"),
        )

    def test_one_active_graph_per_node_and_cancel(self):
        body = {"name": "Graph.noop-example", "options": {"noop-1": {"delay": 5000}}}
        graph = self.call("POST", f"/nodes/{self.nid}/workflows", body, 201)
        refused = self.call("POST", f"/nodes/{self.nid}/workflows?name=Graph.PowerOff.Node", None, 400)
        self.assertEqual(refused["message"], "Unable to run multiple task graphs against a single target.")
        self.assertTrue(self.engine.has_active_graph(self.nid))
        self.assertEqual(
            [g["instanceId"] for g in self.call("GET", f"/nodes/{self.nid}/workflows?active=true")],
            [graph["instanceId"]],
        )
        self.call("DELETE", f"/workflows/{graph['instanceId']}", None, 403)

        began = time.monotonic()
        answer = self.call("PUT", f"/nodes/{self.nid}/workflows/action", {"command": "cancel"}, 202)
        self.assertLess(time.monotonic() - began, 5.0, "cancel waited for the hanging BMC call")
        self.assertEqual(answer["_status"], "running")  # RackHD 2.60.7 answers the graph as it found it
        cancelled = self.engine.get(graph["instanceId"])
        self.assertEqual(cancelled["_status"], "cancelled")
        self.assertEqual({t["state"] for t in cancelled["tasks"].values()}, {"cancelled"})
        self.assertFalse(self.engine.has_active_graph(self.nid))
        self.call("PUT", f"/nodes/{self.nid}/workflows/action", {"command": "cancel"}, 404)
        self.call("PUT", f"/workflows/{graph['instanceId']}/action", {"command": "cancel"}, 400)
        self.call("PUT", f"/workflows/{graph['instanceId']}/action", {"command": "pause"}, 400)
        self.assertEqual(self.call("GET", "/workflows?active=true"), [])
        self.assertEqual(self.events.keys("graph.finished.")[-1], f"graph.finished.{graph['instanceId']}")
        self.call("DELETE", f"/workflows/{graph['instanceId']}", None, 204)
        self.call("GET", f"/workflows/{graph['instanceId']}", None, 404)

    def test_noop_graph_runs_tasks_in_wait_on_order(self):
        graph = self.call(
            "POST",
            "/workflows",
            {
                "name": "Graph.noop-example",
                "options": {"defaults": {"graphOptions": {"target": self.nid}, "delay": 20}},
            },
            201,
        )
        self.assertEqual(graph["node"], self.nid)
        done = self.finished(graph)
        self.assertEqual(done["_status"], "succeeded")
        start = {t["label"]: t["taskStartTime"] for t in done["tasks"].values()}
        self.assertLess(start["noop-1"], start["noop-2"])
        self.assertLess(start["noop-2"], min(start["parallel-noop-1"], start["parallel-noop-2"]))
        self.assertEqual({t["options"]["delay"] for t in done["tasks"].values()}, {20})
        self.assertEqual(len(self.events.keys("graph.progress.updated.")), 4)

    def test_failures_are_recorded_on_the_task(self):
        self.db.obms.delete_many({})
        graph = self.call("POST", f"/nodes/{self.nid}/workflows", {"name": "Graph.Reboot.Node"}, 201)
        done = self.finished(graph)
        (task,) = done["tasks"].values()
        self.assertEqual((done["_status"], task["state"]), ("failed", "failed"))
        self.assertIn("No OBM service assigned to this node.", task["error"])
        self.call("POST", f"/nodes/{self.nid}/workflows", {"name": "Graph.Nope"}, 404)
        self.call("POST", f"/nodes/{self.nid}/workflows", {"options": {}}, 400)
        self.call("POST", f"/nodes/{ObjectId()}/workflows", {"name": "Graph.PowerOn.Node"}, 404)
        self.call("POST", "/workflows", {"name": "Graph.noop-example", "options": {"defaults": []}}, 400)
        self.call(
            "POST",
            "/workflows",
            {"name": "Graph.noop-example", "options": {"defaults": {"graphOptions": {"target": str(ObjectId())}}}},
            404,
        )

    def test_graph_and_task_library(self):
        names = {g["injectableName"] for g in self.call("GET", "/workflows/graphs")}
        self.assertLessEqual(
            {
                "Graph.PowerOn.Node",
                "Graph.PowerOff.Node",
                "Graph.Reboot.Node",
                "Graph.Reset.Node",
                "Graph.Reset.Soft.Node",
                "Graph.noop-example",
            },
            names,
        )
        self.assertEqual(
            self.call("GET", "/workflows/graphs/Graph.Reset.Soft.Node")["tasks"],
            [{"label": "soft-reset", "taskName": "/api/2.0/workflows/tasks/Task.Obm.Node.Reset.Soft"}],
        )
        self.assertEqual(self.call("GET", "/workflows/tasks/Task.Obm.Node.Reset")["options"], {"action": "reset"})

        graph = {
            "friendlyName": "Off then on",
            "injectableName": "Graph.Test.Cycle",
            "tasks": [
                {"label": "off", "taskName": "Task.Obm.Node.PowerOff"},
                {"label": "on", "taskName": "Task.Obm.Node.PowerOn", "waitOn": {"off": "succeeded"}},
            ],
        }
        self.call("PUT", "/workflows/graphs", graph, 201)
        for bad in (
            {**graph, "tasks": [{"label": "x", "taskName": "Task.Missing"}]},
            {**graph, "tasks": [graph["tasks"][0], graph["tasks"][0]]},
            {**graph, "tasks": [{**graph["tasks"][1], "waitOn": {"nowhere": "finished"}}]},
            {**graph, "extra": 1},
            [graph],
        ):
            self.assertEqual(self.call("PUT", "/workflows/graphs", bad, 400)["status"], "400")
        done = self.finished(self.call("POST", f"/nodes/{self.nid}/workflows?name=Graph.Test.Cycle", None, 201))
        self.assertEqual(done["_status"], "succeeded")

        task = {
            "friendlyName": "Slow noop",
            "injectableName": "Task.Test.Slow",
            "implementsTask": "Task.Base.noop",
            "options": {"delay": 1},
            "properties": {},
        }
        self.assertEqual(self.call("PUT", "/workflows/tasks", task, 201), task)
        self.call("PUT", "/workflows/tasks", {**task, "implementsTask": "Task.Base.Unknown"}, 400)
        self.call("DELETE", "/workflows/tasks/Task.Test.Slow", None, 204)
        self.call("GET", "/workflows/tasks/Task.Test.Slow", None, 404)
        self.call("DELETE", "/workflows/graphs/Graph.Test.Cycle", None, 204)
        self.call("DELETE", "/workflows/graphs/Graph.Test.Cycle", None, 404)
