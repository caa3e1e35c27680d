"""The pytest plugin, run for real: ``python -m pytest`` in a subprocess on the sample suites of sample_suites.py."""

from __future__ import annotations

import http.server
import threading
import unittest

from tests.unit.pytest_plugin.sample_suites import (
    BROKEN,
    CHAIN,
    EMPTY,
    GLUED,
    KNOWN,
    KNOWN_YAML,
    NO_PROBOSCIS_CHECK,
    PLAIN,
    UNITTEST_STYLE,
    SampleSuiteTestCase,
)

PLAN_ORDER = [
    "test_sample_chain.First.write_b",
    "test_sample_chain.First.write_a",
    "test_sample_chain.second",
    "test_sample_chain.third",
    "test_sample_chain.unrelated",
    "test_sample_chain.cleanup",
]


class OrderTest(SampleSuiteTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.write(test_sample_chain=CHAIN, test_plain=PLAIN)

    def test_runs_the_plan_in_dependency_order_with_cleanup_last_then_other_tests(self):
        run = self.pytest(autoload=True)
        self.assertEqual(run.code, 0, run)
        self.assertEqual(
            run.order, ["first.write_b", "first.write_a", "second", "third", "unrelated", "cleanup", "plain"], run
        )
        self.assertEqual(run.ids, PLAN_ORDER + ["test_plain.test_plain"], run)
        self.assertIn("7 passed", run.out, run)

    def test_the_decorator_and_the_decorated_are_not_collected_by_pytest(self):
        run = self.pytest("--collect-only", "-q", autoload=True)
        self.assertEqual(run.code, 0, run)
        listed = [line for line in run.out.splitlines() if "::" in line]
        self.assertEqual(
            listed,
            [
                "test_sample_chain.py::First::write_b",
                "test_sample_chain.py::First::write_a",
                "test_sample_chain.py::second",
                "test_sample_chain.py::third",
                "test_sample_chain.py::unrelated",
                "test_sample_chain.py::cleanup",
                "test_plain.py::test_plain",
            ],
            run,
        )
        self.assertNotIn("::test\n", run.out + "\n")
        self.assertIn("7 tests collected", run.out, run)
        self.assertEqual(run.order, [], "collecting runs nothing")

    def test_group_selection_takes_dependencies_and_final_groups_only(self):
        run = self.pytest("--group", "second")
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.order, ["first.write_b", "first.write_a", "second", "cleanup"], run)
        self.assertIn("4 passed, 1 deselected", run.out, run)

    def test_another_plugins_reordering_does_not_change_the_plan_order(self):
        self.write(conftest="def pytest_collection_modifyitems(items):\n    items.reverse()\n")
        run = self.pytest()
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.ids, PLAN_ORDER + ["test_plain.test_plain"], run)

    def test_k_runs_exactly_what_it_matches_without_dependencies(self):
        run = self.pytest("-k", "second")
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.order, ["second"], run)
        self.assertIn("1 passed, 6 deselected", run.out, run)

    def test_unknown_group_is_a_usage_error_before_any_test(self):
        run = self.pytest("--group", "secnod")
        self.assertEqual(run.code, 2, run)
        self.assertIn("--group secnod: no such group (did you mean 'second'?)", run.out + run.err)
        self.assertEqual(run.order, [])


class PrerequisiteTest(SampleSuiteTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.write(test_sample_chain=CHAIN)

    def test_a_failed_prerequisite_skips_its_dependents_with_the_reason(self):
        run = self.pytest(extra_env={"SAMPLE_FAIL": "first.write_b"})
        self.assertEqual(run.code, 1, run)
        # write_a is in the same class but does not depend on write_b: it runs, and errors on the missing state
        self.assertEqual(run.order, ["first.write_b", "unrelated", "cleanup"], run)
        self.assertEqual(
            run.outcome("test_sample_chain.First.write_b"),
            ("failure", "AssertionError: first.write_b fails on purpose"),
        )
        self.assertEqual(
            run.outcome("test_sample_chain.second"), ("skipped", "prerequisite test_sample_chain.First.write_b failed")
        )
        self.assertEqual(run.outcome("test_sample_chain.third")[0], "skipped")
        self.assertIn("2 failed, 2 passed, 2 skipped", run.out, run)

    def test_a_failure_shows_the_tests_own_frames_in_short(self):
        run = self.pytest(extra_env={"SAMPLE_FAIL": "first.write_b"})
        self.assertIn("test_sample_chain.py:", run.out)
        self.assertIn("E   AssertionError: first.write_b fails on purpose", run.out, run)
        for machinery in ("unittest/case.py", "proboscis", "rackharness/suite/cases.py", "_pytest/runner.py"):
            self.assertNotIn(machinery, run.out, run)

    def test_a_skipped_prerequisite_skips_its_dependents_too(self):
        run = self.pytest("-rs", extra_env={"SAMPLE_SKIP": "second"})
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outcome("test_sample_chain.second"), ("skipped", "second skips on purpose"))
        self.assertEqual(
            run.outcome("test_sample_chain.third"),
            ("skipped", "prerequisite test_sample_chain.second was skipped (second skips on purpose)"),
        )
        self.assertNotIn("third", run.order)


class UnittestStyleTest(SampleSuiteTestCase):
    def test_unittest_classes_keep_their_ids_order_and_class_fixture(self):
        self.write(test_sample_unittest=UNITTEST_STYLE)
        run = self.pytest()
        self.assertEqual(run.code, 0, run)
        self.assertEqual(
            run.ids,
            [
                "test_sample_unittest.EarlierCase.test_one",
                "test_sample_unittest.EarlierCase.test_two",
                "test_sample_unittest.LaterCase.test_later",
            ],
            run,
        )
        self.assertEqual(run.order, ["earlier.setUpClass", "earlier.one", "earlier.two", "later"], run)


class ShowPlanTest(SampleSuiteTestCase):
    def test_show_plan_prints_the_order_runs_nothing_and_needs_no_rack(self):
        self.write(test_sample_chain=CHAIN, test_plain=PLAIN)
        run = self.pytest("--show-plan", extra_env={"RACKHARNESS_TARGET_URL": ""})
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.order, [])
        self.assertIn("Test plan: 6 test(s), every group, in run order:", run.out, run)
        numbered = [line.split("] ", 1)[1].split()[0] for line in run.out.splitlines() if line.strip()[:1].isdigit()]
        self.assertEqual(numbered[:6], PLAN_ORDER[:5] + ["test_sample_chain.cleanup"], run)
        self.assertIn("needs groups: first", run.out)
        self.assertIn("then 1 test(s) outside proboscis: test_plain.py::test_plain", run.out)
        self.assertNotIn("passed", run.out)


class RunFailsWithoutVerdictTest(SampleSuiteTestCase):
    def test_zero_tests_fails_the_run_and_says_why(self):
        self.write(test_sample_empty=EMPTY)
        run = self.pytest()
        self.assertEqual(run.code, 1, run)
        self.assertIn("rackharness: no test ran to a pass or fail", run.out, run)

    def test_everything_deselected_fails_the_run(self):
        self.write(test_sample_chain=CHAIN)
        run = self.pytest("-k", "no_test_is_called_this")
        self.assertEqual(run.code, 1, run)
        self.assertIn("rackharness: no test ran to a pass or fail", run.out, run)

    def test_everything_skipped_fails_the_run(self):
        self.write(test_sample_chain=CHAIN)
        run = self.pytest("-k", "unrelated", extra_env={"SAMPLE_SKIP": "unrelated"})
        self.assertEqual((run.code, run.order), (1, ["unrelated"]), run)
        self.assertIn("no test ran to a pass or fail", run.out, run)

    def test_no_rack_ends_the_run_before_any_test_with_the_error_and_its_hint(self):
        self.write(test_sample_chain=CHAIN)
        run = self.pytest(extra_env={"RACKHARNESS_TARGET_URL": ""})
        self.assertEqual(run.code, 2, run)
        self.assertIn("rackharness: error: no rack is up", run.out + run.err, run)
        self.assertIn("Hint: ", run.out + run.err, run)
        self.assertEqual(run.order, [])
        self.assertNotIn(" passed", run.out, run)

    def test_a_plan_error_ends_the_run_naming_the_line(self):
        self.write(test_sample_glued=GLUED)
        run = self.pytest()
        self.assertEqual(run.code, 2, run)
        self.assertIn("test_sample_glued.workflows: depends_on_groups names group 'nodesobms'", run.out + run.err)

    def test_a_module_that_does_not_import_fails_the_run(self):
        self.write(test_sample_chain=CHAIN, test_sample_broken=BROKEN)
        run = self.pytest()
        self.assertEqual(run.code, 2, run)
        self.assertIn("No module named 'no_such_module_anywhere'", run.out, run)
        self.assertEqual(run.order, [], "a broken suite runs nothing")

    def test_a_suite_whose_only_module_does_not_import_fails_the_run(self):
        self.write(test_sample_broken=BROKEN)
        run = self.pytest()
        self.assertEqual(run.code, 2, run)
        self.assertIn("1 error", run.out, run)

    def test_a_bad_record_mode_is_a_usage_error(self):
        self.write(test_sample_chain=CHAIN)
        run = self.pytest("--record-mode", "sometimes")
        self.assertEqual(run.code, 2, run)
        self.assertIn("rackharness: error: --record-mode='sometimes' is not a record mode", run.err, run)


class OtherTestsTest(SampleSuiteTestCase):
    def test_a_run_without_a_suite_is_left_to_pytest(self):
        self.write(test_plain=PLAIN, conftest=NO_PROBOSCIS_CHECK)
        run = self.pytest(autoload=True)
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.order, ["plain", "proboscis imported: False"], run)
        self.assertIn("1 passed", run.out)
        self.assertIn("plugins: rackharness", run.out, "the plugin is loaded ...")
        self.assertNotIn("rackharness:", run.out, "... and says nothing")


class _RackHDStub(http.server.BaseHTTPRequestHandler):
    """Answers every GET with ``{}`` and no X-Rackharness-Target header: a RackHD, as identify() sees it."""

    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


class KnownDifferencesTest(SampleSuiteTestCase):
    def run_known(self, version: str, **env: str):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RackHDStub)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.write(test_sample_known=KNOWN)
        (self.workdir / "known.yaml").write_text(KNOWN_YAML, encoding="utf-8")
        return self.pytest(
            "--known-differences",
            "known.yaml",
            extra_env={
                "RACKHARNESS_TARGET_URL": f"http://127.0.0.1:{server.server_address[1]}",
                "RACKHARNESS_SUITE_RACKHD_VERSION": version,
                **env,
            },
        )

    def test_against_a_listed_rackhd_a_known_difference_is_an_expected_failure(self):
        run = self.run_known("2.60.7", SAMPLE_FIXED="1")
        self.assertEqual(run.code, 0, run)
        self.assertEqual(
            run.outcome("test_sample_known.Known.differs"),
            ("xfailed", "known difference of RackHD 2.60.7: answers 200 where its spec documents 201"),
        )
        self.assertEqual(run.outcome("test_sample_known.Known.fixed")[0], "passed")
        self.assertIn(
            "rackharness: known differences of RackHD 2.60.7: 1 seen (expected failures, not counted as "
            "failed), 1 no longer seen",
            run.out,
            run,
        )
        self.assertIn("known difference no longer seen: test_sample_known.Known.fixed passes", run.out)

    def test_another_version_is_not_marked(self):
        run = self.run_known("2.61.0")
        self.assertEqual(run.code, 1, run)
        self.assertEqual(run.outcome("test_sample_known.Known.differs")[0], "failure")
        self.assertIn("no known difference of known.yaml applies", run.out, run)
        self.assertNotIn("xfail", run.out)

    def test_a_bad_file_ends_the_run_with_exit_2(self):
        self.write(test_sample_known=KNOWN)
        (self.workdir / "known.yaml").write_text(
            "version: 1\ndifferences:\n  - test: a.b\n    rackhd: []\n", encoding="utf-8"
        )
        run = self.pytest("--known-differences", "known.yaml")
        self.assertEqual(run.code, 2, run)
        self.assertIn("known differences known.yaml", run.out + run.err, run)
        self.assertEqual(run.order, [])


if __name__ == "__main__":
    unittest.main()
