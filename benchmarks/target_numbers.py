"""Issue-3 figures for the reference target; writes benchmarks/results/target_numbers.json.

Brings up a private local stack (RabbitMQ, Mongo store, 2 virtual nodes, the reference target) and
measures, over loopback:
1. GET /api/2.0/nodes with 100 nodes in the database (200 requests);
2. a power graph (Graph.PowerOn.Node / Graph.PowerOff.Node alternately, ipmi OBM on a virtual BMC):
   time from the POST to the graph's status `succeeded` (polled every 5 ms), 20 graphs;
3. API action → AMQP event: POST /api/2.0/nodes until its `node.added` event is consumed (50 nodes).

Usage: .venv/bin/python benchmarks/target_numbers.py
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pika
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rackharness.stack_info import current_stack  # noqa: E402

PORTS = {
    "RACKHARNESS_AMQP_PORT": "23672",
    "RACKHARNESS_AMQP_DIST_PORT": "23673",
    "RACKHARNESS_AMQP_EPMD_PORT": "23369",
    "RACKHARNESS_MONGO_PORT": "23017",
    "RACKHARNESS_TARGET_PORT": "23080",
    "RACKHARNESS_TARGET_AUTH_PORT": "23443",
    "RACKHARNESS_BMC_BASE_PORT": "24500",
}


def summary(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {
        "samples": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(ordered[int(len(ordered) * 0.9)], 2),
        "max_ms": round(ordered[-1], 2),
    }


def nodes_list(api: str, session: requests.Session) -> dict:
    created = [
        session.post(f"{api}/nodes", json={"name": f"bench-{i}", "type": "compute"}).json()["id"] for i in range(100)
    ]
    times = []
    for _ in range(200):
        started = time.perf_counter()
        response = session.get(f"{api}/nodes")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and len(response.json()) >= 100
    for node_id in created:
        session.delete(f"{api}/nodes/{node_id}")
    return summary(times)


def power_graphs(api: str, session: requests.Session, bmc) -> dict:
    node = session.post(f"{api}/nodes", json={"name": "bench-power", "type": "compute"}).json()
    session.put(
        f"{api}/obms",
        json={
            "nodeId": node["id"],
            "service": "ipmi-obm-service",
            "config": {"host": bmc.host, "port": bmc.port, "user": bmc.user, "password": bmc.password},
        },
    )
    times = []
    for i in range(20):
        graph = "Graph.PowerOn.Node" if i % 2 == 0 else "Graph.PowerOff.Node"
        started = time.perf_counter()
        instance = session.post(f"{api}/nodes/{node['id']}/workflows", json={"name": graph}).json()["instanceId"]
        while True:
            status = session.get(f"{api}/workflows/{instance}").json()["status"]
            if status not in ("pending", "running"):
                break
            time.sleep(0.005)
        times.append((time.perf_counter() - started) * 1000)
        assert status == "succeeded", status
    session.delete(f"{api}/nodes/{node['id']}")
    return summary(times)


def event_latency(api: str, amqp_url: str, session: requests.Session) -> dict:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, "on.events", routing_key="node.added.#")
    seen: dict[str, float] = {}

    def consume():
        for method, _, body in channel.consume(queue, auto_ack=True, inactivity_timeout=0.5):
            if method is None:
                if stop.is_set():
                    break
                continue
            seen[json.loads(body)["nodeId"]] = time.perf_counter()

    stop = threading.Event()
    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    sent: dict[str, float] = {}
    for i in range(50):
        started = time.perf_counter()
        node_id = session.post(f"{api}/nodes", json={"name": f"bench-ev-{i}", "type": "compute"}).json()["id"]
        sent[node_id] = started
        time.sleep(0.02)
    deadline = time.monotonic() + 10
    while len(seen) < len(sent) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    consumer.join(5)
    for node_id in sent:
        session.delete(f"{api}/nodes/{node_id}")
    missing = set(sent) - set(seen)
    assert not missing, f"no node.added event for {len(missing)} nodes"
    return summary([(seen[n] - sent[n]) * 1000 for n in sent])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="rh-bench-target-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
        env.update(PORTS, RACKHARNESS_STATE_DIR=f"{tmp}/state", RACKHARNESS_NODES="2")
        cli = [sys.executable, "-m", "rackharness"]
        up = subprocess.run(cli + ["up"], env=env, cwd=REPO, capture_output=True, text=True)
        if up.returncode != 0:
            raise SystemExit(f"up failed: {up.stderr}")
        try:
            stack = current_stack(f"{tmp}/state")
            api = stack.api_url + "/api/2.0"
            session = requests.Session()
            results = {
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "get_nodes_with_100_nodes": nodes_list(api, session),
                "power_graph_post_to_succeeded": power_graphs(api, session, stack.nodes[0].bmc),
                "post_node_to_node_added_event": event_latency(api, stack.amqp_url, session),
            }
        finally:
            subprocess.run(cli + ["down"], env=env, cwd=REPO, capture_output=True)
    out = REPO / "benchmarks" / "results" / "target_numbers.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
