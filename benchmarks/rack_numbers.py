"""Issue-2 figures for the embedded virtual rack; writes benchmarks/results/rack_numbers.json.

1. `rackharness up --nodes 8` and `--nodes 100`: wall time from the command to "every BMC answers"
   (`up` returns only after each BMC answered an IPMI probe), RabbitMQ and Mongo included.
2. Rack-process memory: RSS of `python -m rackharness.rack` with 1, 100 and 1000 nodes after every
   BMC answered; per-node cost = slope between 1 and 1000 nodes.
3. pyghmi power-status round trip to node 1 (logged-in session, one Get Chassis Status per
   sample) while a second process keeps polling the other 99 nodes' power with pyghmi.
4. One plain `ipmitool -I lanplus` call with no -C (what RackHD runs): full session + command.

Usage: .venv/bin/python benchmarks/rack_numbers.py [--quick]   (all traffic stays on 127.0.0.1)
"""

from __future__ import annotations

import argparse
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

from rackharness.bmc.probe import bmc_answers  # noqa: E402
from rackharness.config import load_config  # noqa: E402
from rackharness.rack.layout import build_rack_spec  # noqa: E402

PORTS = {
    "RACKHARNESS_AMQP_PORT": "23672",
    "RACKHARNESS_AMQP_DIST_PORT": "23673",
    "RACKHARNESS_AMQP_EPMD_PORT": "23369",
    "RACKHARNESS_MONGO_PORT": "23017",
    "RACKHARNESS_TARGET_PORT": "23080",
    "RACKHARNESS_TARGET_AUTH_PORT": "23443",
    "RACKHARNESS_BMC_BASE_PORT": "24000",
}


def stack_up_seconds(nodes: int, runs: int) -> dict:
    samples = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="rh-bench-") as tmp:
            env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
            env.update(PORTS, RACKHARNESS_STATE_DIR=f"{tmp}/state", RACKHARNESS_NODES=str(nodes))
            cli = [sys.executable, "-m", "rackharness"]
            started = time.monotonic()
            up = subprocess.run(cli + ["up"], env=env, cwd=REPO, capture_output=True, text=True)
            elapsed = time.monotonic() - started
            try:
                if up.returncode != 0:
                    raise SystemExit(f"up --nodes {nodes} failed: {up.stderr}")
                report = json.loads(
                    subprocess.run(cli + ["status", "--json"], env=env, cwd=REPO, capture_output=True, text=True).stdout
                )
                silent = [n["name"] for n in report["nodes"] if not bmc_answers(n["bmc"]["host"], n["bmc"]["port"])]
                if silent:
                    raise SystemExit(f"BMCs not answering after up: {silent}")
            finally:
                subprocess.run(cli + ["down"], env=env, cwd=REPO, capture_output=True)
            samples.append(elapsed)
    return {
        "nodes": nodes,
        "runs": runs,
        "seconds_p50": round(statistics.median(samples), 2),
        "seconds_max": round(max(samples), 2),
    }


class RackProcess:
    """The rack process alone (no RabbitMQ/Mongo) with ``nodes`` BMCs on a private port range."""

    def __init__(self, nodes: int, base_port: int = 24000) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="rh-bench-rack-")
        config = load_config(environ={"RACKHARNESS_NODES": str(nodes), "RACKHARNESS_BMC_BASE_PORT": str(base_port)})
        self.spec = build_rack_spec(config)
        path = Path(self.tmp.name) / "rack.json"
        path.write_text(self.spec.to_json())
        self.log = Path(self.tmp.name) / "rack.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "rackharness.rack", "--spec", str(path)], stderr=log, cwd=REPO
            )
        pending = list(self.spec.nodes)
        deadline = time.monotonic() + 120
        while pending and time.monotonic() < deadline:
            if bmc_answers(pending[0].bmc.host, pending[0].bmc.port, timeout=0.2):
                pending.pop(0)
        if pending:
            tail = self.log.read_text()[-2000:]
            self.close()
            raise SystemExit(f"{len(pending)} BMCs never answered; rack log ends:\n{tail}")

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.tmp.cleanup()


def memory_per_node(counts=(1, 100, 1000)) -> dict:
    rss = {}
    for count in counts:
        rack = RackProcess(count)
        try:
            rss[count] = rack.rss_kib()
        finally:
            rack.close()
    low, high = min(counts), max(counts)
    slope = (rss[high] - rss[low]) / (high - low)
    return {"rss_kib_by_nodes": rss, "per_node_kib": round(slope, 1), "base_kib": rss[low]}


POLLER = """
import sys, time
from pyghmi.ipmi.command import Command
ports = [int(p) for p in sys.argv[1].split(',')]
deadline = time.monotonic() + float(sys.argv[2])
sessions = [Command(bmc='127.0.0.1', port=p, userid='admin', password='admin') for p in ports]
polls = 0
while time.monotonic() < deadline:
    for s in sessions:
        s.get_power(); polls += 1
print(polls)
"""


def pyghmi_latency_under_load(samples: int = 400, load_seconds: float = 20.0) -> dict:
    from pyghmi.ipmi.command import Command

    rack = RackProcess(100)
    try:
        ports = [n.bmc.port for n in rack.spec.nodes]
        poller = subprocess.Popen(
            [sys.executable, "-c", POLLER, ",".join(map(str, ports[1:])), str(load_seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(3.0)  # let the poller log in to all 99 BMCs before sampling
        first = Command(bmc="127.0.0.1", port=ports[0], userid="admin", password="admin")
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            first.get_power()
            times.append((time.perf_counter() - started) * 1000)
        polls = int(poller.communicate(timeout=load_seconds + 30)[0].strip() or 0)
    finally:
        rack.close()
    times.sort()
    return {
        "samples": samples,
        "p50_ms": round(statistics.median(times), 2),
        "p90_ms": round(times[int(len(times) * 0.9)], 2),
        "max_ms": round(times[-1], 2),
        "background_polls_of_other_99": polls,
        "background_seconds": load_seconds,
    }


def ipmitool_default_call_ms(calls: int = 20) -> dict:
    rack = RackProcess(1)
    try:
        port = rack.spec.nodes[0].bmc.port
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            subprocess.run(
                [
                    "ipmitool",
                    "-I",
                    "lanplus",
                    "-H",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "admin",
                    "-P",
                    "admin",
                    "chassis",
                    "power",
                    "status",
                ],
                check=True,
                capture_output=True,
            )
            times.append((time.perf_counter() - started) * 1000)
    finally:
        rack.close()
    return {"calls": calls, "p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run each (default: three stack-up runs)")
    args = parser.parse_args()
    runs = 1 if args.quick else 3
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "kernel": platform.release()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "stack_up": [stack_up_seconds(8, runs), stack_up_seconds(100, runs)],
        "rack_memory": memory_per_node(),
        "pyghmi_power_status_under_load": pyghmi_latency_under_load(),
        "ipmitool_lanplus_no_cipher_flag": ipmitool_default_call_ms(),
    }
    out = REPO / "benchmarks" / "results" / "rack_numbers.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
