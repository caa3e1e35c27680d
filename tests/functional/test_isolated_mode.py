"""Isolated mode end to end: `RACKHARNESS_MODE=isolated nose2` with no RabbitMQ and no Mongo server to be had.

The suite runs in a subprocess whose PATH holds every executable of ours except rabbitmq-server,
rabbitmqctl, rabbitmq-plugins, epmd, erl, mongod, mongo, mongosh and nx-27017: in their place are
tripwires that record being run and exit 127. The venv's bin directory is not on that PATH (the
suite is started with the venv's python by absolute path). While it runs, a watcher polls /proc
for every descendant of the nose2 process. The proof: exit 0, junit counts for every group with no
failure or error, no tripwire was run, and no descendant process was beam.smp, epmd, mongod or
nx-27017 (nor anything else: isolated mode starts no process at all).
"""

import os
import stat
import subprocess
import sys
import tempfile
import threading
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.functional.stack_fixture import REPO
from tests.functional.test_blackbox_suite import GROUPS

FORBIDDEN = (
    "rabbitmq-server",
    "rabbitmqctl",
    "rabbitmq-plugins",
    "epmd",
    "erl",
    "mongod",
    "mongo",
    "mongosh",
    "nx-27017",
)
#: what the command line of a RabbitMQ or Mongo server process contains
SERVER_MARKERS = ("beam.smp", "epmd", "mongod", "nx-27017", "nx_27017", "rabbitmq")


def shim_path(root: Path, tripwire_log: Path) -> str:
    """A directory with a link to every executable on PATH except FORBIDDEN (tripwires instead); no venv."""
    shims = root / "bin"
    shims.mkdir()
    venv_bin = Path(sys.executable).parent.resolve()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        path = Path(directory)
        if not path.is_dir() or path.resolve() == venv_bin:
            continue
        for entry in path.iterdir():
            target = shims / entry.name
            if entry.name in FORBIDDEN or target.exists() or not os.access(entry, os.X_OK) or entry.is_dir():
                continue
            target.symlink_to(entry)
    for name in FORBIDDEN:
        wire = shims / name
        wire.write_text(f"#!/bin/sh\necho \"{name} $*\" >> '{tripwire_log}'\nexit 127\n")
        wire.chmod(wire.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(shims)


class DescendantWatcher(threading.Thread):
    """Polls /proc until stopped; records (pid, cmdline) of every process descended from ``root``."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.seen, self.done = root, {}, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):  # Event.wait: the poll interval, ended at once by stop()
            self.scan()
        self.scan()

    def scan(self) -> None:
        parents = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
        for pid in parents:
            ancestor, hops = parents.get(pid), 0
            while ancestor and ancestor != self.root and hops < 64:
                ancestor, hops = parents.get(ancestor), hops + 1
            if ancestor == self.root and pid not in self.seen:
                try:
                    self.seen[pid] = (
                        Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                    )
                except OSError:
                    self.seen[pid] = "(exited before it could be read)"

    def stop(self) -> dict[int, str]:
        self.done.set()
        self.join(timeout=5)
        return self.seen


class IsolatedSuiteWithoutServicesTest(unittest.TestCase):
    def test_isolated_suite_passes_without_rabbitmq_or_mongo_and_starts_no_process(self):
        with tempfile.TemporaryDirectory(prefix="rh-isolated-") as tmp:
            root = Path(tmp)
            tripwires, junit = root / "tripwires.log", root / "junit.xml"
            env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
            env.update(
                {
                    "PATH": shim_path(root, tripwires),
                    "RACKHARNESS_MODE": "isolated",
                    "RACKHARNESS_STATE_DIR": str(root / "no-state"),
                    "VIRTUAL_ENV": "",
                }
            )
            for name in FORBIDDEN:  # the shim PATH really hides them
                found = subprocess.run(["sh", "-c", f"command -v {name}"], env=env, capture_output=True, text=True)
                self.assertEqual(found.stdout.strip(), str(root / "bin" / name))
            process = subprocess.Popen(
                [sys.executable, "-m", "nose2", "--junit-xml", "--junit-xml-path", str(junit)],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            watcher = DescendantWatcher(process.pid)
            watcher.start()
            try:
                stdout, stderr = process.communicate(timeout=300)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
                children = watcher.stop()
            self.assertEqual(process.returncode, 0, stderr[-6000:])
            self.assertIn("isolated rack in this process", stderr)
            root_el = ET.parse(junit).getroot()
            self.assertEqual((root_el.get("failures"), root_el.get("errors")), ("0", "0"), stderr[-3000:])
            cases = list(root_el.iter("testcase"))
            self.assertGreater(len(cases), 100, "the whole suite ran")
            files = {case.get("classname").split(".")[2] for case in cases}
            self.assertEqual(files, {f"test_{g}" for g in GROUPS}, "every group's file ran")
            skipped = [c.get("name") for c in cases if c.find("skipped") is not None]
            self.assertEqual(skipped, [], "nothing skipped for want of a service")
            self.assertFalse(tripwires.exists(), tripwires.read_text() if tripwires.exists() else "")
            servers = {pid: cmd for pid, cmd in children.items() if any(m in cmd for m in SERVER_MARKERS)}
            self.assertEqual(servers, {}, "a RabbitMQ or Mongo server process was started")
            self.assertEqual(children, {}, "isolated mode starts no process at all")


if __name__ == "__main__":
    unittest.main()
