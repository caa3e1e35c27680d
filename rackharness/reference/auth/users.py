"""RackHD's local users and roles (on-core ``localusers``/``roles`` models, on-http ``acl-service.js``).

A user is ``{username, password, role}`` in the ``localusers`` collection; the password is stored as
a salted PBKDF2-SHA256 hash (RackHD hashes too; the formats differ, the API never shows either).
A role grants privileges; the API's operations name the privileges they need (``x-privileges``)
and a user may call one when any privilege of their role is listed. The fixed grants are RackHD's:

- ``Administrator``: Read, Write, Login, ConfigureManager, ConfigureUsers, ConfigureComponents, ConfigureSelf
- ``Operator``: Login, ConfigureComponents, ConfigureSelf (RackHD grants Operator nothing in API 2.0)
- ``ReadOnly``: Read, Login, ConfigureSelf

Roles stored in the ``roles`` collection (``{role, privileges}``) add to these; ``GET /roles`` lists
the stored ones only, as RackHD does.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from pymongo.database import Database

from rackharness.reference.documents import now

LOCAL_USERS = "localusers"
ROLES = "roles"
BUILTIN_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "Administrator": (
        "Read",
        "Write",
        "Login",
        "ConfigureManager",
        "ConfigureUsers",
        "ConfigureComponents",
        "ConfigureSelf",
    ),
    "Operator": ("Login", "ConfigureComponents", "ConfigureSelf"),
    "ReadOnly": ("Read", "Login", "ConfigureSelf"),
}
_ITERATIONS = 60_000


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    except (AttributeError, ValueError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def user_view(record: dict[str, Any]) -> dict[str, Any]:
    """What the API shows of a user (``users.2.0.json`` view): never the password."""
    return {"username": record["username"], "role": record.get("role")}


class LocalUsers:
    """The ``localusers`` and ``roles`` collections."""

    def __init__(self, db: Database) -> None:
        self.users = db[LOCAL_USERS]
        self.roles = db[ROLES]

    def get(self, username: str) -> dict[str, Any] | None:
        return self.users.find_one({"username": username})

    def all(self) -> list[dict[str, Any]]:
        return list(self.users.find({}).sort("username", 1))

    def create(self, username: str, password: str, role: str) -> dict[str, Any]:
        stamp = now()
        record = {
            "username": username,
            "password": hash_password(password),
            "role": role,
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        self.users.insert_one(record)
        return record

    def modify(self, record: dict[str, Any], *, password: str | None = None, role: str | None = None) -> dict[str, Any]:
        if password is not None:
            record["password"] = hash_password(password)
        if role is not None:
            record["role"] = role
        record["updatedAt"] = now()
        self.users.replace_one({"_id": record["_id"]}, record)  # whole document: nx-27017 and $set datetimes
        return record

    def remove(self, username: str) -> bool:
        return self.users.delete_one({"username": username}).deleted_count > 0

    def check_password(self, username: str, password: str) -> dict[str, Any] | None:
        """The user when ``password`` is theirs, else None (unknown users cost the same time)."""
        record = self.get(username) if isinstance(username, str) else None
        stored = record["password"] if record else hash_password("", salt=b"\0" * 16)
        matches = isinstance(password, str) and password_matches(password, stored)
        return record if record and matches else None

    def ensure(self, username: str, password: str, role: str = "Administrator") -> None:
        """The configured user exists with this password and role (the reference target's first user)."""
        record = self.get(username)
        if record is None:
            self.create(username, password, role)
        elif not password_matches(password, record.get("password", "")) or record.get("role") != role:
            self.modify(record, password=password, role=role)

    # -- roles ----------------------------------------------------------------------------
    def privileges(self, role: str | None) -> set[str]:
        granted = set(BUILTIN_PRIVILEGES.get(role or "", ()))
        stored = self.roles.find_one({"role": role}) if role else None
        if stored:
            granted |= set(stored.get("privileges") or ())
        return granted

    def role_list(self) -> list[dict[str, Any]]:
        """The stored roles (RackHD's ``GET /roles``: its fixed grants are not stored, so not listed)."""
        return [role_view(stored) for stored in self.roles.find({}).sort("role", 1)]

    def role(self, name: str) -> dict[str, Any] | None:
        return self.roles.find_one({"role": name})

    def add_role(self, name: str, privileges: list[str]) -> dict[str, Any]:
        stamp = now()
        record = {"role": name, "privileges": list(privileges), "createdAt": stamp, "updatedAt": stamp}
        self.roles.insert_one(record)
        return record

    def remove_role(self, name: str) -> bool:
        return self.roles.delete_one({"role": name}).deleted_count > 0


def role_view(record: dict[str, Any]) -> dict[str, Any]:
    return {"role": record["role"], "privileges": list(record.get("privileges") or [])}
