"""Rendering of stored documents: views vs raw records, RackHD-shaped seeds, secrets stripped."""

import datetime as dt
import unittest

from bson import ObjectId

from rackharness.reference.views import (
    catalog_raw,
    catalog_view,
    node_raw,
    node_view,
    obm_view,
    redact_config,
)

BASE = "/api/2.0"
NODE_ID = ObjectId("565cc18ec3f522fe51620fa2")
SKU_ID = "3f0bd3a3-6f6c-4a50-8f56-9ab1d6a1ef53"


def rackhd_node(**fields):
    """A node as RackHD stores it (sails-mongo: _id ObjectId, naive UTC datetimes)."""
    return {
        "_id": NODE_ID,
        "name": "08:00:27:27:eb:12",
        "type": "compute",
        "identifiers": ["08:00:27:27:eb:12"],
        "autoDiscover": False,
        "relations": [{"relationType": "enclosedBy", "targets": ["565cc1d2807f92fc51a7c9c5"]}],
        "tags": ["rack-a"],
        "createdAt": dt.datetime(2015, 11, 30, 21, 37, 18, 441000),
        "updatedAt": dt.datetime(2015, 11, 30, 21, 38, 26, 755000, tzinfo=dt.timezone.utc),
        **fields,
    }


OBM = {
    "_id": ObjectId("58806bb776fab9d82b831e52"),
    "node": NODE_ID,
    "service": "ipmi-obm-service",
    "config": {
        "host": "10.1.1.2",
        "user": "admin",
        "password": "s3cret",
        "Password2": "x",
        "community": "public",
        "productkey": "K-1",
    },
}


class NodeViewTest(unittest.TestCase):
    def test_view_links_sub_resources_by_url_and_has_no_timestamps(self):
        view = node_view(rackhd_node(sku=SKU_ID), [OBM], BASE)
        url = f"/api/2.0/nodes/{NODE_ID}"
        self.assertEqual(
            view,
            {
                "autoDiscover": False,
                "catalogs": f"{url}/catalogs",
                "id": str(NODE_ID),
                "identifiers": ["08:00:27:27:eb:12"],
                "name": "08:00:27:27:eb:12",
                "obms": [{"service": "ipmi-obm-service", "ref": "/api/2.0/obms/58806bb776fab9d82b831e52"}],
                "tags": f"{url}/tags",
                "pollers": f"{url}/pollers",
                "relations": [{"relationType": "enclosedBy", "info": None, "targets": ["565cc1d2807f92fc51a7c9c5"]}],
                "sku": f"/api/2.0/skus/{SKU_ID}",
                "type": "compute",
                "workflows": f"{url}/workflows",
                "ibms": [],
            },
        )

    def test_sku_key_only_once_sku_matching_ran(self):
        # as RackHD 2.60.7 answers them (../shared/rackhd-captures): absent, then a link / id, or null
        self.assertNotIn("sku", node_view(rackhd_node(), [], BASE))
        self.assertNotIn("sku", node_raw(rackhd_node()))
        self.assertIsNone(node_view(rackhd_node(sku=None), [], BASE)["sku"])
        self.assertIsNone(node_raw(rackhd_node(sku=None))["sku"])
        self.assertEqual(node_raw(rackhd_node(sku=SKU_ID))["sku"], str(SKU_ID))

    def test_raw_has_tag_names_iso_timestamps_and_no_urls(self):
        raw = node_raw(rackhd_node(bootSettings={"profile": "defaultboot.ipxe"}))
        self.assertEqual(
            raw,
            {
                "id": str(NODE_ID),
                "name": "08:00:27:27:eb:12",
                "type": "compute",
                "identifiers": ["08:00:27:27:eb:12"],
                "autoDiscover": False,
                "relations": [{"relationType": "enclosedBy", "targets": ["565cc1d2807f92fc51a7c9c5"]}],
                "tags": ["rack-a"],
                "bootSettings": {"profile": "defaultboot.ipxe"},
                "createdAt": "2015-11-30T21:37:18.441Z",
                "updatedAt": "2015-11-30T21:38:26.755Z",
            },
        )

    def test_raw_fills_model_defaults_for_a_sparse_seed(self):
        raw = node_raw({"_id": NODE_ID, "name": "bare"})
        self.assertEqual(
            (raw["type"], raw["identifiers"], raw["relations"], raw["tags"], raw["autoDiscover"]),
            ("compute", [], [], [], False),
        )
        self.assertNotIn("bootSettings", raw)


class ObmViewTest(unittest.TestCase):
    def test_view_links_the_node_and_strips_every_secret(self):
        self.assertEqual(
            obm_view(OBM, BASE),
            {
                "id": "58806bb776fab9d82b831e52",
                "node": f"/api/2.0/nodes/{NODE_ID}",
                "service": "ipmi-obm-service",
                "config": {"host": "10.1.1.2", "user": "admin"},
            },
        )

    def test_node_reference_stored_as_string_renders_the_same(self):
        self.assertEqual(obm_view({**OBM, "node": str(NODE_ID)}, BASE)["node"], f"/api/2.0/nodes/{NODE_ID}")

    def test_redact_keeps_the_stored_config_untouched(self):
        config = dict(OBM["config"])
        self.assertEqual(redact_config(config), {"host": "10.1.1.2", "user": "admin"})
        self.assertEqual(config["password"], "s3cret")


class CatalogViewTest(unittest.TestCase):
    CATALOG = {
        "_id": "0b5e8d8a-8f0e-4f36-bd6f-2b6f0b8a2b1e",
        "node": NODE_ID,
        "source": "dmi",
        "data": {"System Information": {"Product Name": "VirtualBox"}},
        "createdAt": dt.datetime(2015, 11, 30, 21, 37, 49, 696000),
        "updatedAt": dt.datetime(2015, 11, 30, 21, 37, 49, 696000),
    }

    def test_list_view_links_the_node(self):
        view = catalog_view(self.CATALOG, BASE)
        self.assertEqual(view["node"], f"/api/2.0/nodes/{NODE_ID}")
        self.assertEqual(list(view), ["id", "node", "createdAt", "updatedAt", "source", "data"])
        self.assertEqual(view["createdAt"], "2015-11-30T21:37:49.696Z")

    def test_raw_carries_the_node_id(self):
        raw = catalog_raw(self.CATALOG)
        self.assertEqual(raw["node"], str(NODE_ID))
        self.assertEqual(raw["id"], "0b5e8d8a-8f0e-4f36-bd6f-2b6f0b8a2b1e")
        self.assertEqual(raw["data"]["System Information"]["Product Name"], "VirtualBox")
