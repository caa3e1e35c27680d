"""Graphs that run graphs (RackHD's Task.Base.Graph.Run, how Graph.SKU.Discovery runs Graph.Discovery):
the outer graph has no target, the sub-graph holds the node; the sub-graph's failure, with its
failed task's error, fails the outer task; cancelling the outer graph cancels the sub-graph."""

import unittest

from rackharness.reference.context import TargetContext
from rackharness.reference.events_memory import RecordingEventBus
from rackharness.reference.workflows.engine import WorkflowEngine
from rackharness.reference.workflows.obm import NoopObmService, ObmRegistry
from tests.support.fake_mongo import FakeDatabase

NODE = "5f0000000000000000000001"


def outer_graph(name, child):
    return {
        "friendlyName": name,
        "injectableName": name,
        "options": {"defaults": {"graphOptions": {"target": None}}},
        "tasks": [
            {
                "label": "run-child",
                "taskDefinition": {
                    "friendlyName": "Run child",
                    "injectableName": "Task.Graph.Run.Child",
                    "implementsTask": "Task.Base.Graph.Run",
                    "options": {"graphName": child, "graphOptions": {}},
                    "properties": {},
                },
            },
            {"label": "after", "taskName": "Task.noop", "waitOn": {"run-child": "succeeded"}},
        ],
    }


class SubgraphTest(unittest.TestCase):
    def setUp(self):
        self.db = FakeDatabase()
        self.events = RecordingEventBus()
        self.engine = WorkflowEngine(
            TargetContext(db=self.db, events=self.events), obms=ObmRegistry({"noop-obm-service": NoopObmService()})
        )
        self.addCleanup(self.engine.close)
        self.engine.library.put_graph(outer_graph("Graph.Test.Outer", "Graph.noop-example"))
        self.engine.library.put_graph(outer_graph("Graph.Test.Failing", "Graph.PowerOn.Node"))
        self.engine.library.put_graph(
            {
                "friendlyName": "slow",
                "injectableName": "Graph.Test.Slow",
                "options": {},
                "tasks": [{"label": "wait", "taskName": "Task.noop", "optionOverrides": {"delay": 60000}}],
            }
        )
        self.engine.library.put_graph(outer_graph("Graph.Test.Cancel", "Graph.Test.Slow"))

    def run_outer(self, name):
        return self.engine.run_graph(name, {"defaults": {"graphOptions": {"target": NODE}}}, None)

    def child(self, name):
        return next(g for g in self.db["graphobjects"].find({"injectableName": name}))

    def test_the_sub_graph_holds_the_node(self):
        outer = self.run_outer("Graph.Test.Outer")
        self.assertIsNone(outer["node"])
        self.assertTrue(self.engine.wait_active(NODE, 5))
        done = self.engine.wait(outer["instanceId"], 5)
        self.assertEqual(done["_status"], "succeeded")
        inner = self.child("Graph.noop-example")
        self.assertEqual((inner["node"], inner["_status"]), (NODE, "succeeded"))
        gid, cid = outer["instanceId"], inner["instanceId"]
        lifecycle = [k for k in self.events.keys() if ".started.information." in k or ".finished.information." in k]
        self.assertEqual(
            lifecycle,
            [
                f"graph.started.information.{gid}",
                f"graph.started.information.{cid}.{NODE}",
                f"graph.finished.information.{cid}.{NODE}",
                f"graph.finished.information.{gid}",
            ],
        )
        self.assertFalse(self.engine.wait_active(NODE, 0.05))

    def test_a_failed_sub_graph_fails_the_task_with_its_reason(self):
        outer = self.run_outer("Graph.Test.Failing")
        done = self.engine.wait(outer["instanceId"], 5)
        self.assertEqual(done["_status"], "failed")
        task = next(t for t in done["tasks"].values() if t["label"] == "run-child")
        inner = self.child("Graph.PowerOn.Node")
        self.assertEqual(
            task["error"],
            f"Graph Graph.PowerOn.Node ({inner['instanceId']}) for node {NODE} failed: "
            "task poweron (Task.Obm.Node.PowerOn) failed: "
            "No OBM service assigned to this node.",
        )

    def test_a_busy_node_and_cancel(self):
        slow = self.engine.run_graph("Graph.Test.Slow", None, NODE)
        refused = self.engine.wait(self.run_outer("Graph.Test.Outer")["instanceId"], 5)
        self.assertIn(
            "Unable to start graph Graph.noop-example for node", next(iter(refused["tasks"].values()))["error"]
        )
        self.engine.cancel(slow["instanceId"])
        outer = self.run_outer("Graph.Test.Cancel")
        self.assertTrue(self.engine.wait_active(NODE, 5))
        self.engine.cancel(outer["instanceId"])
        inner = next(
            g
            for g in self.db["graphobjects"].find({"injectableName": "Graph.Test.Slow"})
            if g["instanceId"] != slow["instanceId"]
        )
        self.assertEqual(self.engine.wait(inner["instanceId"], 5)["_status"], "cancelled")
        self.assertFalse(self.engine.has_active_graph(NODE))

    def test_which_graphs_run_sub_graphs(self):
        self.assertTrue(self.engine.graph_definition_runs_subgraphs("Graph.SKU.Discovery"))
        self.assertFalse(self.engine.graph_definition_runs_subgraphs("Graph.Discovery"))
