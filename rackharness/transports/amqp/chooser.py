"""The AMQP seam's chooser: :func:`open_transport` picks a side by the URL's scheme.

``amqp://``/``amqps://`` → :class:`~rackharness.transports.amqp.pika_side.PikaTransport` (RabbitMQ);
``memory://<name>`` → :class:`~rackharness.transports.amqp.memory_side.MemoryTransport` on the
in-process broker registered under ``<name>`` (so a target and a tracker in one process meet by
URL). Each side is imported only when chosen.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from rackharness.errors import ClientError
from rackharness.redaction import redact_url
from rackharness.transports.amqp.base import DEFAULT_CONNECT_TIMEOUT, AmqpTransport


def open_transport(amqp_url: str, *, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> AmqpTransport:
    """The transport for ``amqp_url``: pika for ``amqp://``/``amqps://``, the in-process broker for ``memory://``."""
    scheme = urlsplit(amqp_url or "").scheme.lower()
    if scheme in ("amqp", "amqps"):
        from rackharness.transports.amqp.pika_side import PikaTransport

        return PikaTransport(amqp_url, timeout=timeout)
    if scheme == "memory":
        from rackharness.transports.amqp.memory_side import MemoryTransport  # only isolated mode needs it

        return MemoryTransport.from_url(amqp_url)
    raise ClientError(
        f"unsupported AMQP URL {redact_url(amqp_url)!r}",
        hint="use amqp://user:password@host:port/vhost (RabbitMQ) or memory://<name> "
        "(the in-process broker of isolated mode)",
    )
