"""``rackharness config``: the merged configuration and where each value came from."""
from __future__ import annotations

import argparse
import json

from rackharness.config import SETTINGS, Config
from rackharness.secrets import MASK

NAME = "config"
HELP = "show the merged configuration (--list: every setting, its env var and default)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="list every setting instead of the merged values")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--show-secrets", action="store_true", help="do not mask passwords")


def run(args: argparse.Namespace, config: Config) -> int:
    if args.list:
        for s in SETTINGS:
            default = "(unset)" if s.default is None else (MASK if s.secret else s.default)
            print(f"{s.key:<22} {s.env_var:<32} default {default!s:<22} {s.help}")
        return 0
    values = config.to_dict(show_secrets=args.show_secrets)
    if args.json:
        print(json.dumps(values, indent=2, sort_keys=True))
        return 0
    for key in values:
        print(f"{key:<22} {values[key]!s:<28} ({config.source(key)})")
    return 0
