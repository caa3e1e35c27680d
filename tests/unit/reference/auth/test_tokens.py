"""RackHD's tokens: HS256 with Node's lenient base64 key, iat/exp, and RackHD's rejection messages."""

import base64
import json
import time
import unittest

import jwt

from rackharness.reference.auth.tokens import TokenRejected, TokenSigner, node_base64_key


def payload_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class NodeBase64KeyTest(unittest.TestCase):
    def test_rackhd_default_secret_is_its_base64_letters_decoded(self):
        # new Buffer('RackHDRocks!', 'base64'): '!' is dropped, 11 letters give 8 bytes
        self.assertEqual(node_base64_key("RackHDRocks!"), base64.b64decode("RackHDRocks="))
        self.assertEqual(len(node_base64_key("RackHDRocks!")), 8)

    def test_padding_and_a_lone_trailing_letter(self):
        self.assertEqual(node_base64_key("aGVsbG8="), b"hello")
        self.assertEqual(node_base64_key("aGVsbG8"), b"hello")
        self.assertEqual(
            node_base64_key("aGVsbG8xy"), node_base64_key("aGVsbG8x"), "a 4n+1th character carries no byte"
        )


class TokenSignerTest(unittest.TestCase):
    def test_a_token_carries_user_iat_and_exp_and_verifies(self):
        signer = TokenSigner("RackHDRocks!", 100)
        token = signer.sign({"user": "admin"}, issued_at=time.time())
        claims = payload_of(token)
        self.assertEqual(claims["user"], "admin")
        self.assertEqual(claims["exp"] - claims["iat"], 100)
        self.assertEqual(signer.verify(token)["user"], "admin")

    def test_a_token_signed_as_rackhd_signs_verifies(self):
        """jsonwebtoken.sign({user}, new Buffer(secret, 'base64')) — the same key bytes, HS256."""
        foreign = jwt.encode(
            {"user": "admin", "iat": int(time.time())}, base64.b64decode("RackHDRocks="), algorithm="HS256"
        )
        self.assertEqual(TokenSigner().verify(foreign)["user"], "admin")

    def test_rejections_carry_rackhd_messages(self):
        signer = TokenSigner("RackHDRocks!", 60)
        good = signer.sign({"user": "admin"})
        cases = {
            "No auth token": None,
            "jwt malformed": "not-a-token",
            "invalid signature": TokenSigner("another-secret-entirely", 60).sign({"user": "admin"}),
            "jwt expired": signer.sign({"user": "admin"}, issued_at=time.time() - 3600),
        }
        for message, token in cases.items():
            with self.subTest(message=message), self.assertRaises(TokenRejected) as caught:
                signer.verify(token)
            self.assertEqual(caught.exception.message, message)
        self.assertEqual(signer.verify(good)["user"], "admin")

    def test_expire_in_zero_never_expires(self):
        signer = TokenSigner(expire_in=0)
        token = signer.sign({"user": "admin"}, issued_at=time.time() - 10 * 86400)
        self.assertNotIn("exp", payload_of(token))
        self.assertEqual(signer.verify(token)["user"], "admin")

    def test_bad_settings_are_refused_and_the_key_is_not_shown(self):
        with self.assertRaises(ValueError):
            TokenSigner("", 10)
        with self.assertRaises(ValueError):
            TokenSigner("x", -1)
        self.assertNotIn("RackHD", repr(TokenSigner("RackHDRocks!")))


if __name__ == "__main__":
    unittest.main()
