"""A table of malformed inventories: each exits 2 through the CLI with file:line and the field, no traceback."""

import contextlib
import io
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from rackharness.cli.main import main
from rackharness.inventory import load_inventory

GOOD = """\
lab: t
rackhd:
  api_url: http://127.0.0.1:1
  amqp_url: amqp://guest:${AMQP_PW}@127.0.0.1:2/%2F
  mongo_url: mongodb://127.0.0.1:3
nodes:
  - name: n1
    bmc: {host: 127.0.0.1, port: 10, user: admin, password: "${BMC_PW}"}
    macs: ["02:00:00:00:00:01"]
    power_control: false
  - name: n2
    bmc: {host: 127.0.0.1, port: 11, user: admin}
"""
SECRETS = "bmc_passwords: {n2: s3cret-two}\n"
ENV = {"AMQP_PW": "amqp-pw-x", "BMC_PW": "bmc-pw-one"}

# (label, inventory text, expected line, fragments the message must contain)
CASES = [
    ("bad yaml", "lab: t\nrackhd: [unclosed\n", 3, ["not valid YAML"]),
    ("not a mapping", "- a\n- b\n", 1, ["(top level)", "expected a mapping"]),
    ("missing nodes", GOOD.split("nodes:")[0], 1, ["nodes: missing"]),
    ("missing bmc user", GOOD.replace("user: admin, password", "password"), 8, ["nodes[0].bmc.user: missing"]),
    ("unknown key", GOOD.replace("    macs:", "    maks:"), 9, ["nodes[0].maks: unknown key", "did you mean 'macs'"]),
    ("unknown top key", "labb: x\n" + GOOD, 1, ["labb: unknown key", "did you mean 'lab'"]),
    ("port not a number", GOOD.replace("port: 10,", "port: ten,"), 8, ["nodes[0].bmc.port", "whole number"]),
    ("port out of range", GOOD.replace("port: 10,", "port: 70000,"), 8, ["nodes[0].bmc.port", "1-65535"]),
    (
        "power_control not bool",
        GOOD.replace("power_control: false", "power_control: maybe"),
        10,
        ["nodes[0].power_control", "true or false"],
    ),
    (
        "macs not a list",
        GOOD.replace('macs: ["02:00:00:00:00:01"]', "macs: 02:00:00:00:00:01"),
        9,
        ["nodes[0].macs", "expected a list"],
    ),
    ("bad mac", GOOD.replace("02:00:00:00:00:01", "zz:00"), 9, ["nodes[0].macs", "not a MAC"]),
    ("nodes not a list", GOOD.split("nodes:")[0] + "nodes: {}\n", 6, ["nodes: expected a non-empty list"]),
    ("bad api url", GOOD.replace("http://127.0.0.1:1", "127.0.0.1:1"), 3, ["rackhd.api_url", "http://"]),
    (
        "unresolvable var",
        GOOD.replace("${BMC_PW}", "${NOPE_PW}"),
        8,
        ["nodes[0].bmc.password", "${NOPE_PW} is not set"],
    ),
    (
        "literal password",
        GOOD.replace('"${BMC_PW}"', "hunter2-literal"),
        8,
        ["nodes[0].bmc.password", "must be ${ENV_VAR}"],
    ),
    ("no password anywhere", GOOD.replace("name: n2", "name: n3"), 12, ["nodes[1].bmc.password", "bmc_passwords"]),
    ("duplicate name", GOOD.replace("name: n2", "name: n1"), 11, ["nodes[1].name", "duplicate node name 'n1'"]),
    ("duplicate bmc", GOOD.replace("port: 11", "port: 10"), 11, ["nodes[1].bmc", "127.0.0.1:10"]),
    ("lab is a list", GOOD.replace("lab: t", "lab: [a]"), 1, ["lab: expected str"]),
]


class MalformedInventories(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.dir = Path(self.tmp.name)
        (self.dir / "lab.secrets.yaml").write_text(SECRETS.replace("{n2:", "{n1: s3cret-one, n2:"))

    def write(self, text):
        path = self.dir / "lab.yaml"
        path.write_text(text)
        return path

    def test_good_one_loads(self):
        inv = load_inventory(self.write(GOOD), environ=ENV)
        self.assertEqual([n.name for n in inv.nodes], ["n1", "n2"])
        self.assertEqual(inv.nodes[1].bmc_password, "s3cret-two")
        self.assertFalse(inv.nodes[0].power_control)
        self.assertTrue(inv.nodes[1].power_control)
        self.assertIn("amqp-pw-x", inv.amqp_url)
        self.assertNotIn("bmc-pw-one", repr(inv))

    def test_table(self):
        for label, text, line, fragments in CASES:
            with self.subTest(label):
                path = self.write(text)
                out, err = io.StringIO(), io.StringIO()
                with (
                    mock.patch.dict("os.environ", ENV),
                    contextlib.redirect_stdout(out),
                    contextlib.redirect_stderr(err),
                ):
                    code = main(["inventory", "check", str(path)])
                message = err.getvalue()
                self.assertEqual(code, 2, message)
                self.assertNotIn("Traceback", message + out.getvalue())
                self.assertIn(f"{path}:{line}:", message)
                for fragment in fragments:
                    self.assertIn(fragment, message)
                for secret in ("hunter2-literal", "s3cret-two", "s3cret-one", *ENV.values()):
                    self.assertNotIn(secret, message + out.getvalue())

    def test_missing_file(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(main(["inventory", "check", str(self.dir / "nope.yaml")]), 2)
        self.assertIn("does not exist", err.getvalue())


if __name__ == "__main__":
    unittest.main()
