"""``rackharness logs [SERVICE]``: the tail of a service's logs (every service when none is named), then the
machines' (a VM's serial console, by node name: ``rackharness logs node-01``)."""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path

from rackharness.config import Config
from rackharness.errors import UsageError
from rackharness.invocation import named
from rackharness.providers import capabilities, make_provider
from rackharness.state import StateStore
from rackharness.wait import log_tail

NAME = "logs"
HELP = "print the tail of the services' logs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", nargs="?", help="one service (e.g. rabbitmq, mongo, rack)")
    parser.add_argument("-n", "--lines", type=int, default=50, help="lines per log (default 50)")


def service_logs(config: Config) -> dict[str, list[Path]]:
    """{service name: its existing log files} for the rack in ``config['state_dir']``."""
    store = StateStore(config["state_dir"])
    state = store.load()
    if state is None:
        return {}
    provider = make_provider(state.provider, config, store)
    logs = {s.NAME: [p for p in s.log_files if p.exists()] for s in provider.services()}
    return {**logs, **{name: [p for p in files if p.exists()] for name, files in provider.machine_logs().items()}}


def run(args: argparse.Namespace, config: Config) -> int:
    logs = {name: files for name, files in service_logs(config).items() if files}
    state = StateStore(config["state_dir"]).load()
    if not logs and state is not None and capabilities(state.provider).in_process:
        raise UsageError(
            f"the rack in {config['state_dir']} is isolated: it has no service processes and no logs",
            hint="it runs inside nose2, whose output is the log (the target and rack log through "
            "Python logging in that process)",
        )
    if not logs:
        raise UsageError(
            f"no service logs in {config['state_dir']}", hint=named("`rackharness up` first (logs stay after `down`)")
        )
    if args.service is not None and args.service not in logs:
        close = difflib.get_close_matches(args.service, list(logs), n=1)
        raise UsageError(
            f"no service {args.service!r}" + (f"; did you mean {close[0]!r}?" if close else ""),
            hint=f"services with logs: {', '.join(logs)}",
        )
    for name in [args.service] if args.service else list(logs):
        for path in logs[name]:
            print(f"=== {name}: " + (log_tail(path, args.lines) or f"{path} is empty"))
    return 0
