"""The reference target inside a real local stack, driven by RackHD's own Python client.

`rackharness up` starts RabbitMQ, the Mongo store, the virtual rack and the reference target; the
test then talks to the target only through `on_http_api2_0` (RackHD's generated client), checks
the bodies against the contract's shapes, runs Graph.PowerOn.Node against node-01's virtual BMC,
verifies the power state independently with ipmitool, and checks the AMQP events and their order.
"""

import copy
import json
import subprocess
import sys
import time
import unittest
from pathlib import Path

import pika
from jsonschema import Draft4Validator
from on_http_api2_0 import ApiApi, ApiClient
from on_http_api2_0.rest import ApiException

from tests.functional.checkers import ipmitool, require
from tests.functional.stack_fixture import PrivateStack
from tests.support.rackhd_contract import require_rackhd_contract

NODE_VIEW_KEYS = {
    "autoDiscover",
    "catalogs",
    "id",
    "identifiers",
    "name",
    "obms",
    "tags",
    "pollers",
    "relations",
    "type",
    "workflows",
}
NODE_RAW_KEYS = {"id", "name", "type", "identifiers", "autoDiscover", "relations", "tags", "createdAt", "updatedAt"}


def body(api):
    return json.loads(api.api_client.last_response.data or "null")


class EventRecorder:
    """An exclusive, auto-named queue on on.events bound to `#`, drained on demand."""

    def __init__(self, url):
        self.connection = pika.BlockingConnection(pika.URLParameters(url))
        self.channel = self.connection.channel()
        self.channel.exchange_declare("on.events", exchange_type="topic", durable=True)
        self.queue = self.channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        self.channel.queue_bind(self.queue, "on.events", routing_key="#")
        self.seen = []

    def until(self, predicate, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            method, _, raw = self.channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                self.connection.sleep(0.02)
                continue
            self.seen.append((method.routing_key, json.loads(raw)))
            if predicate(self.seen):
                return self.seen
        raise AssertionError(f"expected events not seen in {timeout}s; saw {[k for k, _ in self.seen]}")

    def close(self):
        self.connection.close()


class ReferenceTargetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require("ipmitool")
        cls.stack = PrivateStack(nodes=2, RACKHARNESS_TARGET_HEARTBEAT_INTERVAL="0.5")
        cls.addClassCleanup(cls.stack.cleanup)
        cls.stack.up()
        cls.info = cls.stack.info()
        cls.api = ApiApi(ApiClient(host=cls.info.api_url + "/api/2.0"))

    def setUp(self):
        self.events = EventRecorder(self.info.amqp_url)
        self.addCleanup(self.events.close)

    def create_node(self, name, bmc_node=None, password=None):
        self.api.nodes_post(
            identifiers={
                "name": name,
                "type": "compute",
                "identifiers": [m.upper() for m in (bmc_node.macs if bmc_node else [])],
            }
        )
        created = body(self.api)
        self.addCleanup(self._delete_quietly, created["id"])
        if bmc_node is not None:
            self.api.obms_put(
                body={
                    "nodeId": created["id"],
                    "service": "ipmi-obm-service",
                    "config": {
                        "host": bmc_node.bmc.host,
                        "port": bmc_node.bmc.port,
                        "user": bmc_node.bmc.user,
                        "password": password or bmc_node.bmc.password,
                    },
                }
            )
        return created

    def _delete_quietly(self, node_id):
        try:
            self.api.nodes_del_by_id(identifier=node_id)
        except ApiException:
            pass

    def test_nodes_crud_with_the_contract_shapes(self):
        created = self.create_node("rh-crud", bmc_node=self.info.nodes[0])
        self.assertLessEqual(NODE_RAW_KEYS, set(created))
        self.assertEqual(self.api.api_client.last_response.status, 201)
        self.assertEqual(created["identifiers"], list(self.info.nodes[0].macs))  # lowercased
        self.api.nodes_get_all()
        listed = [n for n in body(self.api) if n["id"] == created["id"]]
        self.assertEqual(len(listed), 1)
        view = listed[0]
        self.assertLessEqual(NODE_VIEW_KEYS, set(view))
        self.assertEqual(view["catalogs"], f"/api/2.0/nodes/{created['id']}/catalogs")
        self.assertEqual([o["service"] for o in view["obms"]], ["ipmi-obm-service"])
        self.api.nodes_get_by_id(identifier=created["id"])
        self.assertEqual(body(self.api)["name"], "rh-crud")
        self.api.nodes_patch_by_id(identifier=created["id"], body={"name": "rh-crud-renamed"})
        self.assertEqual(body(self.api)["name"], "rh-crud-renamed")
        self.api.obms_get()
        obms = [o for o in body(self.api) if o["node"] == f"/api/2.0/nodes/{created['id']}"]
        self.assertEqual(len(obms), 1)
        self.assertNotIn("password", obms[0]["config"])
        self.assertNotIn(self.info.nodes[0].bmc.password, self.api.api_client.last_response.data)
        self.api.nodes_del_by_id(identifier=created["id"])
        self.assertEqual(self.api.api_client.last_response.status, 204)
        with self.assertRaises(ApiException) as missing:
            self.api.nodes_get_by_id(identifier=created["id"])
        self.assertEqual(missing.exception.status, 404)
        self.assertEqual(set(json.loads(missing.exception.body)) >= {"message", "status", "UUID"}, True)
        self.events.until(lambda seen: any(k.startswith(f"node.removed.information.{created['id']}") for k, _ in seen))
        keys = [k for k, _ in self.events.seen]
        self.assertIn(f"node.added.information.{created['id']}.{created['id']}", keys)

    def test_heartbeat_events_in_rackhd_envelope(self):
        seen = self.events.until(lambda s: any(k.startswith("heartbeat.updated.information.") for k, _ in s))
        key, envelope = next((k, b) for k, b in seen if k.startswith("heartbeat.updated.information."))
        self.assertTrue(key.endswith(".on-http"), key)
        self.assertEqual(
            set(envelope), {"version", "type", "action", "severity", "typeId", "nodeId", "data", "createdAt"}
        )
        self.assertEqual(
            (envelope["type"], envelope["action"], envelope["severity"], envelope["nodeId"]),
            ("heartbeat", "updated", "information", None),
        )

    def test_bad_body_gets_400_with_the_schema_error(self):
        with self.assertRaises(ApiException) as bad:
            self.api.nodes_post(identifiers={"name": "rh-bad", "type": "toaster"})
        self.assertEqual(bad.exception.status, 400)
        error = json.loads(bad.exception.body)
        self.assertEqual(error["status"], "400")  # RackHD writes it as a string
        # RackHD's words: its body parameter's enum refuses it first
        self.assertEqual((error["message"], error["errors"]), ("Validation errors", ["No enum match for: toaster"]))

    def test_power_on_graph_powers_the_bmc_and_events_arrive_in_order(self):
        bmc_node = self.info.nodes[0]
        self.assertEqual(ipmitool(bmc_node, "chassis", "power", "off").returncode, 0)
        node = self.create_node("rh-power", bmc_node=bmc_node)
        started = time.monotonic()
        self.api.nodes_post_workflow_by_id(identifier=node["id"], name="Graph.PowerOn.Node", body={})
        self.assertEqual(self.api.api_client.last_response.status, 201)
        graph = body(self.api)
        instance = graph["instanceId"]
        deadline = time.monotonic() + 30
        while True:
            self.api.workflows_get_by_instance_id(identifier=instance)
            status = body(self.api)["status"]
            if status not in ("pending", "running") or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(status, "succeeded", body(self.api))
        self.assertLess(time.monotonic() - started, 10)
        self.assertIn("Chassis Power is on", ipmitool(bmc_node, "chassis", "power", "status").stdout)
        seen = self.events.until(lambda s: any(k == f"graph.finished.{instance}" for k, _ in s))
        keys = [k for k, _ in seen]
        order = [keys.index(k) for k in (f"graph.started.{instance}", f"graph.finished.{instance}")]
        self.assertEqual(order, sorted(order))
        long_started = [k for k in keys if k.startswith(f"graph.started.information.{instance}")]
        long_finished = [k for k in keys if k.startswith(f"graph.finished.information.{instance}")]
        self.assertTrue(long_started and long_finished, keys)
        self.assertLess(keys.index(long_started[0]), keys.index(long_finished[0]))
        finished = dict(seen)[f"graph.finished.{instance}"]
        self.assertEqual(finished["status"], "succeeded")
        self.assertEqual(finished["graphId"], instance)

    def test_wrong_bmc_password_fails_the_graph_with_the_error(self):
        node = self.create_node("rh-wrong-pw", bmc_node=self.info.nodes[1], password="not-the-password")
        self.api.nodes_post_workflow_by_id(identifier=node["id"], name="Graph.PowerOn.Node", body={})
        instance = body(self.api)["instanceId"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.api.workflows_get_by_instance_id(identifier=instance)
            graph = body(self.api)
            if graph["status"] not in ("pending", "running"):
                break
            time.sleep(0.1)
        self.assertEqual(graph["status"], "failed")
        errors = [t.get("error") for t in graph["tasks"] if t.get("error")]
        self.assertTrue(errors, graph["tasks"])
        self.assertNotIn("not-the-password", json.dumps(graph))

    def test_cancel_an_active_graph(self):
        node = self.create_node("rh-cancel")
        self.api.obms_put(body={"nodeId": node["id"], "service": "noop-obm-service", "config": {}})
        self.api.workflows_put_graphs(
            body={
                "friendlyName": "Slow noop",
                "injectableName": "Graph.rh.SlowNoop",
                "options": {"wait": {"delay": 30000}},
                "tasks": [{"label": "wait", "taskName": "Task.noop"}],
            }
        )
        self.api.nodes_post_workflow_by_id(identifier=node["id"], name="Graph.rh.SlowNoop", body={})
        instance = body(self.api)["instanceId"]
        with self.assertRaises(ApiException) as second:
            self.api.nodes_post_workflow_by_id(identifier=node["id"], name="Graph.noop-example", body={})
        self.assertEqual(second.exception.status // 100, 4)
        with self.assertRaises(ApiException) as refused:
            self.api.nodes_del_by_id(identifier=node["id"])
        self.assertEqual(refused.exception.status // 100, 4)
        self.api.nodes_workflow_action_by_id(identifier=node["id"], action={"command": "cancel"})
        self.assertEqual(self.api.api_client.last_response.status, 202)
        self.api.workflows_get_by_instance_id(identifier=instance)
        self.assertEqual(body(self.api)["status"], "cancelled")

    def test_responses_match_the_spec_where_it_defines_them(self):
        """Response schemas of monorail-2.0.yaml that are specific (not just `object`) and agree with
        RackHD's behaviour; docs/reference-target.md lists the ones that contradict it."""
        spec = require_rackhd_contract(self).spec()
        responses = {
            op["operationId"]: op.get("responses", {})
            for item in spec["paths"].values()
            for op in item.values()
            if isinstance(op, dict) and "operationId" in op
        }
        node = self.create_node("rh-shapes", bmc_node=self.info.nodes[1])
        other = self.create_node("rh-shapes-2")
        self.api.nodes_add_relations(identifier=node["id"], content={"contains": [other["id"]]})
        checks = [
            ("nodesGetAll", lambda: self.api.nodes_get_all()),
            ("obmsGet", lambda: self.api.obms_get()),
            ("nodesGetObmsByNodeId", lambda: self.api.nodes_get_obms_by_node_id(identifier=node["id"])),
            ("nodesGetRelations", lambda: self.api.nodes_get_relations(identifier=node["id"])),
            ("nodesPatchById", lambda: self.api.nodes_patch_by_id(identifier=node["id"], body={"name": "x"})),
        ]
        for operation_id, call in checks:
            with self.subTest(operation=operation_id):
                call()
                status = str(self.api.api_client.last_response.status)
                schema = responses[operation_id][int(status)]["schema"]
                definitions = copy.deepcopy(spec["definitions"])
                # The spec types the node view's obms as full OBM bodies; RackHD's view (node.2.0.json
                # template) renders [{service, ref}], which the contract and this suite follow.
                del definitions["node.2.0_GetNode"]["properties"]["obms"]
                # relations_obj types `info` as a string; the contract's view lists it, null when unset.
                definitions["relations_obj"]["properties"]["info"] = {"type": ["string", "null"]}
                errors = [
                    f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                    for e in Draft4Validator({**schema, "definitions": definitions}).iter_errors(body(self.api))
                ]
                self.assertEqual(errors, [])

    def test_schemathesis_over_the_spec_finds_no_server_error(self):
        """Every operation of monorail-2.0.yaml, with generated bodies and parameters: never a 5xx."""
        spec_file = require_rackhd_contract(self).spec_file()
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "run",
                str(spec_file),
                "--url",
                self.info.api_url + "/api/2.0",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "8",
                "--seed",
                "2602",
                "--generation-deterministic",
                "--request-timeout",
                "20",
                "--workers",
                "2",
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        out = result.stdout
        failures = out[out.find("FAILURES") : out.find("WARNINGS")] if "FAILURES" in out else out[-4000:]
        self.assertEqual(result.returncode, 0, failures[:8000] + result.stderr[-2000:])
