"""The suite's webhook sink: where it listens (suite.callback_host, else the route to the API host) and
what it records."""

import unittest

import requests

from rackharness.errors import UsageError
from rackharness.suite.context import SuiteContext
from rackharness.suite.sink import WebhookSink, local_address_towards, url_host
from rackharness.suite.sut import SystemUnderTest, resolve_system_under_test


class SinkTest(unittest.TestCase):
    def test_the_route_to_a_loopback_api_is_loopback(self):
        self.assertEqual(local_address_towards("http://127.0.0.1:21080"), "127.0.0.1")

    def test_an_unresolvable_host_says_which_setting_to_set(self):
        with self.assertRaises(UsageError) as caught:
            local_address_towards("http://no-such-host.invalid:8080")
        self.assertIn("suite.callback_host", caught.exception.hint)

    def test_records_json_posts_by_path(self):
        with WebhookSink("127.0.0.1", prefix="/rh-suite-abc") as sink:
            self.assertTrue(sink.url("added").startswith(f"http://127.0.0.1:{sink.port}/rh-suite-abc/"))
            requests.post(sink.url("added"), json={"action": "added"}, timeout=5)
            requests.post(sink.url("other"), data=b"not json", timeout=5)
            self.assertEqual(sink.received("added"), [{"action": "added"}])
            self.assertEqual(sink.received(), [{"action": "added"}, "not json"])

    def test_a_host_it_cannot_listen_on_is_a_usage_error(self):
        with self.assertRaisesRegex(UsageError, "cannot listen on 192.0.2.1"):
            WebhookSink("192.0.2.1")

    def test_ipv6_in_urls(self):
        self.assertEqual((url_host("::1"), url_host("10.0.0.1")), ("[::1]", "10.0.0.1"))

    def test_context_uses_the_configured_host_and_port(self):
        target = SystemUnderTest(
            api_url="http://192.0.2.50:8080", amqp_url=None, mongo_url=None, callback_host="127.0.0.1"
        )
        with SuiteContext(target, run_id="abcdef").webhook_sink() as sink:
            self.assertEqual(sink.base_url, f"http://127.0.0.1:{sink.port}/rh-suite-abcdef")

    def test_settings_reach_the_target_from_the_environment(self):
        environ = {
            "RACKHARNESS_TARGET_URL": "http://10.0.0.5:8080",
            "RACKHARNESS_SUITE_CALLBACK_HOST": "10.0.0.9",
            "RACKHARNESS_SUITE_CALLBACK_PORT": "24999",
        }
        target = resolve_system_under_test(environ=environ)
        self.assertEqual((target.callback_host, target.callback_port), ("10.0.0.9", 24999))
