"""The rack process: every virtual node, its BMC and its boot agent on one asyncio event loop.

``python -m rackharness.rack --spec rack.json`` binds one UDP endpoint per node, logs
``rack ready: N nodes`` and serves until SIGTERM/SIGINT. Handlers never block, so a slow or
failing node (power-on delay, ``bmc-silent`` fault) never delays another node's BMC. Each node's
boot agent (:mod:`rackharness.rack.boot_agent`) netboots it against the spec's southbound URL when
it powers on; their progress is written to ``agents.json`` next to ``rack.json``. A node whose spec
names a real VM (``NodeSpec.vm``) gets no boot agent: :mod:`rackharness.rack.vm_power` acts its BMC's
power commands out on the VM through its hypervisor, and keeps the node in step with the VM; the VM's
in-band IPMI device (:mod:`rackharness.bmc.vm_channel`) reaches the same BMC on TCP at the BMC's address and port.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from rackharness import secret_channel
from rackharness.bmc.commands.app import ipmi_guid
from rackharness.bmc.commands.dispatch import NodeCommandHandler
from rackharness.bmc.server import BmcEndpoint, BmcServer
from rackharness.bmc.vm_channel import serve_vm_channel
from rackharness.errors import RackHarnessError
from rackharness.rack.boot_agent import STATUS_FILE, BootAgent
from rackharness.rack.node import VirtualNode
from rackharness.rack.profile import ProfileLibrary
from rackharness.rack.spec import RackSpec
from rackharness.rack.vm_power import VmPowerLink

#: the share of datagrams a ``bmc-lossy`` node's BMC drops
LOSSY_SHARE = 1 / 3

log = logging.getLogger("rackharness.rack")


class Rack:
    """The nodes of a :class:`RackSpec`, each behind its endpoint on one :class:`BmcServer`."""

    def __init__(
        self,
        spec: RackSpec,
        loop: asyncio.AbstractEventLoop,
        *,
        status_path: Path | None = None,
        agent: BootAgent | None = None,
        vm_power: VmPowerLink | None = None,
    ) -> None:
        self.spec = spec
        self.loop = loop
        self.server = BmcServer()
        self.nodes: dict[str, VirtualNode] = {}
        self.agent = agent or BootAgent(spec.agent, loop, status_path=status_path)
        self.vm_power = vm_power or VmPowerLink(loop)
        self.channels: list[asyncio.AbstractServer] = []  # the VMs' in-band IPMI devices

    async def start(self) -> None:
        profiles = ProfileLibrary(self.spec.profiles_dir)
        try:
            for node_spec in self.spec.nodes:
                node = VirtualNode(node_spec, profiles.get(node_spec.profile), self.loop)
                handler = NodeCommandHandler(node)
                endpoint = BmcEndpoint(
                    host=node_spec.bmc.host,
                    port=node_spec.bmc.port,
                    users=node.users,
                    handler=handler,
                    guid=ipmi_guid(uuid.UUID(node_spec.uuid)),
                    name=node_spec.name,
                )
                endpoint.silent = node_spec.fault == "bmc-silent"
                endpoint.loss = LOSSY_SHARE if node_spec.fault == "bmc-lossy" else 0.0
                await self.server.add(endpoint)
                self.nodes[node_spec.name] = node
                if node_spec.vm:
                    self.vm_power.attach(node)  # a real VM: power acts on it, and it netboots itself
                    # its in-band IPMI device (QEMU's KCS + ipmi-bmc-extern) talks to the same handler over TCP,
                    # on the BMC's address and port number
                    self.channels.append(
                        await serve_vm_channel(node_spec.bmc.host, endpoint.port, handler, node_spec.name)
                    )
                else:
                    self.agent.attach(node, handler)  # in-band IPMI goes to the same handler
            await self.vm_power.start()
        except BaseException:
            self.close()
            raise

    def bmc_ports(self) -> dict[str, int]:
        """Each node's BMC UDP port as bound (an endpoint asked for port 0 gets an ephemeral one)."""
        return {endpoint.name: endpoint.port for endpoint in self.server.endpoints}

    def close(self) -> None:
        for channel in self.channels:
            channel.close()
        self.vm_power.close()
        self.agent.close()
        self.server.close()


async def serve(spec: RackSpec, status_path: Path | None = None) -> None:
    loop = asyncio.get_running_loop()
    rack = Rack(spec, loop, status_path=status_path)
    await rack.start()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info(
        "rack ready: %d nodes; netboot from %s (boot delay %gs)",
        len(rack.nodes),
        spec.agent.southbound_url or "nowhere (no southbound URL)",
        spec.agent.boot_delay,
    )
    try:
        await stop.wait()
    finally:
        rack.close()
        log.info("rack stopped")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rackharness.rack", description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True, help="rack.json written by `rackharness up`")
    parser.add_argument("--log-level", default="INFO")
    secret_channel.add_stdin_flag(parser, "rack.json")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    try:
        spec = RackSpec.from_dict(secret_channel.read_document(args.spec, secrets_on_stdin=args.secrets_on_stdin))
        asyncio.run(serve(spec, Path(args.spec).parent / STATUS_FILE))
    except RackHarnessError as exc:
        log.error("%s", exc)
        return exc.exit_code
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.error("cannot serve the rack from %s: %s", args.spec, exc)
        return 1
    return 0
