"""Where the suite's target comes from: a config file, RACKHARNESS_* or the stack state."""

import tempfile
import unittest
from pathlib import Path

from rackharness.errors import ConfigError, UsageError
from rackharness.state import RackState, StateStore
from rackharness.suite.sut import resolve_system_under_test


class ResolveTargetTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="rh-target-"))

    def test_config_file_gives_every_endpoint_and_masks_the_password(self):
        path = self.dir / "lab.yaml"
        path.write_text(
            "target:\n  url: http://rackhd.lab:8080/\n  database: monorail\n"
            "amqp:\n  url: amqp://tester:s3cret@rackhd.lab:5672/%2F\n"
            "mongo:\n  url: mongodb://rackhd.lab:27017\n"
        )
        target = resolve_system_under_test(path, environ={})
        self.assertEqual(
            (target.api_url, target.amqp_url, target.mongo_url, target.database),
            (
                "http://rackhd.lab:8080",
                "amqp://tester:s3cret@rackhd.lab:5672/%2F",
                "mongodb://rackhd.lab:27017",
                "monorail",
            ),
        )
        self.assertEqual(target.nodes, ())
        self.assertIn(f"config file {path}", target.describe())
        self.assertNotIn("s3cret", target.describe())
        self.assertNotIn("s3cret", repr(target))

    def test_environment_alone_names_a_target(self):
        target = resolve_system_under_test(
            environ={
                "RACKHARNESS_TARGET_URL": "http://10.0.0.5:9090",
                "RACKHARNESS_AMQP_PASSWORD": "p@ss",
                "RACKHARNESS_AMQP_HOST": "10.0.0.5",
            }
        )
        self.assertEqual(target.api_url, "http://10.0.0.5:9090")
        self.assertEqual(target.amqp_url, "amqp://guest:p%40ss@10.0.0.5:21672/%2F")
        self.assertIn("environment RACKHARNESS_TARGET_URL", target.source)

    def test_config_file_from_environment(self):
        path = self.dir / "lab.yaml"
        path.write_text("target:\n  url: http://a:1\n")
        self.assertEqual(resolve_system_under_test(environ={"RACKHARNESS_CONFIG": str(path)}).api_url, "http://a:1")

    def test_missing_config_file_is_a_usage_error(self):
        with self.assertRaises(UsageError) as caught:
            resolve_system_under_test(self.dir / "nope.yaml", environ={})
        self.assertIn("no such file", str(caught.exception))

    def test_bad_value_names_file_and_line(self):
        path = self.dir / "lab.yaml"
        path.write_text("target:\n  url: http://a:1\namqp:\n  port: many\n")
        with self.assertRaises(ConfigError) as caught:
            resolve_system_under_test(path, environ={})
        self.assertIn("lab.yaml:4", str(caught.exception))

    def test_no_rack_and_no_config_says_what_to_do(self):
        with self.assertRaises(UsageError) as caught:
            resolve_system_under_test(environ={"RACKHARNESS_STATE_DIR": str(self.dir)})
        self.assertIn("no rack is up", str(caught.exception))
        self.assertIn("--rack-config", caught.exception.hint)

    def test_stack_state_gives_endpoints_and_bmcs(self):
        node = {
            "name": "node-01",
            "macs": ["52:54:00:00:00:01"],
            "bmc": {"host": "127.0.0.1", "port": 18230, "user": "admin", "password": "hidden"},
        }
        StateStore(self.dir).save(
            RackState(
                provider="local",
                status="up",
                endpoints={
                    "api_url": "http://127.0.0.1:21080/",
                    "amqp_url": "amqp://guest:guest@127.0.0.1:21672/%2F",
                    "mongo_url": "mongodb://127.0.0.1:21017",
                    "nodes": [node],
                },
            )
        )
        target = resolve_system_under_test(environ={"RACKHARNESS_STATE_DIR": str(self.dir)})
        self.assertEqual(target.api_url, "http://127.0.0.1:21080")
        self.assertEqual([n.name for n in target.nodes], ["node-01"])
        self.assertEqual((target.provider, target.database), ("local", "pxe"))
        self.assertNotIn("hidden", repr(target))
