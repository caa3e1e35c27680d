"""Address mode as a real RackHD sees it: ``ipmitool -I lanplus -H <BMC address>`` with no ``-p`` reaches that
node's BMC on UDP 623 of its own 127.x address, quickly, and ``lan print`` reports that address.

Needs root (or CAP_NET_BIND_SERVICE) for port 623 and ipmitool; skipped otherwise. Uses its own address
range (127.26.x / 127.27.x) so that it never meets another rack's BMCs.
"""

import asyncio
import subprocess
import threading
import time
import unittest

from rackharness.config import load_config
from rackharness.rack.layout import build_rack_spec, can_bind_ipmi_port
from rackharness.rack.process import Rack
from tests.functional.checkers import require

BMC_BASE, NODE_BASE = "127.26.0.0", "127.27.0.0"


def ipmitool_no_port(host, *command, timeout=10.0):
    argv = ["ipmitool", "-I", "lanplus", "-H", host, "-U", "admin", "-P", "admin", *command]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


class BmcsOnTheirOwnAddresses(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require("ipmitool")
        if not can_bind_ipmi_port("127.26.0.1"):
            raise unittest.SkipTest("binding UDP 623 needs root or CAP_NET_BIND_SERVICE")
        config = load_config(
            environ={
                "RACKHARNESS_NODES": "2",
                "RACKHARNESS_BMC_ADDRESS_MODE": "addresses",
                "RACKHARNESS_BMC_ADDRESS_BASE": BMC_BASE,
                "RACKHARNESS_RACK_NODE_ADDRESS_BASE": NODE_BASE,
            }
        )
        cls.spec = build_rack_spec(config)
        cls.loop = asyncio.new_event_loop()
        cls.thread = threading.Thread(target=cls.loop.run_forever, daemon=True)
        cls.thread.start()
        cls.rack = Rack(cls.spec, cls.loop)
        asyncio.run_coroutine_threadsafe(cls.rack.start(), cls.loop).result(10)

    @classmethod
    def tearDownClass(cls):
        cls.loop.call_soon_threadsafe(cls.rack.close)
        cls.loop.call_soon_threadsafe(cls.loop.stop)
        cls.thread.join(5)

    def test_each_address_reaches_its_own_node_without_a_port_quickly(self):
        first, second = (node.bmc.host for node in self.spec.nodes)
        self.assertEqual((first, second), ("127.26.0.1", "127.26.0.2"))
        self.assertEqual(ipmitool_no_port(second, "chassis", "power", "on").returncode, 0)
        for host, expected in ((first, "off"), (second, "on")):
            began = time.monotonic()
            result = ipmitool_no_port(host, "chassis", "power", "status")
            took = time.monotonic() - began
            self.assertEqual(
                (result.returncode, result.stdout.strip()), (0, f"Chassis Power is {expected}"), result.stderr
            )
            self.assertLess(took, 1.0, f"ipmitool to {host} took {took:.2f}s")
        self.assertTrue(self.rack.nodes["node-02"].is_on)
        self.assertFalse(self.rack.nodes["node-01"].is_on)

    def test_lan_print_reports_the_bmc_address_and_port_623(self):
        for node in self.spec.nodes:
            result = ipmitool_no_port(node.bmc.host, "lan", "print")
            self.assertEqual(result.returncode, 0, result.stderr)
            lines = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in result.stdout.splitlines())}
            self.assertEqual(lines["IP Address"], node.bmc.host)
            self.assertEqual(lines["MAC Address"], node.bmc.mac)


if __name__ == "__main__":
    unittest.main()
