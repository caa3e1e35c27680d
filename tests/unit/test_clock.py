"""The clock seam (rackharness.clock): the real clock, the virtual clock of a replay, switching between them."""

from __future__ import annotations

import threading
import time
import unittest

from rackharness import clock
from rackharness.errors import ReadinessTimeout
from rackharness.wait import Condition


class ClockTestCase(unittest.TestCase):
    def setUp(self):
        # every test starts and must end on the real clock (a leaked virtual clock would freeze other tests)
        self.assertIs(clock.current(), clock.REAL)
        self.addCleanup(self._back_to_real)

    def _back_to_real(self):
        leaked = clock.current()
        clock.install(clock.REAL)
        self.assertIs(leaked, clock.REAL, "a test left a non-real clock installed")


class RealClockTest(ClockTestCase):
    def test_time_and_monotonic_follow_the_system(self):
        real = clock.RealClock()
        self.assertAlmostEqual(real.time(), time.time(), delta=1.0)
        before = time.monotonic()
        self.assertGreaterEqual(real.monotonic(), before)

    def test_sleep_waits_and_a_negative_sleep_returns_at_once(self):
        real = clock.RealClock()
        started = time.monotonic()
        real.sleep(0.05)
        self.assertGreaterEqual(time.monotonic() - started, 0.045)
        started = time.monotonic()
        real.sleep(-10)
        self.assertLess(time.monotonic() - started, 0.5)

    def test_default_clock_is_real(self):
        self.assertIsInstance(clock.current(), clock.RealClock)
        self.assertAlmostEqual(clock.now(), time.time(), delta=1.0)
        self.assertEqual(repr(clock.REAL), "RealClock()")


class VirtualClockTest(ClockTestCase):
    def test_starts_at_start(self):
        virtual = clock.VirtualClock(1_700_000_000.0)
        self.assertEqual(virtual.time(), 1_700_000_000.0)
        self.assertEqual(virtual.monotonic(), 0.0)

    def test_sleep_advances_without_wall_time(self):
        virtual = clock.VirtualClock(1000.0)
        started = time.monotonic()
        virtual.sleep(3600)
        virtual.sleep(0.5)
        self.assertLess(time.monotonic() - started, 0.5)
        self.assertEqual(virtual.monotonic(), 3600.5)
        self.assertEqual(virtual.time(), 4600.5)

    def test_negative_sleep_does_not_go_back(self):
        virtual = clock.VirtualClock(0.0)
        virtual.sleep(5)
        virtual.sleep(-3)
        self.assertEqual(virtual.monotonic(), 5.0)

    def test_advance_to_never_goes_back(self):
        virtual = clock.VirtualClock(100.0)
        virtual.advance_to(10)
        self.assertEqual(virtual.monotonic(), 10.0)
        self.assertEqual(virtual.time(), 110.0)
        virtual.advance_to(4)
        self.assertEqual(virtual.monotonic(), 10.0)
        virtual.sleep(1)
        virtual.advance_to(10.5)
        self.assertEqual(virtual.monotonic(), 11.0)

    def test_sleeps_from_many_threads_all_count(self):
        virtual = clock.VirtualClock(0.0)

        def sleeper():
            for _ in range(500):
                virtual.sleep(1)

        threads = [threading.Thread(target=sleeper) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(virtual.monotonic(), 4000.0)

    def test_repr_shows_start_and_elapsed(self):
        virtual = clock.VirtualClock(12.0)
        virtual.sleep(1.5)
        self.assertEqual(repr(virtual), "VirtualClock(start=12.000, elapsed=1.500)")


class SwitchingTest(ClockTestCase):
    def test_use_makes_the_clock_current_for_the_block(self):
        virtual = clock.VirtualClock(500.0)
        with clock.use(virtual) as used:
            self.assertIs(used, virtual)
            self.assertIs(clock.current(), virtual)
            self.assertEqual(clock.now(), 500.0)
            clock.sleep(20)
            self.assertEqual(clock.monotonic(), 20.0)
            self.assertEqual(clock.now(), 520.0)
        self.assertIs(clock.current(), clock.REAL)

    def test_use_restores_after_an_exception(self):
        with self.assertRaises(RuntimeError):
            with clock.use(clock.VirtualClock(0.0)):
                raise RuntimeError("boom")
        self.assertIs(clock.current(), clock.REAL)

    def test_nested_use_restores_the_outer_clock(self):
        outer, inner = clock.VirtualClock(1.0), clock.VirtualClock(2.0)
        with clock.use(outer):
            with clock.use(inner):
                self.assertIs(clock.current(), inner)
            self.assertIs(clock.current(), outer)
        self.assertIs(clock.current(), clock.REAL)

    def test_install_returns_the_previous_clock(self):
        virtual = clock.VirtualClock(0.0)
        previous = clock.install(virtual)
        try:
            self.assertIs(previous, clock.REAL)
            self.assertIs(clock.current(), virtual)
            clock.sleep(7)
            self.assertEqual(virtual.monotonic(), 7.0)
        finally:
            back = clock.install(previous)
        self.assertIs(back, virtual)
        self.assertIs(clock.current(), clock.REAL)


class WaitOnTheClockTest(ClockTestCase):
    def test_condition_times_out_on_the_virtual_clock_without_wall_time(self):
        virtual = clock.VirtualClock(1_700_000_000.0)
        polls = []
        condition = Condition(
            probe=lambda: polls.append(1) or False, what="a thing that never comes", timeout=30, interval=0.5
        )
        started = time.monotonic()
        with clock.use(virtual):
            with self.assertRaises(ReadinessTimeout) as caught:
                condition.wait()
        self.assertLess(time.monotonic() - started, 1.0, "a 30 s wait on the virtual clock took wall time")
        self.assertGreaterEqual(virtual.monotonic(), 30.0)
        self.assertLess(virtual.monotonic(), 31.0)
        self.assertEqual(len(polls), 61)  # at 0, 0.5, ..., 30
        self.assertIn("timed out after 30s waiting for a thing that never comes", str(caught.exception))

    def test_condition_passes_when_the_virtual_clock_reaches_it(self):
        virtual = clock.VirtualClock(0.0)
        condition = Condition(probe=lambda: clock.monotonic() >= 12, what="twelve seconds", timeout=30, interval=1)
        with clock.use(virtual):
            seen = condition.wait()
        self.assertTrue(seen.ready)
        self.assertEqual(virtual.monotonic(), 12.0)

    def test_condition_on_the_real_clock_takes_wall_time(self):
        condition = Condition(probe=lambda: False, what="nothing", timeout=0.2, interval=0.05)
        started = time.monotonic()
        with self.assertRaises(ReadinessTimeout):
            condition.wait()
        self.assertGreaterEqual(time.monotonic() - started, 0.19)


if __name__ == "__main__":
    unittest.main()
