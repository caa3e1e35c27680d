"""obms: a node's OBM settings — ipmi-obm-service and noop-obm-service — through /nodes/{id}/obm and /obms.

PUT (either route) answers 201 with the OBM view ``{id, node: <node URL>, service, config}`` and
upserts: one OBM per (node, service). Secrets never come back: config keys matching /password/i,
``community`` and ``productkey`` are stripped from GET /obms, GET /obms/{id}, GET /nodes/{id}/obm,
PUT/PATCH answers and the node views (which link OBMs as ``{service, ref: /api/2.0/obms/<id>}``).
Bodies that break the service's schema (``schemas/obms/<service>.json``) answer 400, unknown OBMs
and nodes 404. The ipmi OBM points at a rack node's BMC but is set on a node the suite creates, so
the rack's own nodes are never touched.
"""

import re
import secrets

from rackharness.api_paths import API_ROOT
from rackharness.suite.checks import assert_error, assert_same, ipmi_obm_config
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test

IPMI, NOOP = "ipmi-obm-service", "noop-obm-service"
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
SECRET_KEY = re.compile(r"(?i:password)|^community$|^productkey$")


def unknown_id():
    """A well-formed id (24 hex digits) that names no node and no OBM."""
    return secrets.token_hex(12)


def secret_keys(value, path=""):
    """Every key at any depth of ``value`` that names a secret, as a dotted path."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if SECRET_KEY.search(str(key)):
                found.append(where)
            found.extend(secret_keys(item, where))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(secret_keys(item, f"{path}[{index}]"))
    return found


def assert_no_secrets(response, secret, what, *also_shown):
    """No secret-named key anywhere in the body, and the secret's value nowhere in the text
    (unless that value is also a field the API may show, e.g. a user named like the password)."""
    keys = secret_keys(response.json())
    asserts.assert_equal(keys, [], f"{what} returned secret config keys {keys}")
    if secret and all(secret not in str(shown) for shown in also_shown):
        asserts.assert_false(secret in response.text, f"{what} returned the password's value in its body")


def assert_obm_view(obm, node_id, service, what):
    missing = {"id", "node", "service", "config"} - set(obm)
    asserts.assert_equal(missing, set(), f"{what}: OBM view lacks {sorted(missing)}: {obm!r:.300}")
    asserts.assert_true(OBJECT_ID.match(str(obm["id"])), f"{what}: OBM id should be a Mongo ObjectId: {obm['id']!r}")
    asserts.assert_equal(obm["node"], f"{API_ROOT}/nodes/{node_id}", f"{what}: the OBM's node should be the node URL")
    asserts.assert_equal(obm["service"], service, f"{what}: service")


def anything(ctx, method, path, body=None):
    return ctx.api.send(method, path, json=body, expect=range(100, 600))


@test(groups=["obms"], depends_on_groups=["smoke"])
class IpmiObm:
    """An ipmi-obm-service OBM on a suite node, pointing at the first rack node's BMC."""

    @test
    def put_node_obm_answers_view_without_password(self):
        """PUT /nodes/{id}/obm with an ipmi config answers 201 with the OBM view: host and user, no password."""
        ctx = suite_context()
        self.bmc = ctx.bmc_nodes()[0].bmc
        self.node_id = ctx.create_node("ipmi-obm")["id"]
        body = {"nodeId": self.node_id, "service": IPMI, "config": ipmi_obm_config(self.bmc)}
        response = ctx.api.send("PUT", f"{API_ROOT}/nodes/{self.node_id}/obm", json=body, expect=(201,))
        obm = response.json()
        assert_obm_view(obm, self.node_id, IPMI, "PUT /nodes/{id}/obm")
        self.obm_id = obm["id"]
        asserts.assert_equal(obm["config"].get("host"), self.bmc.host, "PUT /nodes/{id}/obm: config.host")
        asserts.assert_equal(obm["config"].get("user"), self.bmc.user, "PUT /nodes/{id}/obm: config.user")
        assert_no_secrets(response, self.bmc.password, "PUT /nodes/{id}/obm", self.bmc.user, self.bmc.host)

    @test(depends_on=[put_node_obm_answers_view_without_password])
    def node_obm_lists_it_without_password(self):
        """GET /nodes/{id}/obm lists exactly that OBM, without its password."""
        ctx = suite_context()
        response = anything(ctx, "GET", f"{API_ROOT}/nodes/{self.node_id}/obm")
        asserts.assert_equal(response.status_code, 200, f"GET /nodes/{{id}}/obm answered {response.status_code}")
        obms = response.json()
        asserts.assert_equal([o.get("id") for o in obms], [self.obm_id], "GET /nodes/{id}/obm lists other OBMs")
        assert_obm_view(obms[0], self.node_id, IPMI, "GET /nodes/{id}/obm")
        assert_no_secrets(response, self.bmc.password, "GET /nodes/{id}/obm", self.bmc.user, self.bmc.host)

    @test(depends_on=[put_node_obm_answers_view_without_password])
    def obms_list_it_and_no_password_at_all(self):
        """GET /obms lists the OBM; no OBM in the list carries a password, community or product key."""
        ctx = suite_context()
        response = anything(ctx, "GET", f"{API_ROOT}/obms")
        asserts.assert_equal(response.status_code, 200, f"GET /obms answered {response.status_code}")
        mine = [o for o in response.json() if o.get("id") == self.obm_id]
        asserts.assert_equal(len(mine), 1, f"GET /obms lists the OBM {self.obm_id} {len(mine)} time(s)")
        assert_obm_view(mine[0], self.node_id, IPMI, "GET /obms")
        assert_no_secrets(response, self.bmc.password, "GET /obms", self.bmc.user, self.bmc.host)

    @test(depends_on=[put_node_obm_answers_view_without_password])
    def get_by_id_answers_view_without_password(self):
        """GET /obms/{id} answers the OBM view with host and user and without the password."""
        ctx = suite_context()
        response = anything(ctx, "GET", f"{API_ROOT}/obms/{self.obm_id}")
        asserts.assert_equal(response.status_code, 200, f"GET /obms/{{id}} answered {response.status_code}")
        obm = response.json()
        assert_obm_view(obm, self.node_id, IPMI, "GET /obms/{id}")
        asserts.assert_equal(obm["id"], self.obm_id, "GET /obms/{id} answered another OBM")
        asserts.assert_equal(obm["config"].get("host"), self.bmc.host, "GET /obms/{id}: config.host")
        assert_no_secrets(response, self.bmc.password, "GET /obms/{id}", self.bmc.user, self.bmc.host)

    @test(depends_on=[put_node_obm_answers_view_without_password])
    def node_views_link_it_without_password(self):
        """GET /nodes/{id} and GET /nodes link the OBM as {service, ref: /api/2.0/obms/<id>}, without secrets."""
        ctx = suite_context()
        expected = [{"service": IPMI, "ref": f"{API_ROOT}/obms/{self.obm_id}"}]
        response = anything(ctx, "GET", f"{API_ROOT}/nodes/{self.node_id}")
        asserts.assert_equal(response.json().get("obms"), expected, "GET /nodes/{id}: obms links")
        assert_no_secrets(response, self.bmc.password, "GET /nodes/{id}", self.bmc.user, self.bmc.host)
        response = anything(ctx, "GET", f"{API_ROOT}/nodes")
        mine = [n for n in response.json() if n.get("id") == self.node_id]
        asserts.assert_equal(len(mine), 1, "GET /nodes does not list the node once")
        asserts.assert_equal(mine[0].get("obms"), expected, "GET /nodes: obms links of the node")
        assert_no_secrets(response, self.bmc.password, "GET /nodes", self.bmc.user, self.bmc.host)

    @test(depends_on=[put_node_obm_answers_view_without_password])
    def put_obms_upserts_the_same_service(self):
        """PUT /obms for a service the node already has answers 201 and updates that OBM: still one, same id."""
        ctx = suite_context()
        self.user = f"{self.bmc.user}-rh"
        body = {"nodeId": self.node_id, "service": IPMI, "config": ipmi_obm_config(self.bmc, user=self.user)}
        response = ctx.api.send("PUT", f"{API_ROOT}/obms", json=body, expect=(201,))
        assert_obm_view(response.json(), self.node_id, IPMI, "PUT /obms")
        assert_no_secrets(response, self.bmc.password, "PUT /obms", self.user, self.bmc.host)
        obms = ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}/obm")
        asserts.assert_equal(
            [(o["id"], o["config"].get("user")) for o in obms],
            [(self.obm_id, self.user)],
            "after a second PUT of the same service the node should have one OBM, updated",
        )

    @test(depends_on=[put_obms_upserts_the_same_service])
    def patch_changes_config_without_password(self):
        """PATCH /obms/{id} with a new ipmi config answers 200 with the raw OBM record (the spec gives PATCH no view:
        node is the node id, nodeId too), changed, without the password; GET /obms/{id} shows the change."""
        ctx = suite_context()
        body = {"service": IPMI, "config": ipmi_obm_config(self.bmc)}
        response = ctx.api.send("PATCH", f"{API_ROOT}/obms/{self.obm_id}", json=body, expect=(200,))
        obm = response.json()
        seen = {key: obm.get(key) for key in ("id", "node", "nodeId", "service")}
        assert_same(
            seen,
            {"id": self.obm_id, "node": self.node_id, "nodeId": self.node_id, "service": IPMI},
            "PATCH /obms/{id}: the raw record",
        )
        asserts.assert_equal(obm["config"].get("user"), self.bmc.user, "PATCH /obms/{id} did not answer the new user")
        assert_no_secrets(response, self.bmc.password, "PATCH /obms/{id}", self.bmc.user, self.bmc.host)
        asserts.assert_equal(
            ctx.api.get(f"{API_ROOT}/obms/{self.obm_id}")["config"].get("user"),
            self.bmc.user,
            "GET /obms/{id} does not show the patched user",
        )

    @test(depends_on=[put_node_obm_answers_view_without_password], runs_after=[patch_changes_config_without_password])
    def delete_removes_it(self):
        """DELETE /obms/{id} answers 204: GET /obms/{id} 404, the node lists and links no OBM, a second DELETE 404."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/obms/{self.obm_id}", expect=(204,))
        assert_error(anything(ctx, "GET", f"{API_ROOT}/obms/{self.obm_id}"), 404, "GET /obms/{id} after its DELETE")
        asserts.assert_equal(
            ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}/obm"), [], "GET /nodes/{id}/obm still lists the deleted OBM"
        )
        asserts.assert_equal(
            ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}").get("obms") or [],
            [],
            "GET /nodes/{id} still links the deleted OBM",
        )
        assert_error(anything(ctx, "DELETE", f"{API_ROOT}/obms/{self.obm_id}"), 404, "a second DELETE /obms/{id}")
        ctx.api.delete(f"{API_ROOT}/nodes/{self.node_id}", expect=(204,))


@test(groups=["obms"], depends_on_groups=["smoke"])
class NoopObm:
    """noop-obm-service OBMs: set inline when the node is created, and through PUT /obms."""

    @test
    def node_created_with_inline_noop_obm_links_it(self):
        """POST /nodes with obms [{service: noop-obm-service, config: {}}] gives the node that OBM, linked."""
        ctx = suite_context()
        self.node_id = ctx.create_node("noop-obm", obms=[{"service": NOOP, "config": {}}])["id"]
        obms = ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}/obm")
        asserts.assert_equal(len(obms), 1, f"the node should have the one OBM of its body, has {obms!r:.300}")
        assert_obm_view(obms[0], self.node_id, NOOP, "GET /nodes/{id}/obm")
        asserts.assert_equal(obms[0]["config"], {}, "the noop OBM's config should be the {} posted")
        self.obm_id = obms[0]["id"]
        view = ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}")
        asserts.assert_equal(
            view.get("obms"),
            [{"service": NOOP, "ref": f"{API_ROOT}/obms/{self.obm_id}"}],
            "GET /nodes/{id}: obms links",
        )

    @test(depends_on=[node_created_with_inline_noop_obm_links_it])
    def secret_keys_are_stripped_from_any_service(self):
        """PUT /obms with a noop config holding password, community and productkey keys returns only the others."""
        ctx = suite_context()
        config = {
            "description": "rh-suite noop",
            "adminPassword": secrets.token_hex(8),
            "community": secrets.token_hex(8),
            "productkey": secrets.token_hex(8),
        }
        body = {"nodeId": self.node_id, "service": NOOP, "config": config}
        response = ctx.api.send("PUT", f"{API_ROOT}/obms", json=body, expect=(201,))
        obm = response.json()
        assert_obm_view(obm, self.node_id, NOOP, "PUT /obms (noop)")
        asserts.assert_equal(obm["id"], self.obm_id, "PUT /obms of the node's existing service made a new OBM")
        asserts.assert_equal(obm["config"], {"description": "rh-suite noop"}, "PUT /obms (noop) answered secrets")
        for secret in (config["adminPassword"], config["community"], config["productkey"]):
            for path in (f"/obms/{self.obm_id}", f"/nodes/{self.node_id}/obm", "/obms", f"/nodes/{self.node_id}"):
                response = anything(ctx, "GET", f"{API_ROOT}{path}")
                asserts.assert_false(secret in response.text, f"GET {path} returned a secret config value")
                asserts.assert_equal(secret_keys(response.json()), [], f"GET {path} returned secret config keys")

    @test(
        depends_on=[node_created_with_inline_noop_obm_links_it], runs_after=[secret_keys_are_stripped_from_any_service]
    )
    def delete_node_obm_then_node(self):
        """DELETE /obms/{id} of the noop OBM answers 204 and the node then has none; the node deletes with 204."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/obms/{self.obm_id}", expect=(204,))
        asserts.assert_equal(
            ctx.api.get(f"{API_ROOT}/nodes/{self.node_id}/obm"),
            [],
            "GET /nodes/{id}/obm still lists the deleted noop OBM",
        )
        ctx.api.delete(f"{API_ROOT}/nodes/{self.node_id}", expect=(204,))


@test(groups=["obms"], depends_on_groups=["smoke"])
class ObmBadInput:
    """OBM bodies that break their service's schema, and ids that name nothing."""

    @test
    def put_rejects_bodies_breaking_the_schema(self):
        """PUT /obms and /nodes/{id}/obm answer 400: ipmi config without password or host, no config, unknown key."""
        ctx = suite_context()
        node_id = ctx.create_node("bad-obm")["id"]
        full = {"host": "192.0.2.10", "user": "rh-suite", "password": secrets.token_hex(8)}
        bodies = {
            "an ipmi config without password": {"service": IPMI, "config": {k: full[k] for k in ("host", "user")}},
            "an ipmi config without host": {"service": IPMI, "config": {k: full[k] for k in ("user", "password")}},
            "no config": {"service": IPMI},
            "an unknown top-level key": {"service": IPMI, "config": full, "colour": "red"},
            "a config that is not an object": {"service": NOOP, "config": "on"},
        }
        for path in (f"{API_ROOT}/obms", f"{API_ROOT}/nodes/{node_id}/obm"):
            for what, body in bodies.items():
                response = anything(ctx, "PUT", path, {"nodeId": node_id, **body})
                assert_error(response, 400, f"PUT {path} with {what}")
        asserts.assert_equal(
            ctx.api.get(f"{API_ROOT}/nodes/{node_id}/obm"), [], "a refused OBM body still left an OBM on the node"
        )
        ctx.api.delete(f"{API_ROOT}/nodes/{node_id}", expect=(204,))

    @test
    def unknown_ids_answer_404(self):
        """Unknown ids answer 404: GET and DELETE /obms/{id}, GET /nodes/{id}/obm; PUT /obms naming an unknown node
        (its spec documents 201 and 500, no 404; RackHD 2.60.7 stores the OBM) creates no node."""
        ctx = suite_context()
        missing = unknown_id()
        assert_error(anything(ctx, "GET", f"{API_ROOT}/obms/{missing}"), 404, f"GET /obms/{missing}")
        assert_error(anything(ctx, "DELETE", f"{API_ROOT}/obms/{missing}"), 404, f"DELETE /obms/{missing}")
        assert_error(anything(ctx, "GET", f"{API_ROOT}/nodes/{missing}/obm"), 404, f"GET /nodes/{missing}/obm")
        body = {"nodeId": missing, "service": NOOP, "config": {}}
        response = anything(ctx, "PUT", f"{API_ROOT}/obms", body)
        if response.status_code == 201:  # RackHD's answer: an OBM of no node, which the suite removes at once
            ctx.api.delete(f"{API_ROOT}/obms/{response.json()['id']}", expect=(204, 404))
        asserts.assert_true(
            response.status_code in (201, 404),
            f"PUT /obms for node {missing}: {response.status_code} {response.text[:300]}",
        )
        assert_error(anything(ctx, "GET", f"{API_ROOT}/nodes/{missing}"), 404, f"GET /nodes/{missing} after PUT /obms")


@test(groups=["obms"], depends_on_groups=["smoke"])
class ObmDefinitions:
    """The OBM service schemas RackHD validates OBM bodies against."""

    @test
    def definitions_list_ipmi_and_noop(self):
        """GET /obms/definitions lists the schema URIs, among them ipmi-obm-service.json and noop-obm-service.json."""
        uris = suite_context().api.get(f"{API_ROOT}/obms/definitions")
        for service in (IPMI, NOOP):
            uri = f"{API_ROOT}/obms/definitions/{service}.json"
            asserts.assert_true(uri in uris, f"GET /obms/definitions does not list {uri}: {uris!r:.400}")

    @test
    def ipmi_definition_requires_host_user_password(self):
        """GET /obms/definitions/ipmi-obm-service.json answers the schema: Obm requires host, user and password."""
        schema = suite_context().api.get(f"{API_ROOT}/obms/definitions/{IPMI}.json")
        asserts.assert_equal(schema.get("title"), IPMI, "the ipmi schema's title")
        definitions = schema.get("definitions") or {}
        for name in ("ObmBase", "Obm", "ObmPatch"):
            asserts.assert_true(name in definitions, f"the ipmi schema lacks definitions.{name}: {sorted(definitions)}")
        config = definitions["ObmBase"].get("properties", {}).get("config", {})
        asserts.assert_equal(
            sorted(config.get("required", [])), ["host", "password", "user"], "the ipmi schema's config.required"
        )
