"""The poll contract against in-process virtual nodes through FakeCaller (no network)."""

import unittest

from rackharness.errors import BmcError
from rackharness.transports.ipmi.base import BmcAddress
from tests.unit.reference.pollers.contract import PollContract
from tests.unit.reference.pollers.fakes import FakeCaller


class FakeBmcPollContractTest(PollContract, unittest.TestCase):
    def setUp(self):
        self.caller = FakeCaller()
        self.bmc = self.caller.add("127.0.0.1", 16001)
        self.address = BmcAddress("127.0.0.1", 16001, "admin", "admin")

    def set_power(self, on):
        (self.bmc.node.power_on if on else self.bmc.node.power_off)()
        self.bmc.clock.advance(1)


class FakeCallerErrorsTest(unittest.TestCase):
    def test_errors_name_the_bmc_never_the_password(self):
        caller = FakeCaller()
        caller.add("127.0.0.1", 16001)
        for address in (
            BmcAddress("127.0.0.1", 16001, "admin", "s3cret-pw"),
            BmcAddress("127.0.0.1", 16009, "admin", "admin"),
        ):
            with self.assertRaises(BmcError) as raised:
                caller.call(address, "the chassis poller", lambda session: None)
            self.assertIn("127.0.0.1:", str(raised.exception))
            self.assertNotIn("s3cret-pw", str(raised.exception))


if __name__ == "__main__":
    unittest.main()
