"""Issue-19 figures: ``rackharness diff`` against RackHD 2.60.7's recorded answers, timed, end to end.

Runs exactly the issue's "Done when" command (``rackharness diff --against-tapes <RackHD's answers> --report
r.json``; the reference's side recorded on the spot by the suite against an isolated reference rack, then one
generated request per spec operation to a second one) three times, and writes what each run compared and
found, and how long it took (the issue's budget: a full run fits in 25 minutes here).

RackHD's answers: ``--against PATH`` (default ``../shared/rackhd-captures/suite-run.jsonl.gz``).
Writes benchmarks/results/diff_numbers.json. Usage: .venv/bin/python benchmarks/diff_numbers.py [--against PATH]
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
CAPTURE = REPO.parent / "shared" / "rackhd-captures" / "suite-run.jsonl.gz"
RUNS = 3


def one_run(against: Path, report: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    began = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "rackharness",
            "diff",
            "--against-tapes",
            str(against),
            "--report",
            str(report),
            "--show",
            "0",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.monotonic() - began
    if done.returncode not in (0, 1):
        raise SystemExit(f"rackharness diff exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    return {
        "seconds": round(seconds, 1),
        "exit": done.returncode,
        "operations": data["operations"],
        "suite_requests": data["suite_requests"],
        "generated": data["generated"],
        "endpoints": data["endpoints"],
        "event_routing_keys": data["event_routing_keys"],
        "unpaired": data["unpaired"],
        "differences": len(data["differences"]),
        "known": len(data["intended"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, default=CAPTURE, help="RackHD's answers (tape set or capture)")
    args = parser.parse_args(argv)
    if not args.against.exists():
        print(f"RackHD's answers are not at {args.against}: give --against PATH", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="rh-diff-bench-") as scratch:
        runs = [one_run(args.against, Path(scratch) / f"r{i}.json") for i in range(RUNS)]
        for i, run in enumerate(runs, 1):
            print(
                f"run {i}: {run['seconds']} s, exit {run['exit']}, {run['operations']} requests compared "
                f"({run['suite_requests']} of the suite, {run['generated']['compared']} generated), "
                f"{run['differences']} difference(s), {run['known']} known",
                flush=True,
            )
    result = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "against": str(
            args.against.relative_to(REPO.parent) if args.against.is_relative_to(REPO.parent) else args.against
        ),
        "runs": runs,
        "seconds_median": statistics.median(run["seconds"] for run in runs),
        "seconds_max": max(run["seconds"] for run in runs),
        "budget_seconds": 25 * 60,
    }
    out = REPO / "benchmarks" / "results" / "diff_numbers.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"median {result['seconds_median']} s, max {result['seconds_max']} s (budget 1500 s); wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
