"""``rackharness --version``: one version, the package's, in the CLI and the installed metadata."""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import re
import subprocess
import sys
import tempfile
import tomllib
import unittest
from pathlib import Path

import rackharness
from rackharness.cli.main import main

ROOT = Path(__file__).resolve().parents[3]


class VersionTest(unittest.TestCase):
    def test_version_prints_the_package_version_and_exits_0(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), self.assertRaises(SystemExit) as done:
            main(["--version"])
        self.assertEqual(done.exception.code, 0)
        self.assertEqual(out.getvalue(), f"rackharness {rackharness.__version__}\n")

    def test_python_dash_m_rackharness_version_from_anywhere(self):
        with tempfile.TemporaryDirectory() as cwd:
            done = subprocess.run(
                [sys.executable, "-m", "rackharness", "--version"], cwd=cwd, capture_output=True, text=True, timeout=60
            )
        self.assertEqual((done.returncode, done.stdout, done.stderr), (0, "rackharness 0.2.0\n", ""))

    def test_the_version_has_one_source(self):
        self.assertRegex(rackharness.__version__, r"^\d+\.\d+\.\d+$")
        project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        self.assertEqual(project["project"]["dynamic"], ["version"])
        self.assertNotIn("version", project["project"])
        self.assertEqual(project["tool"]["setuptools"]["dynamic"]["version"], {"attr": "rackharness.__version__"})
        self.assertIsNone(re.search(r"version\s*=", (ROOT / "setup.py").read_text(encoding="utf-8")))
        # the installed (editable) metadata was built from it: `pip install -e .` after a version change
        self.assertEqual(importlib.metadata.version("rackharness"), rackharness.__version__)


if __name__ == "__main__":
    unittest.main()
