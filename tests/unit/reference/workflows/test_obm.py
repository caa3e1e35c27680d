"""OBM services: RackHD's action → IPMI Chassis Control mapping, noop power memory, OBM choice."""

import unittest

from bson import ObjectId

from rackharness.errors import BmcError
from rackharness.reference.workflows.obm import IpmiObmService, NoopObmService, ObmError, ObmRegistry, choose_obm
from tests.support.fake_mongo import FakeDatabase

CONFIG = {"host": "10.1.1.5", "user": "admin", "password": "pw", "port": 6230}


class FakeCommand:
    def __init__(self):
        self.sent = []

    def raw_command(self, netfn, command, data):
        self.sent.append((netfn, command, list(data)))
        return {"netfn": netfn + 1, "command": command, "code": 0, "data": b""}

    def get_power(self):
        return {"powerstate": "on"}


class FakeCaller:
    def __init__(self, error=None):
        self.command = FakeCommand()
        self.addresses = []
        self.error = error

    def call(self, address, what, fn):
        self.addresses.append(address)
        if self.error:
            raise BmcError(self.error)
        return fn(self.command)


class IpmiObmServiceTest(unittest.TestCase):
    def test_actions_send_chassis_control_like_ipmitool(self):
        caller = FakeCaller()
        service = IpmiObmService(caller)
        for action in ("powerOn", "powerOff", "reboot", "reset", "soft"):
            service.run(action, "n1", CONFIG)
        self.assertEqual([data[0] for _netfn, _cmd, data in caller.command.sent], [1, 0, 2, 3, 5])
        self.assertTrue(service.run("powerStatus", "n1", CONFIG))
        self.assertEqual((caller.addresses[0].host, caller.addresses[0].port), ("10.1.1.5", 6230))
        service.run("powerOn", "n1", {k: v for k, v in CONFIG.items() if k != "port"})
        self.assertEqual(caller.addresses[-1].port, 623)

    def test_errors_become_obm_errors(self):
        with self.assertRaisesRegex(ObmError, "lacks \\['host'\\]"):
            IpmiObmService(FakeCaller()).run("powerOn", "n1", {"user": "u", "password": "p"})
        with self.assertRaisesRegex(ObmError, "did not complete"):
            IpmiObmService(FakeCaller("BMC x did not complete")).run("powerOn", "n1", CONFIG)


class NoopAndChoiceTest(unittest.TestCase):
    def test_noop_remembers_power_per_node_default_on(self):
        noop = NoopObmService()
        self.assertTrue(noop.run("powerStatus", "a", {}))
        noop.run("powerOff", "a", {})
        self.assertEqual((noop.run("powerStatus", "a", {}), noop.run("powerStatus", "b", {})), (False, True))

    def test_choose_obm_by_name_or_the_only_one(self):
        db = FakeDatabase()
        node = ObjectId()
        db["obms"].insert_one({"node": node, "service": "noop-obm-service", "config": {}})  # stored as ObjectId
        self.assertEqual(choose_obm(db, str(node))["service"], "noop-obm-service")
        db["obms"].insert_one({"node": str(node), "service": "ipmi-obm-service", "config": CONFIG})  # as string
        with self.assertRaisesRegex(ObmError, "^No OBM service assigned to this node. .*has 2 OBMs"):
            choose_obm(db, str(node))
        self.assertEqual(choose_obm(db, str(node), "ipmi-obm-service")["config"], CONFIG)
        with self.assertRaisesRegex(ObmError, "^No OBM service assigned to this node."):
            choose_obm(db, str(ObjectId()))
        with self.assertRaisesRegex(ObmError, "not supported by this target"):
            ObmRegistry({}).run(db, str(node), "powerOn", "noop-obm-service")
        with self.assertRaisesRegex(ObmError, "unknown OBM action"):
            ObmRegistry().run(db, str(node), "explode")
