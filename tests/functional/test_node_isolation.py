"""One slow or failing node never delays another node's BMC (all BMCs share one event loop)."""

import threading
import time
import unittest

from pyghmi.ipmi.command import Command

from tests.functional.checkers import ipmitool, require
from tests.functional.stack_fixture import PrivateStack

POWER_ON_DELAY = 3.0


class NodeIsolationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require("ipmitool")
        cls.stack = PrivateStack(
            nodes=3,
            RACKHARNESS_RACK_FAULTS="node-02=bmc-silent,node-03=power-on-fails",
            RACKHARNESS_BMC_POWER_ON_DELAY=str(POWER_ON_DELAY),
        )
        cls.addClassCleanup(cls.stack.cleanup)
        cls.stack.up()  # readiness does not wait for the silent BMC
        cls.healthy, cls.silent, cls.broken = cls.stack.info().nodes

    def session(self, node):
        return Command(bmc=node.bmc.host, port=node.bmc.port, userid=node.bmc.user, password=node.bmc.password)

    def test_power_on_delay_is_honoured(self):
        ipmi = self.session(self.healthy)
        ipmi.set_power("off", wait=True)
        started = time.monotonic()
        ipmi.set_power("on", wait=False)
        self.assertEqual(ipmi.get_power()["powerstate"], "off", "on before the configured power-on delay")
        ipmi.set_power("on", wait=POWER_ON_DELAY + 5)
        self.assertGreaterEqual(time.monotonic() - started, POWER_ON_DELAY - 0.1)
        self.assertEqual(ipmi.get_power()["powerstate"], "on")

    def test_power_on_fails_node_accepts_but_never_turns_on(self):
        ipmi = self.session(self.broken)
        ipmi.set_power("on", wait=False)
        time.sleep(POWER_ON_DELAY + 0.5)  # past the delay a working node would need
        self.assertEqual(ipmi.get_power()["powerstate"], "off")

    def test_silent_bmc_does_not_slow_the_others(self):
        hammer_done = threading.Event()

        def hammer_the_silent_bmc():
            while not hammer_done.is_set():
                ipmitool(self.silent, "chassis", "power", "status", timeout=10)

        threads = [threading.Thread(target=hammer_the_silent_bmc, daemon=True) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            # Measured with ipmitool (RackHD's path: a whole session per call): a handler that
            # blocked the shared loop for the silent node would stall these for seconds.
            worst = 0.0
            for _ in range(20):
                started = time.perf_counter()
                result = ipmitool(self.healthy, "chassis", "power", "status", timeout=30)
                worst = max(worst, time.perf_counter() - started)
                self.assertEqual(result.returncode, 0, result.stderr)
            self.assertLess(worst, 2.0, f"a power status took {worst:.3f}s while node-02 was silent")
            self.assertNotEqual(ipmitool(self.silent, "chassis", "power", "status", timeout=30).returncode, 0)
        finally:
            hammer_done.set()
            for thread in threads:
                thread.join(15)
