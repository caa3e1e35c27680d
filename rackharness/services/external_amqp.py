"""An AMQP broker someone else runs (``--amqp-url``): nothing to start, ready when pika connects."""

from __future__ import annotations

from pathlib import Path

from rackharness.errors import ConfigError
from rackharness.services.base import Service, redact_url
from rackharness.services.process import ProcessRecord
from rackharness.wait import Condition, Observation


class ExternalAmqpService(Service):
    NAME = "rabbitmq"

    def __init__(self, url: str) -> None:
        if not url.startswith(("amqp://", "amqps://")):
            raise ConfigError(
                f"amqp url {redact_url(url)!r} does not start with amqp:// or amqps://",
                hint="give a URL like amqp://user:password@host:5672/ or leave it unset",
            )
        self._url = url

    @property
    def url(self) -> str:
        return self._url

    @property
    def log_files(self) -> list[Path]:
        return []

    def check_prerequisites(self) -> None:
        """Nothing to install: the broker runs elsewhere."""

    def start(self) -> None:
        return None

    def wait_ready(self, record: ProcessRecord | None, timeout: float = 30.0) -> None:
        import pika  # imported here: only this path needs it at this point

        def handshake() -> Observation:
            connection = pika.BlockingConnection(pika.URLParameters(self._url))
            connection.close()
            return Observation(True, "AMQP handshake succeeded")

        Condition(
            probe=handshake,
            what=f"the AMQP broker at {self.redacted_url}",
            timeout=timeout,
            interval=0.5,
            transient=(OSError, pika.exceptions.AMQPError),
            hint="check --amqp-url (host, port, user and password)",
        ).wait()
