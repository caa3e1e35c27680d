"""rackharness.diff.exchanges: a tape set or a capture file read as the exchanges the suite made, in order."""

from __future__ import annotations

import gzip
import json
import tempfile
import unittest
from pathlib import Path

from rackharness.diff.exchanges import Event, Exchange, read_answers, read_capture, read_tape_set
from rackharness.errors import UsageError
from rackharness.tapes.tape import SESSION, Tape, file_name

JSON = {"Content-Type": "application/json; charset=utf-8"}


def call(method, path, status=200, body=None, *, channel="api", query=(), request_body=None, raw_body=None):
    response = {
        "status": status,
        "headers": dict(JSON),
        "body": raw_body if raw_body is not None else ({"json": body} if body is not None else None),
    }
    return {
        "seam": "http_out",
        "kind": "call",
        "channel": channel,
        "request": {
            "method": method,
            "path": path,
            "query": [list(q) for q in query],
            "body": request_body,
            "url": "http://10.0.0.2:9090" + path,
            "headers": {},
        },
        "response": response,
    }


def capture_line(via, method, path, status=200, body=None, kind="http"):
    return {
        "kind": kind,
        "via": via,
        "method": method,
        "path": path,
        "request": {"headers": {}, "body": None},
        "response": {"status": status, "headers": dict(JSON), "body": body},
    }


class TempDirTest(unittest.TestCase):
    def setUp(self):
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.dir = Path(temp.name)


class TapeSetTest(TempDirTest):
    def make_set(self) -> Path:
        tapes = self.dir / "set"
        session = Tape({"test": SESSION, "session": {}}, [call("GET", "/api/2.0/config", body={"session": 1})])
        session.save(tapes / file_name(SESSION))
        # file names sort the other way round from the order the tests ran in: recorded_at decides
        Tape(
            {"test": "tests.rackhd.test_a.A.second", "recorded_at": "2026-12-03T12:00:05+00:00"},
            [call("DELETE", "/api/2.0/nodes/5f1c9a3b2e4d6f7a8b9c0d1e", 204)],
        ).save(tapes / file_name("tests.rackhd.test_a.A.second"))
        Tape(
            {"test": "tests.rackhd.test_b.B.first", "recorded_at": "2026-12-03T12:00:01+00:00"},
            [
                call("GET", "/api/2.0/nodes", body=[{"id": "5f1c9a3b2e4d6f7a8b9c0d1e"}], query=[("sort", "name")]),
                {
                    "seam": "amqp",
                    "kind": "delivery",
                    "channel": "amq.gen-x",
                    "message": {"exchange": "on.events", "routing_key": "node.added", "body": {}},
                },
                {**call("GET", "/api/2.0/unreachable"), "response": {"unreachable": "connection refused"}},
                {**call("GET", "/api/2.0/delivered"), "kind": "delivery"},
                {**call("GET", "/mongo", body={}), "seam": "mongo"},
                call("POST", "/login", 200, {"token": "t"}, channel="auth", request_body={"username": "admin"}),
                call("GET", "/api/2.0/files/x", 200, raw_body={"text": "plain words"}),
            ],
        ).save(tapes / file_name("tests.rackhd.test_b.B.first"))
        return tapes

    def test_its_amqp_deliveries_are_its_events(self):
        self.assertEqual(read_tape_set(self.make_set()).events, [Event("on.events", "node.added", {})])

    def test_http_calls_with_a_status_in_test_order(self):
        exchanges = read_tape_set(self.make_set()).exchanges
        self.assertEqual(
            [(e.test, e.channel, e.method, e.path) for e in exchanges],
            [
                ("tests.rackhd.test_b.B.first", "api", "GET", "/api/2.0/nodes"),
                ("tests.rackhd.test_b.B.first", "auth", "POST", "/login"),
                ("tests.rackhd.test_b.B.first", "api", "GET", "/api/2.0/files/x"),
                ("tests.rackhd.test_a.A.second", "api", "DELETE", "/api/2.0/nodes/5f1c9a3b2e4d6f7a8b9c0d1e"),
            ],
        )

    def test_fields_of_an_exchange(self):
        first, login, text, delete = read_tape_set(self.make_set()).exchanges
        self.assertEqual(
            first,
            Exchange(
                "api",
                "GET",
                "/api/2.0/nodes",
                (("sort", "name"),),
                None,
                200,
                JSON,
                [{"id": "5f1c9a3b2e4d6f7a8b9c0d1e"}],
                "tests.rackhd.test_b.B.first",
            ),
        )
        self.assertEqual(login.request_body, {"username": "admin"})
        self.assertEqual(login.body, {"token": "t"}, "the tape's {'json': ...} is unwrapped")
        self.assertEqual(text.body, "plain words", "a text body is the text")
        self.assertEqual((delete.status, delete.body), (204, None))

    def test_a_directory_without_a_session_tape_is_not_a_set(self):
        (self.dir / "x.json").write_text("{}")
        with self.assertRaises(UsageError) as caught:
            read_tape_set(self.dir).exchanges
        self.assertIn("is not a tape set (no _session.json)", caught.exception.message)


class CaptureTest(TempDirTest):
    LINES = [
        capture_line("24080", "get", "/api/2.0/nodes?x=1&y=&x=2", body=[{"id": "a"}]),
        {"kind": "amqp", "via": "24080", "exchange": "on.events", "routing_key": "node.added", "body": {}},
        capture_line("24030", "GET", "/api/common/nodes", body=[]),
        capture_line(24443, "POST", "/login", body={"token": "t"}),
        capture_line("9090", "GET", "/elsewhere", body={}),
        capture_line("24080", "DELETE", "/api/2.0/nodes/a", status=204),
    ]

    def write(self, name: str, lines: list, *, gz: bool = False, raw: str = "") -> Path:
        path = self.dir / name
        text = "".join(json.dumps(line) + "\n" for line in lines) + raw
        if gz:
            with gzip.open(path, "wt", encoding="utf-8") as out:
                out.write(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def expected(self):
        return [
            Exchange(
                "api", "GET", "/api/2.0/nodes", (("x", "1"), ("y", ""), ("x", "2")), None, 200, JSON, [{"id": "a"}]
            ),
            Exchange("auth", "POST", "/login", (), None, 200, JSON, {"token": "t"}),
            Exchange("api", "DELETE", "/api/2.0/nodes/a", (), None, 204, JSON, None),
        ]

    def test_jsonl_by_port(self):
        self.assertEqual(read_capture(self.write("run.jsonl", self.LINES, raw="\n  \n")).exchanges, self.expected())

    def test_gzipped(self):
        self.assertEqual(read_capture(self.write("run.jsonl.gz", self.LINES, gz=True)).exchanges, self.expected())

    def test_other_ports(self):
        exchanges = read_capture(self.write("run.jsonl", self.LINES), api_port="9090", auth_port="24030").exchanges
        self.assertEqual(
            [(e.channel, e.path) for e in exchanges], [("auth", "/api/common/nodes"), ("api", "/elsewhere")]
        )

    def test_a_bad_line_names_the_file_and_line(self):
        path = self.write("run.jsonl", self.LINES[:2], raw="{not json\n")
        with self.assertRaises(UsageError) as caught:
            read_capture(path).exchanges
        self.assertIn(f"{path}:3: not a JSON line", caught.exception.message)
        self.assertEqual(caught.exception.exit_code, 2)

    def test_no_exchange_through_the_ports_names_them(self):
        path = self.write("run.jsonl", self.LINES[1:3])
        with self.assertRaises(UsageError) as caught:
            read_capture(path, api_port="18080", auth_port="18443").exchanges
        self.assertIn(f"{path}: no HTTP exchange through port 18080 or 18443", caught.exception.message)
        self.assertIn("--api-port", caught.exception.hint)


class LoadAnswersTest(TempDirTest):
    def test_a_directory_is_a_tape_set_and_a_file_a_capture(self):
        Tape({"test": SESSION}).save(self.dir / "set" / file_name(SESSION))
        Tape({"test": "t.a.b", "recorded_at": "1"}, [call("GET", "/x", body={})]).save(self.dir / "set" / "t.json")
        self.assertEqual([e.path for e in read_answers(self.dir / "set").exchanges], ["/x"])
        capture = self.dir / "run.jsonl"
        capture.write_text(json.dumps(capture_line("1234", "GET", "/y", body={})) + "\n")
        self.assertEqual([e.path for e in read_answers(capture, api_port="1234", auth_port="1").exchanges], ["/y"])

    def test_a_missing_path(self):
        missing = self.dir / "nowhere.jsonl.gz"
        with self.assertRaises(UsageError) as caught:
            read_answers(missing).exchanges
        self.assertIn(f"{missing}: no such tape set or capture file", caught.exception.message)


if __name__ == "__main__":
    unittest.main()


class CaptureEventsTest(TempDirTest):
    def test_the_amqp_lines_of_a_capture_are_its_events(self):
        path = self.dir / "suite-run.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as out:
            for record in (
                capture_line("24080", "GET", "/api/2.0/nodes", body=[]),
                {
                    "kind": "amqp",
                    "t": 1.0,
                    "exchange": "on.events",
                    "routing_key": "node.added.x",
                    "body": {"data": {}},
                },
            ):
                out.write(json.dumps(record) + "\n")
        self.assertEqual(read_capture(path).events, [Event("on.events", "node.added.x", {"data": {}})])
