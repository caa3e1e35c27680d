"""Issue-7 figure: wall time of the black-box suite in isolated mode; writes benchmarks/results/isolated_numbers.json.

Each run is `RACKHARNESS_MODE=isolated nose2 --junit-xml` in a fresh subprocess from the repo root (so
it includes interpreter start, imports, starting the in-process rack and target, every test and the
shutdown), timed from spawn to exit. Goal: at most 20 s. Also records the in-suite time nose2 reports
and the test counts from the junit XML.

Usage: .venv/bin/python benchmarks/isolated_numbers.py [--runs N]   (default 3; all traffic on 127.0.0.1)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL = 20.0


def one_run(junit: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    env["RACKHARNESS_MODE"] = "isolated"
    began = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "nose2", "--junit-xml", "--junit-xml-path", str(junit)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.monotonic() - began
    if run.returncode != 0:
        raise SystemExit(f"the isolated suite failed ({run.returncode}):\n{run.stderr[-4000:]}")
    root = ET.parse(junit).getroot()
    ran = re.search(r"Ran (\d+) tests? in ([\d.]+)s", run.stderr)
    started = re.search(r"isolated rack up in this process .* in ([\d.]+)s", run.stderr)
    return {
        "wall_s": round(wall, 2),
        "tests": int(root.get("tests")),
        "failures": int(root.get("failures")),
        "errors": int(root.get("errors")),
        "skipped": int(root.get("skipped", 0)),
        "nose2_reported_s": float(ran.group(2)) if ran else None,
        "rack_start_s": float(started.group(1)) if started else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory(prefix="rh-isolated-bench-") as tmp:
        for index in range(args.runs):
            result = one_run(Path(tmp) / f"junit-{index}.xml")
            print(f"run {index + 1}: {result['wall_s']:.1f} s wall, {result['tests']} tests", flush=True)
            runs.append(result)
    walls = [r["wall_s"] for r in runs]
    report = {
        "what": "wall time of `RACKHARNESS_MODE=isolated nose2` (fresh process each run)",
        "goal_s": GOAL,
        "runs": runs,
        "wall_s": {"min": min(walls), "median": statistics.median(walls), "max": max(walls)},
        "meets_goal": max(walls) <= GOAL,
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out = REPO / "benchmarks" / "results" / "isolated_numbers.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"median {report['wall_s']['median']:.1f} s, max {report['wall_s']['max']:.1f} s "
        f"(goal <= {GOAL:g} s): {'met' if report['meets_goal'] else 'NOT met'}; wrote {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
