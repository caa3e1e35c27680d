"""Who is calling: RackHD's authentication methods (on-http ``lib/services/auth-service.js``).

An operation names the methods it accepts (``x-authentication-type``); they are tried in order
and the first that succeeds decides, as passport does:

- ``jwt``: ``authorization: JWT <token>``, ``?auth_token=<token>`` or a body field ``auth_token``;
  the token's user must still exist;
- ``redfish``: ``X-Auth-Token: <token>`` of a live Redfish session (``POST /redfish/v1/SessionService/Sessions``);
- ``basic``: HTTP Basic with a local user's password;
- ``anonymous``: always passes, with no user.

When all fail, each failure that carries a message becomes one entry of RackHD's 401 body
``[{"method": ..., "message": ...}]`` (Basic's failure is a challenge string, which RackHD leaves out).
Redfish sessions live in this process only, as in RackHD (a restart ends them).
"""

from __future__ import annotations

import base64
import binascii
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Mapping

from rackharness.reference.auth.tokens import TokenRejected, TokenSigner
from rackharness.reference.auth.users import LocalUsers

ANONYMOUS = "anonymous"


@dataclass
class Caller:
    """The outcome of authentication: ``user`` is None for an anonymous pass."""

    user: str | None


@dataclass
class Credentials:
    """What a request carries (taken from the request by the gate)."""

    authorization: str | None = None
    query_token: str | None = None
    body_token: str | None = None
    x_auth_token: str | None = None


@dataclass
class AuthFailed(Exception):
    """Every accepted method failed; ``challenges`` is RackHD's 401 body."""

    challenges: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class RedfishSession:
    id: str
    user: str


class AuthService:
    def __init__(self, users: LocalUsers, signer: TokenSigner) -> None:
        self.users = users
        self.signer = signer
        self._sessions: dict[str, RedfishSession] = {}
        self._lock = threading.Lock()

    # -- POST /login ------------------------------------------------------------------------
    def login(self, username: Any, password: Any) -> str | None:
        """A token for the user, or None when the password is not theirs."""
        if not isinstance(username, str) or not isinstance(password, str):
            return None
        record = self.users.check_password(username, password)
        return self.signer.sign({"user": record["username"]}) if record else None

    # -- per request ------------------------------------------------------------------------
    def authenticate(self, methods: list[str], credentials: Credentials) -> Caller:
        challenges: list[dict[str, str]] = []
        for method in methods:
            try:
                return Caller(self._try(method, credentials))
            except TokenRejected as rejected:
                challenges.append({"method": method, "message": rejected.message})
            except _NoMessage:
                continue
        raise AuthFailed(challenges)

    def _try(self, method: str, credentials: Credentials) -> str | None:
        if method == ANONYMOUS:
            return None
        if method == "jwt":
            token = _jwt_from(credentials)
            claims = self.signer.verify(token)
            if self.users.get(claims["user"]) is None:
                raise TokenRejected("Unauthorized")
            return claims["user"]
        if method == "redfish":
            claims = self.signer.verify(credentials.x_auth_token)
            session = self._sessions.get(str(claims.get("id")))
            if session is None or session.user != claims["user"]:
                # RackHD's verify callback fails without a message here (and then trips over it): say why
                raise TokenRejected("Unauthorized")
            return session.user
        if method == "basic":
            user_and_password = _basic_from(credentials.authorization)
            if user_and_password and self.users.check_password(*user_and_password):
                return user_and_password[0]
            raise _NoMessage()
        raise _NoMessage()  # a method this target does not know fails like an unknown passport strategy

    def allowed(self, user: str, privileges: list[str]) -> bool:
        """RackHD's ACL: some privilege the operation lists is one the user's role grants."""
        record = self.users.get(user)
        return bool(record) and bool(self.users.privileges(record.get("role")) & set(privileges))

    # -- Redfish sessions -------------------------------------------------------------------------
    def open_session(self, user: str) -> tuple[RedfishSession, str]:
        session = RedfishSession(id=str(uuid.uuid4()), user=user)
        with self._lock:
            self._sessions[session.id] = session
        return session, self.signer.sign({"user": user, "id": session.id})

    def sessions(self) -> list[RedfishSession]:
        with self._lock:
            return list(self._sessions.values())

    def session(self, session_id: str) -> RedfishSession | None:
        return self._sessions.get(session_id)

    def close_session(self, session_id: str) -> bool:
        with self._lock:
            return self._sessions.pop(session_id, None) is not None


class _NoMessage(Exception):
    """A method failed with no message for the 401 body."""


def _jwt_from(credentials: Credentials) -> str | None:
    """passport-jwt ``versionOneCompatibility({authScheme: 'JWT', tokenQueryParameterName: 'auth_token'})``."""
    header = credentials.authorization or ""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() == "jwt" and value.strip():
        return value.strip()
    return credentials.body_token or credentials.query_token


def _basic_from(header: str | None) -> tuple[str, str] | None:
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def credentials_from(headers: Mapping[str, str], query: Mapping[str, str], body: Any) -> Credentials:
    return Credentials(
        authorization=headers.get("authorization"),
        query_token=query.get("auth_token"),
        body_token=body.get("auth_token") if isinstance(body, dict) else None,
        x_auth_token=headers.get("x-auth-token"),
    )
