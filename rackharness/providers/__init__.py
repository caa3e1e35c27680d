"""Rack providers, looked up by name; a provider module is imported only when it is chosen.

local      real RabbitMQ, a Mongo-wire store and N virtual nodes on this machine (default)
isolated   everything in the test process: the rack's BMCs on loopback, the reference target,
           an in-memory AMQP broker (memory://) and Mongo (mongomock://); `up` only records it

physical   a lab described by an inventory (docs/inventory.md); `up` provisions nothing, it
           validates the inventory and records its endpoints and nodes

vagrant    the local provider's services, with real VMs (libvirt/QEMU or VirtualBox, through
           python-vagrant) as nodes: they PXE-boot the microkernel and their virtual BMCs act
           on them through the hypervisor (docs/vagrant.md)
"""

from __future__ import annotations

import difflib
import importlib

from rackharness.errors import UsageError
from rackharness.providers.base import Capabilities, RackProvider

REGISTRY: dict[str, str] = {
    "local": "rackharness.providers.local:LocalProvider",
    "isolated": "rackharness.providers.isolated:IsolatedProvider",
    "physical": "rackharness.providers.physical:PhysicalProvider",
    "vagrant": "rackharness.providers.vagrant:VagrantProvider",
}


def get_provider_class(name: str) -> type[RackProvider]:
    try:
        dotted = REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(REGISTRY), n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(
            f"unknown provider {name!r}{suggestion}",
            hint=f"available providers: {', '.join(sorted(REGISTRY))} (--provider NAME or provider: in --config)",
        ) from None
    module_name, _, attr = dotted.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def capabilities(name: str) -> Capabilities:
    """What the provider ``name`` can do (:class:`~rackharness.providers.base.Capabilities`)."""
    return get_provider_class(name).CAPABILITIES


def make_provider(name: str, config, store, say=print) -> RackProvider:
    """An instance of the provider ``name`` bound to ``config`` and the state ``store``."""
    return get_provider_class(name)(config, store, say)
