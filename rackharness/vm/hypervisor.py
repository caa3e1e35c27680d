"""The hypervisors (libvirt, VirtualBox) that power real VMs: :mod:`rackharness.rack.hypervisor`, re-exported.

The implementation lives in ``rack/`` because the rack process drives VM power through it, and ``rack/``
must not import ``vm/`` (``vm/`` imports ``services/``, which imports ``rack/``: a loop the import-layer test
forbids). Import from either place; this one is for the code in ``vm/`` and the providers.
"""
from rackharness.rack.hypervisor import (ABSENT, COMMAND_TIMEOUT, HYPERVISORS, OFF, ON, CommandResult,  # noqa: F401
                                         CommandRunner, Hypervisor, HypervisorError, LibvirtHypervisor,
                                         VirtualBoxHypervisor, VmNotFound, open_hypervisor, register)
