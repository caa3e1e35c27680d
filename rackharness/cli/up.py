"""``rackharness up [--discover]``: bring the rack up (idempotent: a rack that is up is left as it is).

``--discover`` then powers every node on through its BMC with boot device pxe and waits, time-boxed
(``discover_timeout``), until the target has discovered each one; on a failure or the timeout it
exits 1 with a report of where each node stopped (see :mod:`rackharness.rack.discovery`).
"""

from __future__ import annotations

import argparse
import time

from rackharness.config import Config
from rackharness.errors import UsageError
from rackharness.invocation import command, named
from rackharness.providers import make_provider
from rackharness.stack_info import current_stack
from rackharness.state import StateStore

NAME = "up"
HELP = "bring a rack up: services, virtual nodes and their BMCs"
FLAGS = {
    "nodes": "nodes",
    "provider": "provider",
    "mongo_url": "mongo.url",
    "amqp_url": "amqp.url",
    "target": "target.url",
    "discover_timeout": "discover_timeout",
    "inventory": "inventory",
    "keep_data": "keep_data",
    "southbound_url": "rack.southbound_url",
    "services_only": "services_only",
    "bmc_address_mode": "bmc.address_mode",
    "vagrant_provider": "vagrant.provider",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nodes", metavar="N", help="number of virtual nodes (default 4)")
    parser.add_argument("--provider", metavar="NAME", help="rack provider (default local)")
    parser.add_argument("--mongo-url", metavar="URL", help="use this MongoDB instead of starting one")
    parser.add_argument("--amqp-url", metavar="URL", help="use this AMQP broker instead of starting RabbitMQ")
    parser.add_argument(
        "--target",
        metavar="URL",
        help="test this RackHD (http://host:port) instead of starting the reference target; "
        "give its --amqp-url and --mongo-url too",
    )
    parser.add_argument(
        "--southbound-url",
        metavar="URL",
        help="where the nodes netboot from (setting rack.southbound_url; default: the target's URL); "
        "RackHD 2.60.7 serves the southbound API on on-taskgraph's taskGraphEndpoint, "
        "e.g. http://127.0.0.1:9030",
    )
    parser.add_argument(
        "--bmc-address-mode",
        metavar="MODE",
        choices=("auto", "ports", "addresses"),
        help="ports (one host, a port each), addresses (UDP 623 of an own 127.x address each; "
        "root or CAP_NET_BIND_SERVICE) or auto (default: addresses with --target when "
        "possible)",
    )
    parser.add_argument(
        "--services-only",
        action="store_true",
        default=None,
        help="start RabbitMQ and the Mongo store only (no rack, no target), for a RackHD you run; "
        "prints what its config.json needs",
    )
    parser.add_argument(
        "--inventory",
        metavar="FILE",
        help="with --provider physical: the lab's inventory (validated and recorded, nothing provisioned)",
    )
    parser.add_argument(
        "--vagrant-provider",
        metavar="NAME",
        choices=("libvirt", "virtualbox"),
        help="with --provider vagrant: libvirt (QEMU; the default) or virtualbox (setting "
        "vagrant.provider; docs/vagrant.md)",
    )
    parser.add_argument(
        "--keep-data",
        action="store_true",
        default=None,
        help="keep the store's and broker's data of earlier runs (default: `up` starts them empty)",
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="a rack that is up with other settings is taken down first, then brought up",
    )
    parser.add_argument(
        "--discover",
        action="store_true",
        help="then power every node on (IPMI, boot device pxe) and wait until the target has "
        "discovered them all; exit 1 with a per-node report if not",
    )
    parser.add_argument(
        "--discover-timeout",
        metavar="SECONDS",
        help="how long --discover waits (default 120; setting discover_timeout)",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    store = StateStore(config["state_dir"])
    existing = store.load()
    if existing is not None and existing.status == "up" and existing.provider != config["provider"]:
        raise UsageError(
            f"a {existing.provider!r} rack is already up in {store.dir}; it cannot be brought up as {config['provider']!r}",
            hint=named("`rackharness down` first, or use another --state-dir"),
        )
    provider = make_provider(config["provider"], config, store)
    if args.discover and not provider.CAPABILITIES.discovers:
        raise UsageError(
            f"--discover cannot run with the {provider.NAME} provider: its rack only exists inside nose2",
            hint="run the suite (its discovery group discovers the nodes), or use --provider local",
        )
    if args.discover and config["services_only"]:
        raise UsageError(
            "--discover cannot run with --services-only: there is no rack to discover",
            hint=named(
                "bring the services up, start your RackHD on them, then `rackharness up "
                "--target URL --discover` in another state dir (docs/real-rackhd.md)"
            ),
        )
    started = time.monotonic()
    if args.restart and existing is not None and existing.status == "up":
        print(f"restarting the rack in {store.dir} (down, then up)")
        provider.down()
        existing = store.load()
    before = existing.updated_at if existing else None
    state = provider.up()
    if state.updated_at != before:  # not the "already up" no-op
        nodes = state.endpoints.get("nodes_planned", len(state.endpoints.get("nodes", [])))
        if config["services_only"]:
            print(
                f"services up ({provider.NAME}: RabbitMQ and the Mongo store, no rack, no target) in "
                f"{time.monotonic() - started:.1f}s; see `{command('status')}`"
            )
        else:
            print(
                f"rack up ({provider.NAME}, {nodes} nodes) in {time.monotonic() - started:.1f}s; "
                f"see `{command('status')}`"
            )
    if args.discover:
        discover(config)
    return 0


def discover(config: Config) -> None:
    """Power on every node through its BMC (boot device pxe) and wait until the target discovered all."""
    from rackharness.clients.rest import RackHDClient  # imported here: plain `up` stays quick
    from rackharness.rack.discovery import Discovery

    stack = current_stack(config["state_dir"])
    if not stack.api_url:
        raise UsageError("--discover needs the target's API URL, which the stack state does not give")
    began = time.monotonic()
    discovery = Discovery(
        stack,
        RackHDClient(stack.api_url, timeout=15),
        timeout=config["discover_timeout"],
        say=lambda line: print(line, flush=True),
        create_obms=stack.system_under_test["kind"] == "rackhd",
    )
    discovery.listen(stack.amqp_url)
    try:
        discovery.forget_unfinished()
        discovery.power_on_all()
        print(
            f"waiting up to {config['discover_timeout']:g}s for {len(stack.nodes)} nodes to be discovered ...",
            flush=True,
        )
        discovery.wait()
    finally:
        discovery.close()
    already = sum(1 for p in discovery.nodes.values() if p.outcome == "already discovered")
    print(
        f"rack discovered: {len(stack.nodes)} nodes in {time.monotonic() - began:.1f}s"
        + (f" ({already} already discovered before this run)" if already else "")
    )
