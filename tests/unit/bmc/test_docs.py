"""docs/virtual-bmc.md lists every command the dispatcher serves, with its privilege."""

import unittest
from pathlib import Path

from rackharness.bmc.commands.dispatch import COMMANDS

DOC = Path(__file__).resolve().parents[3] / "docs" / "virtual-bmc.md"


class CommandTableDocTest(unittest.TestCase):
    def test_every_command_is_documented(self):
        text = DOC.read_text(encoding="utf-8")
        missing = [
            entry.name
            for entry in COMMANDS.values()
            if f"| `{entry.name}` | {entry.privilege.name.lower()} |" not in text
        ]
        self.assertEqual(missing, [], "regenerate the command table in docs/virtual-bmc.md")
