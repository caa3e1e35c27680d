"""The hypervisors: one contract (tests/unit/vm/contract.py) kept by the fake, by libvirt's recorded call
logs and by VirtualBox's hand-written ones (fixtures/calls/), replayed; then what the contract leaves out."""

import subprocess
import unittest
from pathlib import Path

from rackharness.errors import RackHarnessError, UsageError
from rackharness.rack.hypervisor import (
    ABSENT,
    HYPERVISORS,
    OFF,
    ON,
    CommandRunner,
    HypervisorError,
    LibvirtHypervisor,
    VirtualBoxHypervisor,
    VmNotFound,
    open_hypervisor,
)
from rackharness.tapes.proxy import CallLog, ReplayMismatch, ReplayProxy
from tests.unit.vm.contract import SCENARIOS, VM, HypervisorContract
from tests.unit.vm.fakes import FakeHypervisor

CALLS = Path(__file__).resolve().parents[3] / "fixtures" / "calls"


class FakeContractTest(HypervisorContract, unittest.TestCase):
    def hypervisor(self, scenario):
        return FakeHypervisor({VM: OFF})


class ReplayedContract(HypervisorContract):
    kind = ""

    def hypervisor(self, scenario):
        self.proxy = ReplayProxy(CallLog.load(CALLS / self.kind / f"{scenario}.json"), "subprocess")
        return open_hypervisor(self.kind, runner=CommandRunner(self.proxy))

    def scenario_done(self, scenario, hv):
        self.assertEqual(self.proxy.unused(), [], f"{self.kind}/{scenario}.json holds calls the scenario did not make")

    def test_a_log_for_every_scenario(self):
        self.assertEqual(sorted(p.stem for p in (CALLS / self.kind).glob("*.json")), sorted(SCENARIOS))


class LibvirtReplayTest(ReplayedContract, unittest.TestCase):
    kind = "libvirt"  # recorded against a real domain (tests/functional/test_vm_power.py)


class VirtualBoxReplayTest(ReplayedContract, unittest.TestCase):
    kind = "virtualbox"  # written by hand from VBoxManage's documented output (fixtures/calls/virtualbox/README.md)


class Scripted:
    """A ``subprocess`` module whose ``run`` answers from a list of (returncode, stdout, stderr) or exceptions."""

    def __init__(self, *answers):
        self.answers, self.argvs = list(answers), []

    def run(self, argv, **kwargs):
        self.argvs.append(argv)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return subprocess.CompletedProcess(argv, *answer)


class RunnerTest(unittest.TestCase):
    def test_a_missing_tool_is_a_hypervisor_error_with_an_install_hint(self):
        runner = CommandRunner(Scripted(FileNotFoundError(2, "No such file or directory")))
        with self.assertRaises(HypervisorError) as caught:
            runner.run(["virsh", "-c", "qemu:///system", "domstate", VM])
        self.assertIsInstance(caught.exception, RackHarnessError)
        self.assertIsInstance(caught.exception.__cause__, FileNotFoundError)
        self.assertIn("virsh -c qemu:///system domstate rhtest-power", str(caught.exception))
        self.assertIn("libvirt-clients", caught.exception.hint)

    def test_a_timeout_is_a_hypervisor_error_naming_the_command(self):
        runner = CommandRunner(Scripted(subprocess.TimeoutExpired(["VBoxManage"], 60)))
        with self.assertRaises(HypervisorError) as caught:
            runner.run(["VBoxManage", "list", "runningvms"])
        self.assertIn("VBoxManage list runningvms", str(caught.exception))
        self.assertIsInstance(caught.exception.__cause__, subprocess.TimeoutExpired)

    def test_a_replay_that_does_not_match_stays_a_test_failure(self):
        runner = CommandRunner(ReplayProxy(CallLog.load(CALLS / "libvirt" / "missing-vm.json"), "subprocess"))
        with self.assertRaises(ReplayMismatch):
            runner.run(["virsh", "-c", "qemu:///system", "domstate", "another"])


class LibvirtTest(unittest.TestCase):
    def libvirt(self, *answers):
        self.sp = Scripted(*answers)
        return LibvirtHypervisor("qemu+ssh://lab/system", runner=CommandRunner(self.sp))

    def test_every_command_names_the_connection_uri(self):
        self.libvirt((0, "paused\n", "")).state(VM)
        self.assertEqual(self.sp.argvs, [["virsh", "-c", "qemu+ssh://lab/system", "domstate", VM]])

    def test_paused_and_shutting_down_domains_have_power(self):
        for text, state in (("paused", ON), ("in shutdown", ON), ("crashed", OFF), ("shut off", OFF)):
            with self.subTest(text=text):
                self.assertEqual(self.libvirt((0, text + "\n\n", "")).state(VM), state)

    def test_an_unknown_state_word_is_an_error(self):
        with self.assertRaises(HypervisorError) as caught:
            self.libvirt((0, "ausgeschaltet\n", "")).state(VM)
        self.assertIn("LC_ALL=C", caught.exception.hint)

    def test_a_connection_failure_carries_the_command_and_stderr(self):
        stderr = "error: failed to connect to the hypervisor\nerror: Failed to connect socket: Permission denied\n"
        with self.assertRaises(HypervisorError) as caught:
            self.libvirt((1, "", stderr)).power_on(VM)
        self.assertNotIsInstance(caught.exception, VmNotFound)
        self.assertEqual(caught.exception.stderr, stderr)
        self.assertEqual(caught.exception.returncode, 1)
        self.assertIn("Permission denied", str(caught.exception))
        with self.assertRaises(HypervisorError):
            self.libvirt((1, "", stderr)).states([VM])

    def test_newer_libvirt_wording_of_a_missing_domain(self):
        stderr = "error: failed to get domain 'x'\nerror: Domain not found: no domain with matching name 'x'\n"
        self.assertEqual(self.libvirt((1, "", stderr)).state("x"), ABSENT)
        with self.assertRaises(VmNotFound):
            self.libvirt((1, "", stderr)).reset("x")


class VirtualBoxTest(unittest.TestCase):
    def vbox(self, *answers):
        self.sp = Scripted(*answers)
        return VirtualBoxHypervisor(runner=CommandRunner(self.sp))

    def test_saved_and_aborted_vms_are_off_paused_ones_on(self):
        for vm_state, state in (("saved", OFF), ("aborted", OFF), ("paused", ON), ("starting", ON)):
            with self.subTest(vm_state=vm_state):
                self.assertEqual(self.vbox((0, f'name="{VM}"\nVMState="{vm_state}"\n', "")).state(VM), state)

    def test_poweroff_racing_a_closing_session_counts_as_off(self):
        stderr = (
            "VBoxManage: error: Invalid machine state: PoweredOff (must be Running, Paused or Stuck)\n"
            "VBoxManage: error: Details: code VBOX_E_INVALID_VM_STATE (0x80bb0002), component ConsoleWrap\n"
        )
        self.vbox((1, "", stderr)).power_off(VM)

    def test_a_vm_locked_by_another_session_but_not_running_is_an_error(self):
        locked = f"VBoxManage: error: The machine '{VM}' is already locked by a session (or being locked or unlocked)\n"
        with self.assertRaises(HypervisorError):
            self.vbox((1, "", locked), (0, 'VMState="poweroff"\n', "")).power_on(VM)

    def test_names_with_spaces_and_quotes_in_lists(self):
        listed = '"my vm" {0f0e7c1a-3b5d-4c2e-9a8f-1d2b3c4d5e6f}\n"a \\"b\\"" {1f0e7c1a-3b5d-4c2e-9a8f-1d2b3c4d5e6f}\n'
        hv = self.vbox((0, listed, ""), (0, listed.splitlines()[0] + "\n", ""))
        self.assertEqual(hv.states(["my vm", "gone"]), {"my vm": ON, "gone": ABSENT})


class RegistryTest(unittest.TestCase):
    def test_the_two_hypervisors_by_name(self):
        self.assertEqual(sorted(HYPERVISORS), ["libvirt", "virtualbox"])
        self.assertEqual(open_hypervisor("libvirt").uri, "qemu:///system")
        self.assertEqual(open_hypervisor("libvirt", uri="qemu:///session").uri, "qemu:///session")
        self.assertIsInstance(open_hypervisor("virtualbox"), VirtualBoxHypervisor)

    def test_unknown_names_and_misplaced_uris_are_usage_errors(self):
        with self.assertRaises(UsageError):
            open_hypervisor("hyperv")
        with self.assertRaises(UsageError):
            open_hypervisor("virtualbox", uri="qemu:///system")


if __name__ == "__main__":
    unittest.main()
