"""The engine's state machine over a dict-backed database: noop OBMs, a fake BMC that is slow or
fails, waitOn order, terminal failures, cancel, one graph per node, orphans (no services needed)."""

import threading
import unittest

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import ApiError
from rackharness.reference.events_memory import RecordingEventBus
from rackharness.reference.workflows.engine import MULTIPLE_GRAPHS, WorkflowEngine
from rackharness.reference.workflows.obm import NoopObmService, ObmError, ObmRegistry
from tests.support.fake_mongo import FakeDatabase

NODE = "5f0000000000000000000001"
OTHER = "5f0000000000000000000002"


class FakeBmc:
    """An OBM service whose calls block until ``release`` is set, or fail with ``error``."""

    def __init__(self):
        self.release = threading.Event()
        self.error = None
        self.calls = []

    def run(self, action, node_id, config):
        self.calls.append((action, node_id))
        self.release.wait(10)
        if self.error:
            raise ObmError(self.error)


class EngineTest(unittest.TestCase):
    def setUp(self):
        self.db = FakeDatabase()
        self.bmc = FakeBmc()
        self.events = RecordingEventBus()
        self.engine = WorkflowEngine(
            TargetContext(db=self.db, events=self.events),
            obms=ObmRegistry({"noop-obm-service": NoopObmService(), "fake-bmc": self.bmc}),
        )
        self.addCleanup(self.engine.close)
        self.addCleanup(self.bmc.release.set)

    def give_obm(self, node, service):
        self.db["obms"].insert_one({"node": node, "service": service, "config": {}})

    def test_graph_runs_to_succeeded_and_publishes_in_order(self):
        self.give_obm(NODE, "noop-obm-service")
        graph = self.engine.run_graph("Graph.PowerOff.Node", None, NODE)
        done = self.engine.wait(graph["instanceId"], 5)
        self.assertEqual(done["_status"], "succeeded")
        self.assertFalse(self.engine.obms.services["noop-obm-service"].run("powerStatus", NODE, {}))
        gid = graph["instanceId"]
        self.assertEqual(
            self.events.keys(),
            [
                f"graph.started.information.{gid}.{NODE}",
                f"graph.started.{gid}",
                f"graph.progress.updated.information.{gid}.{NODE}",
                f"graph.finished.information.{gid}.{NODE}",
                f"graph.finished.{gid}",
            ],
        )

    def test_running_task_blocks_a_second_graph_until_it_ends(self):
        self.give_obm(NODE, "fake-bmc")
        self.give_obm(OTHER, "noop-obm-service")
        graph = self.engine.run_graph("Graph.PowerOn.Node", None, NODE)
        self.assertEqual(graph["_status"], "running")
        self.assertEqual([t["state"] for t in graph["tasks"].values()], ["pending"])  # answered before it starts
        self.assertEqual([t["state"] for t in self.engine.get(graph["instanceId"])["tasks"].values()], ["running"])
        with self.assertRaises(ApiError) as caught:
            self.engine.run_graph("Graph.PowerOff.Node", None, NODE)
        self.assertEqual((caught.exception.status, caught.exception.message), (400, MULTIPLE_GRAPHS))
        other = self.engine.run_graph("Graph.PowerOn.Node", None, OTHER)  # another node is not held up
        self.assertEqual(self.engine.wait(other["instanceId"], 5)["_status"], "succeeded")
        self.assertTrue(self.engine.has_active_graph(NODE))
        self.bmc.release.set()
        self.assertEqual(self.engine.wait(graph["instanceId"], 5)["_status"], "succeeded")
        self.assertFalse(self.engine.has_active_graph(NODE))

    def test_bmc_error_fails_task_and_graph(self):
        self.give_obm(NODE, "fake-bmc")
        self.bmc.error = "BMC 10.0.0.1:623 (user 'admin'): Chassis Control powerOn failed: boom"
        self.bmc.release.set()
        done = self.engine.wait(self.engine.run_graph("Graph.PowerOn.Node", None, NODE)["instanceId"], 5)
        (task,) = done["tasks"].values()
        self.assertEqual((done["_status"], task["state"], task["error"]), ("failed", "failed", self.bmc.error))
        self.assertEqual(self.events.published[-1][1]["status"], "failed")

    def test_cancel_stops_waiting_jobs_and_ignores_late_results(self):
        self.give_obm(NODE, "fake-bmc")
        graph = self.engine.run_graph("Graph.Reboot.Node", None, NODE)
        cancelled = self.engine.cancel(graph["instanceId"])
        self.assertEqual(cancelled["_status"], "cancelled")
        self.assertEqual([t["state"] for t in cancelled["tasks"].values()], ["cancelled"])
        self.bmc.release.set()  # the BMC answers after the cancel: the result must not count
        self.assertEqual(self.engine.wait(graph["instanceId"], 1)["_status"], "cancelled")
        self.assertIsNone(self.engine.cancel(graph["instanceId"]))
        self.assertIsNone(self.engine.cancel_node(NODE))

    def test_wait_on_order_and_unreachable_tasks(self):
        self.db["graphdefinitions"].insert_one(
            {
                "friendlyName": "branches",
                "injectableName": "Graph.Test.Branches",
                "options": {},
                "tasks": [
                    {"label": "first", "taskName": "Task.Obm.Node.PowerOn"},
                    {"label": "if-ok", "taskName": "Task.noop", "waitOn": {"first": "succeeded"}},
                    {"label": "if-failed", "taskName": "Task.noop", "waitOn": {"first": "failed"}},
                    {"label": "always", "taskName": "Task.noop", "waitOn": {"first": ["succeeded", "failed"]}},
                ],
            }
        )
        self.give_obm(NODE, "noop-obm-service")
        done = self.engine.wait(self.engine.run_graph("Graph.Test.Branches", None, NODE)["instanceId"], 5)
        states = {t["label"]: t["state"] for t in done["tasks"].values()}
        self.assertEqual(
            states, {"first": "succeeded", "if-ok": "succeeded", "if-failed": "pending", "always": "succeeded"}
        )
        self.assertEqual(done["_status"], "succeeded")

    def test_ignore_failure_and_missing_obm(self):
        self.db["graphdefinitions"].insert_one(
            {
                "friendlyName": "tolerant",
                "injectableName": "Graph.Test.Tolerant",
                "options": {},
                "tasks": [
                    {"label": "power", "taskName": "Task.Obm.Node.PowerOn", "ignoreFailure": True},
                    {"label": "after", "taskName": "Task.noop", "waitOn": {"power": "finished"}},
                ],
            }
        )
        done = self.engine.wait(self.engine.run_graph("Graph.Test.Tolerant", None, NODE)["instanceId"], 5)
        states = {t["label"]: (t["state"], t.get("error")) for t in done["tasks"].values()}
        self.assertEqual(states["power"], ("failed", "No OBM service assigned to this node."))
        self.assertEqual((states["after"][0], done["_status"]), ("succeeded", "succeeded"))

    def test_graph_without_target_and_bad_requests(self):
        done = self.engine.wait(self.engine.run_graph("Graph.noop-example")["instanceId"], 5)
        self.assertEqual((done["_status"], done["node"]), ("succeeded", None))
        self.assertEqual(
            self.events.keys("graph.started.information.")[0].count("."), 3
        )  # graph.started.information.<id>: no nodeId
        for name, options, status in ((None, None, 400), ("Graph.Nope", None, 404), ("Graph.noop-example", [], 400)):
            with self.assertRaises(ApiError) as caught:
                self.engine.run_graph(name, options, NODE)
            self.assertEqual(caught.exception.status, status)

    def test_graphs_left_running_by_a_previous_process_are_failed_on_start(self):
        self.db["graphobjects"].insert_one(
            {
                "instanceId": "left-over",
                "name": "x",
                "node": NODE,
                "_status": "running",
                "tasks": {"t": {"state": "running"}},
            }
        )
        WorkflowEngine(TargetContext(db=self.db, events=self.events)).close()
        stored = self.db["graphobjects"].find_one({"instanceId": "left-over"})
        self.assertEqual((stored["_status"], stored["tasks"]["t"]["state"]), ("failed", "failed"))
        self.assertFalse(self.engine.has_active_graph(NODE))
