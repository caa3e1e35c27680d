"""AccountService: ``/redfish/v1/AccountService`` — the local users (the API's ``/users``) as Redfish accounts,
and Redfish's three fixed roles (on-http ``account-service.js``, ``roles.js``).

* ``GET /AccountService`` → the service (passwords of 6 to 50 characters, no lockout).
* ``GET /Accounts`` → every user (``Members``: ``/Accounts/<username>``); ``GET /Accounts/{name}`` →
  the ManagerAccount (``Id`` the user's record id, ``UserName``, ``RoleId``, ``Links.Role``), 404 unknown.
* ``POST /Accounts {UserName, Password, RoleId}`` → 201, the account and ``Location``: by an
  authenticated caller, or anonymously from 127.0.0.1 while there is no user (RackHD's
  ``enableLocalHostException``), as ``POST /api/2.0/users``; otherwise 401. A body without the three
  strings is 400 (the spec's ``ManagerAccount.post``), a taken name 409, a password or role the users
  model refuses 400.
* ``PATCH /Accounts/{name} {Password?, RoleId?}`` → 202 and the account. Like RackHD: 401 for an
  unauthenticated caller (on the plain endpoint too: on-http's passport runs everywhere and finds no
  user there), 404 unknown, ``ConfigureUsers`` may change both keys, the account's own user with
  ``ConfigureSelf`` only ``Password`` (another key: 400), anyone else 403.
* ``DELETE /Accounts/{name}`` → 204, 404 unknown.
* ``GET /AccountService/Roles`` → the roles Administrator, Operator, ReadOnly; ``GET /Roles/{id}`` → one
  with its privileges, 404 for another name. RackHD links each member as ``/Roles/<name>,<privileges...>``
  (its template prints the [name, privileges] pair); the target links ``/Roles/<name>``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request

from rackharness.reference.api.users import LOCALHOST
from rackharness.reference.context import TargetContext
from rackharness.reference.documents import ApiError
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.redfish.errors import RedfishError, redfish_not_found
from rackharness.reference.redfish.resources import BASE, collection, link
from rackharness.reference.spec import validate_schema

ACCOUNTS = f"{BASE}/AccountService/Accounts"
ROLES = f"{BASE}/AccountService/Roles"
#: Redfish 1.0.0 §9.3.8's predefined roles, as roles.js lists them
REDFISH_ROLES = {
    "Administrator": ["Login", "ConfigureManager", "ConfigureUsers", "ConfigureComponents", "ConfigureSelf"],
    "Operator": ["Login", "ConfigureComponents", "ConfigureSelf"],
    "ReadOnly": ["Login", "ConfigureSelf"],
}


def account_view(record: dict[str, Any]) -> dict[str, Any]:
    name = record["username"]
    return {
        "@odata.context": f"{BASE}/$metadata#ManagerAccount.ManagerAccount",
        "@odata.id": f"{ACCOUNTS}/{name}",
        "@odata.type": "#ManagerAccount.v1_0_0.ManagerAccount",
        "Oem": {},
        "Id": str(record.get("_id", name)),
        "Description": "User Account",
        "Name": "User Account",
        "UserName": name,
        "RoleId": record.get("role"),
        "Links": {"Role": link(f"{ROLES}/{record.get('role')}")},
    }


def _strings(body: Any, keys: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(body, dict) or not all(isinstance(body.get(key), str) for key in keys):
        raise RedfishError(400, f"the body must give {', '.join(keys)} as strings")
    return {key: body[key] for key in keys}


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_accounts", __name__)
    users = ctx.auth.users

    def need(name: str) -> dict[str, Any]:
        record = users.get(name)
        if record is None:
            raise redfish_not_found("Account", name)
        return record

    def checked(username: str, password: str | None, role: str | None) -> None:
        """The users model's own checks (password length, role), as a Redfish 400."""
        fields = {
            key: value
            for key, value in (("username", username), ("password", password), ("role", role))
            if value is not None
        }
        try:
            validate_schema("user.2.0.json#/definitions/PartialUser", fields)
        except ApiError as exc:
            raise RedfishError(400, exc.message) from None

    @bp.get("/AccountService")
    def get_account_service():
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata#AccountService",
                "@odata.id": f"{BASE}/AccountService",
                "@odata.type": "#AccountService.1.0.0.AccountService",
                "Oem": {},
                "Id": "AccountService",
                "Description": "Account Service",
                "Name": "Account Service",
                "Status": {},
                "ServiceEnabled": True,
                "MinPasswordLength": 6,
                "MaxPasswordLength": 50,
                "AccountLockoutThreshold": 0,
                "Accounts": link(ACCOUNTS),
                "Roles": link(ROLES),
            }
        )

    @bp.get("/AccountService/Accounts")
    def get_accounts():
        body = collection(
            ACCOUNTS,
            "ManagerAccount",
            "RackHD User Accounts",
            [f"{ACCOUNTS}/{record['username']}" for record in users.all()],
        )
        return json_response(body)

    @bp.post("/AccountService/Accounts")
    def create_account():
        fields = _strings(request_json(), ("UserName", "Password", "RoleId"))
        username, password, role = fields["UserName"], fields["Password"], fields["RoleId"]
        first_from_localhost = (
            not users.all() and ctx.config.get("enableLocalHostException", True) and request.remote_addr in LOCALHOST
        )
        if not first_from_localhost and g.get("rackhd_user") is None:
            raise RedfishError(401, "Unauthorized")
        if users.get(username) is not None:
            raise RedfishError(409, "the user already exists")  # RackHD's words
        checked(username, password, role)
        record = users.create(username, password, role)
        return json_response(account_view(record), 201, headers={"Location": f"{ACCOUNTS}/{username}"})

    @bp.get("/AccountService/Accounts/<name>")
    def get_account(name: str):
        return json_response(account_view(need(name)))

    @bp.patch("/AccountService/Accounts/<name>")
    def modify_account(name: str):
        body = request_json()
        who = g.get("rackhd_user")
        if who is None:
            raise RedfishError(401, "Unauthorized")
        record = need(name)
        if not isinstance(body, dict):
            raise RedfishError(400, "Bad Request")
        granted = users.privileges((users.get(who) or {}).get("role"))
        if {"Administrator", "ConfigureUsers"} & granted:
            allowed = {"Password", "RoleId"}
        elif who == name and "ConfigureSelf" in granted:
            allowed = {"Password"}
        else:
            raise RedfishError(403, "Forbidden")
        if set(body) - allowed:
            raise RedfishError(400, "Bad Request")  # RackHD's words
        checked(name, body.get("Password"), body.get("RoleId"))
        record = users.modify(record, password=body.get("Password"), role=body.get("RoleId"))
        return json_response(account_view(record), 202)

    @bp.delete("/AccountService/Accounts/<name>")
    def remove_account(name: str):
        need(name)
        users.remove(name)
        return no_content()

    @bp.get("/AccountService/Roles")
    def list_roles():
        body = collection(ROLES, "Role", "RoleCollection", [f"{ROLES}/{name}" for name in REDFISH_ROLES])
        body.update({"Members@odata.navigationLink": link(ROLES), "Description": "RoleCollection"})
        return json_response(body)

    @bp.get("/AccountService/Roles/<identifier>")
    def get_role(identifier: str):
        if identifier not in REDFISH_ROLES:
            raise redfish_not_found("Role", identifier)
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata#Role.Role",
                "@odata.id": f"{ROLES}/{identifier}",
                "@odata.type": "#Role.Role",
                "Oem": {},
                "Id": "",
                "Name": identifier,
                "Description": f"Display the privileges of {identifier}",
                "OemPrivileges": [],
                "AssignedPrivileges": list(REDFISH_ROLES[identifier]),
                "IsPredefined": True,
            }
        )

    return bp
