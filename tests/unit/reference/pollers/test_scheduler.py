"""The poller scheduler: due order, rescheduling by the run's answer, cancel and PATCH during a run,
a failing run, and the real thread (woken by a condition, stopped by stop())."""

import threading
import unittest

from rackharness.reference.pollers.scheduler import RETRY_AFTER_BUG, Scheduler


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class TickedSchedulerTest(unittest.TestCase):
    def setUp(self):
        self.clock = FakeClock()
        self.runs = []
        self.answers = {}  # key -> delay the run returns (default 5 s)
        self.during = {}  # key -> callable run inside the run
        self.scheduler = Scheduler(self.job, clock=self.clock)

    def job(self, key):
        self.runs.append((key, self.clock.now))
        if key in self.during:
            self.during.pop(key)()
        answer = self.answers.get(key, 5.0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def test_due_keys_run_in_due_order_and_not_before(self):
        self.scheduler.schedule("b", 2)
        self.scheduler.schedule("a", 1)
        self.assertEqual(self.scheduler.tick(), [])
        self.clock.now += 2
        self.assertEqual(self.scheduler.tick(), ["a", "b"])

    def test_the_runs_answer_is_its_next_run(self):
        self.answers = {"a": 3.0, "b": None}
        self.scheduler.schedule("a")
        self.scheduler.schedule("b")
        self.scheduler.tick()
        self.assertEqual(self.scheduler.due_times(), {"a": 103.0}, "None stops b")
        self.clock.now = 102.9
        self.assertEqual(self.scheduler.tick(), [])
        self.clock.now = 103.0
        self.assertEqual(self.scheduler.tick(), ["a"])

    def test_rescheduling_replaces_the_due_time(self):
        self.scheduler.schedule("a", 10)
        self.scheduler.schedule("a", 1)
        self.clock.now += 1
        self.assertEqual(self.scheduler.tick(), ["a"])
        self.clock.now += 20
        self.assertEqual(self.scheduler.tick(), ["a"], "the replaced 10 s entry does not run it twice")

    def test_cancel_before_and_during_a_run(self):
        self.scheduler.schedule("a")
        self.scheduler.cancel("a")
        self.assertEqual(self.scheduler.tick(), [])
        self.scheduler.schedule("b")
        self.during["b"] = lambda: self.scheduler.cancel("b")
        self.scheduler.tick()
        self.assertEqual(self.scheduler.due_times(), {}, "cancelled while running: not rescheduled")

    def test_schedule_during_a_run_takes_effect_after_it_sooner_wins(self):
        self.scheduler.schedule("a")
        self.during["a"] = lambda: self.scheduler.schedule("a", 1)  # a PATCH while it polls
        self.scheduler.tick()
        self.assertEqual(self.scheduler.due_times(), {"a": 101.0})
        self.assertFalse(self.scheduler.is_running("a"))

    def test_a_run_that_raises_is_retried_later(self):
        self.answers["a"] = RuntimeError("bug")
        self.scheduler.schedule("a")
        with self.assertLogs("rackharness.reference.pollers.scheduler", "ERROR"):
            self.scheduler.tick()
        self.assertEqual(self.scheduler.due_times(), {"a": 100.0 + RETRY_AFTER_BUG})

    def test_needs_a_worker(self):
        with self.assertRaises(ValueError):
            Scheduler(self.job, workers=0)


class ThreadedSchedulerTest(unittest.TestCase):
    def test_runs_on_its_thread_until_stopped(self):
        seen, lock = {}, threading.Lock()
        done = threading.Event()

        def run(key):
            with lock:
                seen[key] = seen.get(key, 0) + 1
                if sum(seen.values()) >= 6:
                    done.set()
            return 0.01

        scheduler = Scheduler(run, workers=2).start()
        self.addCleanup(scheduler.stop)
        for key in ("a", "b", "c"):
            scheduler.schedule(key, 0.01)
        self.assertTrue(done.wait(5), f"runs so far: {seen}")
        scheduler.stop()
        alive = [t.name for t in threading.enumerate() if t.name == "rackharness-pollers"]
        self.assertEqual(alive, [], "stop() ends the scheduler thread")

    def test_a_new_entry_wakes_a_waiting_scheduler(self):
        ran = threading.Event()
        scheduler = Scheduler(lambda key: (ran.set(), None)[1]).start()
        self.addCleanup(scheduler.stop)
        scheduler.schedule("far", 3600)
        scheduler.schedule("now")  # must not wait behind the hour-long entry
        self.assertTrue(ran.wait(5))


if __name__ == "__main__":
    unittest.main()
