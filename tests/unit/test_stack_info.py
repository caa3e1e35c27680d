"""StackInfo names the system under test and the BMC address mode, and status --json shows them."""

import unittest
from pathlib import Path

from rackharness.stack_info import BmcAccess, NodeInfo, StackInfo

NODE = NodeInfo("node-01", ("52:54:00:00:01:00",), BmcAccess("127.1.0.1", 623, "admin", "secret"))


class SystemUnderTestTest(unittest.TestCase):
    def test_the_reference_target_by_default(self):
        info = StackInfo("local", Path("."), api_url="http://127.0.0.1:21080", nodes=(NODE,), address_mode="ports")
        report = info.report()
        self.assertEqual(report["system_under_test"], {"kind": "reference"})
        self.assertEqual(report["address_mode"], "ports")

    def test_a_rackhd_with_its_url_and_version_round_trips_through_the_state_file(self):
        info = StackInfo(
            "local",
            Path("."),
            api_url="http://10.1.0.5:8080",
            nodes=(NODE,),
            sut_kind="rackhd",
            address_mode="addresses",
        )
        back = StackInfo.from_endpoints("local", Path("."), info.to_endpoints())
        self.assertEqual(
            back.report()["system_under_test"], {"kind": "rackhd", "url": "http://10.1.0.5:8080", "version": None}
        )
        endpoints = info.to_endpoints()
        endpoints["system_under_test"]["version"] = "2.60.7"
        self.assertEqual(StackInfo.from_endpoints("local", Path("."), endpoints).system_under_test["version"], "2.60.7")
        self.assertEqual(back.address_mode, "addresses")

    def test_services_only_and_old_state_files(self):
        self.assertEqual(StackInfo("local", Path("."), sut_kind="none").report()["system_under_test"], {"kind": "none"})
        self.assertEqual(StackInfo.from_endpoints("local", Path("."), {}).sut_kind, "reference")
        self.assertEqual(
            StackInfo.from_endpoints("physical", Path("."), {"api_url": "http://lab:8080"}).system_under_test,
            {"kind": "rackhd", "url": "http://lab:8080", "version": None},
        )


if __name__ == "__main__":
    unittest.main()
