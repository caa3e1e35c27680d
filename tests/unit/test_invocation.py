"""rackharness.invocation: messages name the command the user can actually run here."""

import os
import stat
import tempfile
import unittest
from pathlib import Path

from rackharness.invocation import VIA_ENV, command, named


class CommandTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.root = Path(tmp.name).resolve()
        self.bin = self.root / ".venv" / "bin"
        self.bin.mkdir(parents=True)
        self.script = self.bin / "rackharness"
        self.script.write_text("#!/bin/sh\n")
        self.script.chmod(self.script.stat().st_mode | stat.S_IXUSR)
        self.python = str(self.bin / "python")

    def named(self, args="status", *, environ=None, argv0=None, executable=None, cwd=None):
        return command(
            args,
            environ={"PATH": "/usr/bin:/bin", **(environ or {})},
            argv0=argv0 if argv0 is not None else ".venv/bin/rackharness",
            executable=executable or self.python,
            cwd=cwd or self.root,
        )

    def test_through_stack_sh_names_stack_sh_as_it_was_started(self):
        self.assertEqual(self.named(environ={VIA_ENV: "./stack.sh"}), "./stack.sh status")
        self.assertEqual(self.named(environ={VIA_ENV: "../main/stack.sh"}), "../main/stack.sh status")
        self.assertEqual(self.named(environ={VIA_ENV: "stack.sh"}), "./stack.sh status")  # `bash stack.sh`

    def test_script_off_path_is_named_as_typed(self):
        self.assertEqual(self.named("up --restart"), ".venv/bin/rackharness up --restart")
        absolute = str(self.script)
        self.assertEqual(self.named(argv0=absolute), f"{absolute} status")

    def test_script_on_path_is_plain_rackharness(self):
        on_path = {"PATH": f"{self.bin}{os.pathsep}/usr/bin"}
        self.assertEqual(self.named(environ=on_path, argv0=str(self.script)), "rackharness status")
        self.assertEqual(self.named("", environ=on_path, argv0=str(self.script)), "rackharness")

    def test_another_rackharness_on_path_is_not_taken_for_ours(self):
        other = self.root / "other"
        other.mkdir()
        (other / "rackharness").write_text("#!/bin/sh\n")
        (other / "rackharness").chmod(0o755)
        self.assertEqual(self.named(environ={"PATH": str(other)}), ".venv/bin/rackharness status")

    def test_inside_nose2_or_pytest_names_this_environments_script(self):
        self.assertEqual(self.named(argv0="/x/nose2/__main__.py"), ".venv/bin/rackharness status")
        self.assertEqual(self.named(argv0="pytest", cwd=self.root / ".venv"), "bin/rackharness status")
        with tempfile.TemporaryDirectory() as elsewhere:  # not below it: the absolute path
            self.assertEqual(self.named(argv0="nose2", cwd=elsewhere), f"{self.script} status")

    def test_without_a_script_python_dash_m(self):
        self.script.unlink()
        self.assertTrue(self.named(argv0="/x/rackharness/__main__.py").endswith("-m rackharness status"))

    def test_the_real_process_gets_an_answer(self):
        self.assertIn("rackharness status", command("status").replace("stack.sh", "rackharness"))


class NamedTest(unittest.TestCase):
    def test_commands_in_backticks_are_said_the_runnable_way(self):
        how = {"environ": {VIA_ENV: "./stack.sh", "PATH": "/bin"}, "argv0": "x", "executable": "/x/python"}
        self.assertEqual(
            named("`rackharness down --force` removes it; `rackharness status` shows it", **how),
            "`./stack.sh down --force` removes it; `./stack.sh status` shows it",
        )
        how["environ"] = {"PATH": "/bin"}
        how["argv0"] = ".venv/bin/rackharness"
        self.assertEqual(
            named("run `./stack.sh up` first, then `./stack.sh test stack`", **how),
            "run `.venv/bin/rackharness up` first, then `./stack.sh test stack`",
        )
        self.assertEqual(named("rackharness without backticks stays", **how), "rackharness without backticks stays")
