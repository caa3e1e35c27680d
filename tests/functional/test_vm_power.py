"""VM power, live: the hypervisor contract against a real VM, and ipmitool through a rack's BMC moving it.

Libvirt (needs ``virsh`` and a libvirtd answering at qemu:///system; skipped with the reason printed
otherwise): each test defines one tiny diskless domain, ``rhtest-power`` (64 MB, no disk, no NIC, TCG),
and destroys and undefines it in tearDown. VirtualBox (needs ``VBoxManage``): the contract only, on a
VM ``rhtest-power`` it creates (64 MB, boots from the network) and deletes in tearDown.

With ``RACKHARNESS_RECORD_CALLS=1`` each contract scenario that passes saves the commands it ran and
their answers to ``fixtures/calls/<libvirt|virtualbox>/<scenario>.json``, the logs
tests/unit/vm/test_hypervisor.py replays (see fixtures/calls/README.md).
"""

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

from rackharness.errors import RackHarnessError
from rackharness.rack.hypervisor import CommandRunner, open_hypervisor
from rackharness.rack.process import Rack
from rackharness.rack.spec import BmcSpec, BmcUserSpec, RackSpec
from rackharness.rack.vm_power import VmPowerLink
from rackharness.tapes.proxy import CallLog, RecordingProxy
from rackharness.vm.libvirt_host import LibvirtHost
from tests.support.virtual_node import PROFILES_DIR, node_spec
from tests.unit.vm.contract import VM, HypervisorContract

URI = "qemu:///system"
CALLS = Path(__file__).resolve().parents[2] / "fixtures" / "calls"
RECORD = os.environ.get("RACKHARNESS_RECORD_CALLS") == "1"
DOMAIN_XML = f"""<domain type='qemu'>
  <name>{VM}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='network'/></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>
"""


STARTED: list[str] = []  # the libvirt daemons this module started


def skip(reason):
    print(f"\nskipped: {reason}", file=sys.stderr)
    raise unittest.SkipTest(reason)


def run(*argv, check=False):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=60, check=check)


def virsh(*args, check=False):
    return run("virsh", "-c", URI, *args, check=check)


def require_libvirt():
    if shutil.which("virsh") is None:
        skip("virsh is not installed (apt-get install -y libvirt-clients libvirt-daemon-system qemu-system-x86)")
    if not os.path.exists("/usr/bin/qemu-system-x86_64"):
        skip("/usr/bin/qemu-system-x86_64 is missing (apt-get install -y qemu-system-x86)")
    answer = virsh("version")
    if answer.returncode and os.geteuid() == 0:  # no init system runs libvirt here: start it, as the provider does
        try:
            STARTED.extend(LibvirtHost(URI).ensure_daemons(say=lambda line: print(line, file=sys.stderr)))
        except RackHarnessError as exc:
            skip(f"libvirtd does not answer at {URI} and could not be started: {exc}")
        answer = virsh("version")
    if answer.returncode:
        skip(f"libvirtd does not answer at {URI}: {answer.stderr.strip()} (start it: libvirtd -d; virtlogd -d)")


def tearDownModule():
    if STARTED:  # the daemons this module started, stopped again (when no domain is left)
        LibvirtHost(URI).stop_daemons(STARTED)


def define_domain(test):
    """Define ``rhtest-power`` (after removing a stale one of ours) and undefine it when ``test`` ends."""
    tmp = tempfile.TemporaryDirectory()
    test.addCleanup(tmp.cleanup)
    remove_domain()
    test.addCleanup(remove_domain)
    path = Path(tmp.name) / "domain.xml"
    path.write_text(DOMAIN_XML, encoding="utf-8")
    virsh("define", str(path), check=True)


def remove_domain():
    virsh("destroy", VM)
    virsh("undefine", VM)


class RecordingContract(HypervisorContract):
    """Runs the contract live; with RACKHARNESS_RECORD_CALLS=1 saves each passing scenario's calls."""

    kind = ""

    def hypervisor(self, scenario):
        self.log = CallLog()
        target = RecordingProxy(subprocess, self.log, "subprocess") if RECORD else subprocess
        return open_hypervisor(self.kind, runner=CommandRunner(target))

    def scenario_done(self, scenario, hv):
        if RECORD:
            path = self.log.save(CALLS / self.kind / f"{scenario}.json")
            print(f"\nrecorded {len(self.log.entries)} calls to {path}", file=sys.stderr)


class LibvirtContractTest(RecordingContract, unittest.TestCase):
    kind = "libvirt"

    def setUp(self):
        require_libvirt()
        define_domain(self)


class VirtualBoxContractTest(RecordingContract, unittest.TestCase):
    kind = "virtualbox"

    def setUp(self):
        if shutil.which("VBoxManage") is None:
            skip("VBoxManage is not installed (VirtualBox cannot be installed on every machine)")
        self.addCleanup(self.delete_vm)
        self.delete_vm()
        for argv in (
            ("createvm", "--name", VM, "--ostype", "Other_64", "--register"),
            ("modifyvm", VM, "--memory", "64", "--boot1", "net", "--boot2", "none", "--nic1", "nat"),
        ):
            run("VBoxManage", *argv, check=True)

    def delete_vm(self):
        run("VBoxManage", "controlvm", VM, "poweroff")
        for _ in range(50):  # the VM's session takes a moment to let go after a power off
            if run("VBoxManage", "unregistervm", VM, "--delete").returncode == 0:
                return
            if "Could not find a registered machine" in run("VBoxManage", "showvminfo", VM).stderr:
                return
            time.sleep(0.2)


class IpmitoolDrivesTheDomainTest(unittest.TestCase):
    """A rack whose one node is ``rhtest-power``: ipmitool over its BMC moves the domain, and back."""

    def setUp(self):
        require_libvirt()
        if shutil.which("ipmitool") is None:
            skip("ipmitool is not installed (apt-get install -y ipmitool)")
        define_domain(self)
        self.loop = asyncio.new_event_loop()
        thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        thread.start()
        self.addCleanup(self.loop.close)
        self.addCleanup(thread.join, 10)
        self.addCleanup(self.loop.call_soon_threadsafe, self.loop.stop)
        bmc = BmcSpec(
            host="127.0.0.1", port=0, mac="52:54:00:aa:00:01", users=[BmcUserSpec(2, "admin", "admin", "administrator")]
        )
        spec = RackSpec(
            nodes=[node_spec(1, bmc=bmc, vm={"hypervisor": "libvirt", "name": VM, "uri": URI})],
            profiles_dir=str(PROFILES_DIR),
        )
        self.rack = Rack(spec, self.loop, vm_power=VmPowerLink(self.loop, interval=0.5, grace=2.0))
        asyncio.run_coroutine_threadsafe(self.rack.start(), self.loop).result(30)
        self.addCleanup(self.close_rack)
        self.port = self.rack.bmc_ports()["node-1"]

    def close_rack(self):
        async def close():
            self.rack.close()
            await asyncio.sleep(0.1)  # let the cancelled sync task finish before the loop stops

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)

    def ipmitool(self, *command):
        answer = run(
            "ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p", str(self.port), "-U", "admin", "-P", "admin", *command
        )
        self.assertEqual(answer.returncode, 0, answer.stderr)
        return answer.stdout.strip()

    def wait_for(self, what, probe, expected, timeout):
        """Seconds until ``probe()`` returns ``expected`` (fails after ``timeout``)."""
        start = time.monotonic()
        while True:
            seen = probe()
            if seen == expected:
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                self.fail(f"{what}: still {seen!r} after {timeout} s (wanted {expected!r})")
            time.sleep(0.05)

    def domstate(self):
        return virsh("domstate", VM).stdout.strip()

    def chassis(self):
        return self.ipmitool("chassis", "power", "status")

    def test_power_commands_move_the_domain_and_the_domain_moves_chassis_status(self):
        self.assertEqual(self.chassis(), "Chassis Power is off")
        start = time.monotonic()
        self.ipmitool("chassis", "power", "on")
        on_seconds = time.monotonic() - start + self.wait_for("power on", self.domstate, "running", 10)
        self.assertEqual(self.chassis(), "Chassis Power is on")

        start = time.monotonic()
        self.ipmitool("chassis", "power", "off")
        off_seconds = time.monotonic() - start + self.wait_for("power off", self.domstate, "shut off", 10)
        self.assertEqual(self.chassis(), "Chassis Power is off")
        print(
            f"\nipmitool → virsh domstate: power on {on_seconds:.2f} s, power off {off_seconds:.2f} s", file=sys.stderr
        )

        time.sleep(2.5)  # past the grace window of the BMC's last command
        virsh("start", VM, check=True)  # started by hand: the BMC follows, and sends nothing back
        self.wait_for("chassis after a start by hand", self.chassis, "Chassis Power is on", 5)
        self.ipmitool("chassis", "power", "reset")
        time.sleep(1.0)
        self.assertEqual(self.domstate(), "running")
        time.sleep(2.5)
        virsh("destroy", VM, check=True)  # the VM stops by itself: chassis status shows off, nothing restarts it
        self.wait_for("chassis after the VM stopped", self.chassis, "Chassis Power is off", 5)
        time.sleep(1.5)
        self.assertEqual(self.domstate(), "shut off")

        self.ipmitool("chassis", "power", "on")
        self.wait_for("power on again", self.domstate, "running", 10)
        self.ipmitool("chassis", "power", "cycle")
        self.wait_for("power cycle", self.domstate, "running", 10)
        self.assertEqual(self.chassis(), "Chassis Power is on")
        self.ipmitool("chassis", "power", "off")
        self.wait_for("power off at the end", self.domstate, "shut off", 10)
