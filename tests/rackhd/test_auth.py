"""auth: RackHD's auth-enabled endpoint — POST /login, JWTs, RackHD's 401/403 bodies, users, Redfish sessions.

RackHD serves the same API on every ``httpEndpoints`` entry; on one with ``authEnabled`` (usually
https on 8443) every operation the spec marks ``x-authentication-type: [jwt]`` needs a token from
``POST /login {username, password}`` → ``{"token"}``, sent as ``authorization: JWT <token>`` or
``?auth_token=<token>``. A request without a usable token is answered 401 with a list of what each
method said: ``[{"method": "jwt", "message": "No auth token" | "jwt malformed" | "invalid signature" |
"jwt expired"}]``; a user whose role lacks the operation's privilege gets 403 ``{"message": "Forbidden"}``.
Redfish takes ``X-Auth-Token`` from ``POST /redfish/v1/SessionService/Sessions`` (or HTTP Basic).

The endpoint and the user come from ``target.auth_url`` / ``target.auth_user`` / ``target.auth_password``
(the stack's auth endpoint by default); the expired token is signed with ``target.auth_token_secret``
(RackHD's ``authTokenSecret``). Without an auth-enabled endpoint the group skips, saying so.
"""

import base64
import json
import re
import warnings

import jwt
from jwt.warnings import InsecureKeyLengthWarning

from rackharness import clock
from rackharness.api_paths import API_ROOT
from rackharness.suite.context import suite_context
from rackharness.suite.decorators import asserts, test

#: seconds the target's clock may differ from the suite's
SKEW = 300

SESSIONS = "/redfish/v1/SessionService/Sessions"


def claims_of(token):
    """The payload of a JWT, read without verifying it (the suite does not know how the target checks)."""
    asserts.assert_true(isinstance(token, str) and token.count(".") == 2, f"not a JWT: {token!r:.80}")
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def rackhd_key(secret):
    """RackHD signs with ``new Buffer(authTokenSecret, 'base64')``: Node drops non-base64 characters."""
    letters = re.sub(r"[^A-Za-z0-9+/]", "", secret)
    letters = letters[: len(letters) - (1 if len(letters) % 4 == 1 else 0)]
    return base64.b64decode(letters + "=" * (-len(letters) % 4))


def status_and_body(client, method, path, **kwargs):
    """(status, JSON body) of a call whatever its status."""
    response = client.send(method, path, expect=range(100, 600), **kwargs)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, response.text


def assert_challenge(seen, method, message, what):
    asserts.assert_equal(
        seen,
        (401, [{"method": method, "message": message}]),
        f"{what}: expected 401 [{{method: {method}, message: {message}}}], got {seen!r:.300}",
    )


@test(groups=["auth"], depends_on_groups=["smoke"])
class Auth:
    def __init__(self):
        self.client = None
        self.token = None

    @test
    def login_returns_a_jwt_for_the_configured_user(self):
        """POST /login with the configured user → 200 {"token"}: a JWT whose payload names the user, issued now
        (iat, on a clock within SKEW of the suite's) and not expired (exp)."""
        ctx = suite_context()
        self.client = ctx.auth_client()
        self.token = self.client.login()
        claims = claims_of(self.token)
        asserts.assert_equal(claims.get("user"), ctx.target.auth.user, f"token payload {claims!r}")
        asserts.assert_true(isinstance(claims.get("iat"), int), f"token payload has no iat: {claims!r}")
        now = clock.now()  # the run's clock: on replay, the recording's
        asserts.assert_true(
            abs(claims["iat"] - now) <= SKEW,
            f"token issued at {claims['iat']}, the suite's clock says "
            f"{now:.0f}: more than {SKEW} s apart (is the target's clock right?)",
        )
        if "exp" in claims:  # authTokenExpireIn 0 leaves it out
            asserts.assert_true(claims["exp"] > claims["iat"], f"token expires before it is issued: {claims!r}")
            asserts.assert_true(
                claims["exp"] > now, f"a fresh token has expired already (exp {claims['exp']}, now {now:.0f})"
            )

    @test(depends_on=[login_returns_a_jwt_for_the_configured_user])
    def a_token_opens_the_api_by_header_or_query(self):
        """GET /nodes with authorization: JWT <token> → 200, and with ?auth_token=<token> → 200 (a list, no node the
        header does not see: RackHD 2.60.7 also takes auth_token as a node filter and lists none)."""
        by_header = self.client.get(f"{API_ROOT}/nodes")
        anonymous = suite_context().auth_client()
        by_query = anonymous.get(f"{API_ROOT}/nodes", params={"auth_token": self.token})
        asserts.assert_true(
            isinstance(by_query, list), f"GET /nodes?auth_token= should answer a list: {by_query!r:.200}"
        )
        extra = sorted({n["id"] for n in by_query} - {n["id"] for n in by_header})
        asserts.assert_equal(extra, [], "the query token should see no node the header token does not")

    @test(depends_on=[login_returns_a_jwt_for_the_configured_user])
    def no_token_is_answered_401_no_auth_token(self):
        """GET /nodes on the auth endpoint without a token → 401 [{"method": "jwt", "message": "No auth token"}]."""
        seen = status_and_body(suite_context().auth_client(), "GET", f"{API_ROOT}/nodes")
        assert_challenge(seen, "jwt", "No auth token", "GET /nodes without a token")

    @test(depends_on=[login_returns_a_jwt_for_the_configured_user])
    def wrong_tokens_are_answered_401_with_the_reason(self):
        """A token with a forged signature → 401 "invalid signature"; a token that is not a JWT → "jwt malformed"."""
        client = suite_context().auth_client()
        head, payload, signature = self.token.split(".")
        forged = ".".join([head, payload, ("A" if signature[0] != "A" else "B") + signature[1:]])
        client.use_headers({"authorization": f"JWT {forged}"})
        assert_challenge(
            status_and_body(client, "GET", f"{API_ROOT}/nodes"), "jwt", "invalid signature", "forged token"
        )
        client.use_headers({"authorization": "JWT not-a-token"})
        assert_challenge(status_and_body(client, "GET", f"{API_ROOT}/nodes"), "jwt", "jwt malformed", "garbage token")

    @test(depends_on=[login_returns_a_jwt_for_the_configured_user])
    def an_expired_token_is_answered_401_jwt_expired(self):
        """A token signed with RackHD's secret that expired an hour ago → 401 [{"method": "jwt", "message": "jwt expired"}]."""
        ctx = suite_context()
        now = int(clock.now())  # the run's clock: a replay's is the recording's
        with warnings.catch_warnings():  # the key is the target's (RackHD's default gives 8 bytes): not ours to judge
            warnings.simplefilter("ignore", InsecureKeyLengthWarning)
            expired = jwt.encode(
                {"user": ctx.target.auth.user, "iat": now - 7200, "exp": now - 3600},
                rackhd_key(ctx.target.auth.token_secret),
                algorithm="HS256",
            )
        client = ctx.auth_client()
        client.use_headers({"authorization": f"JWT {expired}"})
        seen = status_and_body(client, "GET", f"{API_ROOT}/nodes")
        if seen[0] == 401 and seen[1] == [{"method": "jwt", "message": "invalid signature"}]:
            asserts.fail("the target does not sign with target.auth_token_secret: set it to RackHD's authTokenSecret")
        assert_challenge(seen, "jwt", "jwt expired", "expired token")

    @test(depends_on=[login_returns_a_jwt_for_the_configured_user])
    def a_wrong_password_is_refused(self):
        """POST /login with a wrong password → 401 {"message": ...} and no token; without a password → 400."""
        ctx = suite_context()
        wrong = ctx.auth_client(password="not-the-" + ctx.target.auth.password)
        status, body = status_and_body(
            wrong, "POST", "/login", json={"username": wrong.username, "password": "not-the-password"}
        )
        asserts.assert_equal(status, 401, f"POST /login with a wrong password answered {status}: {body!r:.200}")
        asserts.assert_true(
            isinstance(body, dict) and "message" in body and "token" not in body,
            f"401 body should be {{message}} without a token, got {body!r:.200}",
        )
        status, body = status_and_body(wrong, "POST", "/login", json={"username": wrong.username})
        asserts.assert_equal(status, 400, f"POST /login without a password answered {status}: {body!r:.200}")

    @test(depends_on=[login_returns_a_jwt_for_the_configured_user])
    def a_readonly_user_reads_but_may_not_write(self):
        """POST /users creates a ReadOnly user (201 {username, role}); it logs in, reads /nodes (200),
        is refused POST /nodes (403 {"message": "Forbidden"}); once deleted (204) its token gets 401."""
        ctx = suite_context()
        name, password = ctx.name("user"), "rh-" + ctx.run_id + "-pw"
        ctx.created("user", name, name)
        created = self.client.post(
            f"{API_ROOT}/users", {"username": name, "password": password, "role": "ReadOnly"}, expect=(201,)
        )
        asserts.assert_equal(created, {"username": name, "role": "ReadOnly"}, "POST /users answer")
        listed = self.client.get(f"{API_ROOT}/users")
        asserts.assert_true(
            {"username": name, "role": "ReadOnly"} in listed,
            f"GET /users should list {name} without its password, got {listed!r:.300}",
        )
        reader = ctx.auth_client(username=name, password=password)
        reader.login()
        reader.get(f"{API_ROOT}/nodes")
        seen = status_and_body(
            reader, "POST", f"{API_ROOT}/nodes", json={"name": ctx.name("refused"), "type": "compute"}
        )
        asserts.assert_equal(seen, (403, {"message": "Forbidden"}), "a ReadOnly user's POST /nodes")
        self.client.delete(f"{API_ROOT}/users/{name}", expect=(204,))
        asserts.assert_equal(
            status_and_body(reader, "GET", f"{API_ROOT}/nodes")[0],
            401,
            "a deleted user's token should no longer open the API",
        )

    @test(depends_on=[login_returns_a_jwt_for_the_configured_user])
    def redfish_takes_a_session_token(self):
        """On the auth endpoint GET /redfish/v1/Systems without credentials → 401; POST Sessions → 201 with an
        X-Auth-Token that opens it; after DELETE of the session the token gets 401."""
        ctx = suite_context()
        client = ctx.auth_client()
        seen = status_and_body(client, "GET", "/redfish/v1/Systems")
        asserts.assert_equal(seen[0], 401, f"Systems without credentials answered {seen!r:.200}")
        response = client.send(
            "POST", SESSIONS, json={"UserName": client.username, "Password": ctx.target.auth.password}, expect=(201,)
        )
        token = response.headers.get("x-auth-token")
        asserts.assert_true(token, f"POST {SESSIONS} answered without an X-Auth-Token header")
        session = response.json()
        client.use_headers({"X-Auth-Token": token})
        systems = client.get("/redfish/v1/Systems")
        asserts.assert_true("Members" in systems, f"Systems with a session token: {systems!r:.200}")
        client.delete(f"{SESSIONS}/{session['Id']}", expect=(200, 204))
        asserts.assert_equal(
            status_and_body(client, "GET", "/redfish/v1/Systems")[0],
            401,
            "a deleted session's token should no longer open Redfish",
        )
