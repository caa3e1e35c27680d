"""Replaying the committed reference tape set (fixtures/tapes/reference): issue 18's "Done when", on every CI run.

* the whole suite replays with ``RACKHARNESS_RECORD_MODE=none`` and nothing listening on any address the
  tapes were recorded against (no broker, store, BMC or target), every test passing;
* one recorded request changed → replay fails with the test, the tape, the request and the nearest
  recorded one with a diff;
* under ``faketime +365d`` (the Debian package) a replay still passes;
* ``rackharness tapes check`` finds no token and none of the recording's passwords
  (benchmarks/replay_numbers.py made the set with them) in any encoding.

The set is re-recorded with ``python benchmarks/replay_numbers.py --promote-to fixtures/tapes``
(docs/record-replay.md) whenever the suite's requests change.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from urllib.parse import urlsplit

from tests.functional.stack_fixture import REPO

TAPES = REPO / "fixtures" / "tapes"
SET = TAPES / "reference"


def recording_secrets() -> dict[str, str]:
    """The passwords benchmarks/replay_numbers.py recorded the set with (RACKHARNESS_* → value)."""
    spec = importlib.util.spec_from_file_location("replay_numbers", REPO / "benchmarks" / "replay_numbers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.SECRETS)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    env.update(RACKHARNESS_STATE_DIR=tempfile.mkdtemp(prefix="rh-replay-state-"), **extra)
    return env


def replay(*args: str, tapes_dir: Path = TAPES, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = clean_env(RACKHARNESS_RECORD_MODE="none", RACKHARNESS_TAPES_DIR=str(tapes_dir))
    return subprocess.run(
        [*prefix, sys.executable, "-m", "nose2", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


def recorded_endpoints() -> list[tuple[str, int]]:
    session = json.loads((SET / "_session.json").read_text())["header"]["session"]["system_under_test"]
    urls = [
        session["api_url"],
        (session.get("auth") or {}).get("url"),
        session.get("amqp_url"),
        session.get("mongo_url"),
    ]
    ends = [(p.hostname, p.port) for p in map(urlsplit, filter(None, urls)) if p.hostname and p.port]
    return ends + [(n["bmc"]["host"], n["bmc"]["port"]) for n in session["nodes"]]


class ReplayTest(unittest.TestCase):
    def setUp(self) -> None:
        if not (SET / "_session.json").is_file():
            self.fail(f"no reference tape set at {SET}: record it (docs/record-replay.md)")

    def test_the_reference_set_replays_with_no_service(self):
        listening = []
        for host, port in recorded_endpoints()[:7]:  # TCP endpoints; BMCs are UDP and nothing is served here
            with socket.socket() as probe:
                probe.settimeout(0.2)
                if probe.connect_ex((host, port)) == 0:
                    listening.append(f"{host}:{port}")
        self.assertEqual(listening, [], "something listens where the tapes were recorded: the proof would not hold")
        started = time.monotonic()
        done = replay()
        tail = done.stderr[-3000:]
        self.assertEqual(done.returncode, 0, tail)
        self.assertRegex(done.stderr, r"nose2: \d+ passed, 0 failed, 0 skipped", tail)
        self.assertIn(f"replayed tapes from {SET}", done.stderr)
        self.assertNotIn("did not make", done.stderr, "the set is stale: re-record it (docs/record-replay.md)")
        self.assertLess(time.monotonic() - started, 120, "a replay takes seconds (benchmarks measure how many)")

    def test_a_changed_request_fails_with_the_mismatch_message(self):
        copy = Path(tempfile.mkdtemp(prefix="rh-replay-tapes-"))
        self.addCleanup(shutil.rmtree, copy, True)
        shutil.copytree(SET, copy / "reference")
        name = "tests.rackhd.test_smoke.Smoke.api_serves_config.json"
        tape_path = copy / "reference" / name
        tape = json.loads(tape_path.read_text())
        call = next(i for i in tape["interactions"] if i["seam"] == "http_out")
        call["request"]["path"] += "-changed"
        tape_path.write_text(json.dumps(tape, indent=2, sort_keys=True))
        done = replay("--group", "smoke", tapes_dir=copy)
        self.assertNotEqual(done.returncode, 0, done.stderr[-2000:])
        failures = (REPO / "nose2-failures.log").read_text() + done.stderr
        for expected in (
            "tests.rackhd.test_smoke.Smoke.api_serves_config",
            "request not on the tape",
            str(tape_path),
            "nearest recorded (#",
            "diff (recorded -> now)",
            "-changed",
            "RACKHARNESS_RECORD_MODE=all",
        ):
            self.assertIn(expected, failures)

    def test_the_nose2_flag_chooses_the_mode(self):
        env = clean_env(RACKHARNESS_TAPES_DIR=str(TAPES))
        bad = subprocess.run(
            [sys.executable, "-m", "nose2", "--record-mode", "sometimes"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(bad.returncode, 2, bad.stderr[-2000:])
        self.assertIn(
            "--record-mode='sometimes' is not a record mode (expected one of none, once, new_episodes, all", bad.stderr
        )
        self.assertNotIn("Traceback", bad.stderr)
        done = subprocess.run(
            [sys.executable, "-m", "nose2", "--record-mode", "none", "--group", "smoke"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        self.assertIn(f"replayed tapes from {SET}", done.stderr)

    def test_a_replay_a_year_later_passes(self):
        faketime = shutil.which("faketime")
        if faketime is None:
            self.skipTest("faketime is not installed (Debian package faketime; ./stack.sh test installs it)")
        later = subprocess.run(
            [faketime, "-f", "+365d", sys.executable, "-c", "import time; print(time.time())"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertGreater(float(later.stdout), time.time() + 364 * 86400, "faketime did not move the clock")
        done = replay(prefix=(faketime, "-f", "+365d"))
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        self.assertRegex(done.stderr, r"nose2: \d+ passed, 0 failed, 0 skipped")

    def test_the_set_holds_no_secret_of_the_recording(self):
        env = clean_env(RACKHARNESS_TAPES_DIR=str(TAPES), **recording_secrets())
        done = subprocess.run(
            [sys.executable, "-m", "rackharness", "tapes", "check"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(done.returncode, 0, done.stdout[-3000:] + done.stderr)
        self.assertIn("no known secret and no token", done.stdout)
        raw = b"".join(p.read_bytes() for p in SET.glob("*.json"))
        for name, value in recording_secrets().items():
            self.assertNotIn(value.encode(), raw, name)
