"""The wheel people install: built from this checkout, installed into a fresh venv outside it, it runs.

Once for the class: a copy of the checkout's sources (a build in the checkout would leave build/ there,
and reuse it next time) is built with ``pip wheel --no-deps``; a fresh venv in a temporary directory
outside the checkout gets ``pip install <wheel>`` (plain: the dependencies from the index). Then, from a
temporary working directory, with no RACKHARNESS_* and no PYTHONPATH:

* ``rackharness --version``, and the installed rackharness reads its bundled files, not a checkout's;
* ``RACKHARNESS_RECORD_MODE=none python -m rackharness.suite``: the suite replayed from the bundled
  tapes, no service, every test passing;
* ``rackharness up --nodes 2`` (local provider, private state dir and 29xxx ports), then
  ``python -m rackharness.suite`` against it, every test passing, then ``rackharness down --force
  --purge`` (always).

Needs the package index (skipped, with the reason, when pip cannot reach it) and RabbitMQ for the rack.
Each step prints how long it took.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUITE_SIZE = 198
PORTS = {
    "amqp.port": 29672,
    "amqp.dist_port": 29673,
    "amqp.epmd_port": 29369,
    "mongo.port": 29017,
    "target.port": 29080,
    "target.auth_port": 29443,
    "bmc.base_port": 29230,
}
#: what is not source: never copied into the build
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".tox",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".rackharness*",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    ".schemathesis",
    "nose2-failures.log",
    "nose2-junit.xml",
)
#: pip's words when the index is out of reach
OFFLINE = re.compile(
    r"NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|"
    r"Network is unreachable|ProxyError|Could not fetch URL|No matching distribution found",
    re.IGNORECASE,
)


def say(line: str) -> None:
    sys.stderr.write(f"[wheel-install] {line}\n")
    sys.stderr.flush()


def timed(what: str, command: list[str], *, timeout: float, **kw) -> subprocess.CompletedProcess:
    began = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kw)
    say(f"{what}: {time.monotonic() - began:.1f} s (exit {done.returncode})")
    return done


def tail(done: subprocess.CompletedProcess, lines: int = 40) -> str:
    return "\n".join((done.stdout + "\n" + done.stderr).strip().splitlines()[-lines:])


class WheelInstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="rh-wheel-")).resolve()
        try:
            cls._build_and_install()
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def _build_and_install(cls):
        if cls.tmp.is_relative_to(ROOT):
            raise unittest.SkipTest(f"the temporary directory {cls.tmp} is inside the checkout")
        source, wheels, venv = cls.tmp / "source", cls.tmp / "wheels", cls.tmp / "venv"
        shutil.copytree(ROOT, source, ignore=NOT_SOURCE, symlinks=True)
        built = timed(
            "pip wheel --no-deps (isolated build: setuptools from the index)",
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--disable-pip-version-check",
                "-q",
                "-w",
                str(wheels),
                str(source),
            ],
            timeout=600,
        )
        cls._skip_if_offline(built, "build the wheel")
        wheel = next(wheels.glob("rackharness-*.whl"), None)
        if built.returncode != 0 or wheel is None:
            raise AssertionError(f"pip wheel failed:\n{tail(built)}")
        cls.wheel = wheel
        say(f"built {wheel.name}: {wheel.stat().st_size / 1e6:.1f} MB")
        made = timed("python -m venv", [sys.executable, "-m", "venv", str(venv)], timeout=300)
        if made.returncode != 0:
            raise AssertionError(f"venv failed:\n{tail(made)}")
        cls.bin = venv / "bin"
        installed = timed(
            "pip install <wheel> (dependencies from the index)",
            [str(cls.bin / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(wheel)],
            timeout=900,
        )
        cls._skip_if_offline(installed, "install the wheel's dependencies")
        if installed.returncode != 0:
            raise AssertionError(f"pip install of the wheel failed:\n{tail(installed)}")
        cls.cwd = cls.tmp / "work"
        cls.cwd.mkdir()

    @classmethod
    def _skip_if_offline(cls, done: subprocess.CompletedProcess, what: str) -> None:
        if done.returncode != 0 and OFFLINE.search(done.stdout + done.stderr):
            reason = f"pip cannot reach a package index to {what}: {OFFLINE.search(done.stdout + done.stderr)[0]}"
            say(f"skipped: {reason}")
            raise unittest.SkipTest(reason)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def env(self, **extra: str) -> dict[str, str]:
        """No RACKHARNESS_* of the caller, no PYTHONPATH: only what the venv installed is importable."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("RACKHARNESS_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")
        }
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env.update(extra)
        return env

    def run_in_venv(self, what: str, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        return timed(what, command, cwd=self.cwd, env=self.env(**env), timeout=timeout)

    def assertSuitePassed(self, done: subprocess.CompletedProcess) -> None:
        self.assertEqual(done.returncode, 0, tail(done))
        self.assertIn(f"Ran {SUITE_SIZE} tests", done.stderr, tail(done))
        self.assertIn(f"nose2: {SUITE_SIZE} passed, 0 failed", done.stderr, tail(done))

    def test_the_wheel_carries_the_suite_its_config_and_the_fixtures(self):
        names = set(zipfile.ZipFile(self.wheel).namelist())
        bundle = "rackharness/bundled/"
        for name in (
            "unittest.cfg",
            "tests/__init__.py",
            "tests/rackhd/__init__.py",
            "tests/rackhd/test_smoke.py",
            "tests/rackhd/known_differences.yaml",
            "fixtures/hardware/quanta-d51.yaml",
            "fixtures/tapes/fake-config.yaml",
            "fixtures/tapes/reference/_session.json",
            "vagrant/Vagrantfile",
        ):
            self.assertIn(bundle + name, names)
        tapes = {n for n in names if n.startswith(bundle + "fixtures/tapes/reference/")}
        self.assertEqual(len(tapes), len(list((ROOT / "fixtures/tapes/reference").glob("*.json"))))
        self.assertEqual(
            sorted(n for n in names if n.startswith(bundle) and n.count("/") == 2),
            [bundle + "unittest.cfg"],
            "nothing else of the checkout's root (setup.py) is bundled",
        )
        self.assertTrue(any(n.endswith(".dist-info/licenses/LICENSE") for n in names))

    def test_version_and_the_bundled_files_outside_a_checkout(self):
        done = self.run_in_venv("rackharness --version", "rackharness", "--version")
        self.assertEqual((done.returncode, done.stdout), (0, "rackharness 0.2.0\n"), done.stderr)
        done = self.run_in_venv("python -m rackharness --version", "python", "-m", "rackharness", "--version")
        self.assertEqual(done.stdout, "rackharness 0.2.0\n")
        where = self.run_in_venv(
            "where the project files are",
            "python",
            "-c",
            "from rackharness.project_files import project; f = project(); "
            "print(f.checkout, f.root, f.hardware_profiles.is_dir(), f.vagrant.is_dir())",
        )
        checkout, root, profiles, vagrant = where.stdout.split()
        self.assertEqual((checkout, profiles, vagrant), ("False", "True", "True"), where.stderr)
        self.assertTrue(Path(root).is_relative_to(self.tmp / "venv"), root)

    def test_the_suite_replays_from_the_bundled_tapes_with_no_service(self):
        state = tempfile.mkdtemp(prefix="state-", dir=self.tmp)
        done = self.run_in_venv(
            "RACKHARNESS_RECORD_MODE=none python -m rackharness.suite",
            "python",
            "-m",
            "rackharness.suite",
            timeout=300,
            RACKHARNESS_RECORD_MODE="none",
            RACKHARNESS_STATE_DIR=state,
        )
        self.assertSuitePassed(done)
        self.assertIn(f"replayed tapes from {self.tmp / 'venv'}", done.stderr)  # the bundled set

    def test_up_the_suite_and_down_from_the_wheel(self):
        if shutil.which("rabbitmq-server") is None and not Path("/usr/lib/rabbitmq").is_dir():
            self.skipTest("RabbitMQ (rabbitmq-server) is not installed")
        state = tempfile.mkdtemp(prefix="state-", dir=self.tmp)
        sets = [arg for key, port in PORTS.items() for arg in ("--set", f"{key}={port}")]
        try:
            up = self.run_in_venv(
                "rackharness up --nodes 2 (local, embedded store)",
                "rackharness",
                "up",
                "--nodes",
                "2",
                *sets,
                timeout=300,
                RACKHARNESS_STATE_DIR=state,
            )
            self.assertEqual(up.returncode, 0, tail(up))
            self.assertIn("rack up (local, 2 nodes)", up.stdout + up.stderr)
            suite = self.run_in_venv(
                "python -m rackharness.suite (against the rack)",
                "python",
                "-m",
                "rackharness.suite",
                timeout=600,
                RACKHARNESS_STATE_DIR=state,
            )
            self.assertSuitePassed(suite)
        finally:
            down = self.run_in_venv(
                "rackharness down --force --purge",
                "rackharness",
                "down",
                "--force",
                "--purge",
                timeout=180,
                RACKHARNESS_STATE_DIR=state,
            )
        self.assertEqual(down.returncode, 0, tail(down))


if __name__ == "__main__":
    unittest.main()
