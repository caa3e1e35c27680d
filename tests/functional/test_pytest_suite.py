"""`pytest tests/rackhd` runs the black-box suite exactly as nose2 does (rackharness.pytest_plugin).

In isolated mode (no stack: the rack starts inside each runner's process, as stack.sh's isolated_suite
runs it) nose2 and pytest each run the whole suite and write their JUnit XML; the two list the same
198 test ids in the same order, each with the same outcome. Replaying the committed tapes
(``RACKHARNESS_RECORD_MODE=none``) passes all 198 under pytest too. With no rack at all, pytest exits
non-zero before any test, saying what is wrong, and reports no pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.functional.stack_fixture import REPO

SUITE_SIZE = 198
#: what a JUnit testcase's child says, as one word per runner-neutral outcome
_OUTCOMES = {"failure": "failed", "error": "failed", "skipped": "skipped"}


def suite_env(**overrides: str) -> dict[str, str]:
    """The environment stack.sh's isolated_suite gives, with no other setting of ours leaking in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("RACKHARNESS_", "PYTEST_"))}
    env.update(overrides)
    return env


def junit_cases(path: Path) -> list[tuple[str, str]]:
    """(test id, outcome) of every testcase, in the file's order; the id is ``classname.name``."""
    cases = []
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome = next((_OUTCOMES[child.tag] for child in case if child.tag in _OUTCOMES), "passed")
        cases.append((f"{case.get('classname')}.{case.get('name')}", outcome))
    return cases


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


class PytestSuiteTest(unittest.TestCase):
    def setUp(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="rh-pytest-suite-"))
        self.addCleanup(shutil.rmtree, self.workdir, True)

    def pytest(self, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        return run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/rackhd", *args], env)

    def test_isolated_pytest_and_nose2_run_the_same_tests_in_the_same_order_with_the_same_outcomes(self):
        env = suite_env(RACKHARNESS_MODE="isolated")
        nose2_xml, pytest_xml = self.workdir / "nose2.xml", self.workdir / "pytest.xml"
        nose2 = run([sys.executable, "-m", "nose2", "--junit-xml", "--junit-xml-path", str(nose2_xml)], env)
        self.assertEqual(nose2.returncode, 0, nose2.stderr[-3000:])
        done = self.pytest(f"--junitxml={pytest_xml}", env=env)
        self.assertEqual(done.returncode, 0, done.stdout[-3000:] + done.stderr[-3000:])
        by_nose2, by_pytest = junit_cases(nose2_xml), junit_cases(pytest_xml)
        self.assertEqual(len(by_nose2), SUITE_SIZE)
        self.assertEqual([test_id for test_id, _ in by_pytest], [test_id for test_id, _ in by_nose2])
        self.assertEqual(by_pytest, by_nose2)
        self.assertIn(f"{SUITE_SIZE} passed", done.stdout)
        self.assertIn("rackharness: testing API http://127.0.0.1:", done.stdout)

    def test_replaying_the_committed_tapes_passes_every_test(self):
        done = self.pytest(env=suite_env(RACKHARNESS_RECORD_MODE="none"))
        self.assertEqual(done.returncode, 0, done.stdout[-3000:] + done.stderr[-3000:])
        # pytest's last line: every test passed, none failed, skipped or errored
        self.assertRegex(done.stdout, rf"\n=+ {SUITE_SIZE} passed in [0-9.]+s =+\n")
        self.assertIn("rackharness: record mode none: replayed tapes from fixtures/tapes/reference", done.stdout)

    def test_with_no_rack_the_run_fails_before_any_test_saying_why(self):
        empty = self.workdir / "no-state"
        empty.mkdir()
        done = self.pytest(env=suite_env(RACKHARNESS_STATE_DIR=str(empty)))
        output = done.stdout + done.stderr
        self.assertNotEqual(done.returncode, 0, output)
        self.assertEqual(done.returncode, 2, output)
        self.assertIn(f"rackharness: error: no rack is up in {empty}", output)
        self.assertIn("Hint: run `.venv/bin/rackharness up` first", output)
        self.assertIsNone(re.search(r"\d+ passed", output), output)


if __name__ == "__main__":
    unittest.main()
