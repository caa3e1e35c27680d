"""The VM power link: a node whose spec names a VM (``NodeSpec.vm``) has its power acted out on that VM.

BMC → VM: the link is a power listener of each such :class:`~rackharness.rack.node.VirtualNode`. When
the node finishes a power up it starts the VM, a power down (and the off half of a power cycle) stops
it hard, a hard or warm reset resets it (starts it when it is off). ACPI soft off is the node's own:
after ``SOFT_OFF_DELAY`` the node powers off and the VM is stopped hard. Hypervisor commands run on a
small thread pool, one node's in the order its BMC took them, so a BMC never waits for a hypervisor;
a command that fails is logged, never raised into the BMC (the next sync shows the VM's real state).

VM → BMC: every ``interval`` seconds one ``states()`` call per hypervisor reads every VM, and a node
whose VM changed outside the BMC (stopped by itself, destroyed, started by hand) follows it through
:meth:`VirtualNode.observe_power`, which logs SEL events and notifies nobody, so nothing is sent back to
the hypervisor. Right after the BMC commanded a change, and while the command runs, an observation that
disagrees with it is ignored for ``grace`` seconds (the VM may not be there yet, or the read may be
older than the command). A VM that does not exist counts as off.

Boot device: the VMs are diskless and always PXE-boot from their NIC, whatever the BMC's boot flags
say; the node records ``last_boot_device`` as for any node, and the VM's boot order is left alone.
No boot agent is attached to such a node: the real VM netboots itself.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from rackharness.errors import UsageError
from rackharness.rack.hypervisor import HYPERVISORS, ON, Hypervisor, open_hypervisor
from rackharness.rack.node import VirtualNode

log = logging.getLogger("rackharness.rack.vm_power")

#: node power event → the hypervisor method that acts it out
ACTIONS = {"on": "power_on", "off": "power_off", "reset": "reset"}


def vm_target(node_name: str, vm: dict) -> tuple[str, str, str | None]:
    """``(hypervisor kind, VM name, uri)`` of a node's ``vm`` entry; a malformed one is a :class:`UsageError`."""
    if not isinstance(vm, dict) or not isinstance(vm.get("name"), str) or not vm["name"]:
        raise UsageError(f"node {node_name!r}: vm needs a 'name' (the domain / VM name): {vm!r}")
    kind = vm.get("hypervisor", "libvirt")
    if kind not in HYPERVISORS:
        raise UsageError(f"node {node_name!r}: unknown vm hypervisor {kind!r}; known: {', '.join(sorted(HYPERVISORS))}")
    unknown = set(vm) - {"hypervisor", "name", "uri"}
    if unknown:
        raise UsageError(f"node {node_name!r}: unknown vm keys {sorted(unknown)} (known: hypervisor, name, uri)")
    return kind, vm["name"], vm.get("uri")


class VmPowerLink:
    """The VM-backed nodes of one rack, each tied to its VM; ``start()`` begins syncing, ``close()`` ends it."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        interval: float = 1.0,
        grace: float = 5.0,
        hypervisor_factory: Callable[..., Hypervisor] = open_hypervisor,
        clock: Callable[[], float] = time.monotonic,
        workers: int = 8,
    ) -> None:
        self.loop, self.interval, self.grace, self.clock = loop, interval, grace, clock
        self._factory = hypervisor_factory
        self._workers = workers
        self._hypervisors: dict[tuple[str, str | None], Hypervisor] = {}
        self._nodes: dict[str, tuple[VirtualNode, Hypervisor, str]] = {}  # node name → (node, hypervisor, VM)
        self._locks: dict[str, asyncio.Lock] = {}
        self._in_flight: collections.Counter[str] = collections.Counter()
        self._expect: dict[str, list] = {}  # node name → [power on?, ignore disagreeing states until]
        self._commands: set[asyncio.Task] = set()
        self._sync_errors: dict[int, str] = {}  # id(hypervisor) → the last error logged
        self._task: asyncio.Task | None = None
        self._executor: ThreadPoolExecutor | None = None

    def attach(self, node: VirtualNode) -> None:
        """Tie ``node`` to the VM its spec names (``node.spec.vm``)."""
        kind, vm, uri = vm_target(node.name, node.spec.vm)
        hypervisor = self._hypervisors.get((kind, uri))
        if hypervisor is None:
            hypervisor = self._hypervisors[(kind, uri)] = self._factory(kind, uri=uri)
        self._nodes[node.name] = (node, hypervisor, vm)
        self._locks[node.name] = asyncio.Lock()
        node.add_power_listener(self._on_power)
        log.info("node %s is VM %r of %r", node.name, vm, hypervisor)

    @property
    def nodes(self) -> list[str]:
        return list(self._nodes)

    async def start(self) -> None:
        """Read every VM once (so chassis status is right from the start), then keep them in sync."""
        if self._nodes and self._task is None:
            await self.sync_once()
            self._task = self.loop.create_task(self._sync_forever())

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        for task in list(self._commands):
            task.cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def settle(self) -> None:
        """Wait until every hypervisor command issued so far has finished (for tests and orderly stops)."""
        while self._commands:
            await asyncio.gather(*list(self._commands), return_exceptions=True)

    # -- BMC → VM ----------------------------------------------------------------------------------
    def _on_power(self, node: VirtualNode, event: str) -> None:
        action = ACTIONS.get(event)
        if action is None or node.name not in self._nodes:
            return
        self._in_flight[node.name] += 1
        self._expect[node.name] = [event != "off", math.inf]
        task = self.loop.create_task(self._command(node.name, action))
        self._commands.add(task)
        task.add_done_callback(self._commands.discard)

    async def _command(self, name: str, action: str) -> None:
        node, hypervisor, vm = self._nodes[name]
        try:
            async with self._locks[name]:
                started = self.clock()
                await self.loop.run_in_executor(self._pool(), getattr(hypervisor, action), vm)
                log.info("node %s: %s VM %r (%.2f s)", name, action, vm, self.clock() - started)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never into the BMC: the next sync shows the VM's real state
            log.error("node %s: %s of VM %r failed: %s", name, action, vm, exc)
        finally:
            self._in_flight[name] -= 1
            if self._in_flight[name] <= 0:  # the last command done: the grace window starts now
                del self._in_flight[name]
                if name in self._expect:
                    self._expect[name][1] = self.clock() + self.grace

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="vm-power")
        return self._executor

    # -- VM → BMC ----------------------------------------------------------------------------------
    async def _sync_forever(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.sync_once()

    async def sync_once(self) -> None:
        """Read every VM's state (one ``states()`` call per hypervisor) and let each node follow its VM."""
        for hypervisor in list(self._hypervisors.values()):
            names = {vm: name for name, (_, hv, vm) in self._nodes.items() if hv is hypervisor}
            try:
                states = await self.loop.run_in_executor(self._pool(), hypervisor.states, list(names))
            except Exception as exc:
                if self._sync_errors.get(id(hypervisor)) != str(exc):  # once per distinct error, not every second
                    log.warning("cannot read the VMs' states from %r: %s", hypervisor, exc)
                self._sync_errors[id(hypervisor)] = str(exc)
                continue
            if self._sync_errors.pop(id(hypervisor), None) is not None:
                log.info("reading the VMs' states from %r works again", hypervisor)
            for vm, name in names.items():
                self._follow(name, states.get(vm) == ON)

    def _follow(self, name: str, running: bool) -> None:
        node = self._nodes[name][0]
        if self._in_flight[name]:
            return  # a command is on its way: what was read may be older than it
        expected = self._expect.get(name)
        if expected is not None:
            if running == expected[0]:
                del self._expect[name]  # the VM is where the BMC sent it
            elif self.clock() < expected[1]:
                return  # not there yet: wait out the grace window
            else:
                del self._expect[name]
                log.warning(
                    "node %s: VM %r is %s although its BMC powered it %s",
                    name,
                    self._nodes[name][2],
                    "running" if running else "off",
                    "on" if expected[0] else "off",
                )
        if running != node.is_on:
            log.info(
                "node %s: VM %r %s outside the BMC; the node follows",
                name,
                self._nodes[name][2],
                "started" if running else "stopped",
            )
            node.observe_power(running)
