"""The command line's defaults: where the known differences come from; --record-mode as nose2 parses it."""

from __future__ import annotations

import shutil
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import pytest

from rackharness.pytest_plugin.options import (
    DEFAULT_KNOWN_DIFFERENCES,
    KNOWN_DIFFERENCES_ENV,
    SuiteOptions,
    known_differences_path,
)


class KnownDifferencesPathTest(unittest.TestCase):
    def setUp(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="rh-options-"))
        self.addCleanup(shutil.rmtree, self.root, True)

    def test_the_option_wins_then_the_environment(self):
        env = {KNOWN_DIFFERENCES_ENV: "from-env.yaml"}
        self.assertEqual(known_differences_path("option.yaml", self.root, env), "option.yaml")
        self.assertEqual(known_differences_path(None, self.root, env), "from-env.yaml")

    def test_then_the_projects_file_under_the_rootdir_when_it_exists(self):
        self.assertEqual(known_differences_path(None, self.root, {}), "")
        default = self.root / DEFAULT_KNOWN_DIFFERENCES
        default.parent.mkdir(parents=True)
        default.write_text("version: 1\n", encoding="utf-8")
        self.assertEqual(Path(known_differences_path(None, self.root, {})).resolve(), default.resolve())


class RecordModeTest(unittest.TestCase):
    def options(self, mode: str | None) -> SuiteOptions:
        return SuiteOptions(
            groups=(),
            show_plan=False,
            rack_config=None,
            record_mode=mode,
            known_differences="",
            html_report=None,
            report_junit=None,
        )

    def test_a_mode_is_requested_as_nose2_requests_it(self):
        from rackharness.tapes.modes import RecordMode

        with mock.patch("rackharness.suite.context.request_record_mode") as request:
            self.options("none").apply_record_mode()
            self.options("live").apply_record_mode()
            self.options(None).apply_record_mode()
        self.assertEqual([c.args[0] for c in request.call_args_list], [RecordMode.NONE, "live"])

    def test_a_bad_mode_ends_the_run_with_exit_2(self):
        with self.assertRaises(pytest.exit.Exception) as ended:
            self.options("sometimes").apply_record_mode()
        self.assertEqual(ended.exception.returncode, 2)
        self.assertIn("rackharness: error: --record-mode='sometimes' is not a record mode", ended.exception.msg)


if __name__ == "__main__":
    unittest.main()
