"""The failure-summary nose2 plugin, run for real on the sample suites: short on screen, whole in the log."""

from __future__ import annotations

from tests.unit.nose2.test_groups import SAMPLES, PluginTestCase


class FailureSummaryTest(PluginTestCase):
    def run_chain(self, *args: str):
        config = SAMPLES / "nose2-failures.cfg"
        run = self.nose2("chain", *args, extra_env={"SAMPLE_FAIL": "first.write_b"}, config=config)
        self.assertEqual(run.code, 1, run)
        return run

    def test_failures_are_short_on_screen_and_whole_in_the_log(self):
        run = self.run_chain()
        self.assertNotIn("Traceback", run.err, run)
        self.assertIn("AssertionError: first.write_b fails on purpose", run.err, run)
        self.assertRegex(run.err, r"at suite_chain\.py:\d+ in ran", run)
        self.assertIn("full tracebacks are in nose2-failures.log", run.err, run)
        log = (run.workdir / "nose2-failures.log").read_text(encoding="utf-8")
        self.assertIn("Traceback (most recent call last)", log)
        self.assertIn("suite_chain.First.write_b", log)
        self.assertIn("first.write_b fails on purpose", log)

    def test_skips_are_counted_by_their_root_cause(self):
        run = self.run_chain()
        # second.function: its prerequisite failed; third.zeta: its prerequisite was skipped for that failure
        self.assertIn(
            "skipped 2 test(s), by cause:\n     2  prerequisite suite_chain.First.write_b failed", run.err, run
        )

    def test_full_tracebacks_on_request(self):
        run = self.run_chain("--full-tracebacks")
        self.assertIn("Traceback (most recent call last)", run.err, run)
        self.assertFalse((run.workdir / "nose2-failures.log").exists())
