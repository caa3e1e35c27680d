"""Secrets leave the files a child reads and travel on its stdin; joined back, the document is whole."""

import io
import json
import unittest

from rackharness import secret_channel

SETTINGS = {
    "host": "127.0.0.1",
    "port": 21080,
    "amqp_url": "amqp://guest:Zq7-amqp@127.0.0.1:21672/%2F",
    "mongo_url": "mongodb://127.0.0.1:21017",
    "auth_password": "Zq7-auth",
    "auth_token_secret": "Zq7-token",
    "auth_token_expire": 86400,
    "rackhd_config": {"autoCreateObmUser": "admin", "autoCreateObmPassword": "Zq7-obm"},
    "nodes": [{"bmc": {"users": [{"name": "admin", "password": "Zq7-bmc", "privilege": 4}]}}],
}


class SecretChannelTest(unittest.TestCase):
    def test_split_masks_every_secret_and_join_restores_the_document(self):
        public, secrets = secret_channel.split(SETTINGS)
        text = json.dumps(public)
        for secret in ("Zq7-amqp", "Zq7-auth", "Zq7-token", "Zq7-obm", "Zq7-bmc"):
            self.assertNotIn(secret, text)
        self.assertEqual(public["amqp_url"], "amqp://guest:***@127.0.0.1:21672/%2F")
        self.assertEqual(public["mongo_url"], SETTINGS["mongo_url"])  # no password: not a secret
        self.assertEqual(public["auth_token_expire"], 86400)
        self.assertEqual(public["nodes"][0]["bmc"]["users"][0]["name"], "admin")
        piped = io.StringIO(secret_channel.encode(secrets).decode())
        self.assertEqual(secret_channel.join(json.loads(text), secret_channel.read_stdin(piped)), SETTINGS)

    def test_nothing_on_stdin_is_no_secrets_and_garbage_is_an_error(self):
        self.assertEqual(secret_channel.read_stdin(io.StringIO("")), [])
        with self.assertRaises(ValueError):
            secret_channel.read_stdin(io.StringIO('{"other": 1}'))
