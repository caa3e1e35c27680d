"""Which rack the suite tests in isolated mode, and the isolated provider's state record (no process starts)."""

import tempfile
import unittest
from pathlib import Path

from rackharness.config.loader import load_config
from rackharness.errors import ConfigError, UsageError
from rackharness.providers import make_provider
from rackharness.providers.isolated import IsolatedStack
from rackharness.state import StateStore
from rackharness.suite.sut import isolated_config, resolve_system_under_test, suite_mode


class SuiteModeTest(unittest.TestCase):
    def test_modes(self):
        self.assertEqual(suite_mode({}), "stack")
        self.assertEqual(suite_mode({"RACKHARNESS_MODE": "Isolated"}), "isolated")
        with self.assertRaises(UsageError) as caught:
            suite_mode({"RACKHARNESS_MODE": "docker"})
        self.assertEqual(caught.exception.exit_code, 2)

    def test_isolated_env_gives_a_config_layered_with_the_environment(self):
        config = isolated_config(None, {"RACKHARNESS_MODE": "isolated", "RACKHARNESS_NODES": "3"})
        self.assertEqual(config["nodes"], 3)

    def test_isolated_and_a_target_url_conflict(self):
        with self.assertRaises(UsageError):
            isolated_config(None, {"RACKHARNESS_MODE": "isolated", "RACKHARNESS_TARGET_URL": "http://h:1"})

    def test_stack_mode_without_state_is_not_isolated(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.assertIsNone(isolated_config(None, {"RACKHARNESS_STATE_DIR": tmp}))

    def test_external_settings_are_refused(self):
        with self.assertRaises(ConfigError):
            IsolatedStack(load_config(None, environ={"RACKHARNESS_AMQP_URL": "amqp://u:p@h/"}))


class IsolatedProviderTest(unittest.TestCase):
    def test_up_records_the_rack_and_nose2_finds_its_config(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = {"RACKHARNESS_STATE_DIR": tmp, "RACKHARNESS_PROVIDER": "isolated", "RACKHARNESS_NODES": "2"}
            config = load_config(None, environ=env)
            store = StateStore(Path(tmp))
            provider = make_provider("isolated", config, store, say=lambda _l: None)
            state = provider.up()
            self.assertEqual((state.provider, state.status, state.processes), ("isolated", "up", {}))
            self.assertEqual(provider.health(state), {})
            found = isolated_config(None, {"RACKHARNESS_STATE_DIR": tmp})
            self.assertEqual(found["nodes"], 2)
            with self.assertRaises(UsageError):  # nothing to connect to outside the test process
                resolve_system_under_test(None, {"RACKHARNESS_STATE_DIR": tmp})
            provider.down()
            self.assertIsNone(store.load())
            self.assertIsNone(isolated_config(None, {"RACKHARNESS_STATE_DIR": tmp}))


if __name__ == "__main__":
    unittest.main()
