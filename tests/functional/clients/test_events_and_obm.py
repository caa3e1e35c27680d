"""The event tracker and the OBM client against real services: a private stack's RabbitMQ and BMCs.

node-02 gets the ``bmc-silent`` fault (its BMC drops every packet) for the no-answer checks.
"""

import time
import unittest
import uuid

import pika

from rackharness.clients.events import EventPublisher, EventTracker, ExpectationFailed
from rackharness.clients.obm import ObmClient
from rackharness.errors import BmcCommandError, ServiceUnavailable
from tests.functional.checkers import ipmitool, require
from tests.functional.services.support import free_ports, free_udp_run
from tests.functional.stack_fixture import BMC_PASSWORD, PrivateStack


def setUpModule():
    global STACK, INFO
    require("ipmitool")
    amqp, dist, epmd, mongo, target, auth = free_ports(6)  # private ports: may run alongside other functional suites
    STACK = PrivateStack(
        nodes=3,
        RACKHARNESS_RACK_FAULTS="node-02=bmc-silent",
        RACKHARNESS_AMQP_PORT=str(amqp),
        RACKHARNESS_AMQP_DIST_PORT=str(dist),
        RACKHARNESS_AMQP_EPMD_PORT=str(epmd),
        RACKHARNESS_MONGO_PORT=str(mongo),
        RACKHARNESS_TARGET_PORT=str(target),
        RACKHARNESS_TARGET_AUTH_PORT=str(auth),
        RACKHARNESS_BMC_BASE_PORT=str(free_udp_run(3)),
    )
    unittest.addModuleCleanup(STACK.cleanup)
    STACK.up()
    INFO = STACK.info()


def node(name):
    return next(n for n in INFO.nodes if n.name == name)


class EventTrackerTest(unittest.TestCase):
    def setUp(self):
        self.tag = uuid.uuid4().hex[:8]  # keeps this test's keys apart from the target's own events
        self.publisher = EventPublisher(INFO.amqp_url)
        self.addCleanup(self.publisher.close)

    def tracker(self):
        tracker = EventTracker(INFO.amqp_url)
        self.addCleanup(tracker.close)
        return tracker

    def test_sees_events_published_after_it_was_created_and_not_before(self):
        self.publisher.publish(f"graph.finished.{self.tag}", {"graphId": self.tag, "status": "early"})
        tracker = self.tracker()
        done = tracker.expect(f"graph.finished.{self.tag}")
        self.publisher.publish(f"graph.finished.{self.tag}", {"graphId": self.tag, "status": "succeeded"})
        tracker.wait(timeout=10, settle=0.5)
        self.assertEqual([m.body["status"] for m in done.matches], ["succeeded"])
        self.assertEqual([m.body["status"] for m in tracker.received], ["succeeded"])

    def test_two_trackers_get_their_own_copies_and_own_their_queues(self):
        first, second = self.tracker(), self.tracker()
        self.assertNotEqual(first.queue, second.queue)
        first_only = first.expect(f"test.first.{self.tag}")
        first_all = first.expect(f"test.all.{self.tag}")
        second_only = second.expect(f"test.second.{self.tag}")
        second_all = second.expect(f"test.all.{self.tag}")
        for key in ("first", "second", "all"):
            self.publisher.publish(f"test.{key}.{self.tag}", {"key": key})
        first.wait(timeout=10, settle=0.5)
        second.wait(timeout=10, settle=0.5)
        self.assertEqual([m.body["key"] for m in first.received], ["first", "all"])
        self.assertEqual([m.body["key"] for m in second.received], ["second", "all"])
        self.assertEqual((len(first_only.matches), len(first_all.matches)), (1, 1))
        self.assertEqual((len(second_only.matches), len(second_all.matches)), (1, 1))

        # Exclusivity: another connection may not consume from (or even look at) the first tracker's queue.
        connection = pika.BlockingConnection(pika.URLParameters(INFO.amqp_url))
        self.addCleanup(lambda: connection.is_open and connection.close())
        channel = connection.channel()
        with self.assertRaises(pika.exceptions.ChannelClosedByBroker) as caught:
            channel.basic_consume(first.queue, lambda *a: None, auto_ack=True)
        self.assertEqual(caught.exception.reply_code, 405)  # RESOURCE_LOCKED
        self.assertIn("exclusive", caught.exception.reply_text)

    def test_the_queue_disappears_when_the_tracker_closes(self):
        tracker = EventTracker(INFO.amqp_url)
        queue = tracker.queue
        tracker.close()
        connection = pika.BlockingConnection(pika.URLParameters(INFO.amqp_url))
        self.addCleanup(lambda: connection.is_open and connection.close())
        with self.assertRaises(pika.exceptions.ChannelClosedByBroker) as caught:
            connection.channel().queue_declare(queue, passive=True)
        self.assertEqual(caught.exception.reply_code, 404)

    def test_wait_failure_lists_what_arrived_instead(self):
        tracker = self.tracker()
        tracker.expect(f"graph.#.{self.tag}", where=lambda b: b["status"] == "succeeded", name="graph succeeded")
        self.publisher.publish(f"graph.started.{self.tag}", {"status": "running"})
        self.publisher.publish(f"graph.finished.{self.tag}", {"status": "failed"})
        began = time.monotonic()
        with self.assertRaises(AssertionError) as caught:
            tracker.wait(timeout=2)
        self.assertLess(time.monotonic() - began, 4)
        text = str(caught.exception)
        self.assertIsInstance(caught.exception, ExpectationFailed)
        self.assertIn("graph succeeded", text)
        self.assertIn(f"1 x graph.started.{self.tag}", text)
        self.assertIn(f'1 x graph.finished.{self.tag}: {{"status": "failed"}}', text)

    def test_broker_down_is_service_unavailable_within_the_timeout(self):
        port = free_ports(1)[0]
        url = f"amqp://rackhd:S3cret-pw@127.0.0.1:{port}/%2F"
        for client in (EventTracker, EventPublisher):
            with self.subTest(client=client.__name__):
                began = time.monotonic()
                with self.assertRaises(ServiceUnavailable) as caught:
                    client(url, connect_timeout=2)
                self.assertLess(time.monotonic() - began, 3)
                text = str(caught.exception)
                self.assertIn(f"rackhd:***@127.0.0.1:{port}", text)
                self.assertNotIn("S3cret-pw", text)
                self.assertIn("Hint:", text)
                self.assertIsNotNone(caught.exception.__cause__)


class ObmClientTest(unittest.TestCase):
    def test_power_agrees_with_ipmitool(self):
        target = node("node-01")
        obm = ObmClient.from_stack(INFO, "node-01", timeout=5)
        self.assertNotIn(BMC_PASSWORD, repr(obm))
        obm.power_off()
        self.assertEqual(obm.power_status(), "off")
        self.assertIn("Chassis Power is off", ipmitool(target, "chassis", "power", "status").stdout)
        obm.power_on()
        self.assertEqual(obm.power_status(), "on")
        self.assertIn("Chassis Power is on", ipmitool(target, "chassis", "power", "status").stdout)
        self.assertEqual(ipmitool(target, "chassis", "power", "off").returncode, 0)
        self.assertEqual(obm.power_status(), "off", "the client sees a change made by ipmitool")
        obm.power_on()
        obm.power_cycle()
        obm.power_reset()
        self.assertEqual(obm.power_status(), "on")
        self.assertIn("Chassis Power is on", ipmitool(target, "chassis", "power", "status").stdout)
        with self.assertRaises(BmcCommandError) as caught:  # a BMC refuses a cycle while off, as ipmitool shows
            obm.power_off()
            obm.power_cycle()
        self.assertIn("power cycle failed", str(caught.exception))

    def test_boot_device_sensors_and_sel(self):
        obm = ObmClient.for_node(node("node-01"), timeout=5)
        obm.set_boot_device("network", persistent=True, uefi=True)
        self.assertEqual(obm.boot_device(), {"device": "network", "persistent": True, "uefi": True})
        flags = ipmitool(node("node-01"), "chassis", "bootparam", "get", "5").stdout
        self.assertIn("Force PXE", flags)
        obm.set_boot_device("hd")
        self.assertEqual(obm.boot_device()["device"], "hd")
        sensors = obm.sensors()
        self.assertTrue(sensors, "the profile has sensors")
        self.assertEqual(set(sensors[0]) >= {"name", "value", "units", "health"}, True)
        self.assertIsInstance(obm.sel(), list)

    def test_wrong_password_names_the_node_and_says_check_credentials_fast(self):
        target = node("node-03")
        obm = ObmClient("node-03", target.bmc.host, target.bmc.port, target.bmc.user, "not-the-password", timeout=5)
        began = time.monotonic()
        with self.assertRaises(BmcCommandError) as caught:
            obm.power_status()
        self.assertLess(time.monotonic() - began, 3)
        error = caught.exception
        self.assertEqual((error.node, error.address), ("node-03", f"{target.bmc.host}:{target.bmc.port}"))
        self.assertIn("wrong password (user 'admin')", str(error))  # the BMC's own RAKP 2 says so
        self.assertIn("--show-secrets", str(error))  # the hint
        self.assertNotIn("not-the-password", str(error))
        # the right password still works afterwards (the failed login left no stuck session behind)
        self.assertIn(ObmClient.for_node(target, timeout=5).power_status(), ("on", "off"))

    def test_a_silent_bmc_takes_the_timeout_and_a_closed_port_fails_at_once(self):
        silent = node("node-02")
        closed_port = free_ports(1)[0]  # a TCP-free port; nothing of ours listens on it over UDP either
        for name, port, verdict, slowest in (
            ("node-02", silent.bmc.port, "silent: no answer at all", 4),
            ("nowhere", closed_port, "refused: nothing listens", 1.5),
        ):
            with self.subTest(node=name):
                obm = ObmClient(name, "127.0.0.1", port, silent.bmc.user, BMC_PASSWORD, timeout=3)
                began = time.monotonic()
                with self.assertRaises(BmcCommandError) as caught:
                    obm.power_status()
                elapsed = time.monotonic() - began
                self.assertLess(elapsed, slowest)
                if name == "node-02":
                    self.assertGreaterEqual(elapsed, 2.9)
                self.assertEqual(caught.exception.node, name)
                self.assertIn(verdict, str(caught.exception))
                self.assertNotIn(BMC_PASSWORD, str(caught.exception))
