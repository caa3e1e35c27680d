"""``rackharness inventory check FILE``: validate a physical-lab inventory and reach what it names.

Exit 0 when every BMC and endpoint answers, 1 when any does not (a hint per failure), 2 when the
inventory itself is malformed (``file:line: field: what``, no traceback).
"""

from __future__ import annotations

import argparse

from rackharness.config import Config

NAME = "inventory"
HELP = "physical-lab inventories: `inventory check FILE` validates one and reaches every BMC and endpoint"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check"], help="check: validate, resolve secrets, reach everything")
    parser.add_argument("file", metavar="FILE", help="the inventory YAML (see docs/inventory.md)")
    parser.add_argument("--timeout", metavar="SECONDS", type=float, default=5.0, help="bound on each probe (default 5)")


def run(args: argparse.Namespace, config: Config) -> int:
    from rackharness.inventory.check import run_checks, table
    from rackharness.inventory.loader import load_inventory

    inventory = load_inventory(args.file)
    print(f"inventory {args.file}: lab {inventory.lab!r}, {len(inventory.nodes)} node(s); schema ok, secrets resolved")
    results = run_checks(inventory, timeout=args.timeout)
    print(table(results))
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"{len(failed)} of {len(results)} check(s) failed: {', '.join(r.what for r in failed)}")
        return 1
    print(f"all {len(results)} checks passed")
    return 0
