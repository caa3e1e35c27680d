"""Builders for unit tests: a manual clock, node specs, nodes and a request helper."""

from __future__ import annotations

from pathlib import Path

from rackharness.bmc.commands.dispatch import NodeCommandHandler
from rackharness.bmc.message import IpmiRequest, IpmiResponse, Privilege, SessionContext
from rackharness.rack.node import VirtualNode
from rackharness.rack.profile import ProfileLibrary
from rackharness.rack.spec import BmcSpec, BmcUserSpec, NodeSpec

PROFILES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "hardware"
PROFILES = ProfileLibrary(PROFILES_DIR)
WALL_CLOCK_START = 1_700_000_000.0


class ManualClock:
    """A scheduler whose time only moves when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._timers: list[_Timer] = []

    def time(self) -> float:
        return self.now

    def call_later(self, delay: float, callback):
        timer = _Timer(self.now + delay, callback)
        self._timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        target = self.now + seconds
        while True:
            due = [t for t in self._timers if not t.cancelled and t.due <= target]
            if not due:
                break
            timer = min(due, key=lambda t: t.due)
            self._timers.remove(timer)
            self.now = timer.due
            timer.callback()
        self.now = target

    def wall(self) -> float:
        return WALL_CLOCK_START + self.now


class _Timer:
    def __init__(self, due: float, callback) -> None:
        self.due = due
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


def node_spec(index: int = 1, *, profile: str = "quanta-d51", **overrides) -> NodeSpec:
    values = dict(
        name=f"node-{index}",
        index=index,
        uuid=f"992da874-c028-4cdd-bb06-{index:012x}",
        serial=f"SN{index:05d}",
        macs=[f"52:54:00:00:00:{index:02x}"],
        profile=profile,
        bmc=BmcSpec(
            host="127.0.0.1",
            port=16000 + index,
            mac=f"52:54:00:aa:00:{index:02x}",
            users=[BmcUserSpec(2, "admin", "admin", "administrator"), BmcUserSpec(3, "viewer", "viewer", "user")],
            netmask="255.255.0.0",
            gateway="172.31.0.1",
        ),
    )
    values.update(overrides)
    return NodeSpec(**values)


def make_node(profile: str = "quanta-d51", clock: ManualClock | None = None, **spec_overrides):
    clock = clock or ManualClock()
    node = VirtualNode(
        node_spec(profile=profile, **spec_overrides), PROFILES.get(profile), clock, wall_clock=clock.wall
    )
    return node, clock


class Bmc:
    """A node behind its command handler, answering requests like the session layer would."""

    def __init__(self, profile: str = "quanta-d51", **spec_overrides) -> None:
        self.node, self.clock = make_node(profile, **spec_overrides)
        self.handler = NodeCommandHandler(self.node)

    def call(
        self, netfn: int, command: int, data: bytes = b"", privilege: Privilege = Privilege.ADMINISTRATOR, lun: int = 0
    ) -> IpmiResponse:
        session = SessionContext(username="admin", privilege=privilege, channel=1, session_id=7)
        return self.handler.handle(IpmiRequest(netfn, command, bytes(data), lun), session)

    def ok(self, netfn: int, command: int, data: bytes = b"", **kwargs) -> bytes:
        response = self.call(netfn, command, data, **kwargs)
        if response.completion_code != 0:
            raise AssertionError(f"netfn {netfn:#x} cmd {command:#x} answered {response.completion_code:#04x}")
        return response.data
