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
        provider = self.provider(
            TARGET_URL="http://rackhd.lab:8080",
            AMQP_URL="amqp://u:p@rackhd.lab:5672/",
            MONGO_URL="mongodb://rackhd.lab:27017/pxe",
        )
        self.assertEqual([s.NAME for s in provider.services()], ["mongo", "rabbitmq", "rack"])
        endpoints = provider._endpoints(provider._rack_spec)
        self.assertEqual(
            (endpoints["api_url"], endpoints["amqp_url"], endpoints["mongo_url"]),
            ("http://rackhd.lab:8080", "amqp://u:p@rackhd.lab:5672/", "mongodb://rackhd.lab:27017/pxe"),
        )

    def test_target_url_must_be_http(self):
        with self.assertRaisesRegex(ConfigError, "environment RACKHARNESS_TARGET_URL: target.url: expected http"):
            self.provider(TARGET_URL="rackhd.lab:8080").preflight()


class NetworkWordsTest(unittest.TestCase):
    """What `up` says about the BMC address mode and the southbound URL (no process started)."""

    def said(self, rackhd=None, **env):
        lines = []
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        config = load_config(environ={f"RACKHARNESS_{k}": v for k, v in env.items()})
        provider = LocalProvider(config, StateStore(Path(tmp.name) / "state"), say=lines.append)
        provider._say_network(rackhd)
        return provider, "\n".join(lines)

    def test_port_mode_against_a_rackhd_warns_that_its_ipmitool_cannot_reach_the_bmcs(self):
        _, text = self.said(
            TARGET_URL="http://127.0.0.1:8080",
            BMC_ADDRESS_MODE="ports",
            rackhd={"southbound_url": "http://127.0.0.1:9030"},
        )
        self.assertIn("BMC ports: every BMC on 127.0.0.1, node-01 on UDP 18230 .. [bmc.address_mode=ports]", text)
        self.assertIn("warning: RackHD's ipmitool (-I lanplus -H <host>, no -p) reaches UDP 623 only", text)
        self.assertIn("CAP_NET_BIND_SERVICE", text)
        self.assertIn(
            "nodes netboot from http://127.0.0.1:8080 (the target's URL; RackHD 2.60.7 serves the "
            "southbound API on on-taskgraph's taskGraphEndpoint: give it with --southbound-url)",
            text,
        )
        self.assertIn("note: this RackHD tells nodes to call http://127.0.0.1:9030", text)

    def test_address_mode_says_the_ranges_and_the_reference_target_gets_no_warning(self):
        _, text = self.said(
            TARGET_URL="http://127.0.0.1:8080",
            RACK_SOUTHBOUND_URL="http://127.0.0.1:9030",
            BMC_ADDRESS_MODE="addresses",
            NODES="3",
        )
        self.assertIn(
            "BMC addresses: each BMC on UDP 623 of its own address (127.1.0.1 .. 127.1.0.3), each node "
            "talking from its own (127.2.0.1 .. 127.2.0.3) [bmc.address_mode=addresses]",
            text,
        )
        self.assertIn("nodes netboot from http://127.0.0.1:9030\n", text + "\n")
        _, text = self.said(BMC_ADDRESS_MODE="ports")
        self.assertNotIn("warning", text)

    def test_services_only_starts_the_store_and_the_broker_only(self):
        provider, text = self.said(SERVICES_ONLY="true", TARGET_URL="http://127.0.0.1:8080")
        self.assertEqual([s.NAME for s in provider.services()], ["mongo", "rabbitmq"])
        self.assertEqual(text, "")
