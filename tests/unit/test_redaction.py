import unittest

from rackharness.redaction import redact_url


class RedactUrlTest(unittest.TestCase):
    def test_password_masked(self):
        self.assertEqual(redact_url("amqp://guest:guest@127.0.0.1:21672/"), "amqp://guest:***@127.0.0.1:21672/")
        self.assertEqual(redact_url("mongodb://u:p%40ss@[::1]:27017/pxe"), "mongodb://u:***@[::1]:27017/pxe")

    def test_no_password_unchanged(self):
        for url in (None, "", "http://127.0.0.1:8080/api/2.0", "mongodb://127.0.0.1:21017/pxe"):
            self.assertEqual(redact_url(url), url)
