"""The VM power link: BMC power commands reach the node's VM, and the VM's real state comes back."""

import asyncio
import dataclasses
import threading
import unittest

from rackharness.errors import UsageError
from rackharness.rack.boot_agent import BootAgent
from rackharness.rack.hypervisor import ABSENT, OFF, ON, HypervisorError
from rackharness.rack.process import Rack
from rackharness.rack.spec import AgentSpec, BmcSpec, BmcUserSpec, RackSpec
from rackharness.rack.vm_power import VmPowerLink, vm_target
from tests.support.virtual_node import PROFILES_DIR, Bmc, node_spec
from tests.unit.vm.fakes import FakeHypervisor

VM_SPEC = {"hypervisor": "libvirt", "name": "rhtest-power", "uri": "qemu:///system"}
CHASSIS, STATUS, CONTROL = 0x00, 0x01, 0x02
DOWN, UP, CYCLE, HARD_RESET, SOFT = 0, 1, 2, 3, 5
ACPI, POWER_UNIT = 0x22, 0x09


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class VmPowerCase(unittest.IsolatedAsyncioTestCase):
    """One node (with a BMC command handler) tied to the VM ``rhtest-power`` of a fake hypervisor."""

    initial_vm = OFF
    initial_power = "off"

    async def asyncSetUp(self):
        self.fake = FakeHypervisor({"rhtest-power": self.initial_vm})
        self.opened = []
        self.clock = Clock()
        self.bmc = Bmc(vm=dict(VM_SPEC), initial_power=self.initial_power)
        self.node = self.bmc.node
        self.events = []
        self.node.add_power_listener(lambda node, event: self.events.append(event))
        self.link = VmPowerLink(
            asyncio.get_running_loop(), interval=3600, grace=5.0, clock=self.clock, hypervisor_factory=self.factory
        )
        self.link.attach(self.node)
        await self.link.start()
        self.addCleanup(self.link.close)

    def factory(self, kind, uri=None):
        self.opened.append((kind, uri))
        return self.fake

    def chassis(self, action):
        self.bmc.ok(CHASSIS, CONTROL, bytes([action]))

    def power_is_on(self):
        return bool(self.bmc.ok(CHASSIS, STATUS)[0] & 0x01)

    def sel(self):
        return [(r[10], r[13] & 0x0F) for r in self.node.sel.records()]


class BmcToVmTest(VmPowerCase):
    async def test_the_hypervisor_is_opened_once_with_the_spec_uri(self):
        self.assertEqual(self.opened, [("libvirt", "qemu:///system")])
        self.assertEqual(self.link.nodes, ["node-1"])

    async def test_ipmi_power_on_and_off_act_on_the_vm(self):
        self.chassis(UP)
        await self.link.settle()
        self.assertEqual(self.fake.commands(), [("power_on", "rhtest-power")])
        self.assertEqual(self.fake.vms["rhtest-power"], ON)
        self.assertTrue(self.power_is_on())
        self.chassis(DOWN)
        self.assertFalse(self.power_is_on())  # the BMC answers at once; the VM follows
        await self.link.settle()
        self.assertEqual(self.fake.commands()[-1], ("power_off", "rhtest-power"))
        self.assertEqual(self.fake.vms["rhtest-power"], OFF)

    async def test_cycle_and_resets_keep_the_bmcs_order(self):
        self.chassis(UP)
        self.chassis(CYCLE)
        self.chassis(HARD_RESET)
        self.node.warm_reset()  # the OS reboots
        await self.link.settle()
        self.assertEqual(
            [verb for verb, _ in self.fake.commands()], ["power_on", "power_off", "power_on", "reset", "reset"]
        )
        self.assertEqual(self.fake.vms["rhtest-power"], ON)

    async def test_a_hypervisor_error_is_logged_not_raised_into_the_bmc(self):
        self.fake.fail = HypervisorError("`virsh start rhtest-power` exited 1: error: no memory")
        with self.assertLogs("rackharness.rack.vm_power", "ERROR") as logs:
            self.chassis(UP)  # completes normally: the BMC never sees the hypervisor's error
            await self.link.settle()
        self.assertIn("power_on of VM 'rhtest-power' failed", logs.output[0])
        self.assertIn("no memory", logs.output[0])
        self.assertTrue(self.power_is_on())
        self.clock.now += 5.1  # past the grace window the VM's real state wins
        with self.assertLogs("rackharness.rack.vm_power", "WARNING") as logs:
            await self.link.sync_once()
        self.assertIn("is off although its BMC powered it on", logs.output[0])
        self.assertFalse(self.power_is_on())

    async def test_soft_off_ends_in_a_hard_power_off_of_the_vm(self):
        self.chassis(UP)
        self.chassis(SOFT)
        self.bmc.clock.advance(10)  # the node's ACPI shutdown delay
        await self.link.settle()
        self.assertEqual(self.fake.commands()[-1], ("power_off", "rhtest-power"))


class VmToBmcTest(VmPowerCase):
    initial_vm = ON
    initial_power = "off"

    async def test_start_reads_the_vm_so_chassis_status_is_right_at_once(self):
        self.assertTrue(self.power_is_on())  # the spec said off; the VM runs
        self.assertEqual(self.fake.commands(), [])
        self.assertEqual(self.events, [])

    async def test_a_vm_that_stopped_by_itself_shows_off_and_nothing_restarts_it(self):
        self.fake.set_state("rhtest-power", OFF)
        await self.link.sync_once()
        self.assertFalse(self.power_is_on())
        self.assertEqual(self.fake.commands(), [])  # no hypervisor command
        self.assertEqual(self.events, [])  # no listener told
        self.assertEqual(self.sel()[-2:], [(ACPI, 0x05), (POWER_UNIT, 0x00)])
        await self.link.settle()
        self.assertEqual(self.fake.vms["rhtest-power"], OFF)

    async def test_a_destroyed_vm_counts_as_off(self):
        self.fake.set_state("rhtest-power", ABSENT)
        await self.link.sync_once()
        self.assertFalse(self.power_is_on())

    async def test_a_vm_started_by_hand_turns_the_node_on_without_an_event(self):
        self.fake.set_state("rhtest-power", OFF)
        await self.link.sync_once()
        boots = self.node.boot_count
        self.fake.set_state("rhtest-power", ON)
        await self.link.sync_once()
        self.assertTrue(self.power_is_on())
        self.assertEqual(self.node.boot_count, boots + 1)
        self.assertEqual(self.events, [])
        self.assertEqual(self.fake.commands(), [])

    async def test_a_failing_state_read_is_logged_once_and_never_raised(self):
        def broken(vms):
            raise HypervisorError("`virsh list --name` exited 1: error: failed to connect to the hypervisor")

        self.fake.states = broken
        with self.assertLogs("rackharness.rack.vm_power", "WARNING") as logs:
            for _ in range(3):
                await self.link.sync_once()
        self.assertEqual(len(logs.output), 1)
        self.assertTrue(self.power_is_on())


class GraceWindowTest(VmPowerCase):
    async def test_a_vm_still_coming_up_does_not_turn_the_node_back_off(self):
        self.fake.boot_slowly = True  # started, but its state reads off for a while
        self.chassis(UP)
        await self.link.settle()
        await self.link.sync_once()
        self.assertTrue(self.power_is_on())
        self.clock.now += 4.0
        await self.link.sync_once()
        self.assertTrue(self.power_is_on())
        self.fake.set_state("rhtest-power", ON)  # it made it: the expectation is met and cleared
        await self.link.sync_once()
        self.fake.set_state("rhtest-power", OFF)  # from now on a stop is the VM's own
        await self.link.sync_once()
        self.assertFalse(self.power_is_on())
        self.assertEqual([verb for verb, _ in self.fake.commands()], ["power_on"])

    async def test_a_vm_that_never_comes_up_shows_off_after_the_window(self):
        self.fake.boot_slowly = True
        self.chassis(UP)
        await self.link.settle()
        self.clock.now += 5.1
        with self.assertLogs("rackharness.rack.vm_power", "WARNING"):
            await self.link.sync_once()
        self.assertFalse(self.power_is_on())

    async def test_states_read_while_a_command_runs_are_ignored(self):
        self.fake.gate = threading.Event()
        self.chassis(UP)
        self.clock.now += 60  # however long the command takes
        await self.link.sync_once()  # reads off: the start has not happened yet
        self.assertTrue(self.power_is_on())
        self.fake.gate.set()
        await self.link.settle()
        await self.link.sync_once()
        self.assertTrue(self.power_is_on())

    async def test_no_read_counts_until_the_command_returned(self):
        self.fake.gate = threading.Event()
        self.chassis(UP)
        for state in (ON, OFF):  # the VM flickers while `virsh start` has not returned yet
            self.fake.set_state("rhtest-power", state)
            await self.link.sync_once()
            self.assertTrue(self.power_is_on())
        self.fake.gate.set()
        await self.link.settle()
        await self.link.sync_once()
        self.assertTrue(self.power_is_on())
        self.assertEqual(self.fake.vms["rhtest-power"], ON)


class VmTargetTest(unittest.TestCase):
    def test_the_vm_entry(self):
        self.assertEqual(vm_target("n", VM_SPEC), ("libvirt", "rhtest-power", "qemu:///system"))
        self.assertEqual(
            vm_target("n", {"hypervisor": "virtualbox", "name": "rack_node-01"}), ("virtualbox", "rack_node-01", None)
        )

    def test_malformed_entries_are_usage_errors(self):
        for vm in ({}, {"name": ""}, {"name": "x", "hypervisor": "hyperv"}, {"name": "x", "disk": "y"}, "x"):
            with self.subTest(vm=vm), self.assertRaises(UsageError):
                vm_target("node-1", vm)


class RackWiringTest(unittest.IsolatedAsyncioTestCase):
    def rack_spec(self):
        users = [BmcUserSpec(2, "admin", "admin", "administrator")]
        return RackSpec(
            nodes=[
                node_spec(i, bmc=BmcSpec(host="127.0.0.1", port=0, mac=f"52:54:00:aa:00:0{i}", users=users), vm=vm)
                for i, vm in ((1, dict(VM_SPEC)), (2, None))
            ],
            profiles_dir=str(PROFILES_DIR),
            agent=AgentSpec(),
        )

    async def test_vm_nodes_get_the_power_link_instead_of_the_boot_agent(self):
        loop = asyncio.get_running_loop()
        fake = FakeHypervisor({"rhtest-power": ON})
        link = VmPowerLink(loop, interval=3600, hypervisor_factory=lambda kind, uri=None: fake)
        rack = Rack(self.rack_spec(), loop, agent=BootAgent(AgentSpec(), loop), vm_power=link)
        await rack.start()
        try:
            self.assertEqual(link.nodes, ["node-1"])
            self.assertEqual(sorted(rack.agent.status), ["node-2"])
            self.assertTrue(rack.nodes["node-1"].is_on)  # read from the VM at start
            self.assertFalse(rack.nodes["node-2"].is_on)
            self.assertIsNotNone(link._task)
        finally:
            rack.close()
        self.assertIsNone(link._task)

    def test_rack_json_without_vm_still_loads(self):
        without = dataclasses.asdict(RackSpec(nodes=[node_spec(1)], profiles_dir="p"))
        del without["nodes"][0]["vm"]  # a rack.json written before NodeSpec.vm
        self.assertIsNone(RackSpec.from_dict(without).nodes[0].vm)
        with_vm = dataclasses.asdict(RackSpec(nodes=[node_spec(1, vm=dict(VM_SPEC))], profiles_dir="p"))
        self.assertEqual(RackSpec.from_dict(with_vm).nodes[0].vm, VM_SPEC)


if __name__ == "__main__":
    unittest.main()
