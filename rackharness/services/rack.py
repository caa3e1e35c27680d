"""The rack process as a managed service: ready when every node's BMC answers on its UDP port."""

from __future__ import annotations

import errno
import json
import socket
import sys
from pathlib import Path

from rackharness import secret_channel
from rackharness.bmc.probe import bmc_answers
from rackharness.errors import PortInUseError
from rackharness.invocation import named
from rackharness.rack.spec import RackSpec
from rackharness.services.base import Service
from rackharness.services.ports import ephemeral_note
from rackharness.services.process import ManagedProcess, ProcessRecord
from rackharness.wait import Condition, Observation


class RackService(Service):
    """``python -m rackharness.rack --spec <state_dir>/rack.json`` hosting every virtual node."""

    NAME = "rack"
    STOP_GRACE = 5.0

    def __init__(self, spec: RackSpec, spec_path: Path, log_dir: Path) -> None:
        self.spec = spec
        self.spec_path = Path(spec_path)
        self.log_dir = Path(log_dir)

    @property
    def url(self) -> str:
        first = self.spec.nodes[0].bmc
        return f"ipmi+udp://{first.host}:{first.port}"

    @property
    def log_files(self) -> list[Path]:
        return [self.log_dir / "rack.log"]

    def check_prerequisites(self) -> None:
        """The rack needs nothing beyond the Python packages rackharness depends on."""

    def check_ports(self) -> None:
        for node in self.spec.nodes:
            if self.spec.address_mode == "addresses":  # UDP 623 of the node's own address
                ensure_udp_free(node.bmc.host, node.bmc.port, f"bmc.address_base (address of {node.name})")
            else:
                ensure_udp_free(node.bmc.host, node.bmc.port, f"bmc.base_port (port of {node.name})")

    def start(self) -> ProcessRecord:
        """rack.json (written by the provider) holds no password: the BMC passwords go on stdin."""
        _public, secrets = secret_channel.split(json.loads(self.spec.to_json()))
        argv = [sys.executable, "-m", "rackharness.rack", "--spec", str(self.spec_path), "--secrets-on-stdin"]
        return ManagedProcess(self.NAME, argv, self.log_files[0], stdin_data=secret_channel.encode(secrets)).start()

    def wait_ready(self, record: ProcessRecord | None, timeout: float = 30.0) -> None:
        pending = [n for n in self.spec.nodes if n.fault != "bmc-silent"]
        total = len(pending)

        def every_bmc_answers() -> Observation:
            while pending:
                node = pending[0]
                if not bmc_answers(node.bmc.host, node.bmc.port, timeout=0.2):
                    return Observation(
                        False,
                        f"{total - len(pending)} of {total} BMCs answer; "
                        f"{node.name} at {node.bmc.host}:{node.bmc.port} does not yet",
                    )
                pending.pop(0)
            return Observation(True, f"all {total} BMCs answer")

        Condition(
            probe=every_bmc_answers,
            what=f"{total} virtual BMCs to answer IPMI",
            timeout=timeout,
            interval=0.05,
            is_alive=(lambda: self.is_running(record)) if record else None,
            log_file=self.log_files[0],
            hint=named("`rackharness logs rack` shows the rack process log"),
        ).wait()


def ensure_udp_free(host: str, port: int, setting: str) -> None:
    """Raise PortInUseError if the UDP ``host:port`` cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            what = "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be bound ({exc.strerror})"
            hint = f"set {setting} to a free range, or stop what holds UDP {port}{ephemeral_note(port)}"
            if exc.errno in (errno.EACCES, errno.EPERM) and port < 1024:
                hint = (
                    "a port below 1024 needs root or CAP_NET_BIND_SERVICE (bmc.address_mode addresses); "
                    "or use --bmc-address-mode ports"
                )
            raise PortInUseError(f"UDP port {port} on {host} ({setting}) {what}", hint=hint) from exc
