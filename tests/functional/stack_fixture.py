"""A private rack for functional tests: own state dir and ports, brought up and down via the CLI."""

import hashlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rackharness.stack_info import current_stack

REPO = Path(__file__).resolve().parents[2]
#: ports clear of the defaults, so a developer's own `./stack.sh up` rack is left alone
TEST_PORTS = {
    "RACKHARNESS_AMQP_PORT": "22672",
    "RACKHARNESS_AMQP_DIST_PORT": "22673",
    "RACKHARNESS_AMQP_EPMD_PORT": "22369",
    "RACKHARNESS_MONGO_PORT": "22017",
    "RACKHARNESS_TARGET_PORT": "22080",
    "RACKHARNESS_TARGET_AUTH_PORT": "22443",
}
#: each private stack gets its own BMC port range: pyghmi caches sessions per process by
#: (host, user, password, port), and a login cached against an earlier stack's BMC, now gone,
#: would block a new login to the same address forever
_BMC_RANGES = itertools.count(19230, 50)
#: a password that must never show up in any output, log or file other than the private state
BMC_PASSWORD = "Rh-n0t-in-logs"


class PrivateStack:
    def __init__(self, nodes: int = 4, **env: str) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="rackharness-test-")
        self.state_dir = Path(self.tmp.name) / "state"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
        self.env.update(TEST_PORTS)
        self.env["RACKHARNESS_BMC_BASE_PORT"] = str(next(_BMC_RANGES))
        self.env.update(
            {
                "RACKHARNESS_STATE_DIR": str(self.state_dir),
                "RACKHARNESS_NODES": str(nodes),
                "RACKHARNESS_BMC_PASSWORD": BMC_PASSWORD,
            }
        )
        self.env.update(env)

    def cli(self, *args: str, timeout: float = 180.0) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "rackharness", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def up(self) -> subprocess.CompletedProcess:
        result = self.cli("up")
        if result.returncode != 0:
            raise AssertionError(f"rackharness up failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def status(self, *flags: str) -> dict:
        return json.loads(self.cli("status", "--json", *flags).stdout)

    def info(self):
        return current_stack(self.state_dir)

    def pids(self) -> list[int]:
        state = json.loads((self.state_dir / "state.json").read_text())
        pids = []
        for record in state["processes"].values():
            pids.append(record["pid"])
            pids.extend(c["pid"] for c in record.get("companions", []))
        return pids

    def down(self) -> subprocess.CompletedProcess:
        return self.cli("down")

    def cleanup(self) -> None:
        self.cli("down", "--force", "--purge")
        self.tmp.cleanup()


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a slow init to reap it does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def marked_processes(stack: PrivateStack) -> list[int]:
    """Any live process whose command line names this rack's state dir, or RabbitMQ's fallback dir for it
    (beam, nx-27017, the rack, the target)."""
    digest = hashlib.sha256(str(stack.state_dir.absolute()).encode()).hexdigest()[:12]
    markers = [str(stack.state_dir).encode(), f"/var/lib/rackharness/{digest}".encode()]
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and alive(int(proc.name)):
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if any(marker in cmdline for marker in markers):
                found.append(int(proc.name))
    return found
