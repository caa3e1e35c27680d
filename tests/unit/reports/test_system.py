"""The system under test as reported: what it is, how the run reaches it, the API URL without credentials."""

import unittest

from rackharness.reports.system import summarize_system, without_credentials
from tests.unit.reports.support import target


class SystemSummaryTest(unittest.TestCase):
    def test_a_live_rackhd(self):
        summary = summarize_system(target())
        self.assertEqual((summary.what, summary.mode, summary.provider), ("RackHD 2.60.7", "live", "vagrant"))
        self.assertEqual(summary.headline(), "RackHD 2.60.7 at http://127.0.0.1:26080 (live, provider vagrant)")

    def test_the_isolated_reference_and_a_replay(self):
        isolated = summarize_system(
            target(kind="reference", version="0.2.0", provider="isolated", source="isolated rack in this process")
        )
        self.assertEqual((isolated.what, isolated.mode), ("reference target 0.2.0", "isolated"))
        replay = summarize_system(
            target(
                kind="reference",
                version="0.1.0",
                provider="local",
                source="tape set reference in fixtures/tapes/reference",
            ),
            record_mode="none",
        )
        self.assertEqual((replay.mode, replay.record_mode), ("replay", "none"))
        recorded = summarize_system(target(), record_mode="all")
        self.assertEqual(recorded.mode, "record")
        self.assertIn(("record_mode", "all"), recorded.properties())

    def test_an_unknown_system_is_said_so(self):
        self.assertEqual(summarize_system(None).what, "system under test not known")
        self.assertEqual(summarize_system(target(kind=None)).what, "target not identified")

    def test_the_api_url_carries_no_credentials(self):
        self.assertEqual(without_credentials("https://admin:pw@rackhd:8443/api?token=t"), "https://rackhd:8443/api")
        summary = summarize_system(target(api_url="http://admin:pw-1234@10.1.1.1:9090"))
        self.assertNotIn("pw-1234", repr(summary.properties()))


if __name__ == "__main__":
    unittest.main()
