"""Issue-5 figure: the whole black-box suite against an 8-node local rack; writes results/suite_numbers.json.

Brings up a private 8-node rack (own state dir and ports), runs `nose2 --junit-xml` at the repo
root against it RUNS times, and records each run's wall time (process start to exit), the test
counts, and per group the summed test time from the junit XML. The rack's own start is not
counted (benchmarks/rack_numbers.py measures that).

Usage: .venv/bin/python benchmarks/suite_numbers.py [RUNS]   (default 3)
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
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PORTS = {
    "RACKHARNESS_AMQP_PORT": "26672",
    "RACKHARNESS_AMQP_DIST_PORT": "26673",
    "RACKHARNESS_AMQP_EPMD_PORT": "26369",
    "RACKHARNESS_MONGO_PORT": "26017",
    "RACKHARNESS_TARGET_PORT": "26080",
    "RACKHARNESS_TARGET_AUTH_PORT": "26443",
    "RACKHARNESS_BMC_BASE_PORT": "26230",
}
NODES = 8


def run_suite(env: dict, junit: Path) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "nose2", "--junit-xml", "--junit-xml-path", str(junit)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    wall = time.perf_counter() - started
    root = ET.parse(junit).getroot()
    groups: dict[str, float] = defaultdict(float)
    for case in root.iter("testcase"):
        module = case.get("classname").split(".")[2]
        groups[module.removeprefix("test_")] += float(case.get("time") or 0)
    return {
        "exit": done.returncode,
        "wall_s": round(wall, 2),
        "tests": int(root.get("tests")),
        "failures": int(root.get("failures")),
        "errors": int(root.get("errors")),
        "skipped": int(root.get("skipped")),
        "group_s": {g: round(t, 2) for g, t in groups.items()},
        "summary": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "",
    }


def main(runs: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="rh-bench-suite-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    env.update(PORTS, RACKHARNESS_STATE_DIR=str(tmp / "state"), RACKHARNESS_NODES=str(NODES))
    cli = [sys.executable, "-m", "rackharness"]
    up = subprocess.run([*cli, "up"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    if up.returncode != 0:
        raise SystemExit(f"rackharness up failed:\n{up.stdout}\n{up.stderr}")
    try:
        results = [run_suite(env, tmp / f"junit-{n}.xml") for n in range(runs)]
    finally:
        subprocess.run([*cli, "down", "--force"], cwd=REPO, env=env, capture_output=True, timeout=120)
    walls = [r["wall_s"] for r in results]
    return {
        "what": f"whole black-box suite (`nose2` at the repo root) against a {NODES}-node local rack",
        "target_s": 90,
        "runs": results,
        "wall_p50_s": round(statistics.median(walls), 2),
        "wall_max_s": max(walls),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }


if __name__ == "__main__":
    figures = main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    out = REPO / "benchmarks" / "results" / "suite_numbers.json"
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: figures[k] for k in ("wall_p50_s", "wall_max_s")}), "->", out)
