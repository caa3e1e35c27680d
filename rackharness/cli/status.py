"""``rackharness status [--json] [--show-secrets]``: what is up, where, and whether it still runs.

The JSON keys ``provider, api_url, auth_url, amqp_url, mongo_url, system_under_test.{kind, url, version},
nodes[].name, .macs, .bmc.{host, port, user, password}`` are a stable interface other tools read. Exit 0 when the rack is up and every
service runs, 1 otherwise (down, or degraded).
"""

from __future__ import annotations

import argparse
import json

from rackharness.config import Config
from rackharness.invocation import command, named
from rackharness.providers import make_provider
from rackharness.stack_info import StackInfo
from rackharness.state import StateStore, interrupted

NAME = "status"
HELP = "show the rack's endpoints, nodes and services"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output (stable keys)")
    parser.add_argument("--show-secrets", action="store_true", help="do not mask passwords")


def build_report(config: Config, show_secrets: bool) -> dict:
    store = StateStore(config["state_dir"])
    state = store.load()
    if state is None:
        # nothing serves an endpoint: only what the config would test
        planned = StackInfo(
            provider=config["provider"],
            state_dir=store.dir,
            api_url=config["target.url"],
            sut_kind="none" if config["services_only"] else "rackhd" if config["target.url"] else "reference",
        )
        return {
            **StackInfo(provider=config["provider"], state_dir=store.dir).report(),
            "system_under_test": planned.report()["system_under_test"],
            "status": "down",
            "state_dir": str(store.dir),
            "services": {},
        }
    provider = make_provider(state.provider, config, store)
    health = provider.health(state) if state.status == "up" else {}
    status = state.status
    if status == "up" and not all(health.values()):
        status = "degraded"
    if interrupted(state):  # the `up`/`down` that wrote "starting"/"stopping" was killed
        status = "interrupted"
    # Endpoints are only reported while something serves them.
    info = StackInfo.from_endpoints(state.provider, store.dir, state.endpoints if state.status == "up" else {})
    report = {
        **info.report(show_secrets=show_secrets),
        "status": status,
        "state_dir": str(store.dir),
        "services": {
            name: {"pid": record.get("pid"), "running": health.get(name, False), "log": record.get("log_file")}
            for name, record in state.processes.items()
        },
    }
    if state.status == "up":
        machines = provider.node_states(state)
        for node in report.get("nodes", []):
            node.update(machines.get(node["name"], {}))
    if state.endpoints.get("failure"):
        report["failure"] = state.endpoints["failure"]
    if status == "interrupted":
        report["failure"] = named(
            f"`rackharness {'up' if state.status == 'starting' else 'down'}` (pid {state.pid}) "
            "was killed before it finished; `rackharness up` or `rackharness down` stops what "
            "it left running"
        )
    return report


def run(args: argparse.Namespace, config: Config) -> int:
    report = build_report(config, args.show_secrets)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0 if report["status"] == "up" else 1


def print_table(report: dict) -> None:
    print(f"rack: {report['status']} (provider {report['provider']}, state {report['state_dir']})")
    if report["status"] == "down":
        print(f"  nothing is up here; `{command('up')}` brings a rack up")
    if report.get("failure"):
        print(f"last failure: {report['failure']}")
    if report.get("in_process"):
        print(
            f"  recorded only: `nose2` starts the rack ({report['nodes_planned']} nodes), the reference target, an "
            "in-memory broker and Mongo inside its own process; no service runs now"
        )
    sut = report.get("system_under_test") or {}
    if sut.get("kind") == "rackhd":
        print(f"  system under test: RackHD at {sut.get('url')} (version {sut.get('version') or 'not exposed'})")
    elif sut.get("kind") == "none":
        print("  services only (RabbitMQ and the Mongo store for a RackHD you run): no rack, no target")
    elif report["status"] != "down":
        print("  system under test: the reference target")
    if report.get("address_mode"):
        print(
            f"  BMCs: {'each on UDP 623 of its own address' if report['address_mode'] == 'addresses' else 'one host, a port each'}"
            f" (address mode {report['address_mode']})"
        )
    for key in ("api_url", "auth_url", "amqp_url", "mongo_url"):
        if report.get(key):
            print(f"  {key:<10} {report[key]}")
    for name, svc in report["services"].items():
        print(f"  service {name:<10} pid {svc['pid']!s:<8} {'running' if svc['running'] else 'NOT RUNNING'}")
    if report["nodes"]:
        print(f"  {'node':<10} {'bmc':<22} {'user':<10} {'password':<10} macs")
        for node in report["nodes"]:
            bmc = node["bmc"]
            vm = f"  (VM {node['vm']}: {node.get('vm_state', 'unknown')})" if node.get("vm") else ""
            print(
                f"  {node['name']:<10} {bmc['host'] + ':' + str(bmc['port']):<22} {bmc['user']:<10} "
                f"{bmc['password']:<10} {', '.join(node['macs'])}{vm}"
            )
