"""``rackharness up``: bring the rack up (idempotent: a rack that is up is left as it is)."""
from __future__ import annotations

import argparse
import time

from rackharness.config import Config
from rackharness.errors import UsageError
from rackharness.providers import make_provider
from rackharness.state import StateStore

NAME = "up"
HELP = "bring a rack up: services, virtual nodes and their BMCs"
FLAGS = {"nodes": "nodes", "provider": "provider", "mongo_url": "mongo.url", "amqp_url": "amqp.url",
         "target": "target.url"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nodes", metavar="N", help="number of virtual nodes (default 4)")
    parser.add_argument("--provider", metavar="NAME", help="rack provider (default local)")
    parser.add_argument("--mongo-url", metavar="URL", help="use this MongoDB instead of starting one")
    parser.add_argument("--amqp-url", metavar="URL", help="use this AMQP broker instead of starting RabbitMQ")
    parser.add_argument("--target", metavar="URL",
                        help="test this RackHD (http://host:port) instead of starting the reference target; "
                             "give its --amqp-url and --mongo-url too")


def run(args: argparse.Namespace, config: Config) -> int:
    store = StateStore(config["state_dir"])
    existing = store.load()
    if existing is not None and existing.status == "up" and existing.provider != config["provider"]:
        raise UsageError(
            f"a {existing.provider!r} rack is already up in {store.dir}; it cannot be brought up as {config['provider']!r}",
            hint="`rackharness down` first, or use another --state-dir",
        )
    provider = make_provider(config["provider"], config, store)
    started = time.monotonic()
    before = existing.updated_at if existing else None
    state = provider.up()
    if state.updated_at != before:  # not the "already up" no-op
        nodes = state.endpoints.get("nodes", [])
        print(f"rack up ({provider.NAME}, {len(nodes)} nodes) in {time.monotonic() - started:.1f}s; "
              f"see `rackharness status`")
    return 0
