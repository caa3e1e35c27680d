import tempfile
import unittest
from pathlib import Path

from rackharness.errors import ReadinessTimeout
from rackharness.wait import Condition, Observation


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class WaitStrategyTest(unittest.TestCase):
    def test_ready_after_some_polls(self):
        clock = FakeClock()
        values = iter([False, False, True])
        seen = Condition(
            probe=lambda: next(values), what="x", timeout=5, interval=1, clock=clock, sleep=clock.sleep
        ).wait()
        self.assertTrue(seen.ready)
        self.assertEqual(clock.now, 2)

    def test_timeout_reports_last_observation_log_and_hint(self):
        clock = FakeClock()
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as log:
            log.write("line one\nbroker said no\n")
        strategy = Condition(
            probe=lambda: Observation(False, "port 1 closed"),
            what="the broker",
            timeout=3,
            interval=1,
            hint="check the port",
            log_file=Path(log.name),
            clock=clock,
            sleep=clock.sleep,
        )
        with self.assertRaises(ReadinessTimeout) as ctx:
            strategy.wait()
        text = str(ctx.exception)
        self.assertIn("timed out after 3s waiting for the broker (4 polls); last observed: port 1 closed", text)
        self.assertIn("broker said no", text)
        self.assertIn("Hint: check the port", text)

    def test_transient_exceptions_are_observations(self):
        clock = FakeClock()

        def probe():
            raise ConnectionRefusedError("refused")

        with self.assertRaisesRegex(ReadinessTimeout, "ConnectionRefusedError: refused"):
            Condition(probe=probe, timeout=1, interval=1, clock=clock, sleep=clock.sleep).wait()

    def test_dead_process_fails_at_once(self):
        clock = FakeClock()
        with self.assertRaisesRegex(ReadinessTimeout, "the process exited while waiting for x"):
            Condition(
                probe=lambda: False,
                what="x",
                timeout=100,
                interval=1,
                is_alive=lambda: False,
                clock=clock,
                sleep=clock.sleep,
            ).wait()
        self.assertEqual(clock.now, 0)
