"""The target process with its auth-enabled endpoint: two ports, one process, no secret in its log.

``python -m rackharness.reference`` is started at DEBUG with in-process stores (mongomock://, memory://),
a plain port and an auth port. Over real HTTP: the plain port asks for nothing and has no /login;
the auth port logs the configured Administrator in, answers RackHD's 401 bodies, takes the token
by header and query. Afterwards neither the password, a wrong password tried, nor any token appears
in the process's log.
"""

import json
import subprocess
import sys
import unittest

import requests

from rackharness.wait import Condition, Observation
from tests.functional.services.support import free_ports, reachable_temp_dir, remove_tree

PASSWORD = "Adm1n-pass-under-test"
WRONG = "wrong-pass-under-test"
SECRET = "a-token-secret-of-this-test-0123456789"


class AuthEndpointProcessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = reachable_temp_dir("rh-auth-")
        cls.addClassCleanup(remove_tree, cls.dir)
        port, auth_port = free_ports(2)
        settings = {
            "host": "127.0.0.1",
            "port": port,
            "auth_port": auth_port,
            "threads": 4,
            "mongo_url": "mongomock://auth-process",
            "database": "pxe",
            "amqp_url": "memory://auth-process",
            "heartbeat_interval": 60,
            "auth_user": "admin",
            "auth_password": PASSWORD,
            "auth_token_secret": SECRET,
            "auth_token_expire_in": 600,
        }
        config = cls.dir / "target.json"
        config.write_text(json.dumps(settings), encoding="utf-8")
        cls.log_path = cls.dir / "target.log"
        cls.log = open(cls.log_path, "w", encoding="utf-8")
        cls.addClassCleanup(cls.log.close)
        cls.process = subprocess.Popen(
            [sys.executable, "-m", "rackharness.reference", "--config", str(config), "--log-level", "DEBUG"],
            stdout=cls.log,
            stderr=subprocess.STDOUT,
        )
        cls.addClassCleanup(cls._stop)
        cls.plain, cls.auth = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{auth_port}"

        def answers():
            try:
                status = requests.post(f"{cls.auth}/login", json={}, timeout=1).status_code
            except requests.ConnectionError as exc:
                return Observation(False, f"not listening yet ({type(exc).__name__})")
            return Observation(status == 400, f"POST /login {{}} answered {status}")

        Condition(
            probe=answers,
            what="the target's auth endpoint",
            timeout=30,
            interval=0.1,
            is_alive=lambda: cls.process.poll() is None,
            log_file=cls.log_path,
        ).wait()

    @classmethod
    def _stop(cls):
        cls.process.terminate()
        try:
            cls.process.wait(10)
        except subprocess.TimeoutExpired:
            cls.process.kill()
            cls.process.wait(5)

    def test_both_endpoints_one_process_and_no_secret_in_its_log(self):
        self.assertEqual(requests.get(f"{self.plain}/api/2.0/nodes", timeout=5).status_code, 200)
        self.assertEqual(
            requests.post(
                f"{self.plain}/login", json={"username": "admin", "password": PASSWORD}, timeout=5
            ).status_code,
            404,
        )
        refused = requests.get(f"{self.auth}/api/2.0/nodes", timeout=5)
        self.assertEqual((refused.status_code, refused.json()), (401, [{"method": "jwt", "message": "No auth token"}]))
        wrong = requests.post(f"{self.auth}/login", json={"username": "admin", "password": WRONG}, timeout=5)
        self.assertEqual(wrong.status_code, 401)
        token = requests.post(f"{self.auth}/login", json={"username": "admin", "password": PASSWORD}, timeout=5).json()[
            "token"
        ]
        self.assertEqual(
            requests.get(
                f"{self.auth}/api/2.0/nodes", headers={"authorization": f"JWT {token}"}, timeout=5
            ).status_code,
            200,
        )
        self.assertEqual(
            requests.get(f"{self.auth}/api/2.0/nodes", params={"auth_token": token}, timeout=5).status_code, 200
        )
        self.assertEqual(
            requests.get(f"{self.auth}/api/2.0/nodes", params={"auth_token": token + "x"}, timeout=5).status_code, 401
        )
        self._stop()
        self.log.flush()
        text = self.log_path.read_text(encoding="utf-8")
        self.assertIn("auth-enabled endpoint", text, "the log says where the auth endpoint is")
        for secret in (PASSWORD, WRONG, SECRET, token):
            self.assertNotIn(secret, text, "a secret reached the target's log")


if __name__ == "__main__":
    unittest.main()
