"""The boot agent's conversation with a fake target behind the same HTTP seam (no sockets but one test)."""

import asyncio
import http.server
import json
import tempfile
import threading
import unittest
from pathlib import Path

from rackharness.bmc.commands.dispatch import NodeCommandHandler
from rackharness.rack.boot_agent import BootAgent, read_status
from rackharness.rack.node import VirtualNode
from rackharness.rack.spec import AgentSpec
from rackharness.transports.http_out.base import HttpUnreachable
from rackharness.transports.http_out.chooser import open_http
from tests.support.virtual_node import PROFILES, node_spec
from tests.unit.rack.fake_southbound import FakeSouthbound

MACS = ["52:54:00:00:01:00", "52:54:00:00:01:01"]
FAST = dict(southbound_url="http://fake", boot_delay=0.01, poll_interval=0.01, boot_timeout=5.0)


class Harness:
    """A loop, a node on it and its agent; ``run(until)`` drives the loop until ``until()`` holds."""

    def __init__(self, fake, status_path=None, **spec):
        self.loop = asyncio.new_event_loop()
        self.fake = fake
        self.agent = BootAgent(AgentSpec(**{**FAST, **spec}), self.loop, transport=fake, status_path=status_path)
        self.node = VirtualNode(node_spec(macs=list(MACS), ip="172.31.128.2"), PROFILES.get("quanta-d51"), self.loop)
        self.agent.attach(self.node, NodeCommandHandler(self.node))

    def run(self, until, timeout=5.0):
        async def wait():
            deadline = self.loop.time() + timeout
            while not until():
                if self.loop.time() > deadline:
                    raise AssertionError(f"timed out; agent status: {self.status()}")
                await asyncio.sleep(0.005)

        self.loop.run_until_complete(wait())

    def status(self):
        return self.agent.status[self.node.name]

    def close(self):
        self.agent.close()
        pending = asyncio.all_tasks(self.loop)
        if pending:  # let the cancelled netboots unwind
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()


class BootAgentTest(unittest.TestCase):
    def harness(self, fake=None, **spec):
        h = Harness(fake or FakeSouthbound(), **spec)
        self.addCleanup(h.close)
        return h

    def test_pxe_power_on_runs_discovery_to_exit_then_boots_from_disk(self):
        h = self.harness(FakeSouthbound(gaps=True))
        h.node.boot.set_device("pxe")
        h.node.power_on()
        h.run(lambda: h.agent.finished["local-boot"] == 1)
        self.assertEqual(h.agent.finished["exit"], 1)
        self.assertEqual(h.fake.profile_params[0], [("macs", MACS[0]), ("macs", MACS[1]), ("ips", "172.31.128.2")])
        node_id = "node00000000000000000001"
        results = h.fake.results(node_id)
        self.assertEqual(results[""]["error"], None)  # the bootstrap task's empty command
        self.assertIn("D51B-2U", results["sudo dmidecode"]["stdout"])
        self.assertEqual(
            results["sudo ipmitool lan print 2"]["error"],
            {"code": 1, "killed": False, "signal": None, "cmd": "sudo ipmitool lan print 2"},
        )
        self.assertIn("52:54:00:aa:00:01", results["sudo ipmitool lan print"]["stdout"])
        self.assertEqual(results["sudo python set_interfaces.py"]["error"], None)  # after its download
        # the exit rebooted the node (warm reset) with the boot device set in-band: a second netboot
        status = h.status()
        self.assertEqual((status.state, status.netboots, status.discovered), ("local-boot", 2, True))
        self.assertEqual(status.previous["node_id"], node_id)
        sel = [(r[10], r[13] & 0x0F) for r in h.node.sel.records()]
        self.assertIn((0x1D, 0x02), sel)  # System Boot Initiated: warm reset
        self.assertTrue(h.node.is_on)

    def test_boot_device_decides(self):
        h = self.harness()
        h.node.boot.set_device("bios")
        h.node.power_on()
        self.assertEqual((h.status().state, h.status().netboots), ("local-boot", 0))  # BIOS setup: no netboot
        h.node.power_off()
        h.node.power_on()  # no override, never discovered: a blank disk falls through to the network
        h.run(lambda: h.agent.finished["local-boot"] == 1)
        h.node.power_off()
        h.node.boot.set_device("disk")
        h.node.power_on()  # discovered now: the disk boots
        self.assertEqual(h.status().netboots, 2)
        self.assertEqual(h.status().events[-1].split(" ", 1)[1], "booted from disk")

    def test_power_off_interrupts_a_netboot(self):
        h = self.harness(boot_delay=10.0)
        h.node.boot.set_device("pxe")
        h.node.power_on()
        h.run(lambda: h.status().state == "waiting")
        h.node.power_off()
        self.assertEqual(h.status().state, "off")
        self.assertEqual(h.agent.finished["interrupted"], 1)
        self.assertIn("netboot interrupted in state waiting (power off)", h.status().events[-2])

    def test_an_unreachable_target_is_retried_and_reported(self):
        fake = FakeSouthbound(down=True)
        h = self.harness(fake, boot_timeout=1.2)
        h.node.boot.set_device("pxe")
        h.node.power_on()
        h.run(lambda: h.status().profile_requests >= 2)
        self.assertTrue(h.status().profile_status.startswith("unreachable: ConnectionRefusedError"))
        fake.down = False
        h.run(lambda: h.agent.finished["local-boot"] == 1)
        self.assertEqual(h.agent.finished.get("failed", 0), 0)

    def test_a_target_that_never_answers_fails_the_netboot(self):
        h = self.harness(FakeSouthbound(down=True), boot_timeout=0.6)
        h.node.boot.set_device("pxe")
        h.node.power_on()
        h.run(lambda: h.agent.finished["failed"] == 1)
        self.assertEqual(h.status().state, "failed")
        self.assertIn("never answered 200", h.status().error)

    def test_a_failing_command_stops_the_document_like_bootstrap_js(self):
        def documents(node_id):
            return [
                {
                    "identifier": node_id,
                    "tasks": [
                        {"cmd": "sudo ipmitool mc info"},
                        {"cmd": "sudo flashupdt -i"},
                        {"cmd": "sudo ipmitool fru"},
                    ],
                },
                {"identifier": node_id, "tasks": [{"cmd": ""}], "exit": {"code": 1}},
            ]

        h = self.harness(FakeSouthbound(documents=documents))
        h.node.boot.set_device("pxe")
        h.node.power_on()
        h.run(lambda: h.agent.finished["exit"] == 1)
        posted = h.fake.posts["node00000000000000000001"][0]["tasks"]
        self.assertEqual(posted[1]["error"]["code"], 127)
        self.assertEqual(posted[1]["stderr"], "sudo: flashupdt: command not found\n")
        self.assertNotIn("stdout", posted[2])  # never ran
        self.assertEqual(
            h.status().failed_command,
            {"cmd": "sudo flashupdt -i", "code": 127, "stderr": "sudo: flashupdt: command not found"},
        )

    def test_bootstrap_without_a_task_path_fails_clearly(self):
        class Broken(FakeSouthbound):
            def request(self, method, path, *, params=None, json=None, headers=None, timeout=None):
                answer = super().request(method, path, params=params, json=json)
                if path.endswith("bootstrap.js"):
                    return type(answer)(200, b"console.log('hello');")
                return answer

        h = self.harness(Broken())
        h.node.boot.set_device("pxe")
        h.node.power_on()
        h.run(lambda: h.agent.finished["failed"] == 1)
        self.assertIn("bootstrap.js has no tasksPath", h.status().error)

    def test_status_file_has_progress_and_no_secret(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "agents.json"
            h = Harness(FakeSouthbound(), status_path=path)
            try:
                h.node.boot.set_device("pxe")
                h.node.power_on()
                h.run(lambda: h.agent.finished["local-boot"] == 1)
                h.agent.flush()
                report = read_status(tmp)
            finally:
                h.close()
            entry = report["nodes"]["node-1"]
            self.assertEqual((entry["state"], entry["discovered"], entry["netboots"]), ("local-boot", True, 2))
            self.assertNotIn('"admin"', path.read_text().replace('"name"', ""))  # no BMC password ("admin")
            self.assertEqual(report["southbound_url"], "http://fake")

    def test_no_southbound_url_means_no_netboot(self):
        loop = asyncio.new_event_loop()
        self.addCleanup(loop.close)
        agent = BootAgent(AgentSpec(southbound_url=None), loop)
        node = VirtualNode(node_spec(), PROFILES.get("quanta-d51"), loop)
        agent.attach(node, NodeCommandHandler(node))
        node.boot.set_device("pxe")
        node.power_on()
        self.assertEqual(agent.status[node.name].state, "local-boot")
        self.assertIn("netboot disabled", agent.status[node.name].events[-1])


class SouthboundOverRequestsTest(unittest.TestCase):
    """What the agent sends through the real side of the HTTP-out seam (the one test with sockets)."""

    def test_get_post_and_refused(self):
        seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                seen.append(("GET", self.path))
                self._answer(200, b"#!ipxe\nexit\n")

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                seen.append(("POST", self.path, body))
                self._answer(201, b"{}")

            def _answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        transport = open_http(f"http://127.0.0.1:{server.server_address[1]}", timeout=2, pool_size=4)
        answer = transport.request("GET", "/api/current/profiles", params=[("macs", "a"), ("macs", "b")])
        self.assertEqual((answer.status_code, answer.text), (200, "#!ipxe\nexit\n"))
        self.assertEqual(transport.request("POST", "/api/current/tasks/x", json={"tasks": []}).status_code, 201)
        self.assertEqual(
            seen, [("GET", "/api/current/profiles?macs=a&macs=b"), ("POST", "/api/current/tasks/x", {"tasks": []})]
        )
        port = server.server_address[1]
        server.shutdown()
        server.server_close()
        with self.assertRaises(HttpUnreachable):
            open_http(f"http://127.0.0.1:{port}", timeout=1).request("GET", "/")
