"""`up --discover`'s wait and report, against a fake API, fake BMCs and an agents.json (no services)."""

import json
import tempfile
import unittest
from pathlib import Path

from rackharness.errors import BmcCommandError, ClientError
from rackharness.rack.discovery import Discovery, DiscoveryFailed, describe_agent, describe_discovery_graph
from rackharness.stack_info import BmcAccess, NodeInfo, StackInfo


class FakeApi:
    def __init__(self):
        self.nodes, self.graphs, self.catalogs, self.calls = [], [], {}, []
        self.obms = {}  # node id → [obm]

    def put(self, path, body, **_):
        self.calls.append(("PUT", path, body))
        node_id = path.split("/")[4]
        if path.endswith("/obm"):  # RackHD answers 201 with the OBM, its password not shown
            obm = {
                "id": f"obm-{node_id}",
                "node": f"/api/2.0/nodes/{node_id}",
                "service": body["service"],
                "config": {k: v for k, v in body["config"].items() if k != "password"},
            }
            self.obms.setdefault(node_id, []).append(obm)
            return obm
        for graph in self.graphs:  # a cancel ends the node's active graphs
            if graph.get("node") == node_id and graph.get("status") in ("pending", "running"):
                graph["status"] = "cancelled"

    def delete(self, path, **_):
        self.calls.append(("DELETE", path))
        self.nodes = [n for n in self.nodes if n["id"] != path.split("/")[4]]

    def get(self, path, **_):
        if path == "/api/2.0/nodes":
            return self.nodes
        if path == "/api/2.0/workflows":
            return self.graphs
        if path.endswith("/catalogs"):
            return self.catalogs.get(path.split("/")[4], [])
        if path.endswith("/obm"):
            return self.obms.get(path.split("/")[4], [])
        raise AssertionError(path)


class FakeObm:
    def __init__(self, refuse=False):
        self.calls, self.refuse = [], refuse

    def set_boot_device(self, device):
        if self.refuse:
            raise BmcCommandError("node-02", "127.0.0.1:1", "set boot device", "the BMC refused the IPMI login")
        self.calls.append(("bootdev", device))

    def power_status(self):
        return "off"

    def power_on(self):
        self.calls.append(("on",))


def rack(n):
    return NodeInfo(f"node-0{n}", (f"52:54:00:00:0{n}:00",), BmcAccess("127.0.0.1", 1000 + n, "admin", "pw"))


class DiscoveryReportTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.state = Path(tmp.name)
        self.stack = StackInfo("local", self.state, "http://x", None, None, (rack(1), rack(2), rack(3)))
        self.api = FakeApi()
        self.lines = []
        self.time = [0.0]

    def discovery(self, timeout=3.0, obms=None, create_obms=False):
        obms = obms or {}
        return Discovery(
            self.stack,
            self.api,
            timeout=timeout,
            interval=1.0,
            say=self.lines.append,
            obm_factory=lambda node: obms.setdefault(node.name, FakeObm()),
            clock=lambda: self.time[0],
            create_obms=create_obms,
        )

    def discovered_pair(self):
        """node-01 (BMC on 623 of its own address) and node-02 (port mode) both discovered in this run."""
        self.stack = StackInfo(
            "local",
            self.state,
            "http://x",
            None,
            None,
            (
                NodeInfo("node-01", ("52:54:00:00:01:00",), BmcAccess("127.1.0.1", 623, "admin", "pw")),
                NodeInfo("node-02", ("52:54:00:00:02:00",), BmcAccess("127.0.0.1", 18231, "admin", "pw")),
            ),
            sut_kind="rackhd",
        )
        self.api.nodes = [
            {"id": "a1", "identifiers": ["52:54:00:00:01:00"]},
            {"id": "a2", "identifiers": ["52:54:00:00:02:00"]},
        ]
        self.api.catalogs = {"a1": [{}], "a2": [{}]}
        self.api.graphs = [
            {
                "injectableName": "Graph.SKU.Discovery",
                "status": "succeeded",
                "node": node,
                "createdAt": "2999-01-01T00:00:00.000Z",
            }
            for node in ("a1", "a2")
        ]

    def test_against_a_rackhd_each_discovered_node_without_an_ipmi_obm_gets_one(self):
        self.discovered_pair()
        self.api.obms = {"a2": [{"id": "o2", "service": "ipmi-obm-service", "config": {"host": "127.0.0.1"}}]}
        self.discovery(create_obms=True).wait()
        puts = [c for c in self.api.calls if c[0] == "PUT"]
        self.assertEqual(
            puts,
            [
                (
                    "PUT",
                    "/api/2.0/nodes/a1/obm",
                    {
                        "nodeId": "a1",
                        "service": "ipmi-obm-service",
                        "config": {"host": "127.1.0.1", "user": "admin", "password": "pw"},
                    },
                )
            ],
        )
        self.assertIn(
            "  node-01: created its ipmi-obm-service OBM (host 127.1.0.1, user admin): the target has "
            "autoCreateObm off, as RackHD's stack-init would have",
            self.lines,
        )
        self.assertFalse(any("pw" in line for line in self.lines))
        self.assertFalse(any("node-02: created" in line for line in self.lines))

    def test_a_port_mode_bmc_gets_its_port_in_the_obm_and_a_refusal_is_said(self):
        self.discovered_pair()
        self.api.obms = {"a1": [{"id": "o1", "service": "ipmi-obm-service", "config": {}}]}
        self.discovery(create_obms=True).wait()
        self.assertIn(
            (
                "PUT",
                "/api/2.0/nodes/a2/obm",
                {
                    "nodeId": "a2",
                    "service": "ipmi-obm-service",
                    "config": {"host": "127.0.0.1", "user": "admin", "password": "pw", "port": 18231},
                },
            ),
            self.api.calls,
        )

        def refuse(path, body, **_):
            raise ClientError("PUT /obm: 400 bad config")

        self.api.obms, self.lines[:] = {}, []
        self.api.put = refuse
        self.discovery(create_obms=True).wait()
        self.assertIn(
            "  node-01: no ipmi-obm-service OBM, and creating one failed: PUT /obm: 400 bad config", self.lines
        )

    def test_without_create_obms_nothing_is_created(self):
        self.discovered_pair()
        self.discovery().wait()
        self.assertEqual([c for c in self.api.calls if c[0] == "PUT"], [])

    def advance(self, seconds):
        self.time[0] += seconds

    def test_power_on_sets_pxe_and_reports_refusals(self):
        obms = {"node-02": FakeObm(refuse=True)}
        d = self.discovery(obms=obms)
        d.power_on_all()
        self.assertEqual(obms["node-01"].calls, [("bootdev", "network"), ("on",)])
        self.assertEqual(self.lines[-1], "powered on 2 of 3 nodes through their BMCs with boot device pxe; 1 failed")
        self.assertIn("refused the IPMI login", d.nodes["node-02"].power_error)

    def test_discovered_failed_and_timed_out_nodes(self):
        self.api.nodes = [
            {"id": "a1", "identifiers": ["52:54:00:00:01:00"]},
            {"id": "a2", "identifiers": ["52:54:00:00:02:00"]},
        ]
        self.api.catalogs = {"a1": [{"source": "dmi"}]}
        self.api.graphs = [
            {
                "injectableName": "Graph.Discovery",
                "status": "succeeded",
                "node": "a1",
                "createdAt": "2999-01-01T00:00:00.000Z",
            },
            {
                "injectableName": "Graph.Discovery",
                "status": "failed",
                "node": "a2",
                "createdAt": "2999-01-01T00:00:01.000Z",
                "tasks": [
                    {"label": "catalog-dmi", "state": "succeeded"},
                    {
                        "label": "create-ipmi-obm-settings",
                        "injectableName": "Task.Obm.Ipmi.CreateSettings",
                        "state": "failed",
                        "error": "Incorrect password provided",
                    },
                ],
            },
        ]
        (self.state / "agents.json").write_text(
            json.dumps(
                {
                    "nodes": {
                        "node-03": {
                            "state": "profile",
                            "netboots": 1,
                            "profile_requests": 4,
                            "profile_at": None,
                            "profile_status": "unreachable: ConnectionRefusedError",
                        }
                    }
                }
            )
        )
        d = self.discovery(timeout=2.0)
        d.clock = lambda: self.time[0]
        d._drain = self.advance  # the wait's pause moves the fake clock
        with self.assertRaises(DiscoveryFailed) as caught:
            d.wait()
        report = caught.exception.message
        self.assertIn("discovery timed out after 2s:", report)
        self.assertIn(
            "node-02: graph Graph.Discovery failed: task create-ipmi-obm-settings "
            "(Task.Obm.Ipmi.CreateSettings) failed: Incorrect password provided",
            report,
        )
        self.assertIn("node-03: boot agent: netboot #1 profile, 4 profile request(s), last answer unreachable", report)
        self.assertIn("discovered: 1 of 3 (node-01)", report)
        self.assertNotIn("node-01:", report.split("discovered:")[0])
        self.assertIn("  node-01: discovered after", "\n".join(self.lines))
        self.assertIn("  node-02: FAILED after", "\n".join(self.lines))

    def test_a_node_discovered_before_this_run_is_reported_as_such(self):
        self.stack = StackInfo("local", self.state, "http://x", None, None, (rack(1),))
        self.api.nodes = [{"id": "a1", "identifiers": ["52:54:00:00:01:00"]}]
        self.api.catalogs = {"a1": [{"source": "dmi"}]}
        self.api.graphs = [
            {
                "injectableName": "Graph.SKU.Discovery",
                "status": "succeeded",
                "node": "a1",
                "createdAt": "2001-01-01T00:00:00.000Z",
            }
        ]
        d = self.discovery(timeout=5.0)
        d.wait()
        self.assertEqual(d.nodes["node-01"].outcome, "already discovered")
        self.assertIn("  node-01: already discovered by graph of 2001-01-01T00:00:00.000Z (node a1)", self.lines)

    def test_a_failed_node_ends_the_wait_once_the_others_are_done(self):
        self.stack = StackInfo("local", self.state, "http://x", None, None, (rack(1), rack(2)))
        self.api.nodes = [
            {"id": "a1", "identifiers": ["52:54:00:00:01:00"]},
            {"id": "a2", "identifiers": ["52:54:00:00:02:00"]},
        ]
        self.api.catalogs = {"a1": [{}], "a2": [{}]}
        self.api.graphs = [
            {"injectableName": "Graph.Discovery", "_status": "succeeded", "node": "a1"},
            {"injectableName": "Graph.Discovery", "_status": "cancelled", "node": "a2"},
        ]
        d = self.discovery(timeout=60.0)
        with self.assertRaises(DiscoveryFailed) as caught:
            d.wait()
        self.assertIn("discovery failed for 1 of 2 nodes", caught.exception.message)
        self.assertIn("node-02: graph Graph.Discovery cancelled", caught.exception.message)

    def test_agent_descriptions(self):
        self.assertIn("no profile request (the node never powered on)", describe_agent({"state": "off"}))
        self.assertIn("no status", describe_agent(None))
        text = describe_agent(
            {
                "state": "tasks",
                "netboots": 1,
                "profile_requests": 1,
                "profile_at": 1.0,
                "bootstrap_at": 2.0,
                "node_id": "n1",
                "documents": 0,
                "task_fetches": 7,
            }
        )
        self.assertIn("bootstrap.js fetched (node n1); no task fetched (7 empty fetches)", text)
        text = describe_agent(
            {
                "state": "tasks",
                "netboots": 1,
                "profile_requests": 1,
                "profile_at": 1.0,
                "bootstrap_at": 2.0,
                "documents": 3,
                "commands_run": 12,
                "last_command": "sudo lshw -json",
                "last_exit_code": 127,
                "failed_command": {"cmd": "sudo lshw -json", "code": 127, "stderr": "sudo: lshw: command not found"},
            }
        )
        self.assertIn("command failed: 'sudo lshw -json' exit 127: sudo: lshw: command not found", text)
        running = {
            "injectableName": "Graph.Discovery",
            "status": "running",
            "tasks": [{"label": "catalog-bmc", "state": "running"}, {"label": "x", "state": "succeeded"}],
        }
        self.assertEqual(
            describe_discovery_graph(running), "graph Graph.Discovery still running; waiting on: catalog-bmc=running"
        )


class UnfinishedDiscoveryTest(unittest.TestCase):
    """A node whose earlier discovery never finished is deleted, so the target discovers it again."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.stack = StackInfo("local", Path(tmp.name), "http://x", None, None, (rack(1), rack(2), rack(3)))
        self.api = FakeApi()
        self.api.nodes = [
            {"id": "a1", "identifiers": ["52:54:00:00:01:00"]},
            {"id": "a2", "identifiers": ["52:54:00:00:02:00"]},
            {"id": "a3", "identifiers": ["52:54:00:00:03:00"]},
        ]
        self.api.catalogs = {"a1": [{}], "a2": [{}], "a3": [{}]}  # each has a catalog: "discovered" to RackHD
        self.api.graphs = [
            {
                "injectableName": "Graph.SKU.Discovery",
                "status": "succeeded",
                "node": "a1",
                "createdAt": "2001-01-01T00:00:00.000Z",
            },
            {
                "injectableName": "Graph.SKU.Discovery",
                "status": "cancelled",
                "node": "a2",
                "createdAt": "2001-01-01T00:00:00.000Z",
            },
            {
                "injectableName": "Graph.SKU.Discovery",
                "status": "running",
                "node": "a3",
                "createdAt": "2001-01-01T00:00:00.000Z",
            },
        ]
        self.lines = []

    def discovery(self, timeout=5.0):
        return Discovery(
            self.stack,
            self.api,
            timeout=timeout,
            interval=1.0,
            say=self.lines.append,
            obm_factory=lambda node: FakeObm(),
        )

    def test_interrupted_and_running_discoveries_are_forgotten_a_finished_one_kept(self):
        self.discovery().forget_unfinished()
        self.assertEqual([n["id"] for n in self.api.nodes], ["a1"])
        self.assertEqual(
            self.api.calls,
            [
                ("DELETE", "/api/2.0/nodes/a2"),
                ("PUT", "/api/2.0/nodes/a3/workflows/action", {"command": "cancel"}),
                ("DELETE", "/api/2.0/nodes/a3"),
            ],
        )
        self.assertIn(
            "  node-02: its discovery of 2001-01-01T00:00:00.000Z ended cancelled; node a2 deleted so "
            "that it is discovered again",
            self.lines,
        )

    def test_an_earlier_runs_failed_graph_does_not_fail_this_run(self):
        self.api.graphs[2]["status"] = "failed"
        d = self.discovery(timeout=0.5)
        d.clock = iter(range(100)).__next__
        with self.assertRaises(DiscoveryFailed) as caught:
            d.wait()
        self.assertIn("discovery timed out", caught.exception.message)  # waited for this run's discovery
        self.assertEqual(d.nodes["node-01"].outcome, "already discovered")
        self.assertIsNone(d.nodes["node-02"].outcome)


class GraphCreationTest(unittest.TestCase):
    def test_a_graph_view_without_timestamps_is_dated_by_its_object_id(self):
        from rackharness.rack.discovery import _created

        # RackHD's GET /workflows answers the graph view: no createdAt, a Mongo ObjectId as id
        self.assertEqual(_created({"id": "6b1123c1eb03f742ecc403c3"}), "2026-12-03T08:09:37.000Z")
        self.assertEqual(_created({"id": "x", "createdAt": "2026-12-03T08:09:37.064Z"}), "2026-12-03T08:09:37.064Z")
        self.assertEqual(_created({"id": "not-an-object-id"}), "")

    def test_of_two_failed_tasks_in_a_graph_view_the_one_that_ended_it_is_told(self):
        # RackHD's graph view has no ignoreFailure: catalog-perccli failed (ignored) before the OBM step failed
        view = {
            "injectableName": "Graph.rancherDiscovery",
            "status": "failed",
            "tasks": [
                {
                    "label": "create-ipmi-obm-settings",
                    "state": "failed",
                    "error": "Incorrect password",
                    "taskStartTime": "2026-12-03 08:09:40.100000",
                },
                {
                    "label": "catalog-perccli",
                    "state": "failed",
                    "error": "perccli64: not found",
                    "taskStartTime": "2026-12-03 08:09:38.200000",
                },
            ],
        }
        self.assertIn("task create-ipmi-obm-settings (?) failed: Incorrect password", describe_discovery_graph(view))
        view["tasks"].append({"label": "shell-reboot", "state": "cancelled", "taskStartTime": "2026-12-03 08:09:41"})
        self.assertIn("task create-ipmi-obm-settings (?) failed: Incorrect password", describe_discovery_graph(view))
