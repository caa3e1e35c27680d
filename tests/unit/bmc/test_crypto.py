"""RAKP codes, session keys, integrity and AES against real ipmitool 1.8.19 exchanges.

The vectors are whole RAKP 1-4 exchanges and the first in-session request captured from
``ipmitool -I lanplus -C 3|17 -U admin -P secret -vvvvv``. RAKP 3 and the session request
were computed by ipmitool (an independent implementation); RAKP 2 and 4 were accepted by it.
"""

import struct
import unittest

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from pyghmi.ipmi.private.session import _aespad

from rackharness.bmc import crypto, wire

PASSWORD_KEY = b"secret".ljust(20, b"\0")
CAPTURES = {
    3: dict(
        rakp1="0600ff0706120000000000000000210000000000592e62a3abd2b698623fe2ac646208bbcedb32bd1400000561646d696e",
        rakp2="0600ff07061300000000000000003c0000000000a4a3a2a06c5599b31cb9752ae46e961dba159f"
        "0d19f1a3735b5e44c3aa65b0c353336f520c5082ada8595802559e0a5556fd3f2e24877d36",
        rakp3="0600ff07061400000000000000001c0000000000592e62a3f98abcc995f8254044f3cf8c10f7a4a5863ed0c6",
        rakp4="0600ff0706150000000000000000140000000000a4a3a2a052e809e3f6b9ed674ff20b0a",
        request="0600ff0706c0592e62a303000000200006389a134a87a875dc094665f8871dd6e20f8817875"
        "25f3e1b83853662cc33f7ffff0207d7b662fa18466f6b4b0828c8",
    ),
    17: dict(
        rakp1="0600ff0706120000000000000000210000000000f3bb5352ad51b0eb680a3a444073c61611befe9b1400000561646d696e",
        rakp2="0600ff0706130000000000000000480000000000a4a3a2a0444cda406199e2595100268b8a4626"
        "0019f1a3735b5e44c3aa65b0c353336f52c585d622dc62a0acd81b9bbaaa4942176c4c2802cc61"
        "7277b3fcc31e3a5fd6b3",
        rakp3="0600ff0706140000000000000000280000000000f3bb5352c7f407951d0340b4007d3c1fde0679"
        "8d0faf77ff9b609a9631f34ac557a3f1a4",
        rakp4="0600ff0706150000000000000000180000000000a4a3a2a080af2f9b7ba84f9dc7863e94bfc9dc66",
        request="0600ff0706c0f3bb53520300000020001f21dcb5879e469740b69a7b05b5cb877224f733c95c7"
        "35154dd4df3232ca7a6ffff02071e3acd8c034250e06c0d8e483751a600",
    ),
}


class Exchange:
    """The fields of one captured exchange."""

    def __init__(self, suite_id):
        self.suite = {3: crypto.SUITE_3, 17: crypto.SUITE_17}[suite_id]
        cap = {k: bytes.fromhex(v) for k, v in CAPTURES[suite_id].items()}
        self.rakp1, self.rakp2, self.rakp3, self.rakp4 = (cap[k][16:] for k in ("rakp1", "rakp2", "rakp3", "rakp4"))
        self.request = cap["request"]
        self.bmc_sid = struct.unpack_from("<I", self.rakp1, 4)[0]
        self.console_random = self.rakp1[8:24]
        self.role = self.rakp1[24]
        self.name = self.rakp1[28 : 28 + self.rakp1[27]]
        self.console_sid = struct.unpack_from("<I", self.rakp2, 4)[0]
        self.bmc_random = self.rakp2[8:24]
        self.guid = self.rakp2[24:40]
        self.sik = crypto.session_integrity_key(
            self.suite, PASSWORD_KEY, self.console_random, self.bmc_random, self.role, self.name
        )


class RakpVectorsTest(unittest.TestCase):
    def check_exchange(self, suite_id):
        ex = Exchange(suite_id)
        self.assertEqual(ex.name, b"admin")
        self.assertEqual(ex.role, 0x14)  # name-only lookup, Administrator
        self.assertEqual(
            crypto.rakp2_auth_code(
                ex.suite,
                PASSWORD_KEY,
                ex.console_sid,
                ex.bmc_sid,
                ex.console_random,
                ex.bmc_random,
                ex.guid,
                ex.role,
                ex.name,
            ),
            ex.rakp2[40:],
        )
        self.assertEqual(
            crypto.rakp3_auth_code(ex.suite, PASSWORD_KEY, ex.bmc_random, ex.console_sid, ex.role, ex.name),
            ex.rakp3[8:],
        )
        self.assertEqual(
            crypto.rakp4_integrity_check(ex.suite, ex.sik, ex.console_random, ex.bmc_sid, ex.guid), ex.rakp4[8:]
        )
        self.assertEqual(len(ex.rakp4[8:]), {3: 12, 17: 16}[suite_id])
        keys = crypto.derive_keys(ex.suite, ex.sik)
        self.assertTrue(crypto.check_integrity(ex.suite, keys.k1, ex.request[4:]))
        packet = wire.parse_datagram(ex.request)
        request = wire.decode_lan_request(crypto.aes_decrypt(keys.aes_key, packet.payload))
        # ipmitool's first request: Set Session Privilege Level (App 3Bh) to Administrator
        self.assertEqual((request.netfn, request.command, request.data), (6, 0x3B, b"\x04"))

    def test_suite_3(self):
        self.check_exchange(3)

    def test_suite_17(self):
        self.check_exchange(17)

    def test_wrong_password_gives_other_codes(self):
        ex = Exchange(17)
        wrong = b"Secret".ljust(20, b"\0")
        self.assertNotEqual(
            crypto.rakp3_auth_code(ex.suite, wrong, ex.bmc_random, ex.console_sid, ex.role, ex.name), ex.rakp3[8:]
        )

    def test_tampered_packet_fails_integrity(self):
        ex = Exchange(3)
        keys = crypto.derive_keys(ex.suite, ex.sik)
        tampered = bytearray(ex.request)
        tampered[20] ^= 0x01
        self.assertFalse(crypto.check_integrity(ex.suite, keys.k1, bytes(tampered[4:])))
        self.assertFalse(crypto.check_integrity(crypto.SUITE_17, keys.k1, ex.request[4:]))

    def test_keys_never_in_repr(self):
        keys = crypto.derive_keys(crypto.SUITE_3, b"k" * 20)
        self.assertNotIn(keys.k1.hex(), repr(keys))


class IntegrityTrailerTest(unittest.TestCase):
    def test_trailer_pads_to_four_and_verifies(self):
        for suite in crypto.SUPPORTED_SUITES:
            for length in range(12, 20):
                signed = bytes(range(length))
                trailer = crypto.integrity_trailer(suite, b"k" * 20, signed)
                body = signed + trailer[: -suite.icv_length]
                self.assertEqual(len(body) % 4, 0)
                self.assertEqual(body[-1], crypto.NEXT_HEADER)
                self.assertEqual(body[-2], len(body) - length - 2)
                self.assertTrue(crypto.check_integrity(suite, b"k" * 20, signed + trailer))
                self.assertFalse(crypto.check_integrity(suite, b"x" * 20, signed + trailer))


class AesTest(unittest.TestCase):
    KEY = bytes(range(16))

    def test_padding_matches_pyghmi_client(self):
        iv = bytes(16)
        for length in range(0, 40):
            data = bytes([0xAA]) * length
            ours = crypto.aes_encrypt(self.KEY, data, iv)
            encryptor = Cipher(algorithms.AES(self.KEY), modes.CBC(iv)).encryptor()
            expected = iv + encryptor.update(data + bytes(_aespad(data))) + encryptor.finalize()
            self.assertEqual(ours, expected, length)

    def test_round_trip_and_random_iv(self):
        one = crypto.aes_encrypt(self.KEY, b"hello")
        two = crypto.aes_encrypt(self.KEY, b"hello")
        self.assertNotEqual(one[:16], two[:16])
        self.assertEqual(crypto.aes_decrypt(self.KEY, one), b"hello")

    def test_decrypt_rejects_bad_input(self):
        with self.assertRaises(ValueError):
            crypto.aes_decrypt(self.KEY, bytes(16))  # IV only
        with self.assertRaises(ValueError):
            crypto.aes_decrypt(self.KEY, bytes(40))  # not whole blocks


class SuiteTableTest(unittest.TestCase):
    def test_lookup(self):
        self.assertIs(crypto.suite_for(1, 1, 1), crypto.SUITE_3)
        self.assertIs(crypto.suite_for(3, 4, 1), crypto.SUITE_17)
        self.assertIsNone(crypto.suite_for(1, 4, 1))
        self.assertIsNone(crypto.suite_for(0, 0, 0))

    def test_cipher_suite_records(self):
        self.assertEqual(crypto.SUITE_3.record, bytes.fromhex("c003014181"))
        self.assertEqual(crypto.SUITE_17.record, bytes.fromhex("c011034481"))


if __name__ == "__main__":
    unittest.main()
