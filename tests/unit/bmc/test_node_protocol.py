"""The node model plugs into the command set through bmc/node_protocol.py."""

import typing
import unittest

from rackharness.bmc import node_protocol
from rackharness.bmc.commands.dispatch import NodeCommandHandler
from rackharness.bmc.message import IpmiRequest, Privilege, SessionContext
from rackharness.ipmi.chassis_status import PowerRestorePolicy
from tests.support.virtual_node import make_node


def members(protocol: type) -> set[str]:
    """The attributes and methods a protocol declares (its own and its bases')."""
    names: set[str] = set()
    for cls in protocol.__mro__:
        if cls in (object, typing.Protocol, typing.Generic):
            continue
        names.update(getattr(cls, "__annotations__", {}))
        names.update(name for name in vars(cls) if not name.startswith("_") or name == "__len__")
    return names


def missing(obj: object, protocol: type) -> list[str]:
    return sorted(name for name in members(protocol) if not hasattr(obj, name))


class VirtualNodeIsAManagedNodeTest(unittest.TestCase):
    def test_the_node_and_each_part_have_every_member_their_protocol_declares(self):
        node, _ = make_node()
        sensor = node.profile.sensors[0]
        parts = {
            node_protocol.ManagedNode: node,
            node_protocol.NodeIdentity: node.spec,
            node_protocol.BmcSettings: node.spec.bmc,
            node_protocol.NodeProfile: node.profile,
            node_protocol.SensorReading: node.read_sensor(sensor),
            node_protocol.BootOptionsState: node.boot,
            node_protocol.EventLog: node.sel,
        }
        for protocol, obj in parts.items():
            with self.subTest(protocol=protocol.__name__):
                self.assertTrue(members(protocol))
                self.assertEqual(missing(obj, protocol), [])
        self.assertIsInstance(node, node_protocol.ManagedNode)

    def test_read_sensor_is_the_reading_now(self):
        node, clock = make_node()
        fan = next(s for s in node.profile.sensors if s.is_threshold and s.reading_on and s.reading_off is not None)
        before = node.read_sensor(fan)
        node.power_on()
        clock.advance(3600)
        self.assertTrue(before.available)
        self.assertNotEqual(node.read_sensor(fan), before)


class _PlainNode:
    """Only what Get Chassis Status reads: no rack/ object anywhere."""

    name = "plain"
    is_on = True
    power_control_fault = False
    power_restore_policy = PowerRestorePolicy.ALWAYS_ON
    last_power_event = 0x10

    def identify_state(self) -> int:
        return 2


class CommandSetServesAnyManagedNodeTest(unittest.TestCase):
    def test_chassis_status_of_a_node_that_is_not_the_rack_model(self):
        handler = NodeCommandHandler(_PlainNode())  # type: ignore[arg-type]
        session = SessionContext(username="admin", privilege=Privilege.ADMINISTRATOR, channel=1, session_id=1)
        response = handler.handle(IpmiRequest(0x00, 0x01), session)
        self.assertEqual(response.completion_code, 0)
        self.assertEqual(response.data, bytes([0x01 | 0x40, 0x10, 0x40 | 0x20, 0x00]))


if __name__ == "__main__":
    unittest.main()
