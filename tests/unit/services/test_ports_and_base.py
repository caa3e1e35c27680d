"""Port checks naming the holder, URL redaction, install hints."""

import os
import socket
import unittest

from rackharness.errors import PortInUseError
from rackharness.services import redact_url
from rackharness.services.base import install_command
from rackharness.services.ports import ensure_free, listeners


class PortCheckTest(unittest.TestCase):
    def test_free_port_passes(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        ensure_free("127.0.0.1", port, "amqp.port")

    def test_taken_port_names_port_holder_and_setting(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            sock.listen()
            port = sock.getsockname()[1]
            self.assertIn(os.getpid(), listeners(port))
            with self.assertRaises(PortInUseError) as caught:
                ensure_free("127.0.0.1", port, "mongo.port")
        text = str(caught.exception)
        self.assertIn(str(port), text)
        self.assertIn(f"pid {os.getpid()}", text)
        self.assertIn("mongo.port", text)

    def test_wildcard_listener_blocks_loopback(self):
        with socket.socket() as sock:
            sock.bind(("0.0.0.0", 0))
            sock.listen()
            with self.assertRaises(PortInUseError):
                ensure_free("127.0.0.1", sock.getsockname()[1], "amqp.port")


class RedactionTest(unittest.TestCase):
    def test_password_is_masked(self):
        self.assertEqual(
            redact_url("amqp://rackhd:s3cr%23t@127.0.0.1:5672/%2F"), "amqp://rackhd:***@127.0.0.1:5672/%2F"
        )
        self.assertEqual(redact_url("mongodb://u:p@[::1]:27017/pxe"), "mongodb://u:***@[::1]:27017/pxe")

    def test_url_without_password_is_unchanged(self):
        self.assertEqual(redact_url("mongodb://127.0.0.1:27017/"), "mongodb://127.0.0.1:27017/")

    def test_install_command_adds_sudo_unless_root(self):
        expected = "apt-get install -y x" if os.geteuid() == 0 else "sudo apt-get install -y x"
        self.assertEqual(install_command("apt-get install -y x"), expected)


if __name__ == "__main__":
    unittest.main()
