"""``rackharness config``: the merged configuration and where each value came from."""

from __future__ import annotations

import argparse
import json

from rackharness.config import SETTINGS, Config
from rackharness.redaction import MASK

NAME = "config"
HELP = "show the merged configuration (--list: every setting, its env var and default)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="list every setting instead of the merged values")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--markdown", action="store_true", help="with --list: the table docs/configuration.md embeds")
    parser.add_argument("--show-secrets", action="store_true", help="do not mask passwords")


def run(args: argparse.Namespace, config: Config) -> int:
    if args.list and args.markdown:
        print(settings_table())
        return 0
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


def settings_table() -> str:
    """Every setting as the Markdown table in docs/configuration.md."""
    rows = ["| key | environment | type | default | meaning |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        default = "(unset)" if s.default is None else (f"`{MASK}`" if s.secret else f"`{s.default}`")
        bounds = [f"≥ {s.minimum:g}"] if s.minimum is not None else []
        bounds += [f"≤ {s.maximum:g}"] if s.maximum is not None else []
        bounds += [" / ".join(s.choices)] if s.choices else []
        kind = s.kind.__name__ + (f" ({', '.join(bounds)})" if bounds else "")
        alias = f" (older name, still read: {', '.join(s.env_aliases)})" if s.env_aliases else ""
        rows.append(
            f"| `{s.key}` | `{s.env_var}` | {kind} | {default} | {s.help}"
            f"{' (secret: masked in output)' if s.secret else ''}{alias} |"
        )
    return "\n".join(rows)
