"""Issue-9 figures for authentication; writes benchmarks/results/auth_numbers.json.

Starts ``python -m rackharness.reference`` (in-process stores: mongomock://, memory://) with a plain
and an auth-enabled endpoint, seeds 100 nodes, and measures over loopback:
1. POST /login (password check + token), 100 logins;
2. GET /api/2.0/nodes (100 nodes) on the plain endpoint vs the auth endpoint with a JWT header
   (the gate: operation lookup, token verify, user lookup, privilege check): 10 interleaved rounds of
   30 requests each, the gate's cost being the median of the rounds' p50 differences;
3. a rejected request (no token → 401), 300 requests;
4. GET /redfish/v1/Systems with HTTP Basic (a password check per request) vs a session's X-Auth-Token.

Usage: .venv/bin/python benchmarks/auth_numbers.py
"""

from __future__ import annotations

import base64
import json
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rackharness.wait import Condition, Observation  # noqa: E402

PASSWORD = "bench-admin-pass"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def summary(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {
        "samples": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(ordered[int(len(ordered) * 0.9)], 2),
        "max_ms": round(ordered[-1], 2),
    }


def timed(session: requests.Session, count: int, method: str, url: str, expect: int, **kwargs) -> dict:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = session.request(method, url, timeout=10, **kwargs)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == expect, (method, url, response.status_code, response.text[:200])
    return summary(samples)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="rh-auth-bench-"))
    port, auth_port = free_port(), free_port()
    settings = {
        "host": "127.0.0.1",
        "port": port,
        "auth_port": auth_port,
        "threads": 8,
        "mongo_url": "mongomock://auth-bench",
        "database": "pxe",
        "amqp_url": "memory://auth-bench",
        "heartbeat_interval": 60,
        "auth_user": "admin",
        "auth_password": PASSWORD,
    }
    (workdir / "target.json").write_text(json.dumps(settings), encoding="utf-8")
    log = open(workdir / "target.log", "w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "rackharness.reference", "--config", str(workdir / "target.json")],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )
    plain, auth = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{auth_port}"
    session = requests.Session()
    try:

        def answers() -> Observation:
            try:
                return Observation(session.get(f"{plain}/api/2.0/config", timeout=1).ok, "GET /config")
            except requests.ConnectionError:
                return Observation(False, "not listening yet")

        Condition(probe=answers, what="the target", timeout=30, interval=0.1).wait()
        for index in range(100):
            session.post(f"{plain}/api/2.0/nodes", json={"name": f"bench-{index}", "type": "compute"}, timeout=10)
        figures = {
            "login": timed(session, 100, "POST", f"{auth}/login", 200, json={"username": "admin", "password": PASSWORD})
        }
        token = session.post(f"{auth}/login", json={"username": "admin", "password": PASSWORD}, timeout=10).json()[
            "token"
        ]
        plain_ms, jwt_ms = [], []
        for _ in range(10):  # interleaved, so drift on a shared machine hits both alike
            plain_ms.append(timed(session, 30, "GET", f"{plain}/api/2.0/nodes", 200)["p50_ms"])
            jwt_ms.append(
                timed(session, 30, "GET", f"{auth}/api/2.0/nodes", 200, headers={"authorization": f"JWT {token}"})[
                    "p50_ms"
                ]
            )
        figures["nodes_100_plain"] = {
            "rounds": 10,
            "per_round": 30,
            "p50_of_round_p50s_ms": round(statistics.median(plain_ms), 2),
        }
        figures["nodes_100_jwt"] = {
            "rounds": 10,
            "per_round": 30,
            "p50_of_round_p50s_ms": round(statistics.median(jwt_ms), 2),
        }
        figures["rejected_no_token"] = timed(session, 300, "GET", f"{auth}/api/2.0/nodes", 401)
        figures["gate_overhead_p50_ms"] = round(statistics.median(j - p for j, p in zip(jwt_ms, plain_ms)), 2)
        sessions = f"{auth}/redfish/v1/SessionService/Sessions"
        created = session.post(sessions, json={"UserName": "admin", "Password": PASSWORD}, timeout=10)
        if created.status_code == 201:  # Redfish served
            basic = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
            figures["redfish_systems_basic"] = timed(
                session, 100, "GET", f"{auth}/redfish/v1/Systems", 200, headers={"authorization": f"Basic {basic}"}
            )
            figures["redfish_systems_session"] = timed(
                session,
                100,
                "GET",
                f"{auth}/redfish/v1/Systems",
                200,
                headers={"x-auth-token": created.headers["x-auth-token"]},
            )
    finally:
        process.terminate()
        process.wait(10)
        log.close()
    result = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **figures,
    }
    out = REPO / "benchmarks" / "results" / "auth_numbers.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
