"""RackHD's JSON Web Tokens (on-http ``lib/services/auth-service.js``), with PyJWT.

HS256, payload ``{user, iat, exp}`` (a Redfish session's token adds the session ``id``). The key
is ``authTokenSecret`` read the way Node's ``new Buffer(secret, 'base64')`` reads it: characters
outside the base64 alphabet are dropped and missing padding is tolerated, so RackHD's default
``RackHDRocks!`` is the 8 bytes of ``RackHDRocks`` decoded. A token signed by a RackHD with the
same secret is accepted here and the other way round. ``authTokenExpireIn`` 0 means tokens never
expire (RackHD's ``ignoreExpiration``).

Verification failures carry the messages RackHD's passport-jwt/jsonwebtoken put in its 401 bodies:
``No auth token``, ``jwt malformed``, ``invalid signature``, ``jwt expired``.
"""

from __future__ import annotations

import base64
import logging
import re
import time
import warnings
from typing import Any

import jwt
from jwt.warnings import InsecureKeyLengthWarning

log = logging.getLogger("rackharness.reference")

ALGORITHM = "HS256"
DEFAULT_SECRET = "RackHDRocks!"  # RackHD's authTokenSecret default
DEFAULT_EXPIRE_IN = 24 * 60 * 60  # RackHD's authTokenExpireIn default (seconds)
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


class TokenRejected(Exception):
    """A token that does not authenticate; ``message`` is RackHD's challenge text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def node_base64_key(secret: str) -> bytes:
    """``new Buffer(secret, 'base64')`` as Node computes it (lenient: junk dropped, padding optional)."""
    alphabet_only = _NOT_BASE64.sub("", secret.replace("-", "+").replace("_", "/"))
    usable = len(alphabet_only) - len(alphabet_only) % 4
    if len(alphabet_only) % 4 > 1:  # 2 or 3 trailing characters still carry 1 or 2 bytes
        usable = len(alphabet_only)
    chunk = alphabet_only[:usable]
    return base64.b64decode(chunk + "=" * (-len(chunk) % 4))


class TokenSigner:
    """Signs and verifies the target's tokens. Holds the key: never logged, never served."""

    def __init__(self, secret: str = DEFAULT_SECRET, expire_in: int = DEFAULT_EXPIRE_IN) -> None:
        if not isinstance(secret, str) or not secret:
            raise ValueError("authTokenSecret must be a non-empty string")
        if not isinstance(expire_in, int) or isinstance(expire_in, bool) or expire_in < 0:
            raise ValueError(f"authTokenExpireIn must be a whole number of seconds >= 0, got {expire_in!r}")
        self._key = node_base64_key(secret)
        self.expire_in = expire_in
        if len(self._key) < 32:
            # RackHD's own default decodes to 8 bytes: say it once here instead of PyJWT warning on every token
            warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)
            log.info(
                "authTokenSecret gives a %d-byte HMAC key (RackHD's default gives 8): fine for a test rack; "
                "set target.auth_token_secret to a longer secret anywhere else",
                len(self._key),
            )

    def __repr__(self) -> str:
        return f"TokenSigner(expire_in={self.expire_in}, key=***)"

    def sign(self, claims: dict[str, Any], *, issued_at: float | None = None) -> str:
        """A token for ``claims`` (``{"user": name}`` or ``{"user", "id"}``), stamped iat/exp."""
        iat = int(time.time() if issued_at is None else issued_at)
        payload = {**claims, "iat": iat}
        if self.expire_in:
            payload["exp"] = iat + self.expire_in
        return jwt.encode(payload, self._key, algorithm=ALGORITHM)

    def verify(self, token: str | None) -> dict[str, Any]:
        """The token's claims; :class:`TokenRejected` with RackHD's message when it does not verify."""
        if not token:
            raise TokenRejected("No auth token")
        options = {"verify_exp": bool(self.expire_in), "require": ["iat"]}
        try:
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM], options=options)
        except jwt.ExpiredSignatureError as exc:
            raise TokenRejected("jwt expired") from exc
        except jwt.InvalidSignatureError as exc:
            raise TokenRejected("invalid signature") from exc
        except jwt.DecodeError as exc:
            raise TokenRejected("jwt malformed") from exc
        except jwt.InvalidTokenError as exc:
            raise TokenRejected("invalid token") from exc
        if not isinstance(claims.get("user"), str):
            raise TokenRejected("invalid token")
        return claims
