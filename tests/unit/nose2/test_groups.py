"""The proboscis-groups nose2 plugin, run for real: nose2 in a subprocess on the sample suites in samples/."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"

HIDE_IMP = textwrap.dedent("""
    import importlib.abc, sys
    class HideImp(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "imp":
                raise ModuleNotFoundError("No module named 'imp' (hidden, as on Python 3.12+)", name="imp")
    sys.meta_path.insert(0, HideImp())
    sys.modules.pop("imp", None)
    try:
        import imp
    except ImportError:
        pass
    else:
        raise SystemExit("imp is still importable")
""")

# proboscis (without nose) subclasses unittest._TextTestResult, an alias Python 3.12 removed
HIDE_TEXT_TEST_RESULT = textwrap.dedent("""
    import unittest
    if hasattr(unittest, "_TextTestResult"):
        del unittest._TextTestResult
""")


class Run:
    def __init__(self, completed: subprocess.CompletedProcess, log: Path, workdir: Path) -> None:
        self.code, self.out, self.err = completed.returncode, completed.stdout, completed.stderr
        self.order = log.read_text(encoding="utf-8").split() if log.exists() else []
        self.workdir = workdir

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


class PluginTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="rh-nose2-"))
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", str(self.workdir)], check=False))

    def nose2(
        self,
        sample: str,
        *args: str,
        prelude: str = "",
        extra_env: dict | None = None,
        config: Path = SAMPLES / "nose2.cfg",
    ) -> Run:
        log = self.workdir / "order.log"
        log.unlink(missing_ok=True)
        env = {
            **os.environ,
            "SAMPLE_LOG": str(log),
            "RACKHARNESS_TARGET_URL": "http://127.0.0.1:9",
            "RACKHARNESS_STATE_DIR": str(self.workdir / "no-rack"),
            **(extra_env or {}),
        }
        for key in ("SAMPLE_FAIL", "SAMPLE_SKIP"):
            if key not in (extra_env or {}):
                env.pop(key, None)
        argv = ["-c", str(config), "--no-user-config", "-s", str(SAMPLES / sample), "-t", str(SAMPLES / sample), *args]
        boot = prelude + "\nimport sys, nose2\nsys.argv = ['nose2'] + sys.argv[1:]\nnose2.discover()\n"
        completed = subprocess.run(
            [sys.executable, "-c", boot, *argv], cwd=self.workdir, env=env, capture_output=True, text=True, timeout=120
        )
        return Run(completed, log, self.workdir)


class OrderTest(PluginTestCase):
    def test_runs_in_dependency_order_with_cleanup_last(self):
        run = self.nose2("chain")
        self.assertEqual(run.code, 0, run)
        self.assertEqual(
            run.order, ["first.write_b", "first.write_a", "second.function", "third.zeta", "unrelated", "cleanup"], run
        )
        self.assertIn("nose2: 6 passed, 0 failed, 0 skipped", run.err, run)

    def test_group_selection_takes_dependencies_and_final_groups_only(self):
        run = self.nose2("chain", "--group", "second")
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.order, ["first.write_b", "first.write_a", "second.function", "cleanup"], run)

    def test_unittest_testcase_classes_are_ordered_and_plain_tests_kept(self):
        run = self.nose2("unittest_style")
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.order, ["earlier", "later", "plain"], run)
        selected = self.nose2("unittest_style", "--group", "earlier")
        self.assertEqual(selected.order, ["earlier"], selected)


class PrerequisiteTest(PluginTestCase):
    def test_failed_prerequisite_skips_dependents_with_the_reason(self):
        run = self.nose2("chain", "-v", extra_env={"SAMPLE_FAIL": "first.write_b"})
        self.assertEqual(run.code, 1, run)
        # write_a is in the same class but does not depend on write_b: it runs, and errors on the missing state
        self.assertEqual(run.order, ["first.write_b", "unrelated", "cleanup"], run)
        self.assertIn("suite_chain.First.write_a\nReads what write_b stored on the shared instance. ... ERROR", run.err)
        self.assertIn("... skipped prerequisite suite_chain.First.write_b failed", run.err, run)
        self.assertIn("nose2: 2 passed, 2 failed, 2 skipped", run.err, run)

    def test_skipped_prerequisite_skips_dependents_too(self):
        run = self.nose2("chain", "-v", extra_env={"SAMPLE_SKIP": "second.function"})
        self.assertEqual(run.code, 0, run)
        self.assertIn(
            "prerequisite suite_chain.second_function was skipped (second.function skips on purpose)", run.err, run
        )
        self.assertNotIn("third.zeta", run.order)

    def test_unittest_class_prerequisite_failure_skips_dependent_class(self):
        run = self.nose2("unittest_style", "-v", extra_env={"SAMPLE_FAIL": "earlier"})
        self.assertEqual(run.code, 1, run)
        self.assertEqual(run.order, ["earlier", "plain"], run)
        self.assertIn("prerequisite suite_unittest_style.EarlierCase failed", run.err, run)


class PlanErrorTest(PluginTestCase):
    def test_glued_group_names_fail_the_run_naming_the_group_and_line(self):
        run = self.nose2("glued")
        self.assertEqual(run.code, 2, run)
        self.assertIn("suite_glued.py:16: suite_glued.workflows: depends_on_groups names group 'nodesobms'", run.err)
        self.assertIn('a missing comma makes ["nodes" "obms"]', run.err)
        self.assertNotIn("Traceback", run.err)
        self.assertEqual(run.order, [])

    def test_unknown_selected_group_is_a_usage_error(self):
        run = self.nose2("chain", "--group", "secnod")
        self.assertEqual(run.code, 2, run)
        self.assertIn("--group secnod: no such group (did you mean 'second'?)", run.err)
        self.assertNotIn("Traceback", run.err)

    def test_zero_tests_fails_the_run(self):
        run = self.nose2("empty")
        self.assertEqual(run.code, 1, run)
        self.assertIn("no test ran to a pass or fail", run.err, run)

    def test_all_skipped_fails_the_run(self):
        run = self.nose2("chain", "--group", "unrelated", extra_env={"SAMPLE_SKIP": "unrelated"})
        # cleanup still passes, so something was decided: the run passes
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.order, ["unrelated", "cleanup"], run)

    def test_missing_rack_is_reported_before_any_test(self):
        env = {"RACKHARNESS_TARGET_URL": ""}
        run = self.nose2("chain", extra_env=env)
        self.assertEqual(run.code, 2, run)
        self.assertIn("no rack is up", run.err)
        self.assertIn("--rack-config", run.err)
        self.assertEqual(run.order, [])


class ShowPlanTest(PluginTestCase):
    def test_show_plan_lists_the_order_and_runs_nothing(self):
        run = self.nose2("chain", "--show-plan")
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.order, [])
        lines = [line for line in run.out.splitlines() if line.strip()[:1].isdigit()]
        self.assertEqual(
            [line.split()[-1] for line in lines][:3],
            ["suite_chain.First.write_b", "suite_chain.First.write_a", "suite_chain.second_function"],
            run.out,
        )
        self.assertIn("needs groups: first", run.out)
        self.assertIn("[always runs]", run.out)
        self.assertIn("Test plan: 6 test(s), every group", run.out)

    def test_show_plan_needs_no_rack(self):
        run = self.nose2("chain", "--show-plan", "--group", "third", extra_env={"RACKHARNESS_TARGET_URL": ""})
        self.assertEqual(run.code, 0, run)
        self.assertIn("Test plan: 5 test(s), groups third and what they depend on", run.out)


class JunitTest(PluginTestCase):
    def test_junit_xml_records_passes_failures_and_dependency_skips(self):
        run = self.nose2(
            "chain",
            "--junit-xml",
            "--junit-xml-path",
            str(self.workdir / "junit.xml"),
            extra_env={"SAMPLE_FAIL": "second.function"},
        )
        self.assertEqual(run.code, 1, run)
        suite = ET.parse(self.workdir / "junit.xml").getroot()
        self.assertEqual((suite.get("tests"), suite.get("failures"), suite.get("skipped")), ("6", "1", "1"))
        cases = {case.get("name"): case for case in suite.iter("testcase")}
        self.assertIsNotNone(cases["zeta"].find("skipped"))
        self.assertIn("prerequisite suite_chain.second_function failed", cases["zeta"].find("skipped").get("message"))
        self.assertIsNotNone(cases["second_function"].find("failure"))


class PythonCompatibilityTest(PluginTestCase):
    def test_runs_where_imp_does_not_exist(self):
        run = self.nose2("chain", prelude=HIDE_IMP)
        self.assertEqual(run.code, 0, run)
        self.assertEqual(len(run.order), 6, run)

    def test_runs_where_unittest_has_no_text_test_result_alias(self):
        run = self.nose2("chain", prelude=HIDE_IMP + HIDE_TEXT_TEST_RESULT)
        self.assertEqual(run.code, 0, run)
        self.assertEqual(len(run.order), 6, run)

    def test_runs_with_a_broken_nose_1x_installed(self):
        fake = self.workdir / "site" / "nose"
        fake.mkdir(parents=True)
        (fake / "__init__.py").write_text("import collections\ncollections.Callable  # nose 1.3.7 on 3.10+\n")
        run = self.nose2("chain", extra_env={"PYTHONPATH": str(fake.parent)})
        self.assertEqual(run.code, 0, run)
        self.assertEqual(len(run.order), 6, run)

    def test_the_guard_leaves_no_stand_in_behind(self):
        code = (
            HIDE_IMP
            + HIDE_TEXT_TEST_RESULT
            + textwrap.dedent("""
            import importlib, sys, unittest
            from rackharness.suite.decorators import test
            import proboscis.compatability as compat, proboscis.dependencies as deps
            assert "imp" not in sys.modules, "a stand-in imp stayed in sys.modules"
            assert not hasattr(unittest, "_TextTestResult"), "the unittest._TextTestResult alias stayed"
            assert "nose" not in sys.modules, "nose stayed hidden"
            assert compat.reload is importlib.reload
            assert deps.use_nose is False
            print("ok")
        """)
        )
        completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        self.assertEqual((completed.returncode, completed.stdout.strip()), (0, "ok"), completed.stderr)
