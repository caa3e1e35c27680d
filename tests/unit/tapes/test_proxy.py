"""Record/replay proxies for what the harness asks of the OS: recorded for real, replayed from JSON."""

import base64
import json
import os
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from rackharness.errors import RackHarnessError, UsageError
from rackharness.tapes.proxy import CallLog, RecordingProxy, ReplayMismatch, ReplayProxy, proxied
from rackharness.tapes.values import RecordedError, RecordedObject


class ProxyTestCase(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)
        self.path = self.dir / "calls.json"

    def record(self, target, name, steps):
        """Run ``steps(proxy)`` against the real ``target``, save the log, and return what steps returned."""
        log = CallLog()
        out = steps(RecordingProxy(target, log, name))
        log.save(self.path)
        return out

    def replay(self, name):
        return ReplayProxy(CallLog.load(self.path), name)


class SubprocessTest(ProxyTestCase):
    def record_two_printfs(self):
        def steps(sp):
            return [sp.run(["printf", "a"], capture_output=True), sp.run(["printf", "b"], capture_output=True)]

        return self.record(subprocess, "subprocess", steps)

    def test_recording_returns_the_real_results(self):
        first, second = self.record_two_printfs()
        self.assertIsInstance(first, subprocess.CompletedProcess)
        self.assertEqual((first.returncode, first.stdout, second.stdout), (0, b"a", b"b"))

    def test_replay_answers_in_order_then_runs_out(self):
        self.record_two_printfs()
        sp = self.replay("subprocess")
        first = sp.run(["printf", "a"], capture_output=True)
        second = sp.run(["printf", "b"], capture_output=True)
        self.assertIsInstance(first, RecordedObject)
        self.assertEqual((first.returncode, first.stdout, first.stderr), (0, b"a", b""))
        self.assertEqual((second.returncode, second.stdout), (0, b"b"))
        with self.assertRaises(ReplayMismatch) as ctx:
            sp.run(["printf", "c"], capture_output=True)
        message = str(ctx.exception)
        self.assertIn("subprocess.run called a 3rd time; the log has 2", message)
        self.assertIn(str(self.path), message)

    def test_different_arguments_are_a_mismatch_with_a_diff(self):
        self.record_two_printfs()
        sp = self.replay("subprocess")
        sp.run(["printf", "a"], capture_output=True)
        with self.assertRaises(ReplayMismatch) as ctx:
            sp.run(["printf", "z"], capture_output=False)
        message = str(ctx.exception)
        self.assertIn("subprocess.run: the 2nd call differs", message)
        self.assertIn("called:   subprocess.run(['printf', 'z'], capture_output=False)", message)
        self.assertIn("recorded: subprocess.run(['printf', 'b'], capture_output=True)", message)
        self.assertIn('-      "b"', message)
        self.assertIn('+      "z"', message)
        self.assertIn('-    "capture_output": true', message)
        self.assertIn('+    "capture_output": false', message)
        # the mismatch consumed nothing: the right call still gets its answer
        self.assertEqual(sp.run(["printf", "b"], capture_output=True).stdout, b"b")

    def test_mismatch_is_an_assertion_and_a_harness_error(self):
        self.assertTrue(issubclass(ReplayMismatch, AssertionError))
        self.assertTrue(issubclass(ReplayMismatch, RackHarnessError))

    def test_hand_edited_result_is_what_replay_returns(self):
        self.record_two_printfs()
        data = json.loads(self.path.read_text())
        attrs = data["entries"][0]["result"]["attrs"]
        self.assertEqual(attrs["stdout"], {"$base64": base64.b64encode(b"a").decode()})
        attrs["stdout"] = {"$base64": base64.b64encode(b"edited").decode()}
        attrs["returncode"] = 3
        self.path.write_text(json.dumps(data, indent=2))
        result = self.replay("subprocess").run(["printf", "a"], capture_output=True)
        self.assertEqual((result.returncode, result.stdout), (3, b"edited"))

    def test_builtin_exception_replays_as_itself(self):
        def steps(sp):
            with self.assertRaises(FileNotFoundError) as ctx:
                sp.run(["/nonexistent-binary-xyz"])
            return str(ctx.exception)

        real_message = self.record(subprocess, "subprocess", steps)
        self.assertIn("/nonexistent-binary-xyz", real_message)
        with self.assertRaises(FileNotFoundError) as ctx:
            self.replay("subprocess").run(["/nonexistent-binary-xyz"])
        self.assertEqual(str(ctx.exception), real_message)

    def test_other_exception_replays_as_recorded_error(self):
        def steps(sp):
            with self.assertRaises(subprocess.CalledProcessError):
                sp.run(["false"], check=True)

        self.record(subprocess, "subprocess", steps)
        with self.assertRaises(RecordedError) as ctx:
            self.replay("subprocess").run(["false"], check=True)
        self.assertEqual(ctx.exception.type_name, "CalledProcessError")
        self.assertIn("returned non-zero exit status 1", str(ctx.exception))

    def test_unused_lists_what_was_not_consumed(self):
        self.record_two_printfs()
        sp = self.replay("subprocess")
        self.assertEqual(len(sp.unused()), 2)
        sp.run(["printf", "a"], capture_output=True)
        unused = sp.unused()
        self.assertEqual([(e["name"], e["args"]) for e in unused], [("subprocess.run", [["printf", "b"]])])
        sp.run(["printf", "b"], capture_output=True)
        self.assertEqual(sp.unused(), [])

    def test_something_never_recorded_is_a_mismatch(self):
        self.record_two_printfs()
        with self.assertRaises(ReplayMismatch) as ctx:
            self.replay("subprocess").check_output(["ls"])
        self.assertIn("subprocess.check_output was never used", str(ctx.exception))


class OsAndTimeTest(ProxyTestCase):
    def test_nested_module_call_recorded_and_replayed(self):
        here, missing = self.dir / "here", str(self.dir / "missing")
        here.touch()
        got = self.record(os, "os", lambda o: (o.path.exists(str(here)), o.path.exists(missing)))
        self.assertEqual(got, (True, False))
        entry = json.loads(self.path.read_text())["entries"][0]
        self.assertEqual((entry["name"], entry["kind"], entry["args"]), ("os.path.exists", "call", [str(here)]))
        here.unlink()  # the system changed; replay answers what was recorded
        replay = self.replay("os")
        self.assertEqual((replay.path.exists(str(here)), replay.path.exists(missing)), (True, False))

    def test_time_recorded_twice_replays_both_in_order(self):
        def steps(t):
            first = t.time()
            time.sleep(0.01)
            return first, t.time()

        first, second = self.record(time, "time", steps)
        self.assertLess(first, second)
        replay = self.replay("time")
        self.assertEqual((replay.time(), replay.time()), (first, second))

    def test_plain_attribute_recorded_and_replayed(self):
        self.assertEqual(self.record(os, "os", lambda o: o.sep), os.sep)
        entry = json.loads(self.path.read_text())["entries"][0]
        self.assertEqual((entry["name"], entry["kind"], entry["result"]), ("os.sep", "attr", os.sep))
        replay = self.replay("os")
        self.assertEqual(replay.sep, os.sep)
        with self.assertRaises(ReplayMismatch) as ctx:
            replay.sep
        self.assertIn("os.sep read a 2nd time; the log has 1", str(ctx.exception))

    def test_missing_attribute_replays_as_attribute_error(self):
        self.assertFalse(self.record(os, "os", lambda o: hasattr(o, "no_such_thing_xyz")))
        self.assertFalse(hasattr(self.replay("os"), "no_such_thing_xyz"))


class FileTest(ProxyTestCase):
    def test_saved_file_is_sorted_indented_and_complete(self):
        self.record(os, "os", lambda o: o.getcwd())
        text = self.path.read_text()
        self.assertTrue(text.endswith("}\n"))
        data = json.loads(text)
        self.assertEqual(text, json.dumps(data, indent=2, sort_keys=True) + "\n")
        self.assertEqual(data["format"], "rackharness-calls/1")
        self.assertEqual(
            data["entries"], [{"name": "os.getcwd", "kind": "call", "args": [], "kwargs": {}, "result": os.getcwd()}]
        )
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["calls.json"])  # no temp file left

    def test_not_json_names_the_path_and_line(self):
        self.path.write_text('{"format": "rackharness-calls/1",\n  "entries": [\n')
        with self.assertRaises(UsageError) as ctx:
            CallLog.load(self.path)
        self.assertIn(f"{self.path}:3: not a call log", str(ctx.exception))
        self.assertEqual(ctx.exception.exit_code, 2)

    def test_wrong_format_names_the_path(self):
        self.path.write_text(json.dumps({"format": "rackharness-tape/1", "entries": []}))
        with self.assertRaises(UsageError) as ctx:
            CallLog.load(self.path)
        self.assertIn(str(self.path), str(ctx.exception))
        self.assertIn("'rackharness-tape/1'", str(ctx.exception))

    def test_bad_entry_names_the_path_and_entry(self):
        self.path.write_text(json.dumps({"format": "rackharness-calls/1", "entries": [{"name": "x", "kind": "?"}]}))
        with self.assertRaises(UsageError) as ctx:
            CallLog.load(self.path)
        self.assertIn(f"{self.path}: entry 0", str(ctx.exception))

    def test_missing_file_names_the_path(self):
        with self.assertRaises(UsageError) as ctx:
            CallLog.load(self.path)
        self.assertIn(str(self.path), str(ctx.exception))


class ProxiedTest(ProxyTestCase):
    def test_record_then_replay(self):
        with proxied(subprocess, self.path, record=True, name="subprocess") as sp:
            self.assertIsInstance(sp, RecordingProxy)
            self.assertEqual(sp.run(["printf", "x"], capture_output=True).stdout, b"x")
        self.assertTrue(self.path.exists())
        with proxied(None, self.path, record=False, name="subprocess") as sp:
            self.assertIsInstance(sp, ReplayProxy)
            self.assertEqual(sp.run(["printf", "x"], capture_output=True).stdout, b"x")
            self.assertEqual(sp.unused(), [])

    def test_a_block_that_raises_saves_nothing(self):
        with self.assertRaises(RuntimeError):
            with proxied(subprocess, self.path, record=True, name="subprocess") as sp:
                sp.run(["printf", "x"], capture_output=True)
                raise RuntimeError("test failed")
        self.assertFalse(self.path.exists())

    def test_replaying_a_missing_recording_is_a_usage_error(self):
        with self.assertRaises(UsageError):
            with proxied(subprocess, self.path, record=False, name="subprocess"):
                self.fail("the block must not run")


if __name__ == "__main__":
    unittest.main()
