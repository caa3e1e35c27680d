"""The rack as vagrant sees it: the JSON the Vagrantfile reads, and vagrant driven through python-vagrant."""

import json
import subprocess
import tempfile
import unittest
from pathlib import Path

from rackharness.config import load_config
from rackharness.errors import ServiceError
from rackharness.rack.layout import build_rack_spec
from rackharness.vm.vagrant_rack import (
    VAGRANTFILE_DIR,
    VagrantRack,
    boot_file,
    domain_prefix,
    guest_ip,
    guest_url,
    rack_document,
    write_rack_file,
)


def spec(nodes=2):
    return build_rack_spec(load_config(environ={"RACKHARNESS_NODES": str(nodes)}), "ports")


class RackDocumentTest(unittest.TestCase):
    def test_each_vm_has_its_pxe_mac_its_own_guest_address_and_a_boot_file_on_the_host_as_the_guest_sees_it(self):
        rack = spec(2)
        document = rack_document(
            rack,
            load_config(environ={}),
            prefix="rackharness-abc-",
            southbound_url="http://127.0.0.1:21080",
            logs_dir=Path("/tmp/logs"),
        )
        first, second = document["nodes"]
        self.assertEqual(
            (first["name"], first["mac"], first["uuid"], first["serial"]),
            ("node-01", rack.nodes[0].macs[0], rack.nodes[0].uuid, rack.nodes[0].serial),
        )
        self.assertEqual((first["guest_ip"], second["guest_ip"]), ("10.0.2.21", "10.0.2.22"))
        self.assertEqual(
            first["bootfile"], f"http://10.0.2.2:21080/api/current/profiles?macs={rack.nodes[0].macs[0]}&ips=10.0.2.21"
        )
        self.assertEqual(first["memory"], 160)
        self.assertEqual(first["ipmi_channel"], {"host": "127.0.0.1", "port": rack.nodes[0].bmc.port})
        self.assertEqual(first["console_log"], "/tmp/logs/node-01.console.log")
        self.assertEqual(
            document["libvirt"], {"uri": "qemu:///system", "storage_pool": "rackharness", "tb_cache_mib": 32}
        )
        self.assertEqual(document["prefix"], "rackharness-abc-")

    def test_a_southbound_url_off_this_host_is_given_as_it_is(self):
        self.assertEqual(guest_url("http://172.31.128.1:9030/", "10.0.2.2"), "http://172.31.128.1:9030")
        self.assertEqual(guest_url("http://localhost:9030", "10.0.2.2"), "http://10.0.2.2:9030")
        self.assertEqual(guest_url("http://0.0.0.0", "10.9.9.9"), "http://10.9.9.9:80")

    def test_boot_file_and_guest_address_follow_the_node_index(self):
        node = spec(3).nodes[2]
        self.assertEqual(guest_ip(node), "10.0.2.23")
        self.assertTrue(boot_file("http://h:1", node).endswith(f"macs={node.macs[0]}&ips=10.0.2.23"))

    def test_domain_prefix_is_stable_per_state_dir_and_differs_between_them(self):
        self.assertEqual(domain_prefix(Path("/a/state")), domain_prefix(Path("/a/state")))
        self.assertNotEqual(domain_prefix(Path("/a/state")), domain_prefix(Path("/b/state")))
        self.assertRegex(domain_prefix(Path("/a")), r"^rackharness-[0-9a-f]{8}-$")

    def test_the_rack_file_is_private(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = write_rack_file(Path(tmp) / "vagrant" / "rack.json", {"nodes": []})
            self.assertEqual(oct(path.stat().st_mode & 0o777), "0o600")
            self.assertEqual(json.loads(path.read_text()), {"nodes": []})


class FakeVagrant:
    """python-vagrant's Vagrant, as far as VagrantRack uses it."""

    calls: list = []
    lines = [
        "Bringing machine 'node-01' up with 'libvirt' provider...",
        "==> node-01: Creating domain with the following settings...",
        "==> node-01:  -- Cpus: 1",
        "==> node-01: Starting domain.",
        "==> node-02: Starting domain.",
    ]
    fail = False

    def __init__(self, root=None, env=None, quiet_stdout=True, quiet_stderr=True):
        FakeVagrant.calls.append(("init", root, {k: env[k] for k in env if k.startswith(("VAGRANT_", "RACKHARNESS_"))}))

    def up(self, provider=None, no_provision=False, stream_output=False):
        FakeVagrant.calls.append(("up", provider, no_provision, stream_output))
        yield from self.lines
        if self.fail:
            raise subprocess.CalledProcessError(1, ["vagrant", "up"])

    def destroy(self):
        FakeVagrant.calls.append(("destroy",))


class VagrantRackTest(unittest.TestCase):
    def setUp(self):
        FakeVagrant.calls, FakeVagrant.fail = [], False
        self.said = []
        self.rack = VagrantRack(
            Path("/state/vagrant/rack.json"), provider="libvirt", say=self.said.append, vagrant_class=FakeVagrant
        )

    def test_up_runs_vagrant_on_the_projects_vagrantfile_with_the_rack_file_and_says_each_vms_steps(self):
        self.rack.up()
        init, up = FakeVagrant.calls
        self.assertEqual(init[1], str(VAGRANTFILE_DIR))
        self.assertEqual(init[2]["VAGRANT_CWD"], str(VAGRANTFILE_DIR))
        self.assertEqual(init[2]["VAGRANT_DOTFILE_PATH"], "/state/vagrant/dotfile")
        self.assertEqual(init[2]["RACKHARNESS_VAGRANT_SPEC"], "/state/vagrant/rack.json")
        self.assertEqual(up, ("up", "libvirt", True, True))
        self.assertEqual(
            self.said,
            [
                "  node-01: Creating domain with the following settings...",
                "  node-01: Starting domain.",
                "  node-02: Starting domain.",
            ],
        )
        self.assertTrue((VAGRANTFILE_DIR / "Vagrantfile").is_file())

    def test_a_failed_up_is_a_service_error_with_vagrants_last_lines(self):
        FakeVagrant.fail = True
        with self.assertRaises(ServiceError) as caught:
            self.rack.up()
        self.assertIn("`vagrant up` failed", caught.exception.message)
        self.assertIn("==> node-02: Starting domain.", caught.exception.message)
        self.assertIn("rackharness down", caught.exception.hint)
