"""The default library and the checks on user graphs and tasks; graph instances built from them."""

import copy
import unittest

from rackharness.reference.documents import ApiError
from rackharness.reference.workflows.instance import (
    build_instance,
    check_run_options,
    graph_outcome,
    merge_options,
    wait_satisfied,
    wait_states,
)
from rackharness.reference.workflows.library import Library, defaults
from tests.support.fake_mongo import FakeDatabase

POWER_GRAPHS = {
    "Graph.PowerOn.Node": "Task.Obm.Node.PowerOn",
    "Graph.PowerOff.Node": "Task.Obm.Node.PowerOff",
    "Graph.Reboot.Node": "Task.Obm.Node.Reboot",
    "Graph.Reset.Node": "Task.Obm.Node.Reset",
    "Graph.Reset.Soft.Node": "Task.Obm.Node.Reset.Soft",
}


class LibraryTest(unittest.TestCase):
    def setUp(self):
        self.db = FakeDatabase()
        self.library = Library(self.db)
        self.library.seed()

    def test_defaults_are_seeded_once_and_keep_user_changes(self):
        for graph, task in POWER_GRAPHS.items():
            self.assertEqual([t["taskName"] for t in self.library.graph(graph)["tasks"]], [task])
            self.assertEqual(self.library.task(task)["implementsTask"], "Task.Base.Obm.Node")
        self.assertEqual(len(self.library.graph("Graph.noop-example")["tasks"]), 4)
        self.library.put_task({**self.library.task("Task.noop"), "options": {"delay": 5}})
        self.library.seed()
        self.assertEqual(self.library.task("Task.noop")["options"], {"delay": 5})
        self.assertEqual(len(self.library.all_tasks()), len(defaults()["tasks"]))

    def test_a_default_nobody_changed_follows_a_newer_library_json(self):
        """An existing state dir seeded by an older rackharness gets the new default; a user's edit is kept."""
        from unittest import mock

        from rackharness.reference.workflows import library as library_module

        newer = copy.deepcopy(defaults())
        for graph in newer["graphs"]:
            graph["friendlyName"] += " (newer)"
        newer["tasks"][0]["options"] = {"changed": True}
        self.library.put_graph({**self.library.graph("Graph.PowerOn.Node"), "friendlyName": "mine"})
        with mock.patch.object(library_module, "defaults", return_value=newer):
            self.library.seed()
        self.assertEqual(self.library.graph("Graph.PowerOff.Node")["friendlyName"], "PowerOff Node (newer)")
        self.assertEqual(self.library.graph("Graph.PowerOn.Node")["friendlyName"], "mine", "the user's graph is kept")
        self.assertEqual(self.library.task(newer["tasks"][0]["injectableName"])["options"], {"changed": True})
        self.assertEqual(len(self.library.all_graphs()), len(defaults()["graphs"]))

    def test_graph_checks(self):
        good = {
            "friendlyName": "g",
            "injectableName": "Graph.G",
            "tasks": [
                {"label": "a", "taskName": "Task.noop"},
                {
                    "label": "b",
                    "taskDefinition": {
                        "friendlyName": "i",
                        "injectableName": "Task.Inline",
                        "implementsTask": "Task.Base.noop",
                        "options": {},
                        "properties": {},
                    },
                    "waitOn": {"a": ["succeeded", "failed"]},
                },
            ],
        }
        self.assertEqual(self.library.put_graph(good)["options"], {})
        cases = {
            "duplicate task labels": {**good, "tasks": [good["tasks"][0]] * 2},
            "unknown taskName": {**good, "tasks": [{"label": "a", "taskName": "Task.Nope"}]},
            "not another task label": {**good, "tasks": [{**good["tasks"][0], "waitOn": {"a": "finished"}}]},
            "unknown state": {**good, "tasks": [good["tasks"][0], {**good["tasks"][1], "waitOn": {"a": "done"}}]},
            "not a base task": {
                **good,
                "tasks": [
                    {
                        "label": "x",
                        "taskDefinition": {**good["tasks"][1]["taskDefinition"], "implementsTask": "Task.Base.Linux"},
                    }
                ],
            },
        }
        for expected, body in cases.items():
            with self.subTest(expected), self.assertRaises(ApiError) as caught:
                self.library.put_graph(body)
            self.assertEqual(caught.exception.status, 400)
            self.assertIn(expected, caught.exception.message)
        with self.assertRaisesRegex(ApiError, "lack \\['action'\\]"):
            self.library.put_task({"friendlyName": "x", "injectableName": "T", "implementsTask": "Task.Base.Obm.Node"})
        with self.assertRaisesRegex(ApiError, "Graph definition not found for Graph.Nope"):
            self.library.need_graph("Graph.Nope")


class InstanceTest(unittest.TestCase):
    def setUp(self):
        self.library = Library(FakeDatabase())
        self.library.seed()

    def test_options_defaults_apply_to_declared_keys_and_labels_to_any(self):
        definition = {**self.library.graph("Graph.PowerOn.Node"), "options": {"defaults": {"x": 1}}}
        graph = build_instance(
            self.library,
            definition,
            {"defaults": {"obmServiceName": "ipmi-obm-service", "unrelated": 2}, "poweron": {"extra": True}},
            "node-1",
        )
        (task,) = graph["tasks"].values()
        self.assertEqual(
            task["options"],
            {"action": "powerOn", "obmServiceName": "ipmi-obm-service", "extra": True, "_taskTimeout": 86_400_000},
        )  # RackHD's default, as it shows it
        self.assertEqual(
            graph["definition"]["options"]["defaults"], {"x": 1, "obmServiceName": "ipmi-obm-service", "unrelated": 2}
        )
        self.assertEqual(
            (graph["name"], graph["_status"], graph["context"]["target"]), ("PowerOn Node", "pending", "node-1")
        )

    def test_wait_on_uses_task_ids(self):
        graph = build_instance(self.library, self.library.graph("Graph.noop-example"), None, None)
        ids = {t["label"]: tid for tid, t in graph["tasks"].items()}
        self.assertEqual(graph["tasks"][ids["noop-2"]]["waitingOn"], {ids["noop-1"]: ["finished"]})
        # RackHD 2.60.7 keys the instance's copy of the definition by task id too
        waits = [entry.get("waitOn") for entry in graph["definition"]["tasks"]]
        self.assertEqual(waits[:2], [None, {ids["noop-1"]: ["finished"]}])

    def test_optionoverrides_of_a_stored_graph_entry_apply(self):
        definition = {
            "friendlyName": "f",
            "injectableName": "Graph.F",
            "options": {},
            "tasks": [{"label": "wait", "taskName": "Task.noop", "optionOverrides": {"delay": 7}}],
        }
        (task,) = build_instance(self.library, definition, {"defaults": {"option1": 9}}, None)["tasks"].values()
        self.assertEqual((task["options"]["delay"], task["options"]["option1"]), (7, 9))

    def test_run_options_must_be_an_object_of_objects(self):
        self.assertEqual(check_run_options(None), {})
        for bad in ([], {"defaults": []}, {"label": 3}):
            with self.subTest(bad), self.assertRaises(ApiError):
                check_run_options(bad)

    def test_helpers(self):
        self.assertTrue(wait_satisfied("finished", "cancelled"))
        self.assertFalse(wait_satisfied("succeeded", "failed"))
        self.assertTrue(wait_satisfied(["failed", "timeout"], "timeout"))
        self.assertEqual(
            merge_options({"options": {"a": {"x": 1}}}, {"a": {"y": 2}, "b": 3}), {"a": {"x": 1, "y": 2}, "b": 3}
        )
        self.assertEqual(
            (wait_states("finished"), wait_states("failed"), wait_states(["succeeded"])),
            (["finished"], "failed", ["succeeded"]),
        )  # as RackHD 2.60.7 keeps them
        failed = {"state": "failed", "ignoreFailure": False}
        ignored = {"state": "failed", "ignoreFailure": True}
        self.assertEqual((graph_outcome({"a": failed}), graph_outcome({"a": ignored})), ("failed", "succeeded"))
