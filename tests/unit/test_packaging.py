"""pyproject.toml against the tree: every package is in the wheel, the bundle maps onto the checkout.

The package list is explicit (the bundled packages are mapped onto the checkout's directories, which
``packages.find`` cannot express), so a new subpackage of rackharness/ must be added to it: this test
says which. Building and installing the wheel for real: tests/functional/test_wheel_install.py.
"""

from __future__ import annotations

import tomllib
import unittest
from pathlib import Path

from setuptools import find_packages

from rackharness.project_files import FIXTURES, KNOWN_DIFFERENCES, NOSE2_CONFIG, SUITE, VAGRANT

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = "rackharness.bundled"


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


class PackagingTest(unittest.TestCase):
    def setUp(self):
        self.setuptools = pyproject()["tool"]["setuptools"]
        self.listed = self.setuptools["packages"]

    def test_every_package_of_the_tree_is_listed(self):
        tree = set(find_packages(str(ROOT), include=["rackharness", "rackharness.*"]))
        ours = {name for name in self.listed if not name.startswith(BUNDLE + ".")}
        self.assertEqual(sorted(tree - ours), [], "add these to [tool.setuptools] packages in pyproject.toml")
        self.assertEqual(sorted(ours - tree), [], "listed in pyproject.toml but not in rackharness/")
        self.assertEqual(len(self.listed), len(set(self.listed)))

    def test_the_bundle_maps_onto_the_checkout_as_project_files_reads_it(self):
        package_dir = self.setuptools["package-dir"]
        bundled = sorted(name for name in self.listed if name.startswith(BUNDLE + "."))
        self.assertEqual(sorted(package_dir), bundled)
        for name, directory in package_dir.items():
            with self.subTest(package=name):
                relative = Path(*name.split(".")[2:])  # rackharness.bundled.tests.rackhd -> tests/rackhd
                self.assertEqual(Path(directory), relative, "the bundle is laid out as the checkout")
                self.assertTrue((ROOT / directory).is_dir())
        self.assertTrue({Path(d) for d in package_dir.values()}.issuperset({FIXTURES, SUITE, VAGRANT, SUITE.parent}))

    def test_package_data_covers_what_the_suite_and_the_rack_read(self):
        data = self.setuptools["package-data"]
        self.assertFalse(self.setuptools["include-package-data"])
        self.assertEqual(data[f"{BUNDLE}.tests"], [f"../{NOSE2_CONFIG}"])
        self.assertTrue((ROOT / "tests" / data[f"{BUNDLE}.tests"][0]).resolve().samefile(ROOT / NOSE2_CONFIG))
        self.assertTrue(any(Path(KNOWN_DIFFERENCES.name).match(p) for p in data[f"{BUNDLE}.tests.rackhd"]))
        self.assertEqual(data[f"{BUNDLE}.fixtures"], ["**/*"])
        self.assertIn("Vagrantfile", data[f"{BUNDLE}.vagrant"])
        self.assertEqual([p.name for p in (ROOT / "rackharness").glob("*") if p.is_file() and p.suffix != ".py"], [])
        for package, patterns in data.items():
            if package.startswith(BUNDLE):
                continue
            for pattern in patterns:
                with self.subTest(package=package, pattern=pattern):
                    self.assertTrue(list((ROOT / Path(*package.split("."))).glob(pattern)))

    def test_the_suite_needs_nothing_outside_the_core_dependencies(self):
        project = pyproject()["project"]
        names = {
            req.split("=")[0].split(">")[0].split("<")[0].split("[")[0].strip().lower()
            for req in project["dependencies"]
        }
        for needed in ("nose2", "proboscis", "pymongo", "pyjwt", "nx-27017", "on-http-redfish-1-0"):
            self.assertIn(needed, names)
        self.assertEqual(project["scripts"], {"rackharness": "rackharness.cli.main:main"})
        self.assertEqual(project["entry-points"]["pytest11"], {"rackharness": "rackharness.pytest_plugin"})
        self.assertEqual(project["license"], "Apache-2.0")
        self.assertTrue(all((ROOT / name).is_file() for name in project["license-files"]))


if __name__ == "__main__":
    unittest.main()
