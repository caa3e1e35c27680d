"""Issue-6 figures for discovery; writes benchmarks/results/discovery_numbers.json.

For 8 nodes and for 100 nodes (boot delay 1 s, the default), on a fresh private local rack each run:
`rackharness up` (not timed), then what `up --discover` does, in process: every node set to boot pxe
and powered on through its BMC (pyghmi), and the wait until the reference target has discovered every
node (catalogs + a succeeded discovery graph, polled every 0.5 s). Timed from the first power-on
request to the last node counted discovered. The boot agents' own timestamps (agents.json) split a
node's time into boot delay, profile request, microkernel task loop.

Usage: .venv/bin/python benchmarks/discovery_numbers.py [--quick]   (all traffic stays on 127.0.0.1)
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rackharness.clients.rest import RackHDClient  # noqa: E402
from rackharness.rack.boot_agent import read_status  # noqa: E402
from rackharness.rack.discovery import Discovery  # noqa: E402
from rackharness.stack_info import current_stack  # noqa: E402

PORTS = {
    "RACKHARNESS_AMQP_PORT": "24672",
    "RACKHARNESS_AMQP_DIST_PORT": "24673",
    "RACKHARNESS_AMQP_EPMD_PORT": "24369",
    "RACKHARNESS_MONGO_PORT": "24017",
    "RACKHARNESS_TARGET_PORT": "24080",
    "RACKHARNESS_TARGET_AUTH_PORT": "24443",
}
#: a fresh BMC port range per run: pyghmi caches logins per (host, port, user, password) in this process
BMC_RANGES = itertools.count(25000, 1000)
GOALS = {8: 15.0, 100: 60.0}


def one_run(nodes: int, boot_delay: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="rh-discover-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
        env.update(
            PORTS,
            RACKHARNESS_STATE_DIR=f"{tmp}/state",
            RACKHARNESS_NODES=str(nodes),
            RACKHARNESS_BMC_BASE_PORT=str(next(BMC_RANGES)),
            RACKHARNESS_RACK_BOOT_DELAY=str(boot_delay),
        )
        cli = [sys.executable, "-m", "rackharness"]
        up = subprocess.run(cli + ["up"], env=env, cwd=REPO, capture_output=True, text=True)
        try:
            if up.returncode != 0:
                raise SystemExit(f"up --nodes {nodes} failed: {up.stderr}")
            stack = current_stack(f"{tmp}/state")
            discovery = Discovery(stack, RackHDClient(stack.api_url, timeout=30), timeout=300, say=lambda _: None)
            started = time.monotonic()
            discovery.power_on_all()
            powered = time.monotonic() - started
            discovery.wait()
            total = time.monotonic() - started
            settled = sorted(p.settled_at for p in discovery.nodes.values())
            agents = (read_status(f"{tmp}/state") or {}).get("nodes", {})
            to_profile, task_loop = [], []
            for entry in agents.values():
                first = entry.get("previous") or entry  # after the exit's reboot, the first netboot is "previous"
                if first.get("started_at") and first.get("profile_at"):
                    to_profile.append(first["profile_at"] - first["started_at"])
                if first.get("bootstrap_at") and first.get("exit_at"):
                    task_loop.append(first["exit_at"] - first["bootstrap_at"])
            return {
                "seconds": round(total, 2),
                "power_on_seconds": round(powered, 2),
                "first_node_seconds": round(settled[0], 2),
                "median_node_seconds": round(statistics.median(settled), 2),
                "last_node_seconds": round(settled[-1], 2),
                "agent_power_on_to_profile_p50": round(statistics.median(to_profile), 2) if to_profile else None,
                "agent_bootstrap_to_exit_p50": round(statistics.median(task_loop), 2) if task_loop else None,
            }
        finally:
            subprocess.run(cli + ["down"], env=env, cwd=REPO, capture_output=True)


def measure(nodes: int, runs: int, boot_delay: float) -> dict:
    samples = [one_run(nodes, boot_delay) for _ in range(runs)]
    totals = [s["seconds"] for s in samples]
    return {
        "nodes": nodes,
        "boot_delay": boot_delay,
        "runs": runs,
        "goal_seconds": GOALS.get(nodes),
        "seconds_p50": round(statistics.median(totals), 2),
        "seconds_max": round(max(totals), 2),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run per size")
    args = parser.parse_args()
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "discovery": [measure(8, 1 if args.quick else 3, 1.0), measure(100, 1 if args.quick else 2, 1.0)],
    }
    out = REPO / "benchmarks" / "results" / "discovery_numbers.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    for row in results["discovery"]:
        print(
            f"{row['nodes']:>4} nodes: p50 {row['seconds_p50']:.1f}s, max {row['seconds_max']:.1f}s "
            f"(goal {row['goal_seconds']:g}s) - first node {row['samples'][0]['first_node_seconds']}s, "
            f"median node {row['samples'][0]['median_node_seconds']}s"
        )
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
