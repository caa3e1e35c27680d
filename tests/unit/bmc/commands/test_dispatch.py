"""The dispatcher: command table lookup, LUN, privilege, length, and contained failures."""

import unittest
from unittest import mock

from rackharness.bmc.commands import dispatch
from rackharness.bmc.message import Privilege
from rackharness.ipmi.completion_codes import Completion
from tests.support.virtual_node import Bmc


class DispatchTest(unittest.TestCase):
    def setUp(self):
        self.bmc = Bmc()

    def test_unknown_command_is_invalid_command(self):
        self.assertEqual(self.bmc.call(0x06, 0xEE).completion_code, Completion.INVALID_COMMAND)
        self.assertEqual(self.bmc.call(0x30, 0x01).completion_code, Completion.INVALID_COMMAND)

    def test_privilege_below_the_command_requirement_is_refused(self):
        power_off = (0x00, 0x02, b"\x00")
        self.assertEqual(
            self.bmc.call(*power_off, privilege=Privilege.USER).completion_code, Completion.INSUFFICIENT_PRIVILEGE
        )
        self.assertEqual(self.bmc.call(*power_off, privilege=Privilege.OPERATOR).completion_code, Completion.OK)
        set_lan = (0x0C, 0x01, b"\x01\x03\x0a\x00\x00\x05")
        self.assertEqual(
            self.bmc.call(*set_lan, privilege=Privilege.OPERATOR).completion_code, Completion.INSUFFICIENT_PRIVILEGE
        )

    def test_malformed_length_is_request_data_length_invalid(self):
        self.assertEqual(self.bmc.call(0x00, 0x02).completion_code, Completion.REQUEST_DATA_LENGTH_INVALID)
        self.assertEqual(self.bmc.call(0x06, 0x01, b"\x00").completion_code, Completion.REQUEST_DATA_LENGTH_INVALID)

    def test_only_lun_0_is_served(self):
        self.assertEqual(self.bmc.call(0x06, 0x01, lun=1).completion_code, Completion.INVALID_FOR_LUN)

    def test_a_failing_command_answers_unspecified_error(self):
        command = dispatch.COMMANDS[(0x06, 0x01)]
        broken = command.__class__(
            **{**{f: getattr(command, f) for f in command.__slots__}, "function": lambda ctx, data: 1 / 0}
        )
        with (
            mock.patch.dict(dispatch.COMMANDS, {(0x06, 0x01): broken}),
            self.assertLogs("rackharness.bmc.commands.dispatch", "ERROR"),
        ):
            self.assertEqual(self.bmc.call(0x06, 0x01).completion_code, Completion.UNSPECIFIED)

    def test_every_command_declares_a_privilege_of_user_or_above(self):
        for (netfn, cmd), command in dispatch.COMMANDS.items():
            self.assertGreaterEqual(command.privilege, Privilege.USER, command.name)
            self.assertLessEqual(command.min_length, command.max_length, command.name)


if __name__ == "__main__":
    unittest.main()
