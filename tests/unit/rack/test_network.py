"""A network that looks real: BMC address modes, each node's requests from its own address (loopback only)."""

import asyncio
import http.server
import json
import threading
import unittest

from rackharness.bmc.commands.dispatch import NodeCommandHandler
from rackharness.config import load_config
from rackharness.errors import ConfigError
from rackharness.rack.boot_agent import BootAgent
from rackharness.rack.layout import IPMI_PORT, address_mode, build_rack_spec
from rackharness.rack.node import VirtualNode
from rackharness.rack.spec import AgentSpec, RackSpec
from rackharness.transports.http_out.chooser import open_http
from tests.support.virtual_node import PROFILES, node_spec


def config(**env):
    return load_config(environ={f"RACKHARNESS_{k}": str(v) for k, v in env.items()})


class AddressModeTest(unittest.TestCase):
    def test_auto_is_ports_for_the_reference_target(self):
        mode, why = address_mode(config(), can_bind=lambda host: True)
        self.assertEqual(mode, "ports")
        self.assertIn("reference target", why)

    def test_auto_with_a_target_is_addresses_when_623_can_be_bound(self):
        tried = []
        mode, _ = address_mode(
            config(TARGET_URL="http://127.0.0.1:8080"), can_bind=lambda host: tried.append(host) or True
        )
        self.assertEqual((mode, tried), ("addresses", ["127.1.0.1"]))
        mode, why = address_mode(config(TARGET_URL="http://127.0.0.1:8080"), can_bind=lambda host: False)
        self.assertEqual(mode, "ports")
        self.assertIn("CAP_NET_BIND_SERVICE", why)

    def test_auto_with_a_target_elsewhere_is_ports_and_nodes_bind_only_for_a_southbound_on_this_host(self):
        mode, why = address_mode(config(TARGET_URL="http://10.0.0.5:8080"), can_bind=lambda host: True)
        self.assertEqual(mode, "ports")
        self.assertIn("not on this host", why)
        self.assertEqual(
            address_mode(config(TARGET_URL="http://localhost:8080"), can_bind=lambda h: True)[0], "addresses"
        )
        remote = build_rack_spec(config(TARGET_URL="http://10.0.0.5:8080"), "addresses")
        self.assertFalse(remote.agent.bind_node_ip)
        local = build_rack_spec(
            config(TARGET_URL="http://10.0.0.5:8080", RACK_SOUTHBOUND_URL="http://127.0.0.1:9030"), "addresses"
        )
        self.assertTrue(local.agent.bind_node_ip)

    def test_an_explicit_mode_is_taken_as_it_is(self):
        self.assertEqual(address_mode(config(BMC_ADDRESS_MODE="addresses"), can_bind=lambda h: False)[0], "addresses")
        self.assertEqual(
            address_mode(config(BMC_ADDRESS_MODE="ports", TARGET_URL="http://x:1"), can_bind=lambda h: True)[0], "ports"
        )

    def test_addresses_give_each_bmc_port_623_of_its_own_address_and_each_node_its_own_ip(self):
        spec = build_rack_spec(
            config(NODES=300, BMC_ADDRESS_BASE="127.26.0.0", RACK_NODE_ADDRESS_BASE="127.27.0.0"), "addresses"
        )
        self.assertEqual(spec.address_mode, "addresses")
        self.assertTrue(spec.agent.bind_node_ip)
        self.assertEqual((spec.nodes[0].bmc.host, spec.nodes[0].bmc.port), ("127.26.0.1", IPMI_PORT))
        self.assertEqual((spec.nodes[255].bmc.host, spec.nodes[299].bmc.host), ("127.26.1.0", "127.26.1.44"))
        self.assertEqual((spec.nodes[0].ip, spec.nodes[1].ip), ("127.27.0.1", "127.27.0.2"))
        self.assertEqual(len({n.bmc.host for n in spec.nodes}), 300)
        self.assertEqual(RackSpec.from_dict(json.loads(spec.to_json())).to_json(), spec.to_json())

    def test_ports_mode_is_as_before(self):
        spec = build_rack_spec(config(NODES=2), "ports")
        self.assertEqual(
            [(n.bmc.host, n.bmc.port, n.ip) for n in spec.nodes],
            [("127.0.0.1", 18230, "172.31.128.2"), ("127.0.0.1", 18231, "172.31.128.3")],
        )
        self.assertFalse(spec.agent.bind_node_ip)

    def test_a_bad_base_address_names_the_setting(self):
        with self.assertRaisesRegex(ConfigError, "bmc.address_base: expected an IPv4 base address"):
            build_rack_spec(config(BMC_ADDRESS_BASE="127.1.x.0"), "addresses")


class PeerRecorder:
    """A small HTTP server that records each request's peer address; answers a profile that boots from disk."""

    def __init__(self):
        self.peers = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                recorder.peers.append((self.client_address[0], self.path))
                body = b"#!ipxe\nexit\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SourceAddressTest(unittest.TestCase):
    def setUp(self):
        self.server = PeerRecorder()
        self.addCleanup(self.server.close)

    def test_the_requests_side_binds_the_source_address(self):
        first = open_http(self.server.url, timeout=2, source_address="127.27.0.1")
        second = open_http(self.server.url, timeout=2, source_address="127.27.0.2")
        plain = open_http(self.server.url, timeout=2, pool_size=2)
        for transport in (first, second, first, plain):
            self.addCleanup(transport.close)
            self.assertEqual(transport.request("GET", "/x").status_code, 200)
        self.assertEqual(
            [peer for peer, _ in self.server.peers], ["127.27.0.1", "127.27.0.2", "127.27.0.1", "127.0.0.1"]
        )
        self.assertIn("from 127.27.0.1", repr(first))

    def test_each_node_netboots_from_its_own_address_and_reports_it(self):
        loop = asyncio.new_event_loop()
        self.addCleanup(loop.close)
        agent = BootAgent(
            AgentSpec(
                southbound_url=self.server.url, boot_delay=0.01, poll_interval=0.01, boot_timeout=5.0, bind_node_ip=True
            ),
            loop,
        )
        nodes = []
        for index, ip in ((1, "127.27.0.1"), (2, "127.27.0.2")):
            node = VirtualNode(node_spec(index, ip=ip), PROFILES.get("quanta-d51"), loop)
            agent.attach(node, NodeCommandHandler(node))
            nodes.append(node)

        async def boot():
            for node in nodes:
                node.boot.set_device("pxe")
                node.power_on()
            deadline = loop.time() + 5
            while agent.finished["local-boot"] < 2:
                if loop.time() > deadline:
                    raise AssertionError(f"timed out: {agent.status}")
                await asyncio.sleep(0.01)

        try:
            loop.run_until_complete(boot())
        finally:
            agent.close()
            pending = asyncio.all_tasks(loop)
            if pending:  # let the cancelled netboots unwind
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        seen = {
            (peer, path.split("macs=")[1].split("&")[0].replace("%3A", ":"), path.rsplit("ips=", 1)[1])
            for peer, path in self.server.peers
        }
        self.assertEqual(
            seen,
            {("127.27.0.1", nodes[0].spec.macs[0], "127.27.0.1"), ("127.27.0.2", nodes[1].spec.macs[0], "127.27.0.2")},
        )


if __name__ == "__main__":
    unittest.main()
