"""rackharness.project_files: the checkout's files in a checkout, the bundled copies in an installed package."""

from __future__ import annotations

import os
import tempfile
import unittest
from pathlib import Path

from rackharness import project_files
from rackharness.config.loader import load_config
from rackharness.project_files import ProjectFiles, locate, project, resolve

ROOT = Path(__file__).resolve().parents[2]


class TempDirTestCase(unittest.TestCase):
    def setUp(self):
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.dir = Path(temp.name).resolve()

    def make(self, *paths: str) -> None:
        for path in paths:
            target = self.dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.endswith("/"):
                target.mkdir(exist_ok=True)
            else:
                target.write_text("x\n")

    def in_dir(self, directory: Path) -> None:
        before = os.getcwd()
        os.chdir(directory)
        self.addCleanup(os.chdir, before)


class LocateTest(TempDirTestCase):
    def test_a_checkout_is_its_own_root(self):
        self.make("pyproject.toml", "unittest.cfg", "tests/rackhd/", "rackharness/__init__.py")
        files = locate(self.dir / "rackharness")
        self.assertEqual(files, ProjectFiles(root=self.dir, checkout=True, import_root=self.dir))
        self.assertEqual(files.hardware_profiles, self.dir / "fixtures" / "hardware")
        self.assertEqual(files.tapes, self.dir / "fixtures" / "tapes")
        self.assertEqual(files.suite, self.dir / "tests" / "rackhd")
        self.assertEqual(files.suite_root, self.dir)
        self.assertEqual(files.known_differences, self.dir / "tests" / "rackhd" / "known_differences.yaml")
        self.assertEqual(files.vagrant, self.dir / "vagrant")
        self.assertEqual(files.nose2_config, self.dir / "unittest.cfg")
        self.assertIn("the checkout at", files.where())

    def test_an_installed_package_uses_its_bundle(self):
        self.make("site-packages/rackharness/__init__.py", "site-packages/rackharness/bundled/unittest.cfg")
        files = locate(self.dir / "site-packages" / "rackharness")
        bundle = self.dir / "site-packages" / "rackharness" / "bundled"
        self.assertFalse(files.checkout)
        self.assertEqual(files.root, bundle)
        self.assertEqual(files.import_root, self.dir / "site-packages")
        self.assertEqual(files.suite, bundle / "tests" / "rackhd")
        self.assertEqual(files.fixtures, bundle / "fixtures")
        self.assertEqual(files.nose2_config, bundle / "unittest.cfg")
        self.assertIn("bundled with rackharness", files.where())

    def test_a_stray_tests_package_beside_an_install_is_not_a_checkout(self):
        # another distribution that (wrongly) installs a top-level `tests` package, and a unittest.cfg
        self.make("site-packages/tests/rackhd/", "site-packages/unittest.cfg", "site-packages/rackharness/__init__.py")
        self.assertFalse(locate(self.dir / "site-packages" / "rackharness").checkout)

    def test_this_rackharness_runs_from_this_checkout_and_its_files_are_there(self):
        files = project()
        self.assertIs(files, project(), "located once")
        self.assertEqual((files.root, files.checkout), (ROOT, True))
        self.assertTrue((files.hardware_profiles / "quanta-d51.yaml").is_file())
        self.assertTrue((files.tapes / "reference" / "_session.json").is_file())
        self.assertTrue((files.suite / "test_smoke.py").is_file())
        self.assertTrue(files.known_differences.is_file())
        self.assertTrue((files.vagrant / "Vagrantfile").is_file())
        self.assertTrue(files.nose2_config.is_file())
        self.assertEqual(files.import_root, Path(project_files.__file__).resolve().parents[1])


class ResolveTest(TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.make("project/fixtures/tapes/reference/_session.json", "elsewhere/")
        self.files = ProjectFiles(root=self.dir / "project", checkout=False, import_root=self.dir)

    def test_a_relative_path_present_in_the_cwd_is_taken_as_given(self):
        self.make("elsewhere/fixtures/tapes/")
        self.in_dir(self.dir / "elsewhere")
        self.assertEqual(resolve("fixtures/tapes", self.files), Path("fixtures/tapes"))

    def test_a_relative_path_absent_from_the_cwd_is_the_projects(self):
        self.in_dir(self.dir / "elsewhere")
        self.assertEqual(resolve("fixtures/tapes", self.files), self.dir / "project" / "fixtures" / "tapes")

    def test_absolute_and_unknown_paths_are_left_alone(self):
        self.in_dir(self.dir / "elsewhere")
        self.assertEqual(resolve(self.dir / "nowhere", self.files), self.dir / "nowhere")
        self.assertEqual(resolve("my-tapes", self.files), Path("my-tapes"), "an error names what was configured")


class ReadersOutsideTheCheckoutTest(TempDirTestCase):
    """Run from a directory that is not the checkout, the readers find the project's files (no chdir needed)."""

    def setUp(self):
        super().setUp()
        self.in_dir(self.dir)

    def test_replay_reads_the_projects_tape_set_by_default(self):
        from rackharness.suite.recording import replay_session
        from rackharness.tapes.modes import RecordMode

        config = load_config(None, environ={})
        self.assertEqual(config["tapes.dir"], "fixtures/tapes")
        deck, target, run_id = replay_session(RecordMode.NONE, config)
        deck.close()
        self.assertEqual(target.kind, "reference")
        self.assertIn(str(ROOT / "fixtures" / "tapes" / "reference"), target.source)
        self.assertTrue(run_id)

    def test_the_default_known_differences_are_the_suites(self):
        from rackharness.suite.known_differences import DEFAULT_PATH, load

        self.assertFalse(DEFAULT_PATH.exists())
        known = load()
        self.assertGreater(len(known), 0)
        self.assertEqual(known.source, str(ROOT / "tests" / "rackhd" / "known_differences.yaml"))

    def test_profiles_vagrantfile_and_suite_root(self):
        from rackharness.rack import layout
        from rackharness.suite.matrix import suite_root
        from rackharness.vm import vagrant_rack

        self.assertEqual(layout.PACKAGED_PROFILES, ROOT / "fixtures" / "hardware")
        self.assertEqual(layout.profiles_dir(load_config(None, environ={})), ROOT / "fixtures" / "hardware")
        self.assertEqual(vagrant_rack.VAGRANTFILE_DIR, ROOT / "vagrant")
        self.assertEqual(suite_root(), ROOT)
        with self.assertRaises(AttributeError):
            layout.NO_SUCH_NAME  # noqa: B018 - the module's lazy attributes are only the named ones

    def test_the_tapes_fake_config_default(self):
        from rackharness.cli.tapes import FAKE_CONFIG, placeholders

        self.assertFalse(FAKE_CONFIG.exists())
        self.assertIn("bmc.password", placeholders(str(FAKE_CONFIG)))


if __name__ == "__main__":
    unittest.main()
