"""``rackharness diff``: the reference target's answers against RackHD's, request by request.

``--against-tapes PATH``: RackHD's recorded answers — a tape set recorded with rackharness's recorder
(``../shared/rackhd-tapes/<set>``), or a capture file (``../shared/rackhd-captures/suite-run.jsonl.gz``).
The reference's side is recorded now: the black-box suite runs against an isolated reference rack in
a child process (``RACKHARNESS_MODE=isolated RACKHARNESS_RECORD_MODE=all``, into a temporary
directory removed after), so a change in the reference target shows; ``--reference-tapes DIR`` compares
an existing set instead. Then one generated request per operation of RackHD's API 2.0 and Redfish specs
(:mod:`rackharness.diff.generated`) goes to an isolated reference rack started in this process; each is
compared with RackHD's answer to it where RackHD's answers hold it, else with the contract (the status it
allows). Differences named in the known-differences file (``answers:``) are intended.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rackharness.config import Config
from rackharness.errors import ServiceError, UsageError
from rackharness.tapes.tape import is_set, session_header

NAME = "diff"
HELP = "compare the reference target's answers with RackHD's (recorded), request by request"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--against-tapes", metavar="PATH", required=True,
                        help="RackHD's answers: a tape set directory or a capture file (suite-run.jsonl.gz)")
    parser.add_argument("--reference-tapes", metavar="DIR",
                        help="the reference's answers from this tape set (default: record them now, isolated)")
    parser.add_argument("--report", metavar="FILE", help="write the JSON report to FILE")
    parser.add_argument("--rackhd-version", default=None,
                        help="the RackHD version the answers are from (default: the tapes' own, else 2.60.7)")
    parser.add_argument("--known", default="tests/rackhd/known_differences.yaml", metavar="FILE",
                        help="the known-differences file (default tests/rackhd/known_differences.yaml)")
    parser.add_argument("--api-port", default="24080", help="a capture's port of the API (default 24080)")
    parser.add_argument("--auth-port", default="24443", help="a capture's port of the auth endpoint (default 24443)")
    parser.add_argument("--show", type=int, default=200, metavar="N", help="lines of differences to print (default 200)")
    parser.add_argument("--suite-only", action="store_true",
                        help="compare the suite's requests only, not one generated request per spec operation")


def run(args: argparse.Namespace, config: Config) -> int:
    del config
    from rackharness.diff import generated
    from rackharness.diff.compare import compare, compare_events
    from rackharness.diff.exchanges import read_answers
    from rackharness.diff.report import classify, render, write_json
    from rackharness.suite.known_differences import load as load_known
    from rackharness.suite.sut import ASSUMED_RACKHD_VERSION

    source = Path(args.against_tapes)
    rackhd = read_answers(source, api_port=args.api_port, auth_port=args.auth_port)
    known = load_known(args.known)
    version = args.rackhd_version or _tape_version(source) or ASSUMED_RACKHD_VERSION
    scratch = None if args.reference_tapes else Path(tempfile.mkdtemp(prefix="rh-diff-"))
    try:
        reference = read_answers(Path(args.reference_tapes) if args.reference_tapes else record_reference(scratch))
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    rackhd_suite, rackhd_generated = generated.split_generated(rackhd.exchanges)
    reference_suite, _ = generated.split_generated(reference.exchanges)
    comparison = compare_events(rackhd.events, reference.events, compare(rackhd_suite, reference_suite))
    if not args.suite_only:
        print("rackharness diff: one generated request per spec operation, to an isolated reference rack...",
              file=sys.stderr, flush=True)
        generated.compare_generated(generated.generate(private=True), generated.reference_answers(), rackhd_generated,
                                    comparison)
    new, intended = classify(comparison, known, version)
    print(render(comparison, new, intended, against=f"RackHD {version} ({source})", limit=args.show))
    if args.report:
        write_json(Path(args.report), comparison, new, intended)
        print(f"wrote {args.report}")
    return 1 if new else 0


def _tape_version(source: Path) -> str | None:
    if not is_set(source):
        return None
    system = (session_header(source).get("session") or {}).get("system_under_test") or {}
    return system.get("version") if system.get("kind") == "rackhd" else None


def record_reference(scratch: Path) -> Path:
    """Record the suite against an isolated reference rack (a child nose2 in the repository); the set's path."""
    if not Path("tests/rackhd").is_dir():
        raise UsageError("rackharness diff records the reference with the black-box suite: run it from the "
                         "repository's root (tests/rackhd), or pass --reference-tapes DIR")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    env.update(RACKHARNESS_MODE="isolated", RACKHARNESS_RECORD_MODE="all", RACKHARNESS_TAPES_RECORD_DIR=str(scratch))
    print("rackharness diff: recording the reference's answers (the suite against an isolated reference rack)...",
          file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, "-m", "nose2"], env=env, capture_output=True, text=True, timeout=1200)
    recorded = scratch / "reference"
    if not is_set(recorded):
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise ServiceError(f"recording the reference's answers failed (nose2 exit {done.returncode}):\n{tail}")
    return recorded
