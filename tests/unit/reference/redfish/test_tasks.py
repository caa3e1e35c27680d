"""TaskService: graph _status → TaskState, times, the collections and 404."""

import datetime as dt

from rackharness.reference.redfish.tasks import TASK_STATES, moment_utc, task_view
from tests.unit.reference.redfish.support import RedfishAppTestCase

BASE = "/redfish/v1"
START = dt.datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=dt.timezone.utc)


def graph(status, instance_id="g1", node="5f0000000000000000000001"):
    return {
        "instanceId": instance_id,
        "name": "Power Off Node",
        "injectableName": "Graph.PowerOff.Node",
        "_status": status,
        "node": node,
        "createdAt": START,
        "updatedAt": START + dt.timedelta(seconds=2),
    }


class TaskViewTest(RedfishAppTestCase):
    def test_state_mapping(self):
        self.assertEqual(
            TASK_STATES,
            {
                "pending": "Running",
                "running": "Running",
                "succeeded": "Completed",
                "cancelled": "Killed",
                "failed": "Exception",
                "timeout": "Exception",
            },
        )

    def test_active_graph_has_no_end_time(self):
        view = task_view(graph("running"))
        self.assertEqual((view["TaskState"], view["StartTime"]), ("Running", "2024-05-01T12:00:00Z"))
        self.assertNotIn("EndTime", view)

    def test_finished_graph(self):
        view = task_view(graph("failed"))
        self.assertEqual(
            (view["TaskState"], view["EndTime"], view["Name"]), ("Exception", "2024-05-01T12:00:02Z", "Power Off Node")
        )

    def test_moment_format_of_strings(self):
        self.assertEqual(moment_utc("2024-05-01T12:00:00.123Z"), "2024-05-01T12:00:00Z")
        self.assertEqual(moment_utc(None), "")

    def test_routes(self):
        self.db["graphobjects"].insert_many([graph("succeeded"), graph("cancelled", "g2")])
        self.assertEqual(self.get(f"{BASE}/TaskService/Tasks/g2")["TaskState"], "Killed")
        tasks = self.get(f"{BASE}/TaskService/Tasks")
        self.assertEqual((tasks["Members@odata.count"], [m["Id"] for m in tasks["Members"]]), (2, ["g1", "g2"]))
        service = self.get(f"{BASE}/TaskService")
        self.assertEqual(service["Tasks"], {"@odata.id": f"{BASE}/TaskService/Tasks"})
        self.assertEqual(service["Oem"]["RackHD"]["SystemTaskCollection"]["Members@odata.count"], 1)

    def test_unknown_task_is_404(self):
        self.assert_redfish_error(self.client.get(f"{BASE}/TaskService/Tasks/nope"), 404, "nope")

    def test_system_tasks(self):
        nid = self.node()
        self.db["graphobjects"].insert_many([graph("succeeded", node=nid), graph("running", "g2")])
        body = self.get(f"{BASE}/TaskService/Oem/Tasks/{nid}")
        self.assertEqual([m["Id"] for m in body["Members"]], ["g1"])
        self.assert_redfish_error(self.client.get(f"{BASE}/TaskService/Oem/Tasks/nobody"), 404, "nobody")
