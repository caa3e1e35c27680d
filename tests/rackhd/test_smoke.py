"""smoke: the rack is reachable — the API, AMQP and Mongo answer, every node's BMC logs in over IPMI.

Runs against whatever rack the state file describes (the local virtual rack, a physical lab, a
real RackHD). Ordering and groups come with the proboscis runner; until then this is the one
group `nose2` runs.
"""
import unittest

import pika
import pymongo
import requests
from pyghmi.ipmi.command import Command

from rackharness.stack_info import current_stack


class SmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = current_stack()

    def test_api_serves_config(self):
        self.assertTrue(self.stack.api_url, "the stack state has no api_url")
        response = requests.get(self.stack.api_url + "/api/2.0/config", timeout=10)
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertIsInstance(response.json(), dict)

    def test_amqp_accepts_a_connection(self):
        connection = pika.BlockingConnection(pika.URLParameters(self.stack.amqp_url))
        try:
            self.assertTrue(connection.is_open)
        finally:
            connection.close()

    def test_mongo_answers_ping(self):
        client = pymongo.MongoClient(self.stack.mongo_url, serverSelectionTimeoutMS=5000)
        try:
            self.assertEqual(client.admin.command("ping")["ok"], 1.0)
        finally:
            client.close()

    def test_every_node_bmc_answers_ipmi(self):
        self.assertTrue(self.stack.nodes, "the rack has no nodes")
        for node in self.stack.nodes:
            with self.subTest(node=node.name):
                ipmi = Command(bmc=node.bmc.host, port=node.bmc.port, userid=node.bmc.user,
                               password=node.bmc.password)
                self.assertIn(ipmi.get_power()["powerstate"], ("on", "off"))
                device_id = bytes(ipmi.xraw_command(netfn=0x06, command=0x01)["data"])
                self.assertGreaterEqual(len(device_id), 11, "Get Device ID reply is shorter than the spec's 11 bytes")
                self.assertEqual(device_id[4] & 0x0F, 0x02, "IPMI version is not 2.0")  # 0x02 = IPMI 2.0
