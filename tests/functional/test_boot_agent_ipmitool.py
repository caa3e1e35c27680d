"""The boot agent's in-band ipmitool prints what real ipmitool 1.8.19 prints for the same BMC.

One node per profile is served on an asyncio loop (the rack's BmcServer, loopback UDP); the agent's
microkernel shell runs RackHD's catalog-bmc commands in-band on the very command handler the
endpoint serves, and ``ipmitool -I lanplus`` runs the same subcommands over the network. Output and
exit code must match byte for byte (stdout; stderr for the failing channels), with a SEL holding the
node's own power events plus a threshold event and a LAN address set over IPMI.
"""

import asyncio
import subprocess
import threading
import unittest
import uuid

from rackharness.bmc.commands.app import ipmi_guid
from rackharness.bmc.commands.dispatch import NodeCommandHandler
from rackharness.bmc.message import IpmiRequest, Privilege, SessionContext
from rackharness.bmc.server import BmcEndpoint, BmcServer
from rackharness.rack.agent_commands import MicrokernelShell
from rackharness.rack.node import VirtualNode
from tests.functional.checkers import require
from tests.support.virtual_node import PROFILES, node_spec

HOST = "127.0.0.1"
#: on-tasks Task.Catalog.bmc (2.60.7) for channel 1 and 2, and Task.Node.PxeBoot's status companions
COMMANDS = (
    "lan print",
    "lan print 1",
    "sel",
    "sel list -c",
    "sel list",
    "mc info",
    "user summary 1",
    "-c user list 1",
    "user list 1",
    "fru",
    "lan print 2",
    "user summary 2",
    "-c user list 2",
    "chassis power status",
)


class InBandMatchesIpmitool:
    profile = "quanta-d51"

    @classmethod
    def setUpClass(cls):
        require("ipmitool")
        cls.loop = asyncio.new_event_loop()
        cls.thread = threading.Thread(target=cls.loop.run_forever, daemon=True)
        cls.thread.start()
        spec = node_spec(profile=cls.profile, ip="172.31.128.2")
        cls.node = VirtualNode(spec, PROFILES.get(cls.profile), cls.loop)
        cls.handler = NodeCommandHandler(cls.node)
        cls.server = BmcServer()
        endpoint = cls.on_loop(
            cls.server.add(
                BmcEndpoint(HOST, 0, cls.node.users, cls.handler, ipmi_guid(uuid.UUID(spec.uuid)), spec.name)
            )
        )
        cls.port = endpoint.port
        cls.shell = MicrokernelShell(cls.node, cls.handler)

        def prepare():
            cls.node.power_on()
            admin = SessionContext("admin", Privilege.ADMINISTRATOR)
            # a temperature threshold event and a LAN address set over IPMI
            cls.handler.handle(
                IpmiRequest(0x0A, 0x44, bytes([0, 0, 2, 0, 0, 0, 0, 0x20, 0, 4, 1, 1, 1, 9, 0xFF, 0xFF])), admin
            )
            cls.handler.handle(IpmiRequest(0x0C, 0x01, bytes([1, 3, 10, 20, 30, 40])), admin)

        cls.on_loop_call(prepare)

    @classmethod
    def tearDownClass(cls):
        async def close():
            cls.server.close()

        cls.on_loop(close())
        cls.loop.call_soon_threadsafe(cls.loop.stop)
        cls.thread.join(5)
        cls.loop.close()

    @classmethod
    def on_loop(cls, coro):
        return asyncio.run_coroutine_threadsafe(coro, cls.loop).result(10)

    @classmethod
    def on_loop_call(cls, function):
        async def wrapper():
            return function()

        return cls.on_loop(wrapper())

    def real(self, command):
        argv = [
            "ipmitool",
            "-I",
            "lanplus",
            "-H",
            HOST,
            "-p",
            str(self.port),
            "-U",
            "admin",
            "-P",
            "admin",
            *command.split(),
        ]
        return subprocess.run(argv, capture_output=True, text=True, timeout=60)

    def test_catalog_bmc_commands_print_the_same(self):
        for command in COMMANDS:
            with self.subTest(command=command):
                agent = self.on_loop_call(lambda: self.shell.run(f"sudo ipmitool {command}"))
                real = self.real(command)
                self.assertEqual(agent.code, real.returncode, f"{command}: {real.stderr}")
                self.assertEqual(agent.stdout, real.stdout, command)
                if real.returncode:
                    self.assertIn(agent.stderr.strip(), real.stderr, command)

    def test_bootdev_in_band_is_what_the_bmc_reports(self):
        agent = self.on_loop_call(lambda: self.shell.run("sudo ipmitool chassis bootdev pxe"))
        self.assertEqual(agent.stdout, "Set Boot Device to pxe\n")
        real = self.real("chassis bootparam get 5")
        self.assertIn("Force PXE", real.stdout)


class QuantaTest(InBandMatchesIpmitool, unittest.TestCase):
    profile = "quanta-d51"


class DellTest(InBandMatchesIpmitool, unittest.TestCase):
    profile = "dell-r630"
