"""The local provider's composition: which services a config starts, and what the suite is told."""
import tempfile
import unittest
from pathlib import Path

from rackharness.config import load_config
from rackharness.errors import ConfigError
from rackharness.providers.local import LocalProvider
from rackharness.state import StateStore


class LocalCompositionTest(unittest.TestCase):
    def provider(self, **env):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        config = load_config(environ={f"RACKHARNESS_{k}": v for k, v in env.items()})
        return LocalProvider(config, StateStore(Path(tmp.name) / "state"), say=lambda _: None)

    def test_default_stack_starts_the_reference_target_last(self):
        provider = self.provider(NODES="2")
        self.assertEqual([s.NAME for s in provider.services()], ["mongo", "rabbitmq", "rack", "target"])
        endpoints = provider._endpoints(provider._rack_spec)
        self.assertEqual(endpoints["api_url"], "http://127.0.0.1:21080")

    def test_target_url_starts_no_target_and_points_the_suite_at_it(self):
        provider = self.provider(TARGET_URL="http://rackhd.lab:8080", AMQP_URL="amqp://u:p@rackhd.lab:5672/",
                                 MONGO_URL="mongodb://rackhd.lab:27017/pxe")
        self.assertEqual([s.NAME for s in provider.services()], ["mongo", "rabbitmq", "rack"])
        endpoints = provider._endpoints(provider._rack_spec)
        self.assertEqual((endpoints["api_url"], endpoints["amqp_url"], endpoints["mongo_url"]),
                         ("http://rackhd.lab:8080", "amqp://u:p@rackhd.lab:5672/", "mongodb://rackhd.lab:27017/pxe"))

    def test_target_url_must_be_http(self):
        with self.assertRaisesRegex(ConfigError, "environment RACKHARNESS_TARGET_URL: target.url: expected http"):
            self.provider(TARGET_URL="rackhd.lab:8080").preflight()
