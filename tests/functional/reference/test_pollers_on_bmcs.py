"""Pollers against the rack's virtual BMCs over IPMI/UDP, with state in nx-27017 and events on a private
RabbitMQ (contract §2, §6): first data within two poll intervals, chassis data that agrees with the BMC
(asked with ipmitool, another process), the polleralert on a power change made by a power graph that
shares the pollers' IPMI sessions, pause/resume, a silent BMC counted as failures without holding up
other nodes, the six default pollers, and the poll contract (the fake's) on a real BMC."""

import sys
import time
import unittest

from rackharness.clients.events import EventTracker
from rackharness.reference.app import create_app
from rackharness.reference.context import TargetContext
from rackharness.reference.events import AmqpEventBus
from rackharness.reference.pollers.defaults import create_default_pollers
from rackharness.reference.pollers.service import PollerService
from rackharness.reference.workflows.engine import WorkflowEngine
from rackharness.reference.workflows.obm import IpmiObmService, NoopObmService, ObmRegistry
from rackharness.transports.ipmi.base import BmcAddress
from rackharness.transports.ipmi.pyghmi_caller import BmcCaller
from rackharness.wait import Condition, Observation
from tests.functional.reference.workflow_support import Services, ipmitool_power
from tests.unit.reference.pollers.contract import PollContract

INTERVAL_MS = 1000
SILENT = 2  # node-03


class PollersOnBmcsTest(PollContract, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.services = Services("rh-pollers-")
        cls.addClassCleanup(cls.services.stop)
        cls.db = cls.services.start_mongo(cls)
        cls.amqp_url = cls.services.start_rabbitmq(cls)
        cls.rack = cls.services.start_rack(nodes=4, faults=f"node-0{SILENT + 1}=bmc-silent")
        cls.bus = AmqpEventBus(cls.amqp_url)
        cls.addClassCleanup(cls.bus.close)
        cls.ctx = TargetContext(db=cls.db, events=cls.bus)
        cls.caller = BmcCaller()  # shared by the engine, the pollers and this test: one pyghmi login per BMC
        cls.ctx.engine = cls.engine = WorkflowEngine(
            cls.ctx,
            obms=ObmRegistry({"ipmi-obm-service": IpmiObmService(cls.caller), "noop-obm-service": NoopObmService()}),
        )
        cls.addClassCleanup(cls.engine.close)
        cls.ctx.pollers = cls.service = PollerService(cls.ctx, caller=cls.caller, resync_seconds=0.5).start()
        cls.addClassCleanup(cls.service.stop)
        cls.client = create_app(cls.ctx).test_client()
        contract_bmc = cls.rack.nodes[3].bmc  # the poll contract's node; the others' pollers run meanwhile
        cls.address = BmcAddress(contract_bmc.host, contract_bmc.port, "admin", "admin")

    # -- helpers -----------------------------------------------------------------------------------
    def call(self, method, path, body=None, status=200):
        response = self.client.open(f"/api/2.0{path}", method=method, json=body)
        self.assertEqual(response.status_code, status, response.get_data(as_text=True))
        return response.get_json(silent=True)

    def node_with_bmc(self, name, index):
        bmc = self.rack.nodes[index].bmc
        config = {"host": bmc.host, "port": bmc.port, "user": "admin", "password": "admin"}
        return self.call(
            "POST",
            "/nodes",
            {"name": name, "type": "compute", "obms": [{"service": "ipmi-obm-service", "config": config}]},
            201,
        )["id"]

    def poller(self, node_id, command="chassis", interval=INTERVAL_MS):
        body = {"type": "ipmi", "pollInterval": interval, "node": node_id, "config": {"command": command}}
        return self.call("POST", "/pollers", body, 201)["id"]

    def current(self, poller_id):
        response = self.client.get(f"/api/2.0/pollers/{poller_id}/data/current")
        return response.get_json() if response.status_code == 200 else None

    def wait_for(self, probe, what, timeout):
        return Condition(probe=probe, what=what, timeout=timeout, interval=0.02, transient=()).wait()

    def wait_for_data(self, poller_id, timeout):
        self.wait_for(
            lambda: Observation(self.current(poller_id) is not None, "no data yet"), f"poller {poller_id} data", timeout
        )
        return self.current(poller_id)[0]

    def polls_after(self, poller_id, count, timeout):
        """Wait until the poller has started ``count`` more polls (its lastStarted changed that often)."""
        seen = [self.call("GET", f"/pollers/{poller_id}")["lastStarted"]]

        def probe():
            started = self.call("GET", f"/pollers/{poller_id}")["lastStarted"]
            if started != seen[-1]:
                seen.append(started)
            return Observation(len(seen) > count, f"{len(seen) - 1} new polls")

        self.wait_for(probe, f"{count} polls of {poller_id}", timeout)

    def set_power(self, on):  # the poll contract's; through the shared caller (same process)
        self.caller.call(self.address, "power", lambda c: c.raw_command(netfn=0, command=2, data=[1 if on else 0]))
        self.wait_for(lambda: Observation(self.poll("chassis")["power"] is on, "power"), f"power {on}", 10)

    # -- tests ----------------------------------------------------------------------------------------
    def test_first_data_within_two_intervals_agrees_with_the_bmc(self):
        node_id = self.node_with_bmc("chassis-1", 0)
        began = time.monotonic()
        poller_id = self.poller(node_id)
        entry = self.wait_for_data(poller_id, 2 * INTERVAL_MS / 1000)
        first = time.monotonic() - began
        print(f"\nchassis poller: first data {first * 1000:.0f} ms after POST", file=sys.stderr)
        self.assertEqual(entry["chassis"]["power"], ipmitool_power(self.rack.nodes[0].bmc) == "on")
        self.assertEqual(entry["node"], node_id)
        self.assertNotIn("password", entry)

    def test_a_power_graph_changes_what_the_poller_reports_and_publishes_an_alert(self):
        node_id = self.node_with_bmc("chassis-2", 1)
        self.assertEqual(ipmitool_power(self.rack.nodes[1].bmc), "off")
        poller_id = self.poller(node_id, interval=200)
        self.assertFalse(self.wait_for_data(poller_id, 2)["chassis"]["power"])
        with EventTracker(self.amqp_url) as events:
            alert = events.expect(
                f"polleralert.chassispower.updated.information.{poller_id}.{node_id}",
                where=lambda body: body["data"]["states"] == {"last": "OFF", "current": "ON"},
            )
            graph = self.call("POST", f"/nodes/{node_id}/workflows", {"name": "Graph.PowerOn.Node"}, 201)
            self.assertEqual(self.engine.wait(graph["instanceId"], 15)["_status"], "succeeded")
            events.wait(10)
        body = alert.matches[0].body
        self.assertEqual(
            (body["type"], body["action"], body["severity"], body["typeId"], body["nodeId"]),
            ("polleralert", "chassispower.updated", "information", poller_id, node_id),
        )
        self.assertEqual(ipmitool_power(self.rack.nodes[1].bmc), "on")
        self.wait_for(lambda: self.current(poller_id)[0]["chassis"]["power"], "power on in the data", 2)

    def test_pause_stops_polling_and_resume_restarts_it(self):
        node_id = self.node_with_bmc("pause-1", 0)
        paused, clock = self.poller(node_id, interval=200), self.poller(node_id, "selInformation", interval=200)
        self.wait_for_data(paused, 2)
        self.assertTrue(self.call("PATCH", f"/pollers/{paused}", {"paused": True})["paused"])
        self.polls_after(clock, 2, 5)  # a poll in flight when PATCH came has ended by now
        settled = self.call("GET", f"/pollers/{paused}")["lastStarted"]
        self.polls_after(clock, 3, 5)
        self.assertEqual(self.call("GET", f"/pollers/{paused}")["lastStarted"], settled, "no poll while paused")
        self.call("PATCH", f"/pollers/{paused}", {"paused": False})
        self.polls_after(paused, 1, 5)

    def test_a_silent_bmc_counts_failures_and_does_not_hold_up_others(self):
        silent_node = self.node_with_bmc("silent-1", SILENT)
        silent = self.poller(silent_node, interval=500)
        healthy = self.poller(self.node_with_bmc("healthy-1", 0), "sel", interval=200)
        self.polls_after(healthy, 3, 5)  # while the silent BMC's first poll waits out its 10 s timeout
        self.wait_for(
            lambda: Observation(self.call("GET", f"/pollers/{silent}")["failureCount"] >= 1, "no failure"),
            "a failure of the silent BMC's poller",
            25,
        )
        self.assertIsNone(self.current(silent))
        (raw,) = self.call("GET", f"/nodes/{silent_node}/pollers")
        self.assertEqual(raw["state"], "inaccessible")

    def test_default_pollers_all_produce_rackhd_data(self):
        node_id = self.node_with_bmc("defaults-1", 1)
        self.service.interval_scale = 0.05
        self.addCleanup(setattr, self.service, "interval_scale", 1.0)
        ids = create_default_pollers(self.ctx, node_id)
        commands = ["sdr", "selInformation", "sel", "selEntries", "chassis", "driveHealth"]
        began = time.monotonic()
        entries = {command: self.wait_for_data(poller_id, 10) for command, poller_id in zip(commands, ids)}
        print(
            f"\nsix default pollers: all have data {(time.monotonic() - began) * 1000:.0f} ms after creation",
            file=sys.stderr,
        )
        self.assertTrue(entries["sdr"]["sdr"] and entries["sel"]["sel"] is not None)
        self.assertEqual(entries["driveHealth"]["driveHealth"], [])
        self.assertEqual(
            [p["pollInterval"] for p in self.call("GET", f"/nodes/{node_id}/pollers")],
            [3000, 3000, 3000, 3000, 750, 1500],
        )


if __name__ == "__main__":
    unittest.main()
