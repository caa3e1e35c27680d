"""The RackHD reference target as a managed service: ready when GET /api/2.0/config answers 200."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from rackharness import secret_channel
from rackharness.api_paths import API_ROOT
from rackharness.config.loader import write_private
from rackharness.invocation import named
from rackharness.services.base import Service
from rackharness.services.process import ManagedProcess, ProcessRecord
from rackharness.wait import Condition, Observation


class TargetService(Service):
    """``python -m rackharness.reference --config <state_dir>/target.json``."""

    NAME = "target"

    def __init__(self, settings: dict[str, Any], config_path: Path, log_dir: Path) -> None:
        self.settings = settings  # holds the AMQP and Mongo URLs (maybe with passwords): never logged
        self.config_path = Path(config_path)
        self.log_dir = Path(log_dir)

    @property
    def url(self) -> str:
        return f"http://{self.settings['host']}:{self.settings['port']}"

    @property
    def auth_url(self) -> str | None:
        """The auth-enabled endpoint (POST /login; tokens required), when there is one."""
        if self.settings.get("auth_port") is None:
            return None
        return f"http://{self.settings['host']}:{self.settings['auth_port']}"

    @property
    def log_files(self) -> list[Path]:
        return [self.log_dir / "target.log"]

    def check_prerequisites(self) -> None:
        """The target needs only rackharness's own Python dependencies."""

    def port_settings(self) -> dict[str, tuple[str, int]]:
        ports = {"target.port": (self.settings["host"], self.settings["port"])}
        if self.settings.get("auth_port") is not None:
            ports["target.auth_port"] = (self.settings["host"], self.settings["auth_port"])
        return ports

    def start(self) -> ProcessRecord:
        public, secrets = secret_channel.split(self.settings)  # target.json holds no secret: they go on stdin
        write_private(self.config_path, json.dumps(public, indent=2))
        argv = [sys.executable, "-m", "rackharness.reference", "--config", str(self.config_path), "--secrets-on-stdin"]
        return ManagedProcess(self.NAME, argv, self.log_files[0], stdin_data=secret_channel.encode(secrets)).start()

    def wait_ready(self, record: ProcessRecord | None, timeout: float = 30.0) -> None:
        probe_url = f"{self.url}{API_ROOT}/config"

        def answers() -> Observation:
            try:
                with urllib.request.urlopen(probe_url, timeout=1.0) as response:
                    return Observation(response.status == 200, f"GET {probe_url} → {response.status}")
            except urllib.error.HTTPError as exc:
                return Observation(False, f"GET {probe_url} → {exc.code}")

        Condition(
            probe=answers,
            what=f"the reference target at {self.url}",
            timeout=timeout,
            interval=0.1,
            is_alive=(lambda: self.is_running(record)) if record else None,
            log_file=self.log_files[0],
            hint=named("`rackharness logs target` shows why it did not start"),
        ).wait()
