"""Scrubbing secrets out of tapes (rackharness.tapes.scrub): every encoding replaced, every leak found."""

from __future__ import annotations

import base64
import json
import unittest
from urllib.parse import quote, quote_plus

import jwt

from rackharness.errors import UsageError
from rackharness.reference.auth.tokens import node_base64_key
from rackharness.tapes.scrub import Leak, Scrubber, Secret, placeholders_for, rackhd_signing_key
from tests.support.jwt_tokens import sign, verify

BMC_PW = "Bmc-S3cret!"
API_PW = "p@ss/w:rd+1"
AMQP_PW = "AmqpPa55word"
MONGO_PW = "m0ngo&Pass"
TOKEN_SECRET = "K3epItS3cretK3epItSafe=="
FAKE = {
    "bmc.password": "fake-bmc-pw",
    "target.auth_password": "fake api/pw",
    "target.auth_token_secret": "FakeTokenSecretForTapes0",
}
CLAIMS = {"user": "admin", "iat": 1700000000, "exp": 1700086400}


def secrets(**extra: str) -> list[Secret]:
    found = {
        "bmc.password": BMC_PW,
        "node.node-01.bmc.password": BMC_PW,
        "target.auth_password": API_PW,
        "amqp.password": AMQP_PW,
        "mongo.password": MONGO_PW,
        "target.auth_token_secret": TOKEN_SECRET,
    }
    return placeholders_for({**found, **extra}, FAKE)


def scrubber(token_placeholder: str | None = FAKE["target.auth_token_secret"]) -> Scrubber:
    return Scrubber(secrets(), token_secret_placeholder=token_placeholder)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def tape() -> dict:
    """A tape-like dict holding every secret in the ways a real run shows them."""
    token = sign(CLAIMS, TOKEN_SECRET)
    return {
        "format": "rackharness-tape/1",
        "header": {
            "test": "tests.rackhd.test_auth.Login.login",
            "amqp": f"amqp://rackhd:{AMQP_PW}@10.0.0.2:5672/",
            "mongo": f"mongodb://rackhd:{quote(MONGO_PW, safe='')}@10.0.0.2:27017/pxe",
        },
        "interactions": [
            {
                "seq": 0,
                "seam": "http_out",
                "kind": "call",
                "channel": "api",
                "request": {
                    "method": "POST",
                    "url": "http://10.0.0.2:9090/login",
                    "headers": {"content-type": "application/json"},
                    "body": {"username": "admin", "password": API_PW},
                },
                "response": {"status": 200, "body": {"token": token}},
            },
            {
                "seq": 1,
                "seam": "http_out",
                "kind": "call",
                "channel": "api",
                "request": {
                    "method": "GET",
                    "url": f"http://10.0.0.2:9090/api/2.0/nodes?password={quote(API_PW, safe='')}",
                    "query": [["q", quote_plus(API_PW)]],
                    "headers": {"authorization": f"JWT {token}", "x-basic": basic("admin", API_PW)},
                },
                "response": {"status": 200, "body": json.dumps({"obm": {"password": BMC_PW}})},
            },
            {
                "seq": 2,
                "seam": "ipmi",
                "kind": "call",
                "channel": "node-01",
                "request": {"argv": f"ipmitool -I lanplus -H 10.0.0.5 -U admin -P {BMC_PW} power status"},
                "response": {"stdout": "Chassis Power is on"},
            },
            {
                "seq": 3,
                "seam": "mongo",
                "kind": "call",
                "channel": "pxe",
                "request": {"op": "find", "filter": {"_id": {"$oid": "5f1b2c3d4e5f6a7b8c9d0e1f"}}},
                "response": {
                    "documents": [
                        {
                            "config": {"user": "admin", "password": BMC_PW},
                            "raw": {"$base64": base64.b64encode(b"\xff\x00" + BMC_PW.encode()).decode()},
                            "hex": BMC_PW.encode().hex().upper(),
                        }
                    ]
                },
            },
            {
                "seq": 4,
                "seam": "amqp",
                "kind": "delivery",
                "channel": "amq.gen-1",
                "message": {"exchange": "on.events", "body": {"token": token, "by": f"Bearer {token}"}},
            },
        ],
    }


class ScrubTapeTest(unittest.TestCase):
    def test_a_scrubbed_tape_has_no_leak(self):
        s = scrubber()
        original = tape()
        self.assertNotEqual(s.leaks(original), [])
        scrubbed = s.scrub(original)
        self.assertEqual(s.leaks(scrubbed, where="tape.json"), [])
        text = json.dumps(scrubbed)
        for value in (BMC_PW, API_PW, AMQP_PW, MONGO_PW, TOKEN_SECRET, quote(API_PW, safe=""), quote_plus(API_PW)):
            self.assertNotIn(value, text)
        self.assertEqual(original, tape(), "the input is left alone")

    def test_each_form_gets_the_placeholder_in_the_same_form(self):
        scrubbed = scrubber().scrub(tape())
        interactions = scrubbed["interactions"]
        self.assertEqual(scrubbed["header"]["amqp"], "amqp://rackhd:rh-tape-amqp-password@10.0.0.2:5672/")
        self.assertEqual(
            interactions[2]["request"]["argv"], "ipmitool -I lanplus -H 10.0.0.5 -U admin -P fake-bmc-pw power status"
        )
        self.assertEqual(interactions[0]["request"]["body"]["password"], "fake api/pw")
        request = interactions[1]["request"]
        self.assertTrue(request["url"].endswith("?password=fake%20api%2Fpw"), request["url"])
        # quote_plus(API_PW) == quote(API_PW, safe=""): the placeholder takes quote's form (%20 reads back either way)
        self.assertEqual(request["query"], [["q", "fake%20api%2Fpw"]])
        spaced = Scrubber([Secret("target.auth_password", "my pass/1", "fake api/pw")])
        self.assertEqual(spaced.scrub_text("pw=my+pass%2F1&x=my%20pass%2F1"), "pw=fake+api%2Fpw&x=fake%20api%2Fpw")
        self.assertEqual(request["headers"]["x-basic"], basic("admin", "fake api/pw"))
        self.assertEqual(json.loads(interactions[1]["response"]["body"]), {"obm": {"password": "fake-bmc-pw"}})
        document = interactions[3]["response"]["documents"][0]
        self.assertEqual(base64.b64decode(document["raw"]["$base64"]), b"\xff\x00fake-bmc-pw")
        self.assertEqual(document["hex"], b"fake-bmc-pw".hex().upper())

    def test_the_same_secret_gets_the_same_placeholder_everywhere(self):
        scrubbed = scrubber().scrub(tape())
        self.assertIn("-P fake-bmc-pw ", scrubbed["interactions"][2]["request"]["argv"])
        self.assertEqual(scrubbed["interactions"][3]["response"]["documents"][0]["config"]["password"], "fake-bmc-pw")

    def test_an_issued_token_is_resigned_with_the_placeholder_secret(self):
        scrubbed = scrubber().scrub(tape())
        token = scrubbed["interactions"][0]["response"]["body"]["token"]
        self.assertEqual(verify(token, FAKE["target.auth_token_secret"]), CLAIMS)
        with self.assertRaises(jwt.InvalidSignatureError):
            verify(token, TOKEN_SECRET)
        self.assertEqual(token.split(".")[:2], sign(CLAIMS, TOKEN_SECRET).split(".")[:2], "header and payload kept")
        self.assertEqual(scrubbed["interactions"][1]["request"]["headers"]["authorization"], f"JWT {token}")
        self.assertEqual(scrubbed["interactions"][4]["message"]["body"], {"token": token, "by": f"Bearer {token}"})

    def test_a_token_payload_is_scrubbed_before_resigning(self):
        s = scrubber()
        token = s.scrub_text(sign({"user": "admin", "note": AMQP_PW}, TOKEN_SECRET))
        self.assertEqual(
            verify(token, FAKE["target.auth_token_secret"]), {"user": "admin", "note": "rh-tape-amqp-password"}
        )
        self.assertEqual(s.leaks(token), [])

    def test_without_a_token_secret_placeholder_tokens_become_numbered_placeholders(self):
        s = scrubber(token_placeholder=None)
        first, second = sign(CLAIMS, TOKEN_SECRET), sign({**CLAIMS, "user": "other"}, TOKEN_SECRET)
        self.assertEqual(
            s.scrub([first, f"JWT {second}", first]), ["rh-tape-token-1", "JWT rh-tape-token-2", "rh-tape-token-1"]
        )
        self.assertEqual(s.leaks(s.scrub(tape())), [])

    def test_a_forged_token_is_not_made_valid(self):
        s = scrubber()
        self.assertEqual(s.scrub_text(sign(CLAIMS, "SomeOtherKeyEntirely")), "rh-tape-token-1")

    def test_scrubbing_twice_changes_nothing_more(self):
        s = scrubber()
        once = s.scrub(tape())
        self.assertEqual(s.scrub(once), once)


class LeaksTest(unittest.TestCase):
    def leak(self, value, secret=API_PW):
        leaks = scrubber().leaks({"headers": {"x": value}}, where="tape.json")
        self.assertTrue(leaks, "no leak found")
        for leak in leaks:
            self.assertNotIn(secret, str(leak))
            self.assertTrue(str(leak).startswith("tape.json: headers.x: "), str(leak))
        return {(leak.role, leak.encoding) for leak in leaks}

    def test_plain(self):
        self.assertEqual(self.leak(f"ipmitool -P {BMC_PW} power status", BMC_PW), {("bmc.password", "plain")})

    def test_url_encoded(self):
        self.assertEqual(self.leak(f"http://h/?pw={quote(API_PW, safe='')}"), {("target.auth_password", "url-encoded")})

    def test_url_encoded_plus(self):
        self.assertEqual(self.leak(f"pw={quote_plus('a ' + API_PW)}"), {("target.auth_password", "url-encoded")})

    def test_base64_of_the_secret(self):
        self.assertEqual(self.leak(base64.b64encode(API_PW.encode()).decode()), {("target.auth_password", "base64")})

    def test_base64_blob_holding_the_secret(self):
        blob = base64.b64encode(json.dumps({"user": "admin", "password": AMQP_PW}).encode()).decode()
        self.assertEqual(self.leak(f"/store/{blob}", AMQP_PW), {("amqp.password", "base64")})

    def test_basic_auth(self):
        self.assertEqual(self.leak(basic("admin", API_PW)), {("target.auth_password", "basic-auth")})

    def test_json_escaped(self):
        secret = 'pa"ss\\word'
        s = Scrubber([Secret("target.auth_password", secret, "rh-tape-pw")])
        leaks = s.leaks(json.dumps({"password": secret}))
        self.assertEqual([(leak.role, leak.encoding) for leak in leaks], [("target.auth_password", "json-escaped")])
        self.assertNotIn(secret, str(leaks[0]))
        self.assertEqual(s.leaks(s.scrub_text(json.dumps({"password": secret}))), [])

    def test_hex(self):
        self.assertEqual(self.leak("0x" + MONGO_PW.encode().hex(), MONGO_PW), {("mongo.password", "hex")})

    def test_hex_in_any_case(self):
        self.assertEqual(self.leak(MONGO_PW.encode().hex().upper(), MONGO_PW), {("mongo.password", "hex")})

    def test_a_token_signed_with_the_real_secret(self):
        self.assertEqual(self.leak(sign(CLAIMS, TOKEN_SECRET), TOKEN_SECRET), {("target.auth_token_secret", "jwt")})

    def test_a_token_signed_with_an_unknown_key(self):
        self.assertEqual(self.leak(f"JWT {sign(CLAIMS, 'UnknownSigningKey')}"), {("token", "jwt")})

    def test_a_secret_inside_a_token_payload(self):
        token = sign({"user": "admin", "pw": BMC_PW}, FAKE["target.auth_token_secret"])
        self.assertEqual(self.leak(token, BMC_PW), {("bmc.password", "jwt")})

    def test_an_opaque_bearer_token(self):
        self.assertEqual(self.leak("Bearer 8f14e45fceea167a5a36dedd4bea2543"), {("token", "bearer")})

    def test_basic_auth_of_unknown_credentials(self):
        self.assertEqual(self.leak(basic("admin", "NotOnTheList9")), {("token", "basic-auth")})

    def test_a_secret_in_a_key_is_found_and_not_shown(self):
        leaks = scrubber().leaks({"nodes": {BMC_PW: 1}})
        self.assertEqual(
            [(leak.where, leak.role, leak.encoding) for leak in leaks],
            [("nodes[key #0] (key)", "bmc.password", "plain")],
        )

    def test_leak_str_names_where_role_and_encoding(self):
        leak = Leak("tape.json: interactions[3].request.headers.authorization", "bmc.password", "basic-auth")
        self.assertEqual(
            str(leak), "tape.json: interactions[3].request.headers.authorization: the bmc.password secret (basic-auth)"
        )

    def test_no_false_positives(self):
        s = scrubber()
        clean = {
            "id": "5f1b2c3d4e5f6a7b8c9d0e1f",
            "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "mac": "52:54:00:12:34:56",
            "macs": ["aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF"],
            "ip": "10.0.0.5",
            "at": "2026-12-03T12:00:00+00:00",
            "url": "http://10.0.0.2:9090/api/2.0/nodes",
            "words": "Basic setup of the administrator account completed",
            "error": "jwt malformed",
            "challenge": 'Bearer realm="rackhd"',
            "path": "/api/2.0/nodes/5f1b2c3d4e5f6a7b8c9d0e1f/obm",
            "auth": basic("admin", "fake api/pw"),
            "token": "JWT rh-tape-token-3",
            "resigned": sign(CLAIMS, FAKE["target.auth_token_secret"]),
            "body": {"$base64": base64.b64encode(b"\x00\x01binary firmware blob").decode()},
        }
        self.assertEqual(s.leaks(clean), [])
        self.assertEqual(s.scrub(clean), clean)


class PlaceholdersTest(unittest.TestCase):
    def test_fake_config_placeholder_else_a_default_one(self):
        found = placeholders_for({"bmc.password": BMC_PW, "amqp.password": AMQP_PW}, FAKE)
        self.assertEqual(
            [(s.role, s.placeholder) for s in found],
            [("amqp.password", "rh-tape-amqp-password"), ("bmc.password", "fake-bmc-pw")],
        )

    def test_a_shared_value_gets_one_placeholder(self):
        found = placeholders_for(
            {"node.node-01.bmc.password": BMC_PW, "bmc.password": BMC_PW}, {"node.node-01.bmc.password": "node-pw"}
        )
        self.assertEqual(
            [(s.role, s.placeholder) for s in found],
            [("bmc.password", "rh-tape-bmc-password"), ("node.node-01.bmc.password", "rh-tape-bmc-password")],
        )

    def test_a_short_secret_is_a_usage_error(self):
        for value in ("", "abc"):
            with self.subTest(value=value), self.assertRaises(UsageError) as caught:
                placeholders_for({"amqp.password": value}, {})
            self.assertIn("amqp.password", str(caught.exception))
            self.assertIn(f"a secret of {len(value)} characters cannot be told apart", str(caught.exception))
        with self.assertRaises(UsageError):
            Scrubber([Secret("amqp.password", "abc", "rh-tape-amqp-password")])

    def test_a_secret_inside_its_placeholder_is_a_usage_error(self):
        with self.assertRaises(UsageError) as caught:
            placeholders_for({"bmc.password": "pass"}, {})
        self.assertIn("substring of its own placeholder", str(caught.exception))
        with self.assertRaises(UsageError):
            Scrubber([Secret("bmc.password", "tape", "rh-tape-bmc-password")])

    def test_one_value_with_two_placeholders_is_a_usage_error(self):
        with self.assertRaises(UsageError):
            Scrubber([Secret("a.password", BMC_PW, "rh-tape-a"), Secret("b.password", BMC_PW, "rh-tape-b")])

    def test_a_secret_value_is_not_in_a_repr(self):
        self.assertNotIn(BMC_PW, repr(secrets()))


class SigningKeyTest(unittest.TestCase):
    def test_reads_the_secret_as_node_reads_base64(self):
        self.assertEqual(rackhd_signing_key("RackHDRocks!"), base64.b64decode("RackHDRocks="))
        for secret in ("RackHDRocks!", TOKEN_SECRET, "a-b_c.d", "abcde", "x"):
            with self.subTest(secret=secret):
                self.assertEqual(rackhd_signing_key(secret), node_base64_key(secret))


if __name__ == "__main__":
    unittest.main()
