"""``rackharness tapes``: promote, import, check, list (rackharness.cli.tapes through rackharness.cli.main.main)."""

from __future__ import annotations

import base64
import contextlib
import io
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from rackharness.cli.main import main
from rackharness.tapes.tape import Tape, file_name, load
from rackharness.tapes.values import decode
from tests.support.jwt_tokens import sign, verify

REPO = Path(__file__).resolve().parents[3]
FAKE_CONFIG = "fixtures/tapes/fake-config.yaml"  # relative: the command runs in the repository
SET = "rackhd-9.9.9-unit"
BMC_PW, API_PW, TOKEN_SECRET, AMQP_PW = "BmcPw-one", "ApiPw-123", "TokSecret-1", "AmqpPw-42"
PLACEHOLDERS = {"bmc": "rh-tape-bmc-password", "api": "rh-tape-api-password", "token": "rh-tape-token-signing-secret"}
TEST_A = "tests.rackhd.test_auth.Auth.login_returns_a_jwt"
TEST_B = "tests.rackhd.test_obms.Obms.create"


TOKEN = sign({"user": "admin", "iat": 1796299200, "exp": 1796385600}, TOKEN_SECRET)


def session_header(system: str = SET) -> dict:
    return {
        "test": "(session)",
        "system": system,
        "target": "RackHD 9.9.9",
        "mode": "all",
        "recorded_at": "2026-12-03T12:00:00+00:00",
        "session": {
            "run_id": "3f2a1c",
            "system_under_test": {
                "api_url": "http://10.0.0.2:9090",
                "amqp_url": f"amqp://rackhd:{AMQP_PW}@10.0.0.2:5672/%2F",
                "mongo_url": "mongodb://10.0.0.2:27017",
                "database": "pxe",
                "auth": {
                    "url": "https://10.0.0.2:9093",
                    "user": "admin",
                    "password": API_PW,
                    "token_secret": TOKEN_SECRET,
                    "token_expire": 86400,
                },
                "nodes": [
                    {
                        "name": "node-01",
                        "macs": ["52:54:00:aa:bb:01"],
                        "bmc": {"host": "10.0.0.5", "port": 623, "user": "admin", "password": BMC_PW},
                    }
                ],
            },
        },
    }


def write_set(directory: Path, *, leak: bool = False, system: str = SET) -> Path:
    """A recorded set: the session tape and two test tapes holding the run's secrets (and a leak if asked)."""
    Tape(session_header(system)).save(directory / "_session.json")
    login = Tape({"test": TEST_A, "mode": "all", "recorded_at": "2026-12-03T12:00:01+00:00"})
    login.append(
        {
            "seam": "http_out",
            "kind": "call",
            "channel": "auth",
            "at": 0.1,
            "request": {
                "method": "POST",
                "path": "/login",
                "query": [],
                "url": "https://10.0.0.2:9093/login",
                "body": {"username": "admin", "password": API_PW},
                "headers": {},
            },
            "response": {"status": 200, "headers": {}, "body": {"json": {"token": TOKEN}}},
        }
    )
    login.append(
        {
            "seam": "http_out",
            "kind": "call",
            "channel": "auth",
            "at": 0.2,
            "request": {
                "method": "GET",
                "path": "/api/2.0/nodes",
                "query": [],
                "body": None,
                "url": "https://10.0.0.2:9093/api/2.0/nodes",
                "headers": {"Authorization": f"JWT {TOKEN}"},
            },
            "response": {"status": 200, "headers": {}, "body": {"json": []}},
        }
    )
    login.save(directory / file_name(TEST_A))
    obm = Tape({"test": TEST_B, "mode": "all", "recorded_at": "2026-12-03T12:00:02+00:00"})
    basic = base64.b64encode(f"admin:{BMC_PW}".encode()).decode()
    obm.append(
        {
            "seam": "http_out",
            "kind": "call",
            "channel": "api",
            "at": 0.1,
            "request": {
                "method": "PUT",
                "path": "/api/2.0/nodes/n1/obm",
                "query": [],
                "url": "http://x",
                "body": {
                    "service": "ipmi-obm-service",
                    "config": {"host": "10.0.0.5", "user": "admin", "password": BMC_PW},
                },
                "headers": {"Authorization": "Bearer 9f8e7d6c5b4a39281716" if leak else f"Basic {basic}"},
            },
            "response": {"status": 201, "headers": {}, "body": {"text": f"ipmitool -P {BMC_PW} chassis status"}},
        }
    )
    obm.append(
        {
            "seam": "ipmi",
            "kind": "call",
            "channel": "bmc",
            "at": 0.2,
            "request": {"bmc": "10.0.0.5:623", "user": "admin", "what": "set user password"},
            "response": {
                "calls": [
                    {
                        "name": "ipmi.raw_command",
                        "kind": "call",
                        "kwargs": {},
                        "result": {},
                        "args": [6, 71, {"$base64": base64.b64encode(f"admin:{BMC_PW}".encode()).decode()}],
                    }
                ]
            },
        }
    )
    obm.save(directory / file_name(TEST_B))
    return directory


class TapesCommandTest(unittest.TestCase):
    def setUp(self):
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.dir = Path(temp.name)
        self.record_dir, self.tapes_dir = self.dir / "recorded", self.dir / "promoted"
        cwd = os.getcwd()
        os.chdir(REPO)
        self.addCleanup(os.chdir, cwd)
        environ = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
        patcher = mock.patch.dict(os.environ, environ, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.assertFalse((REPO / "fixtures" / "tapes" / SET).exists())
        self.addCleanup(self._nothing_in_fixtures)

    def _nothing_in_fixtures(self):
        for name in (SET, "rackhd-2.60.7-unit", "renamed-unit"):
            self.assertFalse((REPO / "fixtures" / "tapes" / name).exists(), f"a test wrote fixtures/tapes/{name}")

    def tapes(self, *args: str) -> tuple[int, str, str]:
        """``rackharness tapes <args>`` with this test's dirs and secrets; (exit code, stdout, stderr)."""
        verb, *rest = args
        argv = [
            "tapes",
            "--state-dir",
            str(self.dir / "state"),
            "--set",
            f"tapes.record_dir={self.record_dir}",
            "--set",
            f"tapes.dir={self.tapes_dir}",
            "--set",
            f"tapes.set={SET}",
            "--set",
            f"bmc.password={BMC_PW}",
            "--set",
            f"target.auth_password={API_PW}",
            "--set",
            f"target.auth_token_secret={TOKEN_SECRET}",
            verb,
            *rest,
        ]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        return code, out.getvalue(), err.getvalue()

    def assertNoSecret(self, text: str):
        for secret in (BMC_PW, API_PW, TOKEN_SECRET, AMQP_PW, TOKEN, base64.b64encode(BMC_PW.encode()).decode()[:8]):
            self.assertNotIn(secret, text)


class PromoteTest(TapesCommandTest):
    def test_promote_scrubs_into_tapes_dir_and_removes_the_recording(self):
        write_set(self.record_dir / SET)
        code, out, err = self.tapes("promote", "--fake-config", FAKE_CONFIG)
        self.assertEqual(code, 0, err)
        destination = self.tapes_dir / SET
        self.assertIn(f"promoted 3 tape(s) of set {SET} to {destination} (0 replaced)", out)
        self.assertIn("bmc.password", out)
        self.assertIn("target.auth_password", out)
        self.assertFalse((self.record_dir / SET).exists(), "the recording is gone")
        self.assertEqual(
            sorted(p.name for p in destination.iterdir()),
            sorted(["_session.json", file_name(TEST_A), file_name(TEST_B)]),
        )

        texts = {p.name: p.read_text(encoding="utf-8") for p in destination.iterdir()}
        for name, text in texts.items():
            with self.subTest(tape=name):
                self.assertNoSecret(text)
                load(destination / name)  # still a tape
        sut = load(destination / "_session.json").header["session"]["system_under_test"]
        self.assertEqual(sut["auth"]["password"], PLACEHOLDERS["api"])
        self.assertEqual(sut["auth"]["token_secret"], PLACEHOLDERS["token"])
        self.assertEqual(sut["nodes"][0]["bmc"]["password"], PLACEHOLDERS["bmc"])
        self.assertNotIn(AMQP_PW, sut["amqp_url"])

        login = load(destination / file_name(TEST_A)).interactions
        self.assertEqual(login[0]["request"]["body"]["password"], PLACEHOLDERS["api"])
        token = login[0]["response"]["body"]["json"]["token"]
        self.assertEqual(verify(token, PLACEHOLDERS["token"])["user"], "admin", "re-signed with the placeholder")
        self.assertEqual(login[1]["request"]["headers"]["Authorization"], f"JWT {token}")

        obm = load(destination / file_name(TEST_B)).interactions[0]
        self.assertEqual(obm["request"]["body"]["config"]["password"], PLACEHOLDERS["bmc"])
        scheme, credential = obm["request"]["headers"]["Authorization"].split()
        self.assertEqual((scheme, base64.b64decode(credential).decode()), ("Basic", f"admin:{PLACEHOLDERS['bmc']}"))
        self.assertEqual(obm["response"]["body"]["text"], f"ipmitool -P {PLACEHOLDERS['bmc']} chassis status")
        ipmi = load(destination / file_name(TEST_B)).interactions[1]
        raw = decode(ipmi["response"]["calls"][0]["args"][2])  # valid base64 still: a replay decodes it
        self.assertEqual(raw, f"admin:{PLACEHOLDERS['bmc']}".encode())

    def test_promote_replaces_the_tapes_of_the_same_tests(self):
        write_set(self.record_dir / SET)
        self.assertEqual(self.tapes("promote", "--fake-config", FAKE_CONFIG, "--keep")[0], 0)
        self.assertTrue((self.record_dir / SET / "_session.json").is_file(), "--keep keeps the recording")
        Tape({"test": "tests.old.Old.test_kept"}).save(self.tapes_dir / SET / "tests.old.Old.test_kept.json")
        code, out, err = self.tapes("promote", "--fake-config", FAKE_CONFIG, "--tape-set", SET)
        self.assertEqual(code, 0, err)
        self.assertIn("(3 replaced)", out)
        self.assertTrue((self.tapes_dir / SET / "tests.old.Old.test_kept.json").is_file())

    def test_a_leaking_set_is_refused_and_nothing_is_written(self):
        write_set(self.record_dir / SET, leak=True)
        before = {p.name: p.read_text() for p in (self.record_dir / SET).iterdir()}
        code, _, err = self.tapes("promote", "--fake-config", FAKE_CONFIG)
        self.assertEqual(code, 2)
        self.assertIn("secret(s) or token(s) would remain after scrubbing; nothing was written", err)
        self.assertIn(
            f"{file_name(TEST_B)}: interactions[0].request.headers.Authorization: a token-like string (bearer)", err
        )
        self.assertIn("rackharness tapes check", err)
        self.assertNotIn("9f8e7d6c5b4a39281716", err, "a leak is named, never shown")
        self.assertFalse((self.tapes_dir / SET).exists(), "nothing written")
        self.assertEqual(
            {p.name: p.read_text() for p in (self.record_dir / SET).iterdir()},
            before,
            "the recording is kept as it was",
        )

    def test_nothing_recorded(self):
        code, _, err = self.tapes("promote", "--fake-config", FAKE_CONFIG)
        self.assertEqual(code, 2)
        self.assertIn(f"nothing recorded in {self.record_dir}", err)

    def test_unknown_set_lists_the_recorded_ones(self):
        write_set(self.record_dir / SET)
        code, _, err = self.tapes("promote", "--fake-config", FAKE_CONFIG, "--tape-set", "lab-rackhd-1.0")
        self.assertEqual(code, 2)
        self.assertIn(f"no recorded tape set 'lab-rackhd-1.0' in {self.record_dir} (recorded: {SET})", err)

    def test_missing_fake_config(self):
        write_set(self.record_dir / SET)
        code, _, err = self.tapes("promote", "--fake-config", str(self.dir / "nope.yaml"))
        self.assertEqual(code, 2)
        self.assertIn("no fake config at", err)
        self.assertTrue((self.record_dir / SET / "_session.json").is_file())


class CheckTest(TapesCommandTest):
    def test_check_a_leaking_set_exits_1(self):
        leaking = write_set(self.dir / "leaking", leak=True)
        code, out, _ = self.tapes("check", str(leaking), "--fake-config", FAKE_CONFIG)
        self.assertEqual(code, 1)
        self.assertIn("a token-like string (bearer)", out)
        self.assertIn("the bmc.password secret", out)
        self.assertIn(f"{leaking}: ", out)
        self.assertIn("leak(s)", out)
        self.assertNoSecret(out)

    def test_check_a_promoted_set_exits_0(self):
        write_set(self.record_dir / SET)
        self.assertEqual(self.tapes("promote", "--fake-config", FAKE_CONFIG)[0], 0)
        code, out, _ = self.tapes("check", "--fake-config", FAKE_CONFIG)  # default: tapes.dir/tapes.set
        self.assertEqual(code, 0, out)
        self.assertIn(f"{self.tapes_dir / SET}: no known secret and no token", out)

    def test_check_a_dir_that_is_not_a_set(self):
        code, _, err = self.tapes("check", str(self.dir), "--fake-config", FAKE_CONFIG)
        self.assertEqual(code, 2)
        self.assertIn("is not a tape set (no _session.json)", err)


class ImportTest(TapesCommandTest):
    def test_import_keeps_the_source_and_names_the_set_by_its_system(self):
        source = write_set(self.dir / "shared" / "rackhd-tapes", system="rackhd-2.60.7-unit")
        before = {p.name: p.read_text() for p in source.iterdir()}
        code, out, err = self.tapes("import", str(source), "--fake-config", FAKE_CONFIG)
        self.assertEqual(code, 0, err)
        destination = self.tapes_dir / "rackhd-2.60.7-unit"
        self.assertIn(f"imported 3 tape(s) of set rackhd-2.60.7-unit to {destination}", out)
        self.assertEqual({p.name: p.read_text() for p in source.iterdir()}, before, "the source is kept")
        self.assertEqual(len(list(destination.glob("*.json"))), 3)
        for path in destination.iterdir():
            self.assertNoSecret(path.read_text())

    def test_import_under_another_name(self):
        source = write_set(self.dir / "shared" / "x")
        code, _, err = self.tapes("import", str(source), "--tape-set", "renamed-unit", "--fake-config", FAKE_CONFIG)
        self.assertEqual(code, 0, err)
        self.assertTrue((self.tapes_dir / "renamed-unit" / "_session.json").is_file())

    def test_import_of_a_set_naming_no_usable_system(self):
        source = write_set(self.dir / "shared" / "x", system="../escape")
        code, _, err = self.tapes("import", str(source), "--fake-config", FAKE_CONFIG)
        self.assertEqual(code, 2)
        self.assertIn("names no usable system ('../escape')", err)
        self.assertIn("--tape-set", err)
        self.assertFalse(self.tapes_dir.exists())

    def test_import_of_a_leaking_set_writes_nothing(self):
        source = write_set(self.dir / "shared" / "x", leak=True)
        code, _, err = self.tapes("import", str(source), "--fake-config", FAKE_CONFIG)
        self.assertEqual(code, 2)
        self.assertIn("nothing was written", err)
        self.assertFalse((self.tapes_dir / SET).exists())


class ListTest(TapesCommandTest):
    def test_list_shows_recorded_and_promoted_sets(self):
        code, out, _ = self.tapes("list")
        self.assertEqual(code, 0)
        self.assertIn(f"recorded ({self.record_dir}): none", out)
        self.assertIn(f"promoted ({self.tapes_dir}): none", out)
        self.assertIn(f"RACKHARNESS_RECORD_MODE=none replays: {SET}", out)

        write_set(self.record_dir / SET)
        (self.record_dir / "not-a-set").mkdir()
        Tape(session_header("other")).save(self.tapes_dir / "other-unit" / "_session.json")
        code, out, _ = self.tapes("list")
        self.assertEqual(code, 0)
        self.assertIn(f"recorded ({self.record_dir}): {SET} (3 tapes)", out)
        self.assertIn(f"promoted ({self.tapes_dir}): other-unit (1 tapes)", out)
        self.assertNotIn("not-a-set", out)


if __name__ == "__main__":
    unittest.main()
