"""The reference target's API tests once more, over an in-memory mongomock store (isolated mode's Mongo).

Every TargetApiTestCase class of the nodes, obms, node-attribute, skus, tag-definition and pollers
API modules, and the workflows API test with the real engine, rerun unchanged with ``MONGO =
MONGOMOCK``; and the server's own ``build`` is started from a ``mongomock://`` URL and meets a
``MongoSeeder`` on the same URL. Skipped when mongomock is not installed.
"""

import logging
import unittest
import uuid

from rackharness.clients.seed import MongoSeeder
from rackharness.reference import server
from rackharness.transports.mongo.mongomock_side import forget, in_memory_url
from tests.functional.reference import (
    test_node_attributes_api,
    test_nodes_api,
    test_obms_api,
    test_pollers_api,
    test_skus_api,
    test_tag_definitions_api,
    test_workflows_api,
)
from tests.functional.reference.support import MONGOMOCK, TargetApiTestCase, in_memory_db


def _on_mongomock(module):
    """``<Class>OnMongomock`` for every concrete TargetApiTestCase subclass defined in ``module``."""
    made = {}
    for name, cls in vars(module).items():
        if (
            isinstance(cls, type)
            and issubclass(cls, TargetApiTestCase)
            and cls.__module__ == module.__name__
            and any(attr.startswith("test") for attr in dir(cls))
        ):
            made[f"{name}OnMongomock"] = type(
                f"{name}OnMongomock", (cls,), {"MONGO": MONGOMOCK, "__module__": __name__}
            )
    return made


for _module in (
    test_nodes_api,
    test_obms_api,
    test_node_attributes_api,
    test_skus_api,
    test_tag_definitions_api,
    test_pollers_api,
):
    globals().update(_on_mongomock(_module))


class WorkflowsApiOnMongomock(test_workflows_api.WorkflowsApiTest):
    MONGO = MONGOMOCK


class ServerBuildOnMongomockTest(unittest.TestCase):
    """``server.build`` from a mongomock URL: the seeder and the app meet on one store by URL."""

    def test_build_serves_what_a_seeder_on_the_same_url_wrote(self):
        in_memory_db(type(self))  # skips without mongomock
        url = in_memory_url(f"server-build-{uuid.uuid4().hex[:8]}")
        self.addCleanup(forget, url)
        settings = {
            "host": "127.0.0.1",
            "port": 9,
            "mongo_url": url,
            "database": "pxe",
            "amqp_url": "amqp://guest:guest@127.0.0.1:9/",
            "heartbeat_interval": 10,
            "threads": 2,
        }
        logging.disable(logging.CRITICAL)  # no broker on port 9: the event bus logs its outage
        self.addCleanup(logging.disable, logging.NOTSET)
        ctx, endpoints, _ = server.build(settings)
        self.addCleanup(ctx.events.close)
        self.addCleanup(ctx.engine.close)
        seeder = MongoSeeder.from_url(url).register_cleanup(self)
        nid = seeder.node(name="seeded", identifiers=["52:54:00:aa:bb:cc"])
        client = endpoints.main.test_client()
        listed = client.get("/api/2.0/nodes").get_json()
        self.assertEqual([node["id"] for node in listed], [nid])
        by_mac = client.get("/api/2.0/nodes/52:54:00:aa:bb:cc/catalogs")  # found by MAC (equality on an array)
        self.assertEqual((by_mac.status_code, by_mac.get_json()), (200, []))
        created = client.post("/api/2.0/nodes", json={"name": "posted", "type": "compute"})
        self.assertEqual(created.status_code, 201)
        self.assertEqual(seeder.db.nodes.count_documents({}), 2, "the seeder sees what the API wrote")
        self.assertEqual(client.get("/api/2.0/config").get_json()["mongo"], url)


if __name__ == "__main__":
    unittest.main()
