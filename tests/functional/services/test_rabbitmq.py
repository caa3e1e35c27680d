"""A private RabbitMQ node: start on free ports, AMQP through pika, stop without leftovers."""

import json
import os
import socket
import sys
import time
import unittest

import pika

from rackharness.errors import PortInUseError, ServiceError
from rackharness.services import RabbitMqService, procfs
from rackharness.services.ports import ensure_free
from tests.functional.services.support import ServiceTestCase, family, processes_mentioning, still_alive

PASSWORD = 'pa#ss "wörd\\'  # chars that break rabbitmq.conf quoting and naive redaction


class RabbitMqServiceTest(ServiceTestCase):
    temp_prefix = "rh-rabbit-"
    ports_needed = 3

    @property
    def port(self):
        return self.ports[0]

    @property
    def dist_port(self):
        return self.ports[1]

    @property
    def epmd_port(self):
        return self.ports[2]

    def make_service(self, password=PASSWORD):
        return RabbitMqService(
            "127.0.0.1",
            self.port,
            self.dist_port,
            self.epmd_port,
            "rackhd",
            password,
            self.dir / "rabbitmq",
            self.dir / "logs",
        )

    def test_start_publish_consume_stop(self):
        began = time.monotonic()
        self.record = self.service.start()
        self.service.wait_ready(self.record, timeout=60)
        print(f"\nRabbitMQ start-to-ready: {time.monotonic() - began:.2f}s", file=sys.stderr)

        connection = pika.BlockingConnection(pika.URLParameters(self.service.url))
        try:
            channel = connection.channel()
            channel.exchange_declare("on.events", exchange_type="topic")
            queue = channel.queue_declare("", exclusive=True).method.queue
            channel.queue_bind(queue, "on.events", routing_key="graph.finished.#")
            channel.basic_publish("on.events", "graph.finished.node-1", b'{"status": "succeeded"}')
            channel.basic_publish("on.events", "task.started.node-1", b"not for this queue")
            received = []
            for _method, _props, body in channel.consume(queue, inactivity_timeout=5):
                if body is None:
                    break
                received.append(body)
                if channel.get_waiting_message_count() == 0:
                    break
            channel.cancel()
        finally:
            connection.close()
        self.assertEqual(received, [b'{"status": "succeeded"}'])

        # A different password against the same node fails at once and says why.
        began = time.monotonic()
        with self.assertRaises(ServiceError) as caught:
            self.make_service("wrong").wait_ready(self.record, timeout=20)
        self.assertLess(time.monotonic() - began, 10)
        self.assertIn("refused user 'rackhd'", str(caught.exception))

        # The password shows up nowhere it could leak.
        self.assertIn("rackhd:***@", repr(self.service))
        self.assertNotIn(PASSWORD, repr(self.service) + self.service.redacted_url)
        self.assertNotIn(PASSWORD, json.dumps(self.record.to_dict()))
        for log in self.service.log_files:
            if log.exists():
                self.assertNotIn(PASSWORD, log.read_text(errors="replace"), log)
        self.assertEqual(os.stat(self.dir / "rabbitmq" / "advanced.config").st_mode & 0o077, 0)

        members = family(self.record)
        comms = {procfs.read_stat(pid).comm for pid, _ in members if procfs.read_stat(pid)}
        self.assertIn("beam.smp", comms)
        self.assertIn("epmd", comms)

        result = self.service.stop(self.record)
        self.record = None
        self.assertTrue(result.was_running)
        self.assertEqual(still_alive(members), [])
        self.assertEqual(processes_mentioning(str(self.dir)), [])
        self.assertEqual(processes_mentioning(f"-port {self.epmd_port}"), [])
        for port in (self.port, self.dist_port, self.epmd_port):
            ensure_free("127.0.0.1", port, "test")
        self.assertIsNone(self.service.stop(None), "stopping nothing is a no-op")

    def test_taken_port_fails_before_anything_starts(self):
        for setting, port in (("amqp.port", self.port), ("amqp.epmd_port", self.epmd_port)):
            with self.subTest(setting), socket.socket() as holder:
                holder.bind(("127.0.0.1", port))
                holder.listen()
                before = {s.pid for s in procfs.descendants(os.getpid(), procfs.all_stats())}
                with self.assertRaises(PortInUseError) as caught:
                    self.record = self.service.start()
                after = {s.pid for s in procfs.descendants(os.getpid(), procfs.all_stats())}
                self.assertEqual(after - before, set(), "nothing may be spawned")
                self.assertFalse((self.dir / "rabbitmq").exists(), "nothing may be written")
                text = str(caught.exception)
                self.assertIn(str(port), text)
                self.assertIn(setting, text)
                self.assertIn(f"pid {os.getpid()}", text)


if __name__ == "__main__":
    unittest.main()
