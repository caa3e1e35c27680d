import os
import stat
import tempfile
import unittest
from pathlib import Path

from rackharness.config import load_config
from rackharness.config.loader import Config
from rackharness.errors import ConfigError


class LayerOrderTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, text):
        path = Path(self.tmp.name) / "stack.yaml"
        path.write_text(text)
        return str(path)

    def test_defaults_then_file_then_env_then_flags(self):
        path = self.write("nodes: 3\namqp:\n  port: 41000\nbmc:\n  base_port: 42000\n")
        config = load_config(
            path,
            environ={"RACKHARNESS_AMQP_PORT": "41001", "RACKHARNESS_BMC_BASE_PORT": "42001"},
            flags={"bmc.base_port": ("42002", "--set bmc.base_port=42002")},
        )
        self.assertEqual(config["nodes"], 3)
        self.assertEqual(config.source("nodes"), f"{path}:1")
        self.assertEqual(config["amqp.port"], 41001)
        self.assertEqual(config.source("amqp.port"), "environment RACKHARNESS_AMQP_PORT")
        self.assertEqual(config["bmc.base_port"], 42002)
        self.assertEqual(config["mongo.port"], 21017)
        self.assertEqual(config.source("mongo.port"), "default")

    def test_unknown_key_names_line_and_suggests(self):
        path = self.write("nodes: 3\namqp:\n  prot: 5\n")
        with self.assertRaises(ConfigError) as ctx:
            load_config(path, environ={})
        self.assertIn(f"{path}:3", str(ctx.exception))
        self.assertIn("did you mean 'amqp.port'", str(ctx.exception))
        self.assertEqual(ctx.exception.exit_code, 2)

    def test_wrong_type_names_field_and_line(self):
        path = self.write("# comment\nnodes: many\n")
        with self.assertRaises(ConfigError) as ctx:
            load_config(path, environ={})
        self.assertIn(f"{path}:2: nodes: expected a whole number, got 'many'", str(ctx.exception))

    def test_bad_yaml(self):
        path = self.write("nodes: [3\n")
        with self.assertRaisesRegex(ConfigError, "not valid YAML"):
            load_config(path, environ={})

    def test_missing_file(self):
        with self.assertRaisesRegex(ConfigError, "does not exist"):
            load_config("/nonexistent/stack.yaml", environ={})

    def test_bounds_and_choices(self):
        for env, message in (
            ({"RACKHARNESS_NODES": "0"}, "at least 1"),
            ({"RACKHARNESS_AMQP_PORT": "70000"}, "at most 65535"),
            ({"RACKHARNESS_MONGO_ENGINE": "postgres"}, "must be one of"),
        ):
            with self.subTest(env=env), self.assertRaisesRegex(ConfigError, message):
                load_config(environ=env)

    def test_unknown_flag_setting(self):
        with self.assertRaisesRegex(ConfigError, "unknown setting 'bmc.prot'"):
            load_config(environ={}, flags={"bmc.prot": ("1", "--set bmc.prot=1")})

    def test_secrets_masked_in_to_dict_but_saved(self):
        config = load_config(environ={"RACKHARNESS_BMC_PASSWORD": "s3cr3t"})
        self.assertEqual(config.to_dict()["bmc.password"], "***")
        self.assertNotIn("s3cr3t", repr(config.to_dict()))
        saved = Path(self.tmp.name) / "config.json"
        config.save(saved)
        self.assertEqual(stat.S_IMODE(os.stat(saved).st_mode), 0o600)
        again = Config.load_saved(saved)
        self.assertEqual(again["bmc.password"], "s3cr3t")
        self.assertEqual(again.source("bmc.password"), "environment RACKHARNESS_BMC_PASSWORD")
