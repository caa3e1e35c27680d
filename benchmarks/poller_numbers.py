"""Issue-6 figures for the reference target's pollers; writes benchmarks/results/poller_numbers.json.

Brings up a private local stack (RabbitMQ, Mongo store, 8 virtual nodes, the reference target) and
measures, over loopback, "``/pollers/{id}/data/current`` non-empty within two poll intervals": the
time from a ``POST /pollers`` answer to the first non-empty ``/data/current`` of that poller, for

1. 8 chassis pollers (one per node, pollInterval 1000 ms), created back to back;
2. 8 sdr pollers (one per node: the SDR walk with a cold cache, then the readings);
3. 48 pollers at once: RackHD's six default commands on each of the 8 nodes, pollInterval 1000 ms;

and the share of pollers whose first data came within two poll intervals. Every node gets an
ipmi-obm-service OBM for its BMC. ``/data/current`` is polled every 5 ms through a wait strategy.

Usage: .venv/bin/python benchmarks/poller_numbers.py
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rackharness.stack_info import current_stack  # noqa: E402
from rackharness.wait import Condition, Observation  # noqa: E402

PORTS = {
    "RACKHARNESS_AMQP_PORT": "25672",
    "RACKHARNESS_AMQP_DIST_PORT": "25673",
    "RACKHARNESS_AMQP_EPMD_PORT": "25369",
    "RACKHARNESS_MONGO_PORT": "25017",
    "RACKHARNESS_TARGET_PORT": "25080",
    "RACKHARNESS_TARGET_AUTH_PORT": "25443",
    "RACKHARNESS_BMC_BASE_PORT": "25230",
}
NODES = 8
INTERVAL_MS = 1000
COMMANDS = ("sdr", "selInformation", "sel", "selEntries", "chassis", "driveHealth")


def summary(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    within = sum(1 for s in ordered if s <= 2 * INTERVAL_MS)
    return {
        "pollers": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[int(len(ordered) * 0.9)], 1),
        "max_ms": round(ordered[-1], 1),
        "within_two_intervals": f"{within}/{len(ordered)}",
    }


def first_data(api: str, session: requests.Session, node_ids: list[str], commands: tuple[str, ...]) -> dict:
    """POST one poller per (node, command); the ms from each POST's answer to its first data."""
    posted: dict[str, float] = {}
    for node_id in node_ids:
        for command in commands:
            body = {"type": "ipmi", "pollInterval": INTERVAL_MS, "node": node_id, "config": {"command": command}}
            response = session.post(f"{api}/pollers", json=body)
            assert response.status_code == 201, response.text
            posted[response.json()["id"]] = time.perf_counter()
    seen: dict[str, float] = {}

    def probe() -> Observation:
        for poller_id in [p for p in posted if p not in seen]:
            if session.get(f"{api}/pollers/{poller_id}/data/current").status_code == 200:
                seen[poller_id] = time.perf_counter()
        return Observation(len(seen) == len(posted), f"{len(seen)}/{len(posted)} pollers have data")

    Condition(probe=probe, what="every poller's first data", timeout=60, interval=0.005, transient=()).wait()
    for poller_id in posted:
        session.delete(f"{api}/pollers/{poller_id}")
    return summary([(seen[p] - posted[p]) * 1000 for p in posted])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="rh-bench-pollers-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
        env.update(PORTS, RACKHARNESS_STATE_DIR=f"{tmp}/state", RACKHARNESS_NODES=str(NODES))
        cli = [sys.executable, "-m", "rackharness"]
        up = subprocess.run(cli + ["up"], env=env, cwd=REPO, capture_output=True, text=True)
        if up.returncode != 0:
            raise SystemExit(f"up failed: {up.stderr}")
        try:
            stack = current_stack(f"{tmp}/state")
            api = stack.api_url + "/api/2.0"
            session = requests.Session()
            node_ids = []
            for node in stack.nodes:
                node_id = session.post(f"{api}/nodes", json={"name": f"bench-{node.name}", "type": "compute"}).json()[
                    "id"
                ]
                bmc = node.bmc
                session.put(
                    f"{api}/nodes/{node_id}/obm",
                    json={
                        "nodeId": node_id,
                        "service": "ipmi-obm-service",
                        "config": {"host": bmc.host, "port": bmc.port, "user": bmc.user, "password": bmc.password},
                    },
                )
                node_ids.append(node_id)
            results = {
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "poll_interval_ms": INTERVAL_MS,
                "chassis_8_pollers_post_to_first_data": first_data(api, session, node_ids, ("chassis",)),
                "sdr_8_pollers_post_to_first_data": first_data(api, session, node_ids, ("sdr",)),
                "six_commands_48_pollers_post_to_first_data": first_data(api, session, node_ids, COMMANDS),
            }
            for node_id in node_ids:
                session.delete(f"{api}/nodes/{node_id}")
        finally:
            subprocess.run(cli + ["down"], env=env, cwd=REPO, capture_output=True)
    out = REPO / "benchmarks" / "results" / "poller_numbers.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
