"""docs/configuration.md documents every setting (so the page cannot drift from the schema)."""

import unittest
from pathlib import Path

from rackharness.cli.config_cmd import settings_table
from rackharness.config.schema import SETTINGS

DOC = Path(__file__).resolve().parents[3] / "docs" / "configuration.md"


class ConfigurationDocTest(unittest.TestCase):
    def test_the_settings_table_is_the_generated_one(self):
        self.assertIn(
            settings_table(), DOC.read_text(encoding="utf-8"), "regenerate: rackharness config --list --markdown"
        )

    def test_every_setting_and_env_var_is_documented(self):
        text = DOC.read_text(encoding="utf-8")
        missing = [s.key for s in SETTINGS if f"`{s.key}`" not in text or f"`{s.env_var}`" not in text]
        self.assertEqual(missing, [], "regenerate the settings table in docs/configuration.md")
