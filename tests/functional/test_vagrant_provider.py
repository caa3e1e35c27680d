"""The vagrant provider, for real: one diskless VM (libvirt/QEMU under TCG) PXE-boots the microkernel, the
reference target discovers it, its BMC powers the domain off, RackHD's power-on workflow starts it again, and
``down`` leaves nothing of the provider behind.

Needs root, vagrant with vagrant-libvirt, libvirt and QEMU (``./stack.sh test`` installs them; skipped with
the reason printed otherwise). Its own ports (28xxx) and state directory; about two minutes.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

from rackharness.clients.rest import RackHDClient, graph_status
from rackharness.services.process import find_by_cmdline
from rackharness.stack_info import current_stack
from rackharness.vm.vagrant_rack import domain_prefix

REPO = Path(__file__).resolve().parents[2]
PORTS = {
    "RACKHARNESS_AMQP_PORT": "28672",
    "RACKHARNESS_AMQP_DIST_PORT": "28673",
    "RACKHARNESS_AMQP_EPMD_PORT": "28369",
    "RACKHARNESS_MONGO_PORT": "28017",
    "RACKHARNESS_TARGET_PORT": "28080",
    "RACKHARNESS_TARGET_AUTH_PORT": "28443",
    "RACKHARNESS_BMC_BASE_PORT": "28230",
    "RACKHARNESS_BMC_ADDRESS_MODE": "ports",
}


def missing_parts() -> str:
    if os.geteuid() != 0:
        return "the vagrant provider's libvirt path runs as root (libvirt's system connection)"
    tools = [t for t in ("vagrant", "virsh", "qemu-system-x86_64", "ipmitool") if shutil.which(t) is None]
    if tools:
        return f"{', '.join(tools)} not installed (./stack.sh test installs them)"
    try:
        import vagrant  # noqa: F401
    except ImportError:
        return "python-vagrant is not installed (pip install 'rackharness[vagrant]')"
    return ""


def virsh(*args: str) -> str:
    return subprocess.run(["virsh", "-c", "qemu:///system", *args], capture_output=True, text=True).stdout.strip()


def wait_for(probe, timeout: float, what: str) -> float:
    began = time.monotonic()
    while not probe():
        if time.monotonic() - began > timeout:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(0.2)
    return time.monotonic() - began


class VagrantProviderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        reason = missing_parts()
        if reason:
            print(f"\nskipped: {reason}", file=sys.stderr)
            raise unittest.SkipTest(reason)
        cls.tmp = tempfile.mkdtemp(prefix="rh-vagrant-test-")
        cls.state = f"{cls.tmp}/state"
        cls.prefix = domain_prefix(Path(cls.state))
        cls.env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
        cls.env.update(
            PORTS,
            RACKHARNESS_STATE_DIR=cls.state,
            RACKHARNESS_PROVIDER="vagrant",
            RACKHARNESS_NODES="1",
            RACKHARNESS_DISCOVER_TIMEOUT="240",
        )
        cls.up = cls.cli("up", "--discover", timeout=600)
        cls.down = None

    @classmethod
    def tearDownClass(cls):
        if cls.down is None:
            cls.cli("down", "--force", "--purge", timeout=300)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def cli(cls, *args, timeout=300):
        return subprocess.run(
            [sys.executable, "-m", "rackharness", *args],
            env=cls.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def test_1_up_discovers_the_vm_through_a_real_pxe_boot(self):
        self.assertEqual(self.up.returncode, 0, self.up.stdout[-3000:] + self.up.stderr[-3000:])
        self.assertIn("rack discovered: 1 nodes", self.up.stdout)
        status = json.loads(self.cli("status", "--json").stdout)
        node = status["nodes"][0]
        self.assertEqual(sorted(node["bmc"]), ["host", "mac", "password", "port", "user"])
        self.assertEqual((node["vm"], node["vm_state"]), (self.prefix + "node-01", "running"))
        stack = current_stack(self.state)
        client = RackHDClient(stack.api_url, timeout=30)
        found = [n for n in client.get("/api/2.0/nodes") if node["macs"][0] in n.get("identifiers", [])]
        self.assertEqual(len(found), 1, "the target has one node with the VM's MAC")
        dmi = client.get(f"/api/2.0/nodes/{found[0]['id']}/catalogs/dmi")["data"]["System Information"]
        self.assertEqual(dmi["Manufacturer"], "QEMU")  # the VM's own SMBIOS, read by dmidecode inside it
        self.assertEqual(dmi["Serial Number"], stack.nodes[0].serial)
        ohai = json.dumps(client.get(f"/api/2.0/nodes/{found[0]['id']}/catalogs/ohai")["data"]).lower()
        self.assertIn(node["macs"][0], ohai)  # the MAC its own NIC reports
        bmc = client.get(f"/api/2.0/nodes/{found[0]['id']}/catalogs/bmc")["data"]
        self.assertEqual(bmc["MAC Address"], stack.nodes[0].bmc.mac)  # its in-band ipmitool reached its BMC
        self.__class__.node_id = found[0]["id"]

    def test_2_ipmitool_power_off_shuts_the_domain_off_and_the_power_on_workflow_starts_it(self):
        if not getattr(self.__class__, "node_id", None):
            self.skipTest("the VM was not discovered (see test_1)")
        node = current_stack(self.state).nodes[0]
        domain = self.prefix + node.name
        ipmitool = [
            "ipmitool",
            "-I",
            "lanplus",
            "-H",
            node.bmc.host,
            "-p",
            str(node.bmc.port),
            "-U",
            node.bmc.user,
            "-E",
            "chassis",
            "power",
        ]
        env = {**os.environ, "IPMI_PASSWORD": node.bmc.password}
        done = subprocess.run(ipmitool + ["off"], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        wait_for(lambda: virsh("domstate", domain) == "shut off", 10, "the domain shut off after chassis power off")
        wait_for(
            lambda: "off" in subprocess.run(ipmitool + ["status"], env=env, capture_output=True, text=True).stdout,
            10,
            "the BMC reports the power off",
        )
        client = RackHDClient(current_stack(self.state).api_url, timeout=30)
        graph = client.run_workflow(self.node_id, "Graph.PowerOn.Node")
        self.assertEqual(graph_status(client.wait_for_workflow(graph, timeout=60)), "succeeded")
        wait_for(lambda: virsh("domstate", domain) == "running", 30, "the domain running after Graph.PowerOn.Node")

    def test_3_down_leaves_no_domain_network_process_or_pool(self):
        done = self.cli("down", "--purge", timeout=300)
        self.__class__.down = done
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertEqual([n for n in virsh("list", "--all", "--name").split() if n.startswith(self.prefix)], [])
        self.assertEqual(find_by_cmdline([f"guest={self.prefix}"]), [])
        self.assertEqual(find_by_cmdline([f"{self.state}/vagrant"]), [])
        self.assertNotIn("rackharness", virsh("pool-list", "--all", "--name").split())
        # no libvirt network at all: not vagrant-libvirt's management network either
        self.assertNotIn("vagrant-libvirt", virsh("net-list", "--all", "--name").split())


class VagrantfileTest(unittest.TestCase):
    """The project's Vagrantfile, read by the real vagrant (no VM is made)."""

    def setUp(self):
        if shutil.which("vagrant") is None:
            print("\nskipped: vagrant is not installed (./stack.sh test installs it)", file=sys.stderr)
            self.skipTest("vagrant is not installed")
        self.tmp = tempfile.mkdtemp(prefix="rh-vagrantfile-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def vagrant(self, *args, spec=""):
        from rackharness.vm.vagrant_rack import VAGRANTFILE_DIR

        env = {
            **os.environ,
            "VAGRANT_CWD": str(VAGRANTFILE_DIR),
            "VAGRANT_DOTFILE_PATH": f"{self.tmp}/dot",
            "RACKHARNESS_VAGRANT_SPEC": spec,
            "VAGRANT_CHECKPOINT_DISABLE": "1",
        }
        return subprocess.run(["vagrant", *args], env=env, capture_output=True, text=True, timeout=120)

    def test_it_validates_with_the_rack_file_up_writes(self):
        from rackharness.config import load_config
        from rackharness.rack.layout import build_rack_spec
        from rackharness.vm.vagrant_rack import rack_document, write_rack_file

        config = load_config(environ={"RACKHARNESS_NODES": "2"})
        document = rack_document(
            build_rack_spec(config, "ports"),
            config,
            prefix="rackharness-test-",
            southbound_url="http://127.0.0.1:21080",
            logs_dir=Path(self.tmp),
        )
        path = write_rack_file(Path(self.tmp) / "rack.json", document)
        done = self.vagrant("validate", spec=str(path))
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("Vagrantfile validated successfully", done.stdout)
        listed = self.vagrant("status", "--machine-readable", spec=str(path))
        self.assertIn(",node-01,", listed.stdout)
        self.assertIn(",node-02,", listed.stdout)

    def test_without_a_rack_file_it_says_how_to_get_one(self):
        done = self.vagrant("validate")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(
            "RACKHARNESS_VAGRANT_SPEC is not set; run `rackharness up --provider vagrant`", done.stdout + done.stderr
        )
