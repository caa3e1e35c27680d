"""No password or token reaches a report: headers, JSON bodies, cut bodies, URLs, learned values."""

import unittest

from rackharness.reports.redact import Scrubber
from tests.unit.reports.support import LOGIN_PASSWORD, PASSWORD, TOKEN, login_exchange, target


class ScrubberTest(unittest.TestCase):
    def setUp(self):
        self.scrub = Scrubber()

    def test_credential_headers_are_masked_others_kept(self):
        shown = dict(
            self.scrub.headers(
                {"Authorization": f"JWT {TOKEN}", "X-Auth-Token": "abc123", "Content-Type": "application/json"}
            )
        )
        self.assertEqual(shown, {"Authorization": "***", "X-Auth-Token": "***", "Content-Type": "application/json"})

    def test_json_bodies_have_secret_values_masked(self):
        text = self.scrub.body(b'{"username": "admin", "password": "pw-1234", "nested": [{"token": "tok-5678"}]}', 4096)
        self.assertIn('"username": "admin"', text)
        self.assertNotIn("pw-1234", text)
        self.assertNotIn("tok-5678", text)

    def test_a_body_cut_mid_way_still_has_its_secrets_masked(self):
        text = self.scrub.body(b'{"a": 1, "password": "pw-1234", "token": "tok-5678", "more": "unfinish', 4096)
        self.assertNotIn("pw-1234", text)
        self.assertNotIn("tok-5678", text)
        self.assertIn('"a": 1', text)

    def test_long_bodies_are_cut_saying_how_much(self):
        text = self.scrub.body("y" * 5000, 100)
        self.assertTrue(text.startswith("y" * 100))
        self.assertIn("4900 more characters not shown", text)

    def test_urls_lose_passwords_and_secret_parameters(self):
        shown = self.scrub.url("http://admin:pw-1234@host:8080/api?token=tok-5678&name=n1")
        self.assertEqual(shown, "http://admin:***@host:8080/api?token=***&name=n1")

    def test_secrets_learned_from_the_target_and_exchanges_are_masked_anywhere(self):
        self.scrub.learn_target(target())
        self.scrub.learn_exchange(login_exchange())
        text = self.scrub.text(f"connect {PASSWORD} failed; login with {LOGIN_PASSWORD}; full {TOKEN}")
        for secret in (PASSWORD, LOGIN_PASSWORD, TOKEN):
            self.assertNotIn(secret, text)

    def test_bearer_style_tokens_in_free_text_are_masked(self):
        self.assertEqual(self.scrub.text("sent authorization: Bearer abcdef.ghijkl"), "sent authorization: Bearer ***")


if __name__ == "__main__":
    unittest.main()
