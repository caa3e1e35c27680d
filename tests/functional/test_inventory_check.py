"""`rackharness inventory check` against a private local rack: passes, then names a wrong BMC password."""

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from tests.functional.stack_fixture import BMC_PASSWORD, REPO, PrivateStack

WRONG = "Rh-wr0ng-pw-xyz"
AMQP_PW = "guest"


def inventory_text(stack, nodes) -> str:
    lines = [
        "lab: private-test-rack",
        "rackhd:",
        f"  api_url: {stack.api_url}",
        f"  amqp_url: {stack.amqp_url.replace(':guest@', ':${T_AMQP_PW}@')}",
        f"  mongo_url: {stack.mongo_url}",
        "nodes:",
    ]
    for node in nodes:
        lines += [
            f"  - name: {node.name}",
            f"    bmc: {{host: {node.bmc.host}, port: {node.bmc.port}, user: {node.bmc.user}}}",
            f"    macs: [{', '.join(node.macs)}]",
            "    power_control: " + ("false" if node.name.endswith("2") else "true"),
        ]
    return "\n".join(lines) + "\n"


class InventoryCheckOnLocalRack(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = PrivateStack(nodes=3)
        try:
            cls.stack.up()
        except Exception:
            cls.stack.cleanup()
            raise
        cls.info = cls.stack.info()
        cls.dir = Path(tempfile.mkdtemp(prefix="rh-inv-"))
        cls.inventory = cls.dir / "lab.yaml"
        cls.inventory.write_text(inventory_text(cls.info, cls.info.nodes))

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanup()

    def check(self, secrets: str):
        (self.dir / "lab.secrets.yaml").write_text(secrets)
        env = {k: v for k, v in os.environ.items() if not k.startswith("RACKHARNESS_")}
        env["T_AMQP_PW"] = AMQP_PW
        return subprocess.run(
            [sys.executable, "-m", "rackharness", "inventory", "check", str(self.inventory), "--timeout", "10"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def secrets(self, wrong_for: str = "") -> str:
        rows = "".join(f"  {n.name}: {WRONG if n.name == wrong_for else BMC_PASSWORD}\n" for n in self.info.nodes)
        return "bmc_passwords:\n" + rows

    def test_1_passes(self):
        result = self.check(self.secrets())
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("all 6 checks passed", result.stdout)
        for node in self.info.nodes:
            self.assertRegex(result.stdout, rf"bmc {node.name} .* ok .*power (on|off)")
        self.assertNotIn(BMC_PASSWORD, result.stdout + result.stderr)

    def test_2_wrong_password_named(self):
        bad = self.info.nodes[1].name
        result = self.check(self.secrets(wrong_for=bad))
        out = result.stdout + result.stderr
        self.assertEqual(result.returncode, 1, out)
        self.assertRegex(result.stdout, rf"bmc {bad} .* FAIL +wrong password")
        self.assertIn(f"Hint (bmc {bad}): check the password of node '{bad}'", result.stdout)
        self.assertIn("1 of 6 check(s) failed", result.stdout)
        self.assertNotIn("Traceback", out)
        for secret in (BMC_PASSWORD, WRONG):
            self.assertNotIn(secret, out)
        for log in (self.stack.state_dir / "logs").glob("*"):
            if log.is_file():
                self.assertNotIn(WRONG, log.read_text(errors="replace"), log)


if __name__ == "__main__":
    unittest.main()
