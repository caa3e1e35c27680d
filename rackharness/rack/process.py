"""The rack process: every virtual node and its BMC on one asyncio event loop.

``python -m rackharness.rack --spec rack.json`` binds one UDP endpoint per node, logs
``rack ready: N nodes`` and serves until SIGTERM/SIGINT. Handlers never block, so a slow or
failing node (power-on delay, ``bmc-silent`` fault) never delays another node's BMC.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import uuid
from collections.abc import Sequence

from rackharness.bmc.commands.app import ipmi_guid
from rackharness.bmc.commands.dispatch import NodeCommandHandler
from rackharness.bmc.server import BmcEndpoint, BmcServer
from rackharness.errors import RackHarnessError
from rackharness.rack.node import VirtualNode
from rackharness.rack.profile import ProfileLibrary
from rackharness.rack.spec import RackSpec

log = logging.getLogger("rackharness.rack")


class Rack:
    """The nodes of a :class:`RackSpec`, each behind its endpoint on one :class:`BmcServer`."""

    def __init__(self, spec: RackSpec, loop: asyncio.AbstractEventLoop) -> None:
        self.spec = spec
        self.loop = loop
        self.server = BmcServer()
        self.nodes: dict[str, VirtualNode] = {}

    async def start(self) -> None:
        profiles = ProfileLibrary(self.spec.profiles_dir)
        try:
            for node_spec in self.spec.nodes:
                node = VirtualNode(node_spec, profiles.get(node_spec.profile), self.loop)
                endpoint = BmcEndpoint(
                    host=node_spec.bmc.host, port=node_spec.bmc.port, users=node.users,
                    handler=NodeCommandHandler(node), guid=ipmi_guid(uuid.UUID(node_spec.uuid)), name=node_spec.name,
                )
                endpoint.silent = node_spec.fault == "bmc-silent"
                await self.server.add(endpoint)
                self.nodes[node_spec.name] = node
        except BaseException:
            self.server.close()
            raise

    def close(self) -> None:
        self.server.close()


async def serve(spec: RackSpec) -> None:
    loop = asyncio.get_running_loop()
    rack = Rack(spec, loop)
    await rack.start()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info("rack ready: %d nodes", len(rack.nodes))
    try:
        await stop.wait()
    finally:
        rack.close()
        log.info("rack stopped")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rackharness.rack", description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True, help="rack.json written by `rackharness up`")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        spec = RackSpec.load(args.spec)
        asyncio.run(serve(spec))
    except RackHarnessError as exc:
        log.error("%s", exc)
        return exc.exit_code
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.error("cannot serve the rack from %s: %s", args.spec, exc)
        return 1
    return 0
