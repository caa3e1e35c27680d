"""``python -m rackharness.suite``: nose2 on the suite with the project's unittest.cfg, from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from rackharness.errors import UsageError
from rackharness.project_files import ProjectFiles, project
from rackharness.suite.runner import check, main, nose2_argv

ROOT = Path(__file__).resolve().parents[3]


def suite(*args: str, cwd: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
    return subprocess.run(
        [sys.executable, "-m", "rackharness.suite", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class RunnerTest(unittest.TestCase):
    def setUp(self):
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.cwd = temp.name

    def test_nose2_gets_the_projects_config_and_directories_then_the_arguments(self):
        argv = nose2_argv(project(), ["--group", "nodes", "--junit-xml"])
        self.assertEqual(
            argv[1:],
            [
                "--config",
                str(ROOT / "unittest.cfg"),
                "--start-dir",
                str(ROOT / "tests/rackhd"),
                "--top-level-directory",
                str(ROOT),
                "--group",
                "nodes",
                "--junit-xml",
            ],
        )

    def test_a_missing_bundle_is_a_usage_error(self):
        files = ProjectFiles(root=Path(self.cwd) / "bundled", checkout=False, import_root=Path(self.cwd))
        with self.assertRaises(UsageError) as raised:
            check(files)
        self.assertEqual(raised.exception.exit_code, 2)
        self.assertIn("unittest.cfg", str(raised.exception))
        check(project())  # this checkout has both

    def test_show_plan_from_outside_the_checkout_lists_the_suite_under_its_ids(self):
        done = suite("--show-plan", cwd=self.cwd)
        self.assertEqual(done.returncode, 0, done.stderr)
        ids = [line.split("] ", 1)[1].split()[0] for line in done.stdout.splitlines() if "] tests." in line]
        self.assertEqual(len(ids), 198)
        self.assertEqual(ids[0], "tests.rackhd.test_smoke.Smoke.api_serves_config")  # as the tapes are named
        self.assertTrue((ROOT / "fixtures" / "tapes" / "reference" / f"{ids[0]}.json").is_file())
        self.assertTrue(all(i.startswith("tests.rackhd.test_") for i in ids))
        self.assertEqual(os.listdir(self.cwd), [], "a plan writes nothing")

    def test_a_group_passes_through_and_a_replay_runs_with_the_roots_plugins(self):
        env_free = suite("--record-mode", "none", "--group", "smoke", cwd=self.cwd)
        self.assertEqual(env_free.returncode, 0, env_free.stderr[-3000:])
        self.assertIn("record mode none: replayed tapes from " + str(ROOT / "fixtures" / "tapes"), env_free.stderr)
        self.assertRegex(env_free.stderr, r"nose2: \d+ passed, 0 failed")  # rackharness.nose2.summary's line

    def test_unknown_arguments_are_nose2s_to_refuse(self):
        done = suite("--no-such-option", cwd=self.cwd)
        self.assertEqual(done.returncode, 2)
        self.assertIn("Unrecognized arguments: --no-such-option", done.stderr)

    def test_main_says_what_is_missing_without_a_traceback(self):
        from unittest import mock

        files = ProjectFiles(root=Path(self.cwd) / "bundled", checkout=False, import_root=Path(self.cwd))
        with mock.patch("rackharness.suite.runner.project", return_value=files), mock.patch("sys.stderr") as stderr:
            self.assertEqual(main([]), 2)
        said = "".join(call.args[0] for call in stderr.write.call_args_list)
        self.assertIn("rackharness.suite: error: the black-box suite is not in the files bundled", said)


if __name__ == "__main__":
    unittest.main()
