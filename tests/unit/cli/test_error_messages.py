"""Every CLI error reads ``rackharness: error: MESSAGE`` once: never ``rackharness: error: rackharness: ...``.

Run through :func:`rackharness.cli.main.main` in this process, in an empty directory, with none of the
caller's ``RACKHARNESS_*`` settings; each error exits 2, prints no traceback and names the next command.
"""

import contextlib
import io
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from rackharness.cli.main import error_text, main
from rackharness.errors import UsageError


class ErrorPrefixTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.cwd = Path(tmp.name)
        previous = os.getcwd()
        os.chdir(self.cwd)
        self.addCleanup(os.chdir, previous)
        clean = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
        patcher = mock.patch.dict(os.environ, clean, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def run_cli(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
        return code, err.getvalue()

    def assertOnePrefix(self, argv, *fragments):
        code, err = self.run_cli(*argv)
        self.assertEqual(code, 2, err)
        self.assertTrue(err.startswith("rackharness: error: "), err)
        self.assertEqual(err.count("rackharness: error"), 1, err)
        self.assertNotIn("error: rackharness", err)
        self.assertNotRegex(err.splitlines()[0], r"^rackharness: error: (rackharness|error)\b")
        self.assertNotIn("Traceback", err)
        self.assertIn("\nHint: ", err, "every error says what to do next")
        for fragment in fragments:
            self.assertIn(fragment, err)
        return err

    def test_bad_set(self):
        self.assertOnePrefix(["up", "--set", "nope=1"], "--set nope=1: unknown setting 'nope'", "config --list")
        self.assertOnePrefix(["up", "--set", "nodes"], "--set 'nodes': expected KEY=VALUE")
        self.assertOnePrefix(["up", "--set", "nodes=0"], "must be at least 1, got 0", "(default 4)")

    def test_unknown_provider(self):
        self.assertOnePrefix(["up", "--provider", "vmware"], "unknown provider 'vmware'", "available providers")

    def test_config_file_errors(self):
        self.assertOnePrefix(
            ["up", "--config", "missing.yaml"],
            "config file missing.yaml does not exist",
            str(self.cwd.resolve()).rsplit("/", 1)[-1],
        )
        Path("broken.yaml").write_text("nodes: [\n")
        self.assertOnePrefix(["up", "--config", "broken.yaml"], "broken.yaml:", "not valid YAML")
        Path("typo.yaml").write_text("nodez: 2\n")
        self.assertOnePrefix(["status", "--config", "typo.yaml"], "typo.yaml:1: unknown setting 'nodez'")

    def test_argparse_usage_errors(self):
        err = self.assertOnePrefix([], "the following arguments are required: COMMAND", "--help")
        self.assertTrue(err.startswith("rackharness: error: the following"), err)
        self.assertOnePrefix(["bogus"], "invalid choice: 'bogus'")
        err = self.assertOnePrefix(["up", "--nodez", "3"], "up: unrecognized arguments: --nodez 3", "up --help")
        self.assertOnePrefix(["up", "--bmc-address-mode", "x"], "up: argument --bmc-address-mode: invalid choice")
        self.assertOnePrefix(["tapes"], "tapes: the following arguments are required: VERB", "tapes --help")
        self.assertOnePrefix(["tapes", "promote", "--nope"], "tapes promote: unrecognized arguments: --nope")

    def test_nothing_was_created(self):
        self.run_cli("up", "--provider", "vmware")
        self.run_cli("up", "--nodes", "0")
        self.assertEqual(list(self.cwd.iterdir()), [])

    def test_a_message_that_carries_the_prefix_already_gets_it_once(self):
        for message in ("rackharness: boom", "rackharness: error: boom", "boom"):
            with self.subTest(message=message):
                self.assertEqual(error_text(UsageError(message, hint="h")), "rackharness: error: boom\nHint: h")
