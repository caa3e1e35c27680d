"""Issue-16 figures for failure diagnosis and bad input; writes benchmarks/results/drill_numbers.json.

Measures, on loopback, with a virtual BMC served in this process (no rack, no services):
1. how long ObmClient takes to fail, per cause: a refused port, a wrong password, an unknown user,
   and a silent BMC (timeout 3 s), 10 rounds each; and a healthy power status for comparison;
2. diagnose_login alone, per verdict;
3. the config-file fuzz: how fast the loaders refuse generated bad files (files per second), and the
   share of the 320 generated files refused.

Usage: .venv/bin/python benchmarks/drill_numbers.py
"""

from __future__ import annotations

import json
import platform
import socket
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rackharness.bmc.login_diagnosis import diagnose_login  # noqa: E402
from rackharness.bmc.server import BmcEndpoint, BmcServer  # noqa: E402
from rackharness.clients.obm import ObmClient  # noqa: E402
from rackharness.config.loader import load_config  # noqa: E402
from rackharness.errors import BmcCommandError, ConfigError  # noqa: E402
from rackharness.inventory import load_inventory  # noqa: E402
from tests.functional.bmc.test_session_clients import HOST, LoopThread, ToyChassis, user_table  # noqa: E402
from tests.unit.config.test_file_fuzz import generated_files  # noqa: E402

ROUNDS = 10


def ms(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "p50_ms": round(statistics.median(values) * 1000, 1),
        "max_ms": round(values[-1] * 1000, 1),
        "n": len(values),
    }


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def time_failure(port: int, user: str, password: str, timeout: float) -> tuple[float, str]:
    obm = ObmClient("bench", HOST, port, user, password, timeout=timeout)
    began = time.monotonic()
    try:
        obm.power_status()
        return time.monotonic() - began, "ok"
    except BmcCommandError as exc:
        return time.monotonic() - began, exc.reason.split(" (")[0]


def main() -> int:
    loop = LoopThread()
    server = BmcServer()
    port = loop.run(server.add(BmcEndpoint(HOST, 0, user_table(), ToyChassis(), uuid.uuid4().bytes, "bench"))).port
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind((HOST, 0))
    cases = {
        "healthy": (port, "admin", "secret"),
        "refused port": (closed_port(), "admin", "secret"),
        "wrong password": (port, "admin", "nope"),
        "unknown user": (port, "nobody", "secret"),
        "silent BMC": (silent.getsockname()[1], "admin", "secret"),
    }
    report: dict = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "obm_failure": {},
        "diagnosis": {},
    }
    try:
        for name, (p, user, password) in cases.items():
            rounds = 3 if name == "silent BMC" else ROUNDS
            results = [time_failure(p, user, password, timeout=3.0) for _ in range(rounds)]
            report["obm_failure"][name] = {**ms([r[0] for r in results]), "says": results[-1][1]}
            timings = []
            for _ in range(rounds):
                began = time.monotonic()
                verdict = diagnose_login(HOST, p, user, password, timeout=1.0).verdict
                timings.append(time.monotonic() - began)
            report["diagnosis"][name] = {**ms(timings), "verdict": verdict.name}
    finally:
        silent.close()
        loop.call(server.close)
        loop.stop()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for index, (_label, data) in enumerate(generated_files()):
            path = Path(tmp) / f"case{index:03d}.yaml"
            path.write_bytes(data)
            files.append(path)
        for loader_name, load in (
            ("config", lambda f: load_config(str(f), environ={})),
            ("inventory", lambda f: load_inventory(f, environ={})),
        ):
            refused = 0
            began = time.monotonic()
            for path in files:
                try:
                    load(path)
                except ConfigError:
                    refused += 1
            took = time.monotonic() - began
            report[f"fuzz_{loader_name}"] = {
                "files": len(files),
                "refused": refused,
                "files_per_s": round(len(files) / took),
                "total_s": round(took, 2),
            }
    out = REPO / "benchmarks" / "results" / "drill_numbers.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
