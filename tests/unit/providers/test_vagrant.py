"""The vagrant provider's composition: each node a VM behind its BMC, and what the target is told."""

import tempfile
import unittest
from pathlib import Path
from unittest import mock

from rackharness.config import load_config
from rackharness.errors import PrerequisiteError, UsageError
from rackharness.providers import capabilities
from rackharness.providers.vagrant import VagrantProvider
from rackharness.state import RackState, StateStore


class VagrantCompositionTest(unittest.TestCase):
    def provider(self, **env):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        config = load_config(
            environ={"RACKHARNESS_PROVIDER": "vagrant", **{f"RACKHARNESS_{k}": v for k, v in env.items()}}
        )
        return VagrantProvider(config, StateStore(Path(tmp.name) / "state"), say=lambda _: None)

    def test_each_node_is_a_vm_with_one_nic_named_with_the_racks_prefix(self):
        provider = self.provider(NODES="2")
        spec = provider._rack_spec
        self.assertEqual([len(n.macs) for n in spec.nodes], [1, 1])
        self.assertEqual(
            [n.vm for n in spec.nodes],
            [
                {"hypervisor": "libvirt", "name": provider.prefix + name, "uri": "qemu:///system"}
                for name in ("node-01", "node-02")
            ],
        )
        self.assertEqual([s.NAME for s in provider.services()], ["mongo", "rabbitmq", "rack", "target"])

    def test_the_target_tells_nodes_the_hosts_nat_address_and_serves_the_microkernel(self):
        provider = self.provider(NODES="1", TARGET_PORT="21555")
        told = provider._target_rackhd_config()
        self.assertEqual(
            (told["apiServerAddress"], told["apiServerPort"], told["autoCreateObm"]), ("10.0.2.2", 21555, True)
        )
        self.assertEqual(
            told["bmcPorts"], {provider._rack_spec.nodes[0].bmc.mac: provider._rack_spec.nodes[0].bmc.port}
        )
        self.assertEqual(told["httpStaticRoot"], str(provider.state_dir.absolute() / "static"))

    def test_it_discovers_and_powers_nodes(self):
        self.assertTrue(capabilities("vagrant").discovers and capabilities("vagrant").powers_nodes)

    def test_steps_around_the_services(self):
        provider = self.provider()
        self.assertEqual([name for name, _ in provider._steps_before_services()], ["microkernel", "libvirt"])
        self.assertEqual([name for name, _ in provider._steps_after_services()], ["vagrant"])
        vbox = self.provider(VAGRANT_PROVIDER="virtualbox")
        self.assertEqual([name for name, _ in vbox._steps_before_services()], ["microkernel"])

    def test_services_only_is_a_usage_error(self):
        with self.assertRaisesRegex(UsageError, "--services-only starts no rack"):
            self.provider(SERVICES_ONLY="true").preflight()

    def test_virtualbox_without_vboxmanage_names_what_to_install(self):
        with mock.patch("shutil.which", return_value=None):
            with self.assertRaises(PrerequisiteError) as caught:
                self.provider(VAGRANT_PROVIDER="virtualbox").preflight()
        self.assertIn("needs vagrant and VBoxManage", caught.exception.message)
        self.assertIn("--vagrant-provider libvirt", caught.exception.hint)

    def test_node_states_name_each_nodes_vm_and_its_state(self):
        provider = self.provider(NODES="2")
        state = RackState(
            provider="vagrant",
            endpoints={
                "vms": {
                    "prefix": provider.prefix,
                    "domains": {"node-01": provider.prefix + "node-01", "node-02": provider.prefix + "node-02"},
                }
            },
        )
        with (
            mock.patch.object(type(provider.libvirt), "reachable", return_value=True),
            mock.patch.object(type(provider.libvirt), "domains", return_value={provider.prefix + "node-01": "running"}),
        ):
            states = provider.node_states(state)
        self.assertEqual(
            states,
            {
                "node-01": {"vm": provider.prefix + "node-01", "vm_state": "running"},
                "node-02": {"vm": provider.prefix + "node-02", "vm_state": "absent"},
            },
        )

    def test_each_vms_serial_console_is_a_log_of_its_own(self):
        provider = self.provider(NODES="2")
        logs = provider.machine_logs()
        self.assertEqual(list(logs), ["node-01", "node-02"])
        self.assertEqual(logs["node-02"], [provider.state_dir / "logs" / "node-02.console.log"])
