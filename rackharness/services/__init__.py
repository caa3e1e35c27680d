"""The services rackharness starts and stops around RackHD: RabbitMQ and a Mongo-wire store.

``process`` spawns and stops detached process groups, ``base`` is the contract a service
fulfils, ``rabbitmq`` and ``mongo`` are the two services. Importing this package does no I/O.
"""

from rackharness.services.base import Service, redact_url
from rackharness.services.mongo import MongoService
from rackharness.services.process import ManagedProcess, ProcessRecord, StopResult, is_running, stop
from rackharness.services.rabbitmq import RabbitMqService

#: NAME -> class, for the stack to build services from configuration
SERVICES: dict[str, type[Service]] = {cls.NAME: cls for cls in (RabbitMqService, MongoService)}

__all__ = [
    "SERVICES",
    "ManagedProcess",
    "MongoService",
    "ProcessRecord",
    "RabbitMqService",
    "Service",
    "StopResult",
    "is_running",
    "redact_url",
    "stop",
]
