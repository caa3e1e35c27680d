"""The tape file (rackharness.tapes.tape): round trip, diff-friendly JSON, atomic writes, clear load errors."""

from __future__ import annotations

import json
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from rackharness.errors import UsageError
from rackharness.tapes import tape as tape_module
from rackharness.tapes.tape import FORMAT, SESSION, Tape, file_name, load


def sample() -> Tape:
    tape = Tape(
        {
            "test": "tests.rackhd.test_nodes.Nodes.create",
            "system": "reference",
            "mode": "all",
            "recorded_at": "2026-12-03T12:00:00.000+00:00",
            "note": "ünïcode",
        }
    )
    tape.append(
        {
            "seam": "http_out",
            "kind": "call",
            "channel": "api",
            "at": 0.0,
            "request": {"method": "GET", "path": "/api/2.0/nodes", "query": [], "body": None},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"json": [{"id": "5f0c3b2a9d1e8a0011223344"}]},
            },
        }
    )
    tape.append(
        {
            "seam": "amqp",
            "kind": "delivery",
            "channel": "amq.gen-abc",
            "at": 0.4,
            "message": {"exchange": "on.events", "routing_key": "node.added", "body": {"z": 1, "a": 2}},
        }
    )
    return tape


class TempDirTest(unittest.TestCase):
    def setUp(self):
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.dir = Path(temp.name)


class AppendTest(unittest.TestCase):
    def test_append_numbers_interactions_in_order(self):
        tape = sample()
        self.assertEqual([i["seq"] for i in tape.interactions], [0, 1])
        added = tape.append({"kind": "call"})
        self.assertEqual(added, {"seq": 2, "kind": "call"})
        self.assertIs(tape.interactions[-1], added)

    def test_test_name_from_header(self):
        self.assertEqual(sample().test, "tests.rackhd.test_nodes.Nodes.create")
        self.assertEqual(Tape({}).test, "?")


class SaveLoadTest(TempDirTest):
    def test_round_trip(self):
        tape = sample()
        path = tape.save(self.dir / "sub" / "t.json")
        self.assertEqual(path, self.dir / "sub" / "t.json")
        self.assertEqual(tape.path, path)
        back = load(path)
        self.assertEqual(back.header, tape.header)
        self.assertEqual(back.interactions, tape.interactions)
        self.assertEqual(back.path, path)
        self.assertEqual(back.to_json(), tape.to_json())

    def test_save_to_own_path(self):
        tape = sample()
        tape.path = self.dir / "own.json"
        self.assertEqual(tape.save(), self.dir / "own.json")
        self.assertTrue((self.dir / "own.json").is_file())

    def test_diff_friendly_json(self):
        path = sample().save(self.dir / "t.json")
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        self.assertEqual(data["format"], FORMAT)
        self.assertEqual(text, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        self.assertTrue(text.endswith("}\n"))
        self.assertIn('\n  "format": "rackharness-tape/1",\n', text)  # two-space indents
        self.assertLess(text.index('"header"'), text.index('"interactions"'))
        self.assertLess(text.index('"mode"'), text.index('"note"'))  # keys sorted
        self.assertLess(text.index('"note"'), text.index('"recorded_at"'))
        self.assertIn("ünïcode", text)  # readable, not \u-escaped
        # one value a line: a changed value is a one-line diff
        self.assertIn('\n        "routing_key": "node.added"\n', text)

    def test_save_is_atomic(self):
        path = self.dir / "t.json"
        old = sample()
        old.save(path)
        old_text = path.read_text(encoding="utf-8")
        new = sample()
        new.header["mode"] = "new_episodes"
        seen = {}
        real_replace = os.replace

        def checking_replace(source, destination):
            # when the new tape goes in: it is complete next to the target, the target still the old tape
            seen["source"], seen["destination"] = Path(source), Path(destination)
            seen["source_text"] = Path(source).read_text(encoding="utf-8")
            seen["destination_text"] = Path(destination).read_text(encoding="utf-8")
            return real_replace(source, destination)

        with mock.patch.object(tape_module.os, "replace", side_effect=checking_replace):
            new.save(path)
        self.assertEqual(seen["destination"], path)
        self.assertEqual(seen["source"].parent, path.parent)
        self.assertEqual(seen["source_text"], new.to_json())
        self.assertEqual(seen["destination_text"], old_text)
        self.assertEqual(path.read_text(encoding="utf-8"), new.to_json())
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["t.json"])

    def test_failed_save_leaves_the_old_tape_and_no_temp_file(self):
        path = self.dir / "t.json"
        sample().save(path)
        before = path.read_text(encoding="utf-8")
        broken = sample()
        broken.interactions.append({"seq": 2, "response": object()})  # not JSON
        with self.assertRaises(TypeError):
            broken.save(path)
        self.assertEqual(path.read_text(encoding="utf-8"), before)
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["t.json"])
        with mock.patch.object(tape_module.os, "replace", side_effect=OSError("disk full")):
            with self.assertRaises(OSError):
                sample().save(path)
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["t.json"])


class LoadErrorsTest(TempDirTest):
    def write(self, text: str) -> Path:
        path = self.dir / "bad.json"
        path.write_text(text, encoding="utf-8")
        return path

    def test_not_json_names_path_and_line(self):
        path = self.write('{\n  "format": "rackharness-tape/1",\n  "header": {,\n}\n')
        with self.assertRaises(UsageError) as caught:
            load(path)
        self.assertIn(f"{path}:3: not a tape (not JSON", caught.exception.message)
        self.assertIn("re-record", caught.exception.hint)
        self.assertEqual(caught.exception.exit_code, 2)

    def test_wrong_format(self):
        path = self.write(json.dumps({"format": "rackharness-calls/1", "entries": []}))
        with self.assertRaises(UsageError) as caught:
            load(path)
        self.assertIn(f"{path}: not a rackharness-tape/1 tape (format: 'rackharness-calls/1')", str(caught.exception))

    def test_not_an_object(self):
        with self.assertRaises(UsageError) as caught:
            load(self.write("[1, 2]"))
        self.assertIn("(format: 'list')", str(caught.exception))

    def test_missing_header_or_interactions(self):
        for data in (
            {"format": FORMAT, "interactions": []},
            {"format": FORMAT, "header": {}},
            {"format": FORMAT, "header": [], "interactions": []},
            {"format": FORMAT, "header": {}, "interactions": {}},
        ):
            with self.subTest(data=data):
                with self.assertRaises(UsageError) as caught:
                    load(self.write(json.dumps(data)))
                self.assertIn("a tape needs a 'header' object and an 'interactions' list", str(caught.exception))

    def test_missing_file(self):
        with self.assertRaises(UsageError) as caught:
            load(self.dir / "nope.json")
        self.assertIn(f"cannot read tape {self.dir / 'nope.json'}", str(caught.exception))


class FileNameTest(unittest.TestCase):
    def test_session(self):
        self.assertEqual(file_name(SESSION), "_session.json")

    def test_test_id_kept_when_safe(self):
        self.assertEqual(
            file_name("tests.rackhd.test_nodes.Nodes.test_create"), "tests.rackhd.test_nodes.Nodes.test_create.json"
        )
        self.assertEqual(file_name("a-b_c.d"), "a-b_c.d.json")

    def test_unsafe_characters_replaced(self):
        self.assertEqual(
            file_name("tests.x.T.test_p (value=1, other='/etc')"), "tests.x.T.test_p_value_1_other_etc.json"
        )
        self.assertEqual(file_name("../../etc/passwd"), "etc_passwd.json")
        self.assertNotIn("/", file_name("a/b\\c"))

    def test_nothing_left_is_test(self):
        self.assertEqual(file_name("..."), "test.json")
        self.assertEqual(file_name(""), "test.json")


if __name__ == "__main__":
    unittest.main()
