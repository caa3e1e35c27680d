"""OBM secrets are encrypted at rest as RackHD does (AES-256-CBC under sharedKey, "<iv>.<ciphertext>")."""

import unittest

import mongomock

from rackharness.reference.obm_sealing import ObmSealer

#: "admin123" encrypted by Node's crypto exactly as on-core's Encryption does, under RackHD's default sharedKey
FROM_RACKHD = "ABEiM0RVZneImaq7zN3u/w==.CQ8XOa3Kv2tBUAMg8nEY9A=="


class ObmSealerTest(unittest.TestCase):
    def test_secret_values_are_sealed_and_others_kept(self):
        sealed = ObmSealer().seal({"host": "10.1.1.5", "user": "admin", "password": "Zq7-pw", "community": "public"})
        self.assertEqual((sealed["host"], sealed["user"]), ("10.1.1.5", "admin"))
        for key in ("password", "community"):
            self.assertRegex(sealed[key], r"^[A-Za-z0-9+/]{22}==\.[A-Za-z0-9+/]+=*$")
        self.assertNotIn("Zq7-pw", repr(sealed))
        self.assertEqual(ObmSealer().unseal(sealed)["password"], "Zq7-pw")

    def test_a_value_rackhd_encrypted_decrypts_and_is_not_sealed_twice(self):
        sealer = ObmSealer()
        self.assertEqual(sealer.unseal({"password": FROM_RACKHD}), {"password": "admin123"})
        self.assertEqual(sealer.seal({"password": FROM_RACKHD}), {"password": FROM_RACKHD})

    def test_each_seal_has_its_own_iv_and_plain_old_values_read_as_they_are(self):
        sealer = ObmSealer()
        self.assertNotEqual(sealer.seal({"password": "x"}), sealer.seal({"password": "x"}))
        self.assertEqual(sealer.unseal({"password": "plain"}), {"password": "plain"})

    def test_another_shared_key_cannot_read_it(self):
        other = ObmSealer("A" * 43 + "=")
        with self.assertRaises(ValueError):
            other.unseal({"password": FROM_RACKHD})
        with self.assertRaises(ValueError):
            ObmSealer("c2hvcnQ=")  # 5 bytes: not an AES-256 key


class StoredObmTest(unittest.TestCase):
    def test_the_store_holds_no_obm_password(self):
        from rackharness.reference.context import TargetContext
        from rackharness.reference.obm_settings import upsert_settings

        class Events:
            def publish_external(self, *args, **kwargs):
                pass

        db = mongomock.MongoClient().db
        ctx = TargetContext(db=db, events=Events())
        node = {"_id": "6b112540e41d784d1ac735dd", "type": "compute"}
        upsert_settings(ctx, node, "ipmi-obm-service", {"host": "h", "user": "u", "password": "Zq7-stored"})
        stored = db.obms.find_one()
        self.assertNotIn("Zq7-stored", repr(stored))
        self.assertEqual(ctx.sealer.unseal(stored["config"])["password"], "Zq7-stored")
