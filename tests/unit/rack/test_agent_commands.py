"""The microkernel shell: RackHD's command lines, shell operators, and 127 for anything unknown."""

import unittest

from rackharness.rack.agent_commands import MicrokernelShell, redact_command, split_command
from tests.support.virtual_node import Bmc


def shell():
    bmc = Bmc("quanta-d51", ip="172.31.128.2")
    return MicrokernelShell(bmc.node, bmc.handler)


class MicrokernelShellTest(unittest.TestCase):
    def test_rackhd_catalog_commands_answer(self):
        sh = shell()
        for command in (
            "sudo dmidecode",
            "sudo ohai --directory /etc/ohai/plugins",
            "sudo ipmitool lan print",
            "sudo ipmitool sel",
            "sudo ipmitool sel list -c",
            "sudo ipmitool mc info",
            "sudo ipmitool user summary 1",
            "sudo ipmitool -c user list 1",
            "sudo ipmitool fru",
            "sudo lspci -nn -vmm",
            "sudo lshw -json",
            "sudo /opt/MegaRAID/storcli/storcli64 show ctrlcount J",
            "sudo /usr/sbin/lldpcli show neighbor -f keyvalue",
            "sudo ipmitool chassis bootdev pxe",
            "sudo ip -d addr show; sudo ip -d link show",
            "",
        ):
            result = sh.run(command)
            self.assertEqual((result.code, result.stderr), (0, ""), command)

    def test_the_lsall_compound_command(self):
        out = shell().run("sudo lsblk -o KNAME,TYPE,ROTA; echo BREAK; sudo lsscsi --size").stdout.splitlines()
        self.assertEqual(out[0], "KNAME TYPE ROTA")
        self.assertEqual(out[3], "BREAK")
        self.assertTrue(out[4].startswith("[0:0:0:0]"))

    def test_operators(self):
        sh = shell()
        self.assertEqual(sh.run("sudo ipmitool lan print 2 || true").code, 0)
        self.assertEqual(sh.run("sudo ipmitool lan print 2 || true").stderr, "Invalid channel: 2\n")
        self.assertEqual(sh.run("false && echo no").stdout, "")
        self.assertEqual(sh.run("true && echo yes; false").code, 1)
        self.assertEqual(sh.run("true && echo yes; false").stdout, "yes\n")

    def test_unknown_commands_exit_127(self):
        sh = shell()
        self.assertEqual(
            (sh.run("sudo flashupdt -i").code, sh.run("sudo flashupdt -i").stderr),
            (127, "sudo: flashupdt: command not found\n"),
        )
        self.assertEqual(sh.run("mlxfwmanager --query-xml").stderr, "/bin/sh: 1: mlxfwmanager: not found\n")
        self.assertEqual(sh.run("sudo lshw -xml").code, 127)
        self.assertEqual(sh.run("sudo dmidecode | head").code, 127)  # pipes are not emulated
        self.assertEqual(sh.run("sudo dmidecode -t 1").code, 127)

    def test_downloaded_scripts_run_only_once_downloaded(self):
        sh = shell()
        self.assertEqual(sh.run("sudo bash get_smart.sh").code, 127)
        sh.files.add("get_smart.sh")
        self.assertTrue(sh.run("sudo bash get_smart.sh").stdout.startswith("####/dev/sda"))
        sh.files.add("set_interfaces.py")
        self.assertEqual(sh.run("sudo python set_interfaces.py").code, 0)

    def test_split_and_redact(self):
        self.assertEqual([s.words for s in split_command("a b; c && d || e")], [["a", "b"], ["c"], ["d"], ["e"]])
        self.assertIsNone(split_command("a | b"))
        self.assertEqual(
            redact_command("sudo ipmitool user set password 2 Secr3t"), "sudo ipmitool user set password 2 ***"
        )
        self.assertEqual(
            redact_command("ipmitool -I lanplus -U admin -P Secr3t mc info"),
            "ipmitool -I lanplus -U admin -P *** mc info",
        )
