"""RackHD-style JWTs for tests: signed and checked with the key RackHD derives from its authTokenSecret."""

from __future__ import annotations

import warnings

import jwt

from rackharness.tapes.scrub import rackhd_signing_key


def sign(claims: dict, secret: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short test keys: PyJWT's InsecureKeyLengthWarning
        return jwt.encode(claims, rackhd_signing_key(secret), algorithm="HS256")


def verify(token: str, secret: str) -> dict:
    """The claims of ``token`` if ``secret`` signed it (expiry not checked); ``jwt.InvalidTokenError`` if not."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jwt.decode(token, rackhd_signing_key(secret), algorithms=["HS256"], options={"verify_exp": False})
