"""OBM and IBM secrets encrypted at rest, as RackHD keeps them.

RackHD's waterline models encrypt every config value under a secret key (``password`` in any case,
``community``, ``productKey``) before it reaches Mongo, with AES-256-CBC under the base64 ``sharedKey``
of its config and a random IV, stored as ``<iv base64>.<ciphertext base64>`` (on-core's Encryption);
a value already in that form is left alone, and reads decrypt it. The reference target does the same,
so the store's files never hold a BMC password, and a store written by either can be read by the
other when both have the same ``sharedKey``.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

#: RackHD's built-in ``sharedKey`` (on-core's encryption service), used when the config sets none
RACKHD_DEFAULT_SHARED_KEY = "qxfO2D3tIJsZACu7UA6Fbw0avowo8r79ALzn+WeuC8M="
#: config keys RackHD encrypts (and strips from the OBM view)
SECRET_KEY = re.compile(r"password|^community$|^productkey$", re.IGNORECASE)
#: what an encrypted value looks like: a 16-byte IV in base64, a dot, the ciphertext in base64
SEALED = re.compile(r"^[A-Za-z0-9+/]{22}==\.[A-Za-z0-9+/]+={0,2}$")


class ObmSealer:
    """Encrypts the secret values of an OBM config for the store, and decrypts them for use."""

    def __init__(self, shared_key: str | None = None) -> None:
        try:
            key = base64.b64decode(shared_key or RACKHD_DEFAULT_SHARED_KEY, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("sharedKey is not base64") from None
        if len(key) != 32:
            raise ValueError(f"sharedKey must be 32 bytes in base64 (AES-256), got {len(key)} bytes")
        self._key = key

    @classmethod
    def from_config(cls, rackhd_config: dict[str, Any]) -> "ObmSealer":
        return cls(rackhd_config.get("sharedKey"))

    def seal(self, config: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``config`` whose secret values are encrypted (already encrypted ones stay)."""
        return {
            key: self._seal_value(value) if SECRET_KEY.search(str(key)) else value
            for key, value in (config or {}).items()
        }

    def unseal(self, config: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``config`` with its encrypted values decrypted (plain ones, from older data, stay)."""
        return {
            key: self._unseal_value(value) if SECRET_KEY.search(str(key)) else value
            for key, value in (config or {}).items()
        }

    def _seal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or SEALED.match(value):
            return value
        iv = os.urandom(16)
        padder = padding.PKCS7(128).padder()
        plain = padder.update(value.encode("utf-8")) + padder.finalize()
        encryptor = Cipher(algorithms.AES(self._key), modes.CBC(iv)).encryptor()
        sealed = encryptor.update(plain) + encryptor.finalize()
        return f"{base64.b64encode(iv).decode()}.{base64.b64encode(sealed).decode()}"

    def _unseal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not SEALED.match(value):
            return value
        iv_text, _, body = value.partition(".")
        decryptor = Cipher(algorithms.AES(self._key), modes.CBC(base64.b64decode(iv_text))).decryptor()
        padded = decryptor.update(base64.b64decode(body)) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        try:
            return (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
        except ValueError:
            raise ValueError("an OBM secret in the store does not decrypt with this sharedKey") from None
