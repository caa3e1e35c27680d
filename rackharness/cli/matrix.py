"""``rackharness matrix``: docs/tested-matrix.md from the black-box suite's registry and recorded runs."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from rackharness.config import Config
from rackharness.errors import UsageError
from rackharness.invocation import named

NAME = "matrix"
HELP = "print (or --write) the tested-matrix page; --record a run's JUnit XML as one of its columns"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--suite",
        default="tests/rackhd",
        help="the suite directory (default tests/rackhd: the "
        "current directory's, else the checkout's or the suite bundled with rackharness)",
    )
    parser.add_argument("--write", metavar="FILE", help="write the page to FILE (e.g. docs/tested-matrix.md)")
    parser.add_argument(
        "--record",
        metavar="COLUMN",
        help="store the run of --junit as this column (reference, rackhd-2.60.7, isolated, replay)",
    )
    parser.add_argument("--junit", metavar="FILE", help="with --record: the run's JUnit XML")
    parser.add_argument("--title", help="with --record: the column's heading (default: COLUMN)")
    parser.add_argument("--source", default="", help="with --record: how the run was made (one sentence)")
    parser.add_argument(
        "--runs-dir",
        default=None,
        metavar="DIR",
        help="with --record: where run summaries are stored (default fixtures/runs)",
    )


def record(args: argparse.Namespace) -> int:
    from rackharness.suite.decorators import DEFAULT_REGISTRY
    from rackharness.suite.matrix import load_suite
    from rackharness.suite.plan import SuitePlan
    from rackharness.suite.run_results import RUNS_DIR, read_junit, summarize

    if not args.junit:
        raise UsageError(
            "--record COLUMN needs --junit FILE",
            hint=named(
                "e.g. `rackharness matrix --record isolated "
                "--junit nose2-junit.xml` after `RACKHARNESS_MODE=isolated nose2 --junit-xml`"
            ),
        )
    outcomes = read_junit(args.junit)
    load_suite(args.suite)
    plan = SuitePlan.build(DEFAULT_REGISTRY, final_groups=("cleanup",))
    recorded = dt.date.fromtimestamp(Path(args.junit).stat().st_mtime).isoformat()
    summary = summarize(
        plan.entries,
        outcomes,
        column=args.record,
        title=args.title or args.record,
        source=args.source or f"JUnit XML of {Path(args.junit).name}",
        recorded=recorded,
    )
    path = Path(args.runs_dir or RUNS_DIR) / f"{args.record}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(summary.to_json(), encoding="utf-8")
    print(f"wrote {path}: {', '.join(f'{n} {k}' for k, n in summary.totals().items())}")
    return 0


def run(args: argparse.Namespace, config: Config) -> int:
    del config
    if args.record:
        return record(args)
    from rackharness.suite.matrix import build_matrix

    page = build_matrix(args.suite)
    if args.write:
        Path(args.write).write_text(page, encoding="utf-8")
        print(f"wrote {args.write}")
    else:
        print(page, end="")
    return 0
