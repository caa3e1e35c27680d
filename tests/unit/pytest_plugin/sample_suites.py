"""Sample suites the pytest plugin's tests run pytest on, in a temporary directory of their own.

Each sample is a few files written into a fresh directory with a ``pytest.ini`` (so that directory is
pytest's rootdir and nothing of the repository is collected). Every sample test appends its name to
``$SAMPLE_LOG``; ``$SAMPLE_FAIL`` / ``$SAMPLE_SKIP`` name a test that fails / skips. The target is
``RACKHARNESS_TARGET_URL=http://127.0.0.1:9``: resolving it reaches nothing (the samples use no client),
as in tests/unit/nose2/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

LOGGING = """
import os

from rackharness.suite.decorators import SkipTest, test


def ran(name):
    with open(os.environ["SAMPLE_LOG"], "a", encoding="utf-8") as log:
        log.write(name + "\\n")
    if os.environ.get("SAMPLE_FAIL") == name:
        raise AssertionError(f"{name} fails on purpose")
    if os.environ.get("SAMPLE_SKIP") == name:
        raise SkipTest(f"{name} skips on purpose")
"""

#: first -> second -> third, an unrelated group and cleanup, written out of order
CHAIN = (
    '"""Sample suite: two chained groups and more."""'
    + LOGGING
    + '''

@test(groups=["third"], depends_on_groups=["second"])
def third():
    """Written first: runs after second anyway."""
    ran("third")


@test(groups=["first"])
class First:
    @test
    def write_b(self):
        """Written before write_a: runs before it (written order, not A-Z)."""
        ran("first.write_b")
        self.value = 42

    @test
    def write_a(self):
        """Reads what write_b stored on the shared instance."""
        assert self.value == 42
        ran("first.write_a")


@test(groups=["second"], depends_on_groups=["first"])
def second():
    """A free function in group second."""
    ran("second")


@test(groups=["unrelated"])
def unrelated():
    """Depends on nothing; nothing depends on it."""
    ran("unrelated")


@test(groups=["cleanup"], always_run=True)
def cleanup():
    """Runs last, whatever failed."""
    ran("cleanup")
'''
)

#: a plain pytest test next to the suite (runs after the plan; dropped by --group)
PLAIN = """
import os


def test_plain():
    with open(os.environ["SAMPLE_LOG"], "a", encoding="utf-8") as log:
        log.write("plain\\n")
"""

#: proboscis ordering of unittest.TestCase classes (with a class fixture that must run once)
UNITTEST_STYLE = (
    '"""Sample suite: unittest-style classes."""'
    + LOGGING
    + """
import unittest


@test(groups=["later"], depends_on_groups=["earlier"])
class LaterCase(unittest.TestCase):
    def test_later(self):
        ran("later")


@test(groups=["earlier"])
class EarlierCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ran("earlier.setUpClass")

    def test_one(self):
        ran("earlier.one")

    def test_two(self):
        ran("earlier.two")
"""
)

#: a known difference that fails, one that passes when $SAMPLE_FIXED is set, and a plain test
KNOWN = (
    '"""Sample suite: known differences."""'
    + LOGGING
    + """

@test(groups=["known"])
class Known:
    @test
    def differs(self):
        ran("known.differs")
        raise RuntimeError("the target answered 200 where its spec documents 201")

    @test
    def fixed(self):
        ran("known.fixed")
        assert os.environ.get("SAMPLE_FIXED"), "the target still differs"

    @test
    def plain(self):
        ran("known.plain")
"""
)

KNOWN_YAML = """
version: 1
differences:
  - test: test_sample_known.Known.differs
    rackhd: ["2.60.7"]
    reason: answers 200 where its spec documents 201
    evidence: POST /things answered 200.
  - test: test_sample_known.Known.fixed
    rackhd: ["2.60.7"]
    reason: differed once
    evidence: GET /things answered [].
"""

#: its only test is disabled: nothing runs
EMPTY = '''
from rackharness.suite.decorators import test


@test(groups=["nothing"], enabled=False)
def disabled():
    """Never runs."""
'''

#: two group names glued by a missing comma: a plan error
GLUED = """
from rackharness.suite.decorators import test


@test(groups=["nodes"])
def nodes():
    pass


@test(groups=["obms"])
def obms():
    pass


@test(groups=["workflows"], depends_on_groups=["nodes" "obms"])
def workflows():
    pass
"""

BROKEN = """
import no_such_module_anywhere  # noqa: F401
"""

#: proves that a run of plain tests imports nothing of proboscis (the plugin left it alone)
NO_PROBOSCIS_CHECK = """
import os
import sys


def pytest_sessionfinish(session, exitstatus):
    with open(os.environ["SAMPLE_LOG"], "a", encoding="utf-8") as log:
        log.write(f"proboscis imported: {'proboscis' in sys.modules}\\n")
"""


class Run:
    """One finished pytest run: exit code, output, the sample log, and the JUnit XML's test cases."""

    def __init__(self, completed: subprocess.CompletedProcess, log: Path, junit: Path) -> None:
        self.code, self.out, self.err = completed.returncode, completed.stdout, completed.stderr
        self.order = log.read_text(encoding="utf-8").split("\n")[:-1] if log.exists() else []
        self.cases: list[tuple[str, str, str]] = []  # (test id, outcome, message) in run order
        if junit.exists():
            for case in ET.parse(junit).getroot().iter("testcase"):
                outcome, message = "passed", ""
                for child in case:
                    if child.tag in ("failure", "error", "skipped"):
                        outcome, message = child.tag, child.get("message", "")
                        if child.get("type") == "pytest.xfail":
                            outcome = "xfailed"
                self.cases.append((f"{case.get('classname')}.{case.get('name')}", outcome, message))

    @property
    def ids(self) -> list[str]:
        return [test_id for test_id, _outcome, _message in self.cases]

    def outcome(self, test_id: str) -> tuple[str, str]:
        return next((o, m) for t, o, m in self.cases if t == test_id)

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


class SampleSuiteTestCase(unittest.TestCase):
    """Writes samples into a temporary directory and runs ``python -m pytest`` there."""

    def setUp(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="rh-pytest-"))
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", str(self.workdir)], check=False))
        (self.workdir / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")

    def write(self, **files: str) -> None:
        """``write(test_sample_chain=CHAIN)`` writes test_sample_chain.py (``conftest`` too)."""
        for name, text in files.items():
            (self.workdir / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")

    def pytest(self, *args: str, extra_env: dict | None = None, autoload: bool = False) -> Run:
        """Run pytest in the sample directory. ``autoload``: load the plugin through its ``pytest11`` entry point
        with every other installed plugin, as a user's run does (slower: hypothesis, schemathesis ...);
        otherwise only this plugin, by the entry point's name."""
        log, junit = self.workdir / "order.log", self.workdir / "junit.xml"
        log.unlink(missing_ok=True)
        junit.unlink(missing_ok=True)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("RACKHARNESS_", "SAMPLE_", "PYTEST_"))
        }
        env.update(
            {
                "SAMPLE_LOG": str(log),
                "RACKHARNESS_TARGET_URL": "http://127.0.0.1:9",
                "RACKHARNESS_STATE_DIR": str(self.workdir / "no-rack"),
                "RACKHARNESS_LOCK_DIR": str(self.workdir),
                **(extra_env or {}),
            }
        )
        if not autoload:
            env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        plugins = [] if autoload else ["-p", "rackharness"]
        command = [sys.executable, "-m", "pytest", *plugins, "-p", "no:cacheprovider", "--junitxml", str(junit), *args]
        completed = subprocess.run(command, cwd=self.workdir, env=env, capture_output=True, text=True, timeout=120)
        return Run(completed, log, junit)
