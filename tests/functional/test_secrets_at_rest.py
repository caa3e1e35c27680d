"""The secrets drill: distinctive passwords, a discovered rack, and a grep of every file, log and output.

After `up --discover` (OBMs created, catalogs stored, RabbitMQ booted with its user) no file under the
state dir — nor RabbitMQ's fallback dir — other than state.json and config.json holds any secret, in
any encoding we can think of (plain, base64 at each alignment, hex, URL-quoted, UTF-16), and no
command's output or log does.
"""

import base64
import hashlib
import subprocess
import sys
import unittest
from pathlib import Path
from urllib.parse import quote

from tests.functional.stack_fixture import REPO, PrivateStack

SECRETS = {
    "RACKHARNESS_BMC_PASSWORD": "Zq7-bmcPw!x",
    "RACKHARNESS_AMQP_PASSWORD": "Zq7-amqp#Pw",
    "RACKHARNESS_TARGET_AUTH_PASSWORD": "Zq7-authPw",
    "RACKHARNESS_TARGET_AUTH_TOKEN_SECRET": "Zq7-tokSecret",
}
ALLOWED = {"state.json", "config.json"}


def encodings(secret: str) -> set[bytes]:
    """The byte strings that would reveal ``secret`` in a file."""
    raw = secret.encode()
    forms = {raw, raw.hex().encode(), quote(secret, safe="").encode(), secret.encode("utf-16-le")}
    for shift in range(3):  # base64 of the secret at each alignment inside a longer text
        encoded = base64.b64encode(b"\0" * shift + raw)[4 if shift else 0 :]
        forms.add(encoded[:-4] if len(encoded) > 8 else encoded)
    return {form for form in forms if len(form) >= 6}


class SecretsAtRestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=4, **SECRETS)
        cls.addClassCleanup(cls.stack.cleanup)
        cls.outputs = []
        for args in (
            ("up", "--discover"),
            ("status",),
            ("status", "--json"),
            ("config",),
            ("logs", "target"),
            ("logs", "rack"),
            ("logs", "rabbitmq"),
            ("inventory", "check", "/nonexistent.yaml"),
        ):
            done = cls.stack.cli(*args)
            cls.outputs.append((" ".join(args), done.stdout + done.stderr))
            if args[0] == "up" and done.returncode != 0:
                raise AssertionError(f"up --discover failed:\n{done.stdout}\n{done.stderr}")
        suite = subprocess.run(
            [sys.executable, "-m", "nose2", "--group", "smoke", "--group", "obms"],
            cwd=REPO,
            env=cls.stack.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        cls.outputs.append(("nose2", suite.stdout + suite.stderr))
        cls.patterns = {name: encodings(value) for name, value in SECRETS.items()}

    def _holding(self, data: bytes) -> list[str]:
        return [name for name, forms in self.patterns.items() if any(form in data for form in forms)]

    def _files(self):
        digest = hashlib.sha256(str(self.stack.state_dir.absolute()).encode()).hexdigest()[:12]
        for root in (self.stack.state_dir, Path("/var/lib/rackharness") / digest):
            for path in root.rglob("*") if root.exists() else ():
                if path.is_file() and not path.is_symlink():
                    yield path

    def test_no_file_but_the_two_private_ones_holds_a_secret(self):
        checked = 0
        for path in self._files():
            if path.parent == self.stack.state_dir and path.name in ALLOWED:
                continue
            checked += 1
            self.assertEqual(self._holding(path.read_bytes()), [], f"{path} holds a secret")
        self.assertGreater(checked, 10)  # the store's files, the logs, rack.json, target.json, RabbitMQ's files

    def test_the_private_files_are_0600_in_a_0700_dir(self):
        self.assertEqual(oct(self.stack.state_dir.stat().st_mode & 0o777), "0o700")
        for name in ALLOWED:
            self.assertEqual(oct((self.stack.state_dir / name).stat().st_mode & 0o777), "0o600", name)

    def test_no_command_prints_a_secret(self):
        for command, output in self.outputs:
            self.assertEqual(self._holding(output.encode()), [], f"`{command}` printed a secret")

    def test_the_drill_can_see_a_secret(self):
        self.assertEqual(
            self._holding(b"x " + base64.b64encode(b"ab" + SECRETS["RACKHARNESS_BMC_PASSWORD"].encode())),
            ["RACKHARNESS_BMC_PASSWORD"],
        )
