"""Local users (hashed passwords) and RackHD's fixed role privileges."""

import unittest

import mongomock

from rackharness.reference.auth.users import BUILTIN_PRIVILEGES, LocalUsers, user_view


class LocalUsersTest(unittest.TestCase):
    def setUp(self):
        self.db = mongomock.MongoClient().pxe
        self.users = LocalUsers(self.db)

    def test_the_password_is_stored_hashed_and_checked(self):
        self.users.create("alice", "s3cret-pass", "Operator")
        stored = self.db.localusers.find_one({"username": "alice"})
        self.assertNotIn("s3cret-pass", str(stored))
        self.assertEqual(self.users.check_password("alice", "s3cret-pass")["role"], "Operator")
        self.assertIsNone(self.users.check_password("alice", "wrong-pass"))
        self.assertIsNone(self.users.check_password("nobody", "s3cret-pass"))

    def test_ensure_creates_then_repairs_the_configured_administrator(self):
        self.users.ensure("admin", "admin123")
        self.users.ensure("admin", "admin456")
        self.assertEqual(self.db.localusers.count_documents({}), 1)
        self.assertIsNotNone(self.users.check_password("admin", "admin456"))
        self.assertEqual(user_view(self.users.get("admin")), {"username": "admin", "role": "Administrator"})

    def test_privileges_are_rackhds_plus_stored_roles(self):
        self.assertIn("Write", self.users.privileges("Administrator"))
        self.assertNotIn("Read", self.users.privileges("Operator"), "RackHD grants Operator nothing in API 2.0")
        self.assertEqual(self.users.privileges("ReadOnly"), set(BUILTIN_PRIVILEGES["ReadOnly"]))
        self.assertEqual(self.users.role_list(), [], "RackHD's fixed grants are not stored roles")
        self.users.add_role("Auditor", ["Read"])
        self.assertEqual(self.users.privileges("Auditor"), {"Read"})
        self.assertEqual(self.users.role_list(), [{"role": "Auditor", "privileges": ["Read"]}])
        self.assertEqual(self.users.privileges(None), set())


if __name__ == "__main__":
    unittest.main()
