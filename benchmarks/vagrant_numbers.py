"""Issue-20 figures for the vagrant provider (real VMs under QEMU/TCG); writes benchmarks/results/vagrant_numbers.json.

For 1 and 2 VMs, each on a fresh private stack (ports 26xxx, its own state dir):

- ``rackharness up --provider vagrant --nodes N --discover``: the seconds `up` reports (services, microkernel
  from its cache, libvirt, vagrant's own work), and the wall time from the command's start to "rack discovered";
- memory: each VM's QEMU process, resident (VmRSS) and peak (VmHWM), read from /proc once discovered;
- node-01 then goes through the BMC as RackHD would drive it:
  1. ``ipmitool -I lanplus -H <bmc> -p <port> -U .. -P .. chassis power off`` → seconds until
     ``virsh domstate`` says shut off (goal ≤ 10 s);
  2. the node deleted from the target, then powered on through its BMC (boot device pxe, as ``up
     --discover`` does) → seconds until the target discovered it again (catalogs + a succeeded discovery
     graph; goal ≤ 20 s);
  3. powered off again, then RackHD's ``Graph.PowerOn.Node`` workflow run on it through the API → seconds
     until the domain runs;
- ``rackharness down`` → seconds, and what is left: domains of the rack, QEMU processes, the storage pool.

Usage: .venv/bin/python benchmarks/vagrant_numbers.py [--nodes 1,2]   (root; libvirt and vagrant installed)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rackharness.clients.rest import RackHDClient  # noqa: E402
from rackharness.rack.discovery import Discovery  # noqa: E402
from rackharness.services.process import find_by_cmdline  # noqa: E402
from rackharness.stack_info import current_stack  # noqa: E402
from rackharness.vm.vagrant_rack import domain_prefix  # noqa: E402

PORTS = {
    "RACKHARNESS_AMQP_PORT": "26672",
    "RACKHARNESS_AMQP_DIST_PORT": "26673",
    "RACKHARNESS_AMQP_EPMD_PORT": "26369",
    "RACKHARNESS_MONGO_PORT": "26017",
    "RACKHARNESS_TARGET_PORT": "26080",
    "RACKHARNESS_TARGET_AUTH_PORT": "26443",
    "RACKHARNESS_BMC_BASE_PORT": "26230",
    "RACKHARNESS_BMC_ADDRESS_MODE": "ports",
}
GOALS = {
    "up_2_vms_seconds": 150.0,
    "power_on_to_discovered_seconds": 20.0,
    "power_off_seconds": 10.0,
    "rss_mb_per_vm": 300.0,
}


def virsh(*args: str) -> str:
    return subprocess.run(["virsh", "-c", "qemu:///system", *args], capture_output=True, text=True).stdout.strip()


def until(probe, timeout: float, interval: float = 0.1) -> float:
    """Seconds until ``probe()`` is true (raises after ``timeout``)."""
    began = time.monotonic()
    while not probe():
        if time.monotonic() - began > timeout:
            raise SystemExit(f"timed out after {timeout}s")
        time.sleep(interval)
    return round(time.monotonic() - began, 2)


def memory(prefix: str) -> list[dict]:
    out = []
    for record in find_by_cmdline([f"guest={prefix}"]):
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{record.pid}/status").read_text().splitlines() if ":" in line
        )
        out.append(
            {
                "pid": record.pid,
                "rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
                "peak_rss_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1),
            }
        )
    return out


def ipmitool(bmc: dict, *command: str) -> str:
    argv = ["ipmitool", "-I", "lanplus", "-H", bmc["host"], "-p", str(bmc["port"]), "-U", bmc["user"], "-E", *command]
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, "IPMI_PASSWORD": bmc["password"]})
    if done.returncode != 0:
        raise SystemExit(f"ipmitool {' '.join(command)} failed: {done.stderr.strip()}")
    return done.stdout


def node_id(client: RackHDClient, mac: str) -> str | None:
    for node in client.get("/api/2.0/nodes"):
        if mac in node.get("identifiers", []):
            return node["id"]
    return None


def one_rack(nodes: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="rh-vagrant-bench-") as tmp:
        state_dir = f"{tmp}/state"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
        env.update(
            PORTS,
            RACKHARNESS_STATE_DIR=state_dir,
            RACKHARNESS_PROVIDER="vagrant",
            RACKHARNESS_NODES=str(nodes),
            RACKHARNESS_DISCOVER_TIMEOUT="300",
        )
        cli = [sys.executable, "-m", "rackharness"]
        prefix = domain_prefix(Path(state_dir))
        result: dict = {"nodes": nodes}
        try:
            began = time.monotonic()
            up = subprocess.run(cli + ["up", "--discover"], env=env, cwd=REPO, capture_output=True, text=True)
            wall = time.monotonic() - began
            if up.returncode != 0:
                raise SystemExit(f"up --nodes {nodes} --discover failed:\n{up.stdout}\n{up.stderr}")
            reported = re.search(r"rack up \(vagrant, \d+ nodes\) in ([\d.]+)s", up.stdout)
            result.update(
                up_seconds=float(reported.group(1)) if reported else None,
                up_to_discovered_seconds=round(wall, 1),
                vms=memory(prefix),
            )
            stack = current_stack(state_dir)
            client = RackHDClient(stack.api_url, timeout=30)
            first = stack.nodes[0]
            bmc = {
                "host": first.bmc.host,
                "port": first.bmc.port,
                "user": first.bmc.user,
                "password": first.bmc.password,
            }
            domain = prefix + first.name
            # 1. power off through the BMC
            ipmitool(bmc, "chassis", "power", "off")
            result["power_off_seconds"] = until(lambda: virsh("domstate", domain) == "shut off", 30)
            # 2. a fresh discovery from power-on
            client.delete(f"/api/2.0/nodes/{node_id(client, first.macs[0])}", expect=(200, 204))
            single = current_stack(state_dir)
            discovery = Discovery(single, client, timeout=120, say=lambda _: None, create_obms=True)
            discovery.nodes = {first.name: discovery.nodes[first.name]}
            started = time.monotonic()
            discovery.power_on_all()
            discovery.wait()
            result["power_on_to_discovered_seconds"] = round(time.monotonic() - started, 2)
            result["discovered_catalog_manufacturer"] = dmi_manufacturer(client, node_id(client, first.macs[0]))
            # 3. RackHD's power-on workflow acts on the VM
            ipmitool(bmc, "chassis", "power", "off")
            until(lambda: virsh("domstate", domain) == "shut off", 30)
            until(lambda: "off" in ipmitool(bmc, "chassis", "power", "status"), 30, 0.5)
            nid = node_id(client, first.macs[0])
            client.run_workflow(nid, "Graph.PowerOn.Node")
            result["power_on_workflow_seconds"] = until(lambda: virsh("domstate", domain) == "running", 60, 0.2)
        finally:
            began = time.monotonic()
            subprocess.run(cli + ["down", "--purge"], env=env, cwd=REPO, capture_output=True)
            result["down_seconds"] = round(time.monotonic() - began, 1)
            result["left_after_down"] = {
                "domains": [n for n in virsh("list", "--all", "--name").split() if n.startswith(prefix)],
                "qemu_processes": [r.pid for r in find_by_cmdline([f"guest={prefix}"])],
                "vagrant_processes": [r.pid for r in find_by_cmdline(["vagrant"]) if "bench" in str(r)],
                "pool": virsh("pool-list", "--all", "--name").split().count("rackharness"),
            }
        return result


def dmi_manufacturer(client: RackHDClient, nid: str) -> str | None:
    catalog = client.get(f"/api/2.0/nodes/{nid}/catalogs/dmi")
    return ((catalog.get("data") or {}).get("System Information") or {}).get("Manufacturer")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", default="1,2", help="rack sizes, comma-separated (default 1,2)")
    args = parser.parse_args()
    runs = [one_rack(int(n)) for n in args.nodes.split(",")]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    out = {
        "machine": {"cpu": cpu, "cores": os.cpu_count(), "kvm": False, "accelerator": "tcg"},
        "goals": GOALS,
        "runs": runs,
    }
    path = REPO / "benchmarks" / "results" / "vagrant_numbers.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
