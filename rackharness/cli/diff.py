"""``rackharness diff``: the reference target's answers against RackHD's, request by request.

``--against-tapes PATH``: RackHD's recorded answers — a tape set recorded with rackharness's recorder
(``../shared/rackhd-tapes/<set>``), or a capture file (``../shared/rackhd-captures/suite-run.jsonl.gz``).
``--against URL``: a live RackHD, recorded now: the suite against it (the rack of the stack state when that
stack's target is this URL, else ``RACKHARNESS_TARGET_URL``, with the AMQP and Mongo URLs and the nodes of
the ``RACKHARNESS_*`` settings or ``--rack-config``), then the generated requests that are safe at a RackHD
people use; RackHD's answers to both are compared.
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
from urllib.parse import urlsplit

from rackharness.config import Config
from rackharness.errors import ServiceError, UsageError
from rackharness.tapes.tape import is_set, session_header

NAME = "diff"
HELP = "compare the reference target's answers with RackHD's (recorded), request by request"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    against = parser.add_mutually_exclusive_group(required=True)
    against.add_argument(
        "--against-tapes",
        metavar="PATH",
        help="RackHD's answers: a tape set directory or a capture file (suite-run.jsonl.gz)",
    )
    against.add_argument(
        "--against", metavar="URL", help="a live RackHD's API (http://host:port): its answers are recorded now"
    )
    parser.add_argument(
        "--rack-config",
        metavar="FILE",
        help="with --against: the rack config the suite tests that RackHD with (AMQP, Mongo, nodes)",
    )
    parser.add_argument(
        "--reference-tapes",
        metavar="DIR",
        help="the reference's answers from this tape set (default: record them now, isolated)",
    )
    parser.add_argument("--report", metavar="FILE", help="write the JSON report to FILE")
    parser.add_argument(
        "--rackhd-version",
        default=None,
        help="the RackHD version the answers are from (default: the tapes' own, else 2.60.7)",
    )
    parser.add_argument(
        "--known",
        default="tests/rackhd/known_differences.yaml",
        metavar="FILE",
        help="the known-differences file (default tests/rackhd/known_differences.yaml: the "
        "current directory's, else the checkout's or the one bundled with rackharness)",
    )
    parser.add_argument("--api-port", default="24080", help="a capture's port of the API (default 24080)")
    parser.add_argument("--auth-port", default="24443", help="a capture's port of the auth endpoint (default 24443)")
    parser.add_argument(
        "--show", type=int, default=200, metavar="N", help="lines of differences to print (default 200)"
    )
    parser.add_argument(
        "--suite-only",
        action="store_true",
        help="compare the suite's requests only, not one generated request per spec operation",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    del config
    from rackharness.diff import generated
    from rackharness.diff.compare import compare, compare_events
    from rackharness.diff.exchanges import read_answers
    from rackharness.diff.report import classify, render, write_json
    from rackharness.suite.known_differences import load as load_known
    from rackharness.suite.sut import ASSUMED_RACKHD_VERSION

    known = load_known(args.known)
    scratch = Path(tempfile.mkdtemp(prefix="rh-diff-"))
    try:
        if args.against:
            url = _live_url(args.against)
            source = record_suite(scratch / "rackhd", live_environment(url, args.rack_config), f"the RackHD at {url}")
        else:
            source = Path(args.against_tapes)
        rackhd = read_answers(source, api_port=args.api_port, auth_port=args.auth_port)
        version = args.rackhd_version or _tape_version(source) or ASSUMED_RACKHD_VERSION
        if args.against and not args.suite_only:
            print(
                f"rackharness diff: the generated requests safe at a RackHD, to {url}...", file=sys.stderr, flush=True
            )
            rackhd.exchanges.extend(generated.send(generated.generate(), url))
        reference = read_answers(
            Path(args.reference_tapes)
            if args.reference_tapes
            else record_suite(scratch / "reference", isolated_environment(), "an isolated reference rack")
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rackhd_suite, rackhd_generated = generated.split_generated(rackhd.exchanges)
    reference_suite, _ = generated.split_generated(reference.exchanges)
    comparison = compare_events(rackhd.events, reference.events, compare(rackhd_suite, reference_suite))
    if not args.suite_only:
        print(
            "rackharness diff: one generated request per spec operation, to an isolated reference rack...",
            file=sys.stderr,
            flush=True,
        )
        generated.compare_generated(
            generated.generate(private=True), generated.reference_answers(), rackhd_generated, comparison
        )
    new, intended = classify(comparison, known, version)
    print(render(comparison, new, intended, against=f"RackHD {version} ({args.against or source})", limit=args.show))
    if args.report:
        write_json(Path(args.report), comparison, new, intended)
        print(f"wrote {args.report}")
    return 1 if new else 0


def _tape_version(source: Path) -> str | None:
    if not is_set(source):
        return None
    system = (session_header(source).get("session") or {}).get("system_under_test") or {}
    return system.get("version") if system.get("kind") == "rackhd" else None


def _live_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--against {url!r}: expected the RackHD API's URL, e.g. http://rackhd:8080")
    return url.rstrip("/")


def isolated_environment() -> dict[str, str]:
    """The suite against an isolated reference rack: none of the caller's RACKHARNESS_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    env["RACKHARNESS_MODE"] = "isolated"
    return env


def live_environment(url: str, rack_config: str | None) -> dict[str, str]:
    """The suite against the RackHD at ``url``: the stack's rack when its target is that URL, else the URL with
    the caller's settings (RACKHARNESS_* or ``rack_config``)."""
    from rackharness.stack_info import current_stack
    from rackharness.suite.sut import CONFIG_ENV, URL_ENV

    env = {k: v for k, v in os.environ.items() if k not in ("RACKHARNESS_MODE", URL_ENV)}
    if rack_config:
        env[CONFIG_ENV] = rack_config
    try:
        stack = current_stack(env.get("RACKHARNESS_STATE_DIR"))  # None: the state_dir setting
    except (UsageError, OSError):
        stack = None
    if rack_config or stack is None or (stack.api_url or "").rstrip("/") != url:
        env[URL_ENV] = url
    return env


def record_suite(scratch: Path, env: dict[str, str], what: str) -> Path:
    """Record the black-box suite (a child nose2) against ``what``; the tape set's path.

    From the repository's root, ``nose2`` with its unittest.cfg; from anywhere else the suite's runner
    (``python -m rackharness.suite``: the checkout's suite, or the one bundled with rackharness)."""
    runner = "nose2" if Path("tests/rackhd").is_dir() else "rackharness.suite"
    env = {**env, "RACKHARNESS_RECORD_MODE": "all", "RACKHARNESS_TAPES_RECORD_DIR": str(scratch)}
    print(f"rackharness diff: recording the answers of {what} (the black-box suite)...", file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, "-m", runner], env=env, capture_output=True, text=True, timeout=1800)
    recorded = next((path for path in sorted(scratch.glob("*")) if is_set(path)), None)
    if recorded is None:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise ServiceError(f"recording the answers of {what} failed (nose2 exit {done.returncode}):\n{tail}")
    return recorded
