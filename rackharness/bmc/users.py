"""The user table of one virtual BMC: read by authentication (RAKP) and by ``user list``.

IPMI user ids run from 1; id 1 is the anonymous/null user (empty name, disabled by default),
as on most real BMCs. Passwords are at most 20 bytes (IPMI 2.0 passwords) and never appear in
``repr`` or logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rackharness.bmc.message import Privilege

MAX_USERS = 10
MAX_NAME_BYTES = 16
MAX_PASSWORD_BYTES = 20


@dataclass
class BmcUser:
    user_id: int
    name: str
    password: str = field(repr=False)
    privilege_limit: Privilege = Privilege.ADMINISTRATOR
    enabled: bool = True
    link_auth: bool = False
    ipmi_messaging: bool = True

    @property
    def password_key(self) -> bytes:
        """The password as the 20-byte key IPMI 2.0 RAKP uses (zero padded)."""
        return self.password.encode("utf-8")[:MAX_PASSWORD_BYTES].ljust(MAX_PASSWORD_BYTES, b"\0")


class UserTable:
    """Fixed-size table of user slots 1..MAX_USERS; slot 1 is the null user."""

    def __init__(self, users: list[BmcUser] | None = None) -> None:
        self._slots: dict[int, BmcUser] = {
            1: BmcUser(1, "", "", Privilege.ADMINISTRATOR, enabled=False, ipmi_messaging=False)
        }
        for user in users or []:
            self.put(user)

    def put(self, user: BmcUser) -> None:
        if not 1 <= user.user_id <= MAX_USERS:
            raise ValueError(f"IPMI user id {user.user_id} is outside 1..{MAX_USERS}")
        if len(user.name.encode("utf-8")) > MAX_NAME_BYTES:
            raise ValueError(f"IPMI user name {user.name!r} is longer than {MAX_NAME_BYTES} bytes")
        if len(user.password.encode("utf-8")) > MAX_PASSWORD_BYTES:
            raise ValueError(f"password of IPMI user {user.name!r} is longer than {MAX_PASSWORD_BYTES} bytes")
        self._slots[user.user_id] = user

    def slot(self, user_id: int) -> BmcUser | None:
        return self._slots.get(user_id)

    def by_name(self, name: str) -> BmcUser | None:
        """The enabled user with this name, or None (what RAKP 1 looks up)."""
        for user in self._slots.values():
            if user.name == name and user.enabled:
                return user
        return None

    def __iter__(self):
        return iter(sorted(self._slots.values(), key=lambda u: u.user_id))

    @property
    def enabled_count(self) -> int:
        return sum(1 for u in self._slots.values() if u.enabled)

    @property
    def fixed_name_count(self) -> int:
        """Users whose names cannot be changed (the null user)."""
        return 1
