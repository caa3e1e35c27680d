"""A fuzz of config and inventory files: whatever a file holds, reading it ends in a value or a clear error.

Several hundred generated files (seeded, so a failure is repeatable): random bytes, Latin-1 text,
control characters, deep nesting in flow and block style, duplicate keys, aliases and merge keys,
tags, huge and non-finite numbers, random mappings of known and unknown keys, and mutations of the
shipped examples. Each must load or raise ConfigError (exit 2) naming the file — never another
exception. A sample also goes through the real CLI: exit 2, no traceback, the file named.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from rackharness.config.loader import load_config
from rackharness.config.schema import SETTINGS
from rackharness.errors import ConfigError
from rackharness.inventory import load_inventory

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = [REPO / "physical" / "example-lab.yaml", REPO / "physical" / "local-rack.yaml"]
SEED = 20261203
SCALARS = [
    "1",
    "-1",
    "0",
    "nan",
    ".inf",
    "-.inf",
    "1e400",
    "99999999999999999999999",
    "true",
    "~",
    "''",
    '"x"',
    "2001-13-45",
    "!!binary aGVsbG8=",
    "!!python/object:os.system x",
    "!!float x",
    "[]",
    "{}",
    "&a 1",
    "*a",
    "'\\x00'",
    '"\\x00"',
    "0x1F",
    "0o17",
    "1_000",
    "é",
    '"\\ud800"',
]
KEYS = [s.key for s in SETTINGS] + ["nodes", "amqp", "bmc", "lab", "rackhd", "unknown", "<<", "? a", "- x"]


def _nested(rng: random.Random, depth: int) -> str:
    if rng.random() < 0.5:
        return "[" * depth + "1" + "]" * depth
    return "".join(" " * i + f"k{i}:\n" for i in range(depth)) + " " * depth + "v: 1\n"


def _random_mapping(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 8)):
        key = rng.choice(KEYS)
        if "." in key and rng.random() < 0.5:
            section, leaf = key.split(".", 1)
            lines.append(f"{section}:\n  {leaf}: {rng.choice(SCALARS)}")
        else:
            lines.append(f"{key}: {rng.choice(SCALARS)}")
    return "\n".join(lines) + "\n"


def _mutated_example(rng: random.Random) -> bytes:
    data = bytearray(rng.choice(EXAMPLES).read_bytes())
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(data))
        action = rng.random()
        if action < 0.4:
            data[at] = rng.randrange(256)
        elif action < 0.7:
            del data[at : at + rng.randint(1, 20)]
        else:
            data[at:at] = rng.choice([b"\n  ", b": ", b"- ", b"{", b"]", b"&x ", b"*x", b"\t", b"\x00", b"#"])
    return bytes(data)


def generated_files(count: int = 320) -> list[tuple[str, bytes]]:
    rng = random.Random(SEED)
    makers = [
        ("random bytes", lambda: bytes(rng.randrange(256) for _ in range(rng.randint(1, 400)))),
        ("latin-1 text", lambda: f"nodes: 2\n# caf{chr(0xE9)} {rng.random()}\n".encode("latin-1")),
        ("control character", lambda: f"nodes: 2\nbmc:\n  user: a{chr(rng.randint(1, 8))}b\n".encode()),
        ("deep nesting", lambda: _nested(rng, rng.choice([33, 100, 1000, 20000])).encode()),
        ("duplicate key", lambda: b"nodes: 2\nbmc:\n  user: a\n  user: b\nnodes: 3\n"),
        ("alias", lambda: b"bmc:\n  user: &u admin\n  password: *u\n"),
        ("merge key", lambda: b"base: &b {port: 1}\namqp:\n  <<: *b\n"),
        (
            "billion laughs",
            lambda: (
                b"a: &a [1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n"
                b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\n"
            ),
        ),
        ("random mapping", lambda: _random_mapping(rng).encode()),
        ("mutated example", lambda: _mutated_example(rng)),
        ("empty or blank", lambda: rng.choice([b"", b"\n", b"---\n", b"# only a comment\n", b"\xef\xbb\xbf"])),
    ]
    return [(label, maker()) for label, maker in (rng.choice(makers) for _ in range(count))]


class FileFuzzTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.files = []
        for index, (label, data) in enumerate(generated_files()):
            path = Path(cls.tmp.name) / f"case{index:03d}.yaml"
            path.write_bytes(data)
            cls.files.append((label, path))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def _check(self, label: str, path: Path, load) -> str:
        try:
            load(path)
        except ConfigError as exc:
            self.assertIn(path.name, str(exc), f"{label} ({path.name}): the error does not name the file: {exc}")
            self.assertEqual(exc.exit_code, 2)
            return "refused"
        except Exception as exc:  # noqa: BLE001 — the point of the test
            self.fail(f"{label} ({path.name}): {type(exc).__name__}: {exc!s:.300} instead of a ConfigError")
        return "loaded"

    def test_every_generated_config_loads_or_is_refused_clearly(self):
        outcomes = [self._check(label, path, lambda p: load_config(str(p), environ={})) for label, path in self.files]
        self.assertGreater(outcomes.count("refused"), 200)  # most are wrong: the fuzz reaches the error paths

    def test_every_generated_inventory_loads_or_is_refused_clearly(self):
        outcomes = [self._check(label, path, lambda p: load_inventory(p, environ={})) for label, path in self.files]
        self.assertGreater(outcomes.count("refused"), 250)

    def test_the_cli_exits_2_without_a_traceback(self):
        chosen = {}
        for label, path in self.files:  # one file of each kind
            chosen.setdefault(label, path)
        for label, path in sorted(chosen.items()):
            if label in ("empty or blank", "random mapping"):
                continue  # may be a valid config
            with self.subTest(label=label):
                done = subprocess.run(
                    [sys.executable, "-m", "rackharness", "config", "--config", str(path)],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    cwd=self.tmp.name,
                )
                self.assertEqual(done.returncode, 2, done.stderr[-500:])
                self.assertNotIn("Traceback", done.stderr)
                self.assertIn(path.name, done.stderr)
