"""``rackharness status [--json] [--show-secrets]``: what is up, where, and whether it still runs.

The JSON keys ``provider, api_url, auth_url, amqp_url, mongo_url, nodes[].name, .macs, .bmc.{host, port,
user, password}`` are a stable interface other tools read. Exit 0 when the rack is up and every
service runs, 1 otherwise (down, or degraded).
"""
from __future__ import annotations

import argparse
import copy
import json

from rackharness.config import Config
from rackharness.providers import make_provider
from rackharness.redaction import MASK, redact_url
from rackharness.state import StateStore

NAME = "status"
HELP = "show the rack's endpoints, nodes and services"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output (stable keys)")
    parser.add_argument("--show-secrets", action="store_true", help="do not mask passwords")


def build_report(config: Config, show_secrets: bool) -> dict:
    store = StateStore(config["state_dir"])
    state = store.load()
    if state is None:
        return {"provider": config["provider"], "status": "down", "state_dir": str(store.dir),
                "api_url": None, "auth_url": None, "amqp_url": None, "mongo_url": None, "nodes": [],
                "services": {}}
    health = make_provider(state.provider, config, store).health(state) if state.status == "up" else {}
    status = state.status
    # Endpoints are only reported while something serves them.
    endpoints = copy.deepcopy(state.endpoints) if status == "up" else {"failure": state.endpoints.get("failure")}
    if status == "up" and not all(health.values()):
        status = "degraded"
    report = {
        "provider": state.provider,
        "status": status,
        "state_dir": str(store.dir),
        "api_url": endpoints.get("api_url"),
        "auth_url": endpoints.get("auth_url"),
        "amqp_url": endpoints.get("amqp_url"),
        "mongo_url": endpoints.get("mongo_url"),
        "nodes": endpoints.get("nodes", []),
        "services": {
            name: {"pid": record.get("pid"), "running": health.get(name, False), "log": record.get("log_file")}
            for name, record in state.processes.items()
        },
    }
    if state.provider == "isolated" and status == "up":
        # nothing runs between test runs: nose2 starts the rack in its own process (providers/isolated.py)
        report["in_process"] = True
        report["nodes_planned"] = state.endpoints.get("nodes_planned")
    if state.endpoints.get("failure"):
        report["failure"] = state.endpoints["failure"]
    if not show_secrets:
        for key in ("api_url", "auth_url", "amqp_url", "mongo_url"):
            report[key] = redact_url(report[key])
        for node in report["nodes"]:
            node["bmc"]["password"] = MASK
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
    if report.get("failure"):
        print(f"last failure: {report['failure']}")
    if report.get("in_process"):
        print(f"  recorded only: `nose2` starts the rack ({report['nodes_planned']} nodes), the reference target, an "
              "in-memory broker and Mongo inside its own process; no service runs now")
    for key in ("api_url", "auth_url", "amqp_url", "mongo_url"):
        if report.get(key):
            print(f"  {key:<10} {report[key]}")
    for name, svc in report["services"].items():
        print(f"  service {name:<10} pid {svc['pid']!s:<8} {'running' if svc['running'] else 'NOT RUNNING'}")
    if report["nodes"]:
        print(f"  {'node':<10} {'bmc':<22} {'user':<10} {'password':<10} macs")
        for node in report["nodes"]:
            bmc = node["bmc"]
            print(f"  {node['name']:<10} {bmc['host'] + ':' + str(bmc['port']):<22} {bmc['user']:<10} "
                  f"{bmc['password']:<10} {', '.join(node['macs'])}")
