import unittest

from rackharness.redaction import MASK, redact_url, redact_values


class RedactUrlTest(unittest.TestCase):
    def test_password_masked(self):
        self.assertEqual(redact_url("amqp://guest:guest@127.0.0.1:21672/"), "amqp://guest:***@127.0.0.1:21672/")
        self.assertEqual(redact_url("mongodb://u:p%40ss@[::1]:27017/pxe"), "mongodb://u:***@[::1]:27017/pxe")

    def test_no_password_unchanged(self):
        for url in (None, "", "http://127.0.0.1:8080/api/2.0", "mongodb://127.0.0.1:21017/pxe"):
            self.assertEqual(redact_url(url), url)


class RedactValuesTest(unittest.TestCase):
    def test_values_under_secret_keys_are_masked_at_any_depth(self):
        body = {
            "service": "ipmi-obm-service",
            "config": {"host": "h", "user": "admin", "password": "Pw-1"},
            "obms": [{"config": {"Password": "Pw-2", "community": "c0mm"}}],
            "token": "abc",
            "none": None,
        }
        self.assertEqual(
            redact_values(body),
            {
                "service": "ipmi-obm-service",
                "config": {"host": "h", "user": "admin", "password": MASK},
                "obms": [{"config": {"Password": MASK, "community": MASK}}],
                "token": MASK,
                "none": None,
            },
        )
        self.assertEqual(body["config"]["password"], "Pw-1", "the value itself is not changed")

    def test_an_empty_secret_stays_empty(self):
        self.assertEqual(redact_values({"password": ""}), {"password": ""})
