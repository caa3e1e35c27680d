"""The hypervisor contract: what every side of :class:`~rackharness.rack.hypervisor.Hypervisor` does.

Mixed into a TestCase that provides ``hypervisor(scenario)`` (a Hypervisor whose VM ``VM`` exists and is
off, and whose VM ``MISSING`` does not exist). Run against the fake (tests/unit/vm/test_hypervisor.py),
against the call logs in fixtures/calls/<kind>/<scenario>.json replayed (the same file), and live against
libvirt or VirtualBox (tests/functional/test_vm_power.py, which records those logs when asked to). A
replayed log must see exactly the calls it holds, in order: change a scenario here, re-record the logs.
"""

from rackharness.errors import RackHarnessError
from rackharness.rack.hypervisor import ABSENT, OFF, ON, VmNotFound

VM = "rhtest-power"
MISSING = "rhtest-absent"
SCENARIOS = ("power-cycle", "missing-vm")


class HypervisorContract:
    def hypervisor(self, scenario):
        raise NotImplementedError

    def scenario_done(self, scenario, hv):
        """Called when a scenario passed (a replay checks it used the whole log; a recording saves it)."""

    def test_power_cycle(self):
        hv = self.hypervisor("power-cycle")
        self.assertEqual(hv.state(VM), OFF)
        hv.power_on(VM)
        self.assertEqual(hv.state(VM), ON)
        hv.power_on(VM)  # already running: nothing to do
        self.assertEqual(hv.states([VM, MISSING]), {VM: ON, MISSING: ABSENT})
        hv.reset(VM)  # running: restarts at once
        self.assertEqual(hv.state(VM), ON)
        hv.soft_off(VM)  # the ACPI power button (a diskless VM without an OS ignores it)
        hv.power_off(VM)
        self.assertEqual(hv.state(VM), OFF)
        hv.power_off(VM)  # already off: nothing to do
        hv.soft_off(VM)
        self.assertEqual(hv.states([VM]), {VM: OFF})
        hv.reset(VM)  # off: starts it
        self.assertEqual(hv.state(VM), ON)
        hv.power_off(VM)
        self.assertEqual(hv.state(VM), OFF)
        self.scenario_done("power-cycle", hv)

    def test_missing_vm(self):
        hv = self.hypervisor("missing-vm")
        self.assertEqual(hv.state(MISSING), ABSENT)
        for action in (hv.power_on, hv.power_off):
            with self.subTest(action=action.__name__), self.assertRaises(VmNotFound) as caught:
                action(MISSING)
            self.assertIsInstance(caught.exception, RackHarnessError)
            self.assertIn(repr(MISSING), str(caught.exception))
        self.scenario_done("missing-vm", hv)
