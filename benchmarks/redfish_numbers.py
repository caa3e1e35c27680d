"""Issue-9 figures for the target's Redfish service; writes benchmarks/results/redfish_numbers.json.

Starts an isolated rack in this process (the virtual BMCs, the reference target served by waitress
on loopback, in-memory Mongo and broker: the same stack `RACKHARNESS_MODE=isolated nose2` tests),
seeds compute nodes "as discovered" (node + ohai and dmi catalogs, like discovery writes them) and
measures over HTTP:
1. GET /redfish/v1/Systems with 8 and with 100 systems (200 requests each);
2. GET /redfish/v1/Systems/{id} (a ComputerSystem built from the catalogs), same sizes (200 requests);
3. POST .../Actions/ComputerSystem.Reset (On / ForceOff alternately, ipmi OBM on a virtual BMC) until
   the BMC itself reports the new power state over IPMI (polled every 5 ms), 20 resets.
The client runs in the target's process (one GIL), so the HTTP figures include that contention.

Usage: .venv/bin/python benchmarks/redfish_numbers.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import requests
from bson import ObjectId

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rackharness.clients.obm import ObmClient  # noqa: E402
from rackharness.config.loader import load_config  # noqa: E402
from rackharness.providers.isolated import IsolatedStack  # noqa: E402
from rackharness.suite.sut import from_stack  # noqa: E402
from rackharness.transports.mongo.mongomock_side import connect  # noqa: E402
from tests.unit.reference.redfish.support import DMI, OHAI  # noqa: E402

REQUESTS = 200
RESETS = 20


def summary(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {
        "samples": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(ordered[int(len(ordered) * 0.9)], 2),
        "max_ms": round(ordered[-1], 2),
    }


def seed_system(db, name: str, obm: dict | None = None) -> str:
    oid = ObjectId()
    db["nodes"].insert_one({"_id": oid, "name": name, "type": "compute", "identifiers": [], "relations": []})
    stamp = dt.datetime.now(dt.timezone.utc)
    for source, data in (("ohai", OHAI), ("dmi", DMI)):
        db["catalogs"].insert_one(
            {
                "_id": str(ObjectId()),
                "node": oid,
                "source": source,
                "data": data,
                "createdAt": stamp,
                "updatedAt": stamp,
            }
        )
    if obm:
        db["obms"].insert_one({"node": oid, "service": "ipmi-obm-service", "config": obm})
    return str(oid)


def timed_gets(session: requests.Session, url: str) -> dict:
    times = []
    for _ in range(REQUESTS):
        began = time.perf_counter()
        response = session.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
    return summary(times)


def resets(session: requests.Session, api: str, node_id: str, obm: ObmClient) -> dict:
    times = []
    for index in range(RESETS):
        reset_type, wanted = ("On", "on") if index % 2 == 0 else ("ForceOff", "off")
        began = time.perf_counter()
        response = session.post(
            f"{api}/redfish/v1/Systems/{node_id}/Actions/ComputerSystem.Reset", json={"ResetType": reset_type}
        )
        assert response.status_code == 202, response.text[:300]
        while obm.power_status() != wanted:
            if time.perf_counter() - began > 10:
                raise SystemExit(f"reset {reset_type}: the BMC still reports {obm.power_status()} after 10 s")
            time.sleep(0.005)
        times.append((time.perf_counter() - began) * 1000)
        task = response.json()["@odata.id"]  # let the graph finish before the next reset (one graph per node)
        while session.get(api + task).json().get("TaskState") == "Running":
            time.sleep(0.005)
    return summary(times)


def main() -> int:
    environ = {"RACKHARNESS_MODE": "isolated", "RACKHARNESS_NODES": "1"}
    config = load_config(None, environ=environ)
    stack = IsolatedStack(config).start()
    try:
        target = from_stack(stack.info(), config, config, source="benchmark")
        db = connect(stack.mongo_url, target.database)
        rack = target.nodes[0]
        obm_config = {
            "host": rack.bmc.host,
            "port": rack.bmc.port,
            "user": rack.bmc.user,
            "password": rack.bmc.password,
        }
        session = requests.Session()
        api = target.api_url
        report: dict = {"systems_list": {}, "system_get": {}}
        ids = [seed_system(db, "bench-reset", obm_config)]
        for size in (8, 100):
            ids += [seed_system(db, f"bench-{len(ids)}") for _ in range(size - len(ids))]
            listed = session.get(f"{api}/redfish/v1/Systems").json()
            assert listed["Members@odata.count"] == size, listed["Members@odata.count"]
            report["systems_list"][str(size)] = timed_gets(session, f"{api}/redfish/v1/Systems")
            report["system_get"][str(size)] = timed_gets(session, f"{api}/redfish/v1/Systems/{ids[-1]}")
            print(
                f"{size} systems: list p50 {report['systems_list'][str(size)]['p50_ms']} ms, "
                f"one system p50 {report['system_get'][str(size)]['p50_ms']} ms",
                flush=True,
            )
        report["reset_to_bmc_power"] = resets(session, api, ids[0], ObmClient.for_node(rack))
        print(f"reset → BMC power p50 {report['reset_to_bmc_power']['p50_ms']} ms", flush=True)
    finally:
        stack.stop()
    report.update(
        {
            "what": "Redfish on the reference target (isolated rack, in-process waitress on loopback)",
            "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    )
    out = REPO / "benchmarks" / "results" / "redfish_numbers.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
