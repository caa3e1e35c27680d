"""Start and stop RabbitMQ and nx-27017 a few times; write start-to-ready and stop seconds.

    .venv/bin/python benchmarks/services_start.py [--runs 5] [--out benchmarks/results/services_start.json]

Each service gets one temp data dir for all runs: run 1 is a cold first boot (RabbitMQ creates
its database), the others are warm restarts like a second ``stack.sh up``. Ports are free
loopback ports picked at start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rackharness.services import MongoService, RabbitMqService, Service  # noqa: E402
from rackharness.services.mongo import NX_27017  # noqa: E402


def free_ports(count: int) -> list[int]:
    socks = [socket.socket() for _ in range(count)]
    for sock in socks:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in socks]
    for sock in socks:
        sock.close()
    return ports


def measure(service: Service, runs: int) -> dict:
    service.check_prerequisites()
    starts, stops = [], []
    for _ in range(runs):
        began = time.monotonic()
        record = service.start()
        try:
            service.wait_ready(record, timeout=60)
            starts.append(time.monotonic() - began)
        finally:
            began = time.monotonic()
            service.stop(record)
            stops.append(time.monotonic() - began)
    return {
        "runs": runs,
        "start_to_ready_s": {
            "cold": round(starts[0], 3),
            "p50": round(statistics.median(starts), 3),
            "max": round(max(starts), 3),
            "all": [round(s, 3) for s in starts],
        },
        "stop_s": {
            "p50": round(statistics.median(stops), 3),
            "max": round(max(stops), 3),
            "all": [round(s, 3) for s in stops],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/services_start.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rh-bench-"))
    work.chmod(0o755)  # the rabbitmq user must be able to enter it
    try:
        amqp, dist, epmd, mongo = free_ports(4)
        services = {
            "rabbitmq": RabbitMqService(
                "127.0.0.1", amqp, dist, epmd, "guest", "guest", work / "rabbitmq", work / "logs"
            ),
            "nx-27017": MongoService(mongo, work / "mongo", work / "logs", engine=NX_27017),
        }
        results = {name: measure(service, args.runs) for name, service in services.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "benchmark": "services_start",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "kernel": platform.release(), "cpus": os.cpu_count()},
        "services": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
