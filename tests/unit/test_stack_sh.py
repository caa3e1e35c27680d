"""stack.sh's own words: its help is the whole usage block, and the bootstrap's counter reads pip and apt."""

import subprocess
import unittest
from pathlib import Path

from rackharness.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
STACK_SH = ROOT / "stack.sh"

PIP = """Obtaining file:///src
Collecting cryptography>=41 (from rackharness==0.2.0)
  Downloading cryptography-44.0.0-cp39-abi3-manylinux_2_28_x86_64.whl (4.2 MB)
Collecting PyYAML>=6 (from rackharness==0.2.0)
Requirement already satisfied: pip in ./.venv/lib/python3.11/site-packages
Installing collected packages: PyYAML, cryptography, rackharness
Successfully installed PyYAML-6.0.2 cryptography-44.0.0 rackharness-0.2.0
"""
APT = """Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]
Get:6 http://deb.debian.org/debian bookworm/main amd64 libfaketime amd64 0.9.10-2.1 [30.6 kB]
Get:7 http://deb.debian.org/debian bookworm/main amd64 faketime amd64 0.9.10-2.1 [20.6 kB]
Unpacking faketime (0.9.10-2.1) ...
Setting up libfaketime:amd64 (0.9.10-2.1) ...
Setting up faketime (0.9.10-2.1) ...
"""


def count_lines(text: str) -> list[str]:
    """What stack.sh's count_lines draws for ``text``: the states of its one line, in order."""
    script = f'source <(sed -n "/^count_lines()/,/^}}/p" "{STACK_SH}"); count_lines'
    result = subprocess.run(
        ["bash", "-c", script],
        input=text.encode(),
        capture_output=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin", "TERM": "dumb"},
    )  # bytes: text mode reads \r as \n
    drawn = result.stderr.decode().replace("\x1b[K", "")
    return [state for state in drawn.rstrip("\n").split("\r") if state]


class HelpTest(unittest.TestCase):
    def test_help_prints_the_whole_header_and_names_every_command(self):
        header = []
        for line in STACK_SH.read_text(encoding="utf-8").splitlines()[1:]:
            if not line.startswith("#"):
                break
            header.append(line[2:] if line.startswith("# ") else line[1:])
        for flag in ("--help", "-h", "help"):
            result = subprocess.run([str(STACK_SH), flag], capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout.splitlines(), header)
            self.assertEqual(result.stderr, "", "help installs nothing and says nothing else")
        text = "\n".join(header)
        self.assertTrue(text.rstrip().endswith("."), "the usage block ends with a full sentence")
        for module in COMMANDS:
            self.assertIn(module.NAME, text)


class CounterTest(unittest.TestCase):
    def test_pip_output_becomes_one_counting_line(self):
        self.assertEqual(
            count_lines(PIP),
            [
                "   1 packages collected (cryptography>=41)",
                "   2 packages collected (PyYAML>=6)",
                "   2 packages collected, installing ...",
                "   3 packages installed",
            ],
        )

    def test_apt_output_counts_packages_not_package_lists(self):
        self.assertEqual(
            count_lines(APT),
            [
                "   1 packages downloaded (libfaketime)",
                "   2 packages downloaded (faketime)",
                "   1 packages set up (libfaketime:amd64)",
                "   2 packages set up (faketime)",
            ],
        )

    def test_nothing_to_count_draws_nothing(self):
        self.assertEqual(count_lines("ERROR: no such file\n"), [])
