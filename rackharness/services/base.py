"""The contract every managed service (RabbitMQ, Mongo) fulfils for the stack.

The stack drives a service in this order, and every step fails with an error from
:mod:`rackharness.errors` that says what to do::

    service.check_prerequisites()   # PrerequisiteError: the exact install command
    service.check_ports()           # PortInUseError: the port, who holds it, the setting to change
    record = service.start()        # non-blocking; the record goes into the state file
    service.wait_ready(record, 30)  # ReadinessTimeout (with the log tail) / ServiceError
    ...
    service.stop(record)            # a stale or None record is a no-op

A service object holds configuration only; constructing one does no I/O.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from rackharness.redaction import redact_url
from rackharness.services import ports, process
from rackharness.services.process import ProcessRecord, StopResult


class Service(ABC):
    """A process (or external endpoint) the stack brings up before RackHD and tears down after."""

    #: registry key, also the ``name`` of its ProcessRecord: "rabbitmq", "mongo"
    NAME: ClassVar[str]
    #: seconds between SIGTERM and SIGKILL on stop
    STOP_GRACE: ClassVar[float] = 5.0

    @abstractmethod
    def check_prerequisites(self) -> None:
        """Raise PrerequisiteError naming the command that installs what is missing."""

    def port_settings(self) -> dict[str, tuple[str, int]]:
        """``{setting: (host, port)}`` for every port the service binds; setting = config key."""
        return {}

    def check_ports(self) -> None:
        """Raise PortInUseError for the first configured port that someone else holds."""
        for setting, (host, port) in self.port_settings().items():
            ports.ensure_free(host, port, setting)

    @abstractmethod
    def start(self) -> ProcessRecord | None:
        """Start without waiting; None only when nothing had to be started (external service)."""

    @abstractmethod
    def wait_ready(self, record: ProcessRecord | None, timeout: float = 30.0) -> None:
        """Block until clients can use the service; fail at once if its process dies."""

    def stop(self, record: ProcessRecord | None) -> StopResult | None:
        """Stop what :meth:`start` started; no-op for None or for a record whose processes are gone."""
        if record is None:
            return None
        return process.stop(record, grace=self.STOP_GRACE)

    def is_running(self, record: ProcessRecord | None) -> bool:
        return record is not None and process.is_running(record)

    @property
    @abstractmethod
    def url(self) -> str:
        """The URL clients (RackHD, tests) connect with; may hold a password: never log it."""

    @property
    def redacted_url(self) -> str:
        """:attr:`url` with the password replaced by ``***``: the only form to print."""
        return redact_url(self.url)

    @property
    @abstractmethod
    def log_files(self) -> list[Path]:
        """Logs worth showing when the service misbehaves, most useful first."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.redacted_url}>"


def install_command(command: str) -> str:
    """The install command as the current user has to type it (``sudo`` unless root)."""
    return command if os.geteuid() == 0 else f"sudo {command}"
