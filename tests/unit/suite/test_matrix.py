"""docs/tested-matrix.md is exactly what `rackharness matrix` generates from the suite."""

import unittest
from pathlib import Path

from rackharness.suite.matrix import build_matrix

ROOT = Path(__file__).resolve().parents[3]


class TestedMatrixDocTest(unittest.TestCase):
    def test_page_matches_the_registry(self):
        page = build_matrix("tests/rackhd", root=ROOT)
        self.assertIn("| `smoke` |", page)
        self.assertIn("## `cleanup`", page)
        on_disk = (ROOT / "docs" / "tested-matrix.md").read_text(encoding="utf-8")
        self.assertEqual(
            on_disk, page, "docs/tested-matrix.md is stale: run `rackharness matrix --write docs/tested-matrix.md`"
        )
