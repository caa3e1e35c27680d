"""lookups: which node a MAC belongs to and which IP a MAC has (/lookups).

A lookup is the raw record ``{id, macAddress, ipAddress?, node?, createdAt, updatedAt}``.
``POST /lookups`` answers 201 (``macAddress`` required: 400 without it; 409 for a MAC another
record has); ``GET /lookups?q=<term>`` lists the records whose node id, MAC or IP is the term;
``GET|PATCH|DELETE /lookups/{id}``. MACs are suite MACs (``02:7e:…``) and the node a suite node, so
the cleanup group removes them.
"""

from rackharness.api_paths import API_ROOT
from rackharness.suite.checks import assert_error, assert_same
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test

RAW_KEYS = {"id", "macAddress", "createdAt", "updatedAt"}
#: TEST-NET-2 addresses (RFC 5737): no real node has them
IP, NEW_IP = "198.51.100.17", "198.51.100.18"


def by_term(ctx, term):
    listed = ctx.api.get(f"{API_ROOT}/lookups", params={"q": term})
    asserts.assert_true(isinstance(listed, list), f"GET /lookups?q={term} should answer a list, got {listed!r:.300}")
    return listed


@test(groups=["lookups"], depends_on_groups=["smoke"])
class Lookups:
    """One lookup for a suite MAC, IP and node: created, found by each term, refused twice, patched, deleted."""

    @test
    def create_answers_201_with_the_raw_record(self):
        """POST /lookups {macAddress, ipAddress, node} answers 201 with the raw record: id, the fields as
        given, createdAt and updatedAt."""
        ctx = suite_context()
        self.node = ctx.create_node("looked-up")["id"]
        self.mac = ctx.mac()
        record = ctx.api.post(
            f"{API_ROOT}/lookups", {"macAddress": self.mac, "ipAddress": IP, "node": self.node}, expect=(201,)
        )
        self.id = ctx.created("lookup", record.get("id", ""), self.mac)
        missing = RAW_KEYS - set(record)
        asserts.assert_equal(missing, set(), f"POST /lookups answer lacks {sorted(missing)}: {record!r:.400}")
        assert_same(
            {key: record.get(key) for key in ("macAddress", "ipAddress", "node")},
            {"macAddress": self.mac, "ipAddress": IP, "node": self.node},
            "POST /lookups answer",
        )

    @test(depends_on=[create_answers_201_with_the_raw_record])
    def query_finds_it_by_mac_ip_and_node(self):
        """GET /lookups?q= answers the record for its MAC, for its IP and for its node id."""
        ctx = suite_context()
        for term in (self.mac, IP, self.node):
            ids = [record.get("id") for record in by_term(ctx, term)]
            asserts.assert_true(self.id in ids, f"GET /lookups?q={term} should include {self.id}; got {ids}")

    @test(depends_on=[create_answers_201_with_the_raw_record])
    def get_by_id_answers_the_record(self):
        """GET /lookups/{id} answers the record."""
        record = suite_context().api.get(f"{API_ROOT}/lookups/{self.id}")
        assert_same((record.get("id"), record.get("macAddress")), (self.id, self.mac), f"GET /lookups/{self.id}")

    @test(depends_on=[create_answers_201_with_the_raw_record])
    def same_mac_without_ip_is_a_second_record_once(self):
        """POST /lookups {macAddress} of a MAC recorded with an IP answers 201, a second record (RackHD's unique
        index is (macAddress, ipAddress)); the same POST again is refused (4xx/5xx); ?q=MAC lists the two."""
        ctx = suite_context()
        response = ctx.api.send("POST", f"{API_ROOT}/lookups", json={"macAddress": self.mac}, expect=range(200, 600))
        if response.status_code == 201:
            self.second = ctx.created("lookup", response.json().get("id", ""), self.mac)
        asserts.assert_equal(
            response.status_code,
            201,
            f"POST /lookups {{macAddress}} of a MAC recorded with an IP: {response.text[:300]}",
        )
        again = ctx.api.send("POST", f"{API_ROOT}/lookups", json={"macAddress": self.mac}, expect=range(200, 600))
        if again.status_code < 300:
            ctx.created("lookup", again.json().get("id", ""), self.mac)
        asserts.assert_true(
            again.status_code >= 400,
            f"a second (MAC, no IP) record was accepted: {again.status_code} {again.text[:300]}",
        )
        listed = sorted((r.get("id"), r.get("ipAddress")) for r in by_term(ctx, self.mac))
        asserts.assert_equal(listed, sorted([(self.id, IP), (self.second, None)]), f"GET /lookups?q={self.mac}")

    @test
    def missing_mac_answers_400(self):
        """POST /lookups without macAddress answers 400 and creates nothing."""
        ctx = suite_context()
        response = ctx.api.send("POST", f"{API_ROOT}/lookups", json={"ipAddress": "198.51.100.99"}, expect=(400, 201))
        if response.status_code == 201:
            ctx.created("lookup", response.json().get("id", ""))
        assert_error(response, 400, "POST /lookups without macAddress")
        asserts.assert_equal(
            by_term(ctx, "198.51.100.99"), [], "POST /lookups without macAddress was refused but a record has its IP"
        )

    @test(
        depends_on=[create_answers_201_with_the_raw_record],
        runs_after=[
            query_finds_it_by_mac_ip_and_node,
            get_by_id_answers_the_record,
            same_mac_without_ip_is_a_second_record_once,
        ],
    )
    def patch_changes_the_ip(self):
        """PATCH /lookups/{id} {ipAddress} answers 200 with the new IP; ?q= finds it by the new IP, not the old."""
        ctx = suite_context()
        record = ctx.api.patch(f"{API_ROOT}/lookups/{self.id}", {"ipAddress": NEW_IP})
        assert_same(
            (record.get("id"), record.get("ipAddress"), record.get("macAddress")),
            (self.id, NEW_IP, self.mac),
            f"PATCH /lookups/{self.id} answer",
        )
        new = [r.get("id") for r in by_term(ctx, NEW_IP)]
        old = [r.get("id") for r in by_term(ctx, IP)]
        asserts.assert_true(
            self.id in new and self.id not in old, f"after PATCH, ?q={NEW_IP} lists {new} and ?q={IP} lists {old}"
        )

    @test(depends_on=[create_answers_201_with_the_raw_record], runs_after=[patch_changes_the_ip])
    def delete_then_404(self):
        """DELETE /lookups/{id} answers 204 (2.60.7's spec; 200 with the record also passes); GET then answers 404,
        ?q=MAC no longer lists it."""
        ctx = suite_context()
        ctx.api.delete(f"{API_ROOT}/lookups/{self.id}", expect=(204, 200))
        response = ctx.api.send("GET", f"{API_ROOT}/lookups/{self.id}", expect=(404, 200))
        assert_error(response, 404, f"GET /lookups/{self.id} after DELETE")
        listed = [record.get("id") for record in by_term(ctx, self.mac)]
        asserts.assert_true(
            self.id not in listed, f"GET /lookups?q={self.mac} still lists the deleted record: {listed}"
        )
