"""``rackharness down``: stop everything ``up`` started (``--force``: also after a lost state file).

The data (the store's documents, RabbitMQ's files, the logs) stays for inspection; ``--purge`` deletes
the data of the services the harness started — never a store or RackHD the user pointed at.
"""

from __future__ import annotations

import argparse

from rackharness.config import Config
from rackharness.errors import StateFileError
from rackharness.providers import make_provider
from rackharness.state import StateStore

NAME = "down"
HELP = "stop every process the rack started"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="also stop processes found by their rack marker and remove a corrupt state file",
    )
    parser.add_argument(
        "--purge",
        action="store_true",
        help="also delete the data the rack's own store and broker kept (default: kept for inspection)",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    store = StateStore(config["state_dir"])
    try:
        state = store.load()
    except StateFileError:
        if not args.force:
            raise
        state = None
    provider_name = state.provider if state else config["provider"]
    provider = make_provider(provider_name, config, store)
    if state is None and not args.force and not args.purge:
        print(f"no rack is up in {store.dir}; nothing to stop")
        return 0
    if state is not None or args.force:
        provider.down(force=args.force)
        print("rack down")
    if args.purge:
        removed = provider.purge()
        print(f"purged: {', '.join(map(str, removed))}" if removed else "purged: no data was kept")
    return 0
