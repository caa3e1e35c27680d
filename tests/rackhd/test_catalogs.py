"""catalogs: a node's catalogs through /nodes/{id}/catalogs[/{source}] and /catalogs[/{id}].

RackHD has no API that writes catalogs (discovery tasks do), so the suite seeds them into Mongo
for a node it creates: two ``dmi`` catalogs (an older and a newer one), one ``bmc`` and one whose
source is unique to the run. Lists answer the catalog view (``node`` is the node's URL); the
by-source endpoint answers the latest catalog of that source raw (``node`` is the node id) and 404
when the node has none. Node sub-routes resolve the node by id or by MAC. Deleting the node
deletes its catalogs.
"""

import datetime as dt
import secrets
import uuid

from rackharness.api_paths import API_ROOT
from rackharness.clients.seed import CATALOGS
from rackharness.suite.checks import assert_error
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test

VIEW_KEYS = {"id", "node", "createdAt", "updatedAt", "source", "data"}


def dmi(serial, product):
    """A dmidecode catalog's data, in the shape of RackHD's ``dmi`` parser (trimmed)."""
    return {
        "System Information": {
            "Manufacturer": "rh-suite",
            "Product Name": product,
            "Serial Number": serial,
            "UUID": str(uuid.uuid4()).upper(),
        },
        "BIOS Information": {"Vendor": "rh-suite", "Version": "1.0", "Release Date": "01/01/2018"},
    }


def assert_catalog_view(catalog, node_id, what):
    missing = VIEW_KEYS - set(catalog)
    asserts.assert_equal(missing, set(), f"{what}: catalog view lacks {sorted(missing)}: {catalog!r:.300}")
    asserts.assert_equal(
        catalog["node"], f"{API_ROOT}/nodes/{node_id}", f"{what}: a listed catalog's node is the node URL"
    )


def anything(ctx, method, path):
    return ctx.api.send(method, path, expect=range(100, 600))


@test(groups=["catalogs"], depends_on_groups=["smoke"])
class NodeCatalogs:
    """Catalogs seeded for one suite node, read back through every catalog route, then deleted with the node."""

    @test
    def seeded_catalogs_are_listed_as_views(self):
        """GET /nodes/{id}/catalogs lists every catalog of the node as a view: id, node URL, source, data, times."""
        ctx = suite_context()
        seeder = ctx.seeder
        node = ctx.create_node("catalogs")
        self.node_id, self.mac = node["id"], node["identifiers"][0]
        self.unique_source = ctx.name("source")
        self.data = {
            "old-dmi": dmi("RH-OLD", "rh-suite old"),
            "dmi": dmi("RH-NEW", "rh-suite new"),
            "bmc": {"IP Address": "192.0.2.20", "MAC Address": ctx.mac()},
            "unique": {"seeded-by": self.unique_source},
        }
        self.ids = {"old-dmi": seeder.catalog(self.node_id, "dmi", self.data["old-dmi"])}
        # "latest wins" goes by createdAt: make the first dmi catalog clearly older than the second.
        collection = seeder.db[CATALOGS]
        older = collection.find_one({"_id": self.ids["old-dmi"]})
        older["createdAt"] = older["updatedAt"] = older["createdAt"] - dt.timedelta(hours=1)
        collection.replace_one({"_id": older["_id"]}, older)
        self.ids["dmi"] = seeder.catalog(self.node_id, "dmi", self.data["dmi"])
        self.ids["bmc"] = seeder.catalog(self.node_id, "bmc", self.data["bmc"])
        self.ids["unique"] = seeder.catalog(self.node_id, self.unique_source, self.data["unique"])

        listed = ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}/catalogs")
        asserts.assert_equal(
            sorted(c.get("id") for c in listed),
            sorted(self.ids.values()),
            "GET /nodes/{id}/catalogs should list exactly the node's seeded catalogs",
        )
        by_id = {catalog_id: key for key, catalog_id in self.ids.items()}
        for catalog in listed:
            assert_catalog_view(catalog, self.node_id, "GET /nodes/{id}/catalogs")
            key = by_id[catalog["id"]]
            asserts.assert_equal(catalog["data"], self.data[key], f"GET /nodes/{{id}}/catalogs: data of {key}")
            source = {"old-dmi": "dmi", "unique": self.unique_source}.get(key, key)
            asserts.assert_equal(catalog["source"], source, f"GET /nodes/{{id}}/catalogs: source of {key}")
        self.listed = {c["id"]: c for c in listed}

    @test(depends_on=[seeded_catalogs_are_listed_as_views])
    def by_source_answers_latest_raw(self):
        """GET /nodes/{id}/catalogs/dmi answers the newest dmi catalog raw: node is the node id, not a URL."""
        catalog = suite_context().api.get(f"{API_ROOT}/nodes/{self.node_id}/catalogs/dmi")
        missing = VIEW_KEYS - set(catalog)
        asserts.assert_equal(missing, set(), f"raw catalog lacks {sorted(missing)}: {catalog!r:.300}")
        asserts.assert_equal(
            catalog["id"],
            self.ids["dmi"],
            f"GET /nodes/{{id}}/catalogs/dmi answered {catalog['id']}, not the newest dmi catalog",
        )
        asserts.assert_equal(catalog["node"], self.node_id, "the by-source catalog's node should be the node id")
        asserts.assert_equal(catalog["source"], "dmi", "GET /nodes/{id}/catalogs/dmi: source")
        asserts.assert_equal(catalog["data"], self.data["dmi"], "GET /nodes/{id}/catalogs/dmi: data")

    @test(depends_on=[seeded_catalogs_are_listed_as_views])
    def node_routes_resolve_a_mac(self):
        """GET /nodes/{mac}/catalogs and /nodes/{mac}/catalogs/bmc answer the same as by id."""
        ctx = suite_context()
        listed = ctx.api.get(f"{API_ROOT}/nodes/{self.mac}/catalogs")
        asserts.assert_equal(
            sorted(c.get("id") for c in listed),
            sorted(self.ids.values()),
            f"GET /nodes/{self.mac}/catalogs lists other catalogs than by id",
        )
        catalog = ctx.api.get(f"{API_ROOT}/nodes/{self.mac}/catalogs/bmc")
        asserts.assert_equal(
            (catalog.get("id"), catalog.get("node"), catalog.get("data")),
            (self.ids["bmc"], self.node_id, self.data["bmc"]),
            f"GET /nodes/{self.mac}/catalogs/bmc answered another catalog",
        )

    @test(depends_on=[seeded_catalogs_are_listed_as_views])
    def unknown_source_answers_404(self):
        """GET /nodes/{id}/catalogs/{source} of a source the node has no catalog of answers 404."""
        ctx = suite_context()
        path = f"{API_ROOT}/nodes/{self.node_id}/catalogs/rh-suite-no-such-source"
        assert_error(anything(ctx, "GET", path), 404, f"GET {path}")

    @test(depends_on=[seeded_catalogs_are_listed_as_views])
    def get_by_id_answers_view(self):
        """GET /catalogs/{id} answers that catalog in the view the node's list shows."""
        ctx = suite_context()
        for key in ("bmc", "dmi"):
            catalog = ctx.api.get(f"{API_ROOT}/catalogs/{self.ids[key]}")
            assert_catalog_view(catalog, self.node_id, f"GET /catalogs/{{id}} ({key})")
            asserts.assert_equal(
                catalog,
                self.listed[self.ids[key]],
                f"GET /catalogs/{{id}} and /nodes/{{id}}/catalogs render the {key} catalog apart",
            )

    @test(depends_on=[seeded_catalogs_are_listed_as_views])
    def list_filters_by_source(self):
        """GET /catalogs?source=<s> lists exactly the catalogs of that source, as views."""
        ctx = suite_context()
        listed = ctx.api.get(f"{API_ROOT}/catalogs", params={"source": self.unique_source})
        asserts.assert_equal(
            [c.get("id") for c in listed],
            [self.ids["unique"]],
            f"GET /catalogs?source={self.unique_source} should list only the one seeded catalog",
        )
        assert_catalog_view(listed[0], self.node_id, "GET /catalogs?source=")
        asserts.assert_equal(listed[0]["data"], self.data["unique"], "GET /catalogs?source=: data")

    @test(
        depends_on=[seeded_catalogs_are_listed_as_views],
        runs_after=[
            by_source_answers_latest_raw,
            node_routes_resolve_a_mac,
            unknown_source_answers_404,
            get_by_id_answers_view,
            list_filters_by_source,
        ],
    )
    def deleting_the_node_deletes_its_catalogs(self):
        """DELETE /nodes/{id} answers 204 and its catalogs are gone: GET /catalogs/{id} answers 404 for each."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/nodes/{self.node_id}", expect=(204,))
        for key, catalog_id in sorted(self.ids.items()):
            assert_error(
                anything(ctx, "GET", f"{API_ROOT}/catalogs/{catalog_id}"),
                404,
                f"GET /catalogs/{catalog_id} ({key}) after its node was deleted",
            )


@test(groups=["catalogs"], depends_on_groups=["smoke"])
class CatalogsUnknown:
    """Catalog routes for nodes and catalogs that do not exist."""

    @test
    def unknown_node_answers_404(self):
        """GET /nodes/{id}/catalogs and /nodes/{id}/catalogs/dmi of an unknown node answer 404."""
        ctx = suite_context()
        missing = secrets.token_hex(12)
        for path in (f"{API_ROOT}/nodes/{missing}/catalogs", f"{API_ROOT}/nodes/{missing}/catalogs/dmi"):
            assert_error(anything(ctx, "GET", path), 404, f"GET {path}")

    @test
    def unknown_catalog_answers_404(self):
        """GET /catalogs/{id} of a uuid no catalog has answers 404."""
        missing = str(uuid.uuid4())
        assert_error(
            anything(suite_context(), "GET", f"{API_ROOT}/catalogs/{missing}"), 404, f"GET /catalogs/{missing}"
        )
