"""RMCP+ cryptography: the two cipher suites the virtual BMC offers, RAKP key-exchange
auth codes, session keys, the integrity trailer and AES-CBC-128 confidentiality.

References (IPMI v2.0 rev 1.1):
- table 22-19 cipher suite IDs; tables 13-17/13-18/13-19 algorithm numbers;
- 13.31 RAKP message authentication codes (RAKP 2, 3, 4), SIK and K1/K2 (13.32);
- 13.28.4 integrity algorithms (HMAC-SHA1-96, HMAC-SHA256-128), table 13-8 trailer
  (integrity pad to a 4-byte multiple, pad length, next header 07h, AuthCode);
- 13.29 / table 13-20 AES-CBC-128 payload: 16-byte IV, data, pad bytes 01 02 03 ..,
  pad length.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AUTH_RAKP_HMAC_SHA1 = 0x01
AUTH_RAKP_HMAC_SHA256 = 0x03
INTEGRITY_HMAC_SHA1_96 = 0x01
INTEGRITY_HMAC_SHA256_128 = 0x04
CONFIDENTIALITY_AES_CBC_128 = 0x01

NEXT_HEADER = 0x07
AES_BLOCK = 16
_CONST_1 = b"\x01" * 20
_CONST_2 = b"\x02" * 20


@dataclass(frozen=True)
class CipherSuite:
    """One RMCP+ cipher suite (table 22-19) and the lengths its algorithms produce."""

    suite_id: int
    auth_algorithm: int
    integrity_algorithm: int
    confidentiality_algorithm: int
    hash: Callable
    #: length of the RAKP 4 integrity check value and of each packet's AuthCode
    icv_length: int

    @property
    def record(self) -> bytes:
        """Get Channel Cipher Suites record (22.15, table 22-18): C0h, id, tagged algorithms."""
        return bytes(
            (
                0xC0,
                self.suite_id,
                self.auth_algorithm,
                0x40 | self.integrity_algorithm,
                0x80 | self.confidentiality_algorithm,
            )
        )

    def hmac(self, key: bytes, data: bytes) -> bytes:
        return hmac.new(key, data, self.hash).digest()


SUITE_3 = CipherSuite(3, AUTH_RAKP_HMAC_SHA1, INTEGRITY_HMAC_SHA1_96, CONFIDENTIALITY_AES_CBC_128, hashlib.sha1, 12)
SUITE_17 = CipherSuite(
    17, AUTH_RAKP_HMAC_SHA256, INTEGRITY_HMAC_SHA256_128, CONFIDENTIALITY_AES_CBC_128, hashlib.sha256, 16
)
#: suites offered, in the order Get Channel Cipher Suites lists them
SUPPORTED_SUITES: tuple[CipherSuite, ...] = (SUITE_17, SUITE_3)


def suite_for(auth: int, integrity: int, confidentiality: int) -> CipherSuite | None:
    """The supported suite made of exactly these three algorithms, or None."""
    for suite in SUPPORTED_SUITES:
        if (suite.auth_algorithm, suite.integrity_algorithm, suite.confidentiality_algorithm) == (
            auth,
            integrity,
            confidentiality,
        ):
            return suite
    return None


def _role_name(role: int, name: bytes) -> bytes:
    return struct.pack("BB", role, len(name)) + name


def rakp2_auth_code(
    suite: CipherSuite,
    kuid: bytes,
    console_sid: int,
    bmc_sid: int,
    console_random: bytes,
    bmc_random: bytes,
    guid: bytes,
    role: int,
    name: bytes,
) -> bytes:
    """RAKP 2 Key Exchange Authentication Code (table 13-12):
    HMAC_Kuid(SIDm | SIDc | Rm | Rc | GUIDc | ROLEm | ULENGTHm | UNAMEm)."""
    data = struct.pack("<II", console_sid, bmc_sid) + console_random + bmc_random + guid + _role_name(role, name)
    return suite.hmac(kuid, data)


def rakp3_auth_code(
    suite: CipherSuite, kuid: bytes, bmc_random: bytes, console_sid: int, role: int, name: bytes
) -> bytes:
    """RAKP 3 Key Exchange Authentication Code (table 13-13):
    HMAC_Kuid(Rc | SIDm | ROLEm | ULENGTHm | UNAMEm)."""
    return suite.hmac(kuid, bmc_random + struct.pack("<I", console_sid) + _role_name(role, name))


def session_integrity_key(
    suite: CipherSuite, kg: bytes, console_random: bytes, bmc_random: bytes, role: int, name: bytes
) -> bytes:
    """SIK = HMAC_KG(Rm | Rc | ROLEm | ULENGTHm | UNAMEm) (13.31); KG is Kuid when unset."""
    return suite.hmac(kg, console_random + bmc_random + _role_name(role, name))


def rakp4_integrity_check(suite: CipherSuite, sik: bytes, console_random: bytes, bmc_sid: int, guid: bytes) -> bytes:
    """RAKP 4 Integrity Check Value (table 13-14): HMAC_SIK(Rm | SIDc | GUIDc), truncated."""
    data = console_random + struct.pack("<I", bmc_sid) + guid
    return suite.hmac(sik, data)[: suite.icv_length]


@dataclass(frozen=True)
class SessionKeys:
    """K1 (integrity) and the AES key (first 16 bytes of K2), 13.32."""

    k1: bytes
    aes_key: bytes

    def __repr__(self) -> str:  # keys never reach logs
        return "SessionKeys(<redacted>)"


def derive_keys(suite: CipherSuite, sik: bytes) -> SessionKeys:
    k1 = suite.hmac(sik, _CONST_1)
    k2 = suite.hmac(sik, _CONST_2)
    return SessionKeys(k1=k1, aes_key=k2[:AES_BLOCK])


def integrity_trailer(suite: CipherSuite, k1: bytes, signed: bytes) -> bytes:
    """Trailer for ``signed`` (auth type .. payload): pad 0xFF to a multiple of 4 counting
    pad length and next header, pad length, 07h, then the truncated HMAC (table 13-8)."""
    pad = -(len(signed) + 2) % 4
    tail = b"\xff" * pad + bytes((pad, NEXT_HEADER))
    return tail + suite.hmac(k1, signed + tail)[: suite.icv_length]


def check_integrity(suite: CipherSuite, k1: bytes, signed_with_trailer: bytes) -> bool:
    """True when the AuthCode at the end of ``signed_with_trailer`` (auth type .. AuthCode)
    is right and the trailer is well formed."""
    n = suite.icv_length
    if len(signed_with_trailer) < n + 2:
        return False
    signed, auth_code = signed_with_trailer[:-n], signed_with_trailer[-n:]
    if signed[-1] != NEXT_HEADER:
        return False
    return hmac.compare_digest(suite.hmac(k1, signed)[:n], auth_code)


def aes_encrypt(key: bytes, plaintext: bytes, iv: bytes | None = None) -> bytes:
    """IV | AES-CBC-128(plaintext | 01 02 .. n | n) (table 13-20)."""
    iv = os.urandom(AES_BLOCK) if iv is None else iv
    pad = -(len(plaintext) + 1) % AES_BLOCK
    padded = plaintext + bytes(range(1, pad + 1)) + bytes((pad,))
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return iv + encryptor.update(padded) + encryptor.finalize()


def aes_decrypt(key: bytes, data: bytes) -> bytes:
    """Inverse of :func:`aes_encrypt`; raises ValueError on a bad length or pad."""
    if len(data) < 2 * AES_BLOCK or len(data) % AES_BLOCK:
        raise ValueError("AES-CBC-128 payload is not IV plus whole blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(data[:AES_BLOCK])).decryptor()
    padded = decryptor.update(data[AES_BLOCK:]) + decryptor.finalize()
    pad = padded[-1]
    if pad >= AES_BLOCK:
        raise ValueError("AES-CBC-128 confidentiality pad length out of range")
    # 13.29: the pad bytes are 01h, 02h, ..; some clients pad with other values, so only
    # the length is enforced.
    return padded[: -(pad + 1)]
