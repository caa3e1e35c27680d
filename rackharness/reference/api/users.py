"""Local users and roles (on-http ``lib/api/2.0/users.js``, ``roles.js``) and ``POST /login``.

- ``POST /login {username, password}`` → 200 ``{"token"}``; 400 ``{"message": "Missing credentials"}``;
  401 ``{"message": "Unauthorized"}``. Served on the auth-enabled endpoint only, as in RackHD.
- ``GET /users`` → ``[{username, role}]``; ``GET /users/{name}``; ``PATCH /users/{name} {password?, role?}``
  (an authenticated caller changing their own password, or an Administrator); ``DELETE /users/{name}`` 204.
- ``POST /users {username, password (6-50), role}`` → 201 ``{username, role}``: by an authenticated
  caller, or — only while there is no user at all — anonymously from 127.0.0.1 (RackHD's
  ``enableLocalHostException``); otherwise 401. A name already taken answers 409 (the spec's answer;
  RackHD's code answers 401).
- ``GET /roles`` → the stored roles ``[{role, privileges}]`` (RackHD's fixed grants are not listed),
  ``POST /roles {role, privileges}`` 201 (409 taken), ``GET|DELETE /roles/{name}``, ``PATCH /roles/{name}
  {privileges}`` → 200 and the role (roles2.0.js keeps only ``privileges`` of the body); 404 for an unknown role.
"""

from __future__ import annotations

from flask import Blueprint, g, request

from rackharness.reference.auth.users import role_view, user_view
from rackharness.reference.context import TargetContext
from rackharness.reference.contract.body_stages import DEFAULT
from rackharness.reference.documents import ApiError, now
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.spec import validate_body, validate_schema

LOCALHOST = ("127.0.0.1", "::1", "::ffff:127.0.0.1")


def login_blueprint(ctx: TargetContext) -> Blueprint:
    """``POST /login`` (mounted at the root, on the auth-enabled endpoint only)."""
    bp = Blueprint("login", __name__)

    @bp.post("/login")
    def login():
        body = request_json(required=False)
        fields = body if isinstance(body, dict) else {}
        username = fields.get("username", request.args.get("username"))
        password = fields.get("password", request.args.get("password"))
        if not username or not password:  # passport-local's own check
            return json_response({"message": "Missing credentials"}, 400)
        token = ctx.auth.login(username, password)
        if token is None:
            return json_response({"message": "Unauthorized"}, 401)
        return json_response({"token": token})

    return bp


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("users", __name__)
    users = ctx.auth.users

    def caller() -> str | None:
        return g.get("rackhd_user")

    def need(name: str):
        record = users.get(name)
        if record is None:
            raise ApiError(404, f"User Not Found: {name}")
        return record

    @bp.get("/users")
    def list_users():
        return json_response([user_view(record) for record in users.all()])

    @bp.post("/users")
    def add_user():
        body = request_json()
        validate_body("addUser", body)
        first_from_localhost = (
            not users.all() and ctx.config.get("enableLocalHostException", True) and request.remote_addr in LOCALHOST
        )
        if not first_from_localhost and caller() is None:
            raise ApiError(401, "Unauthorized")
        if users.get(body["username"]) is not None:
            raise ApiError(
                409,
                f"user {body['username']} already exists",
                errors=[f"PATCH /api/2.0/users/{body['username']} to change it"],
            )
        return json_response(user_view(users.create(body["username"], body["password"], body["role"])), 201)

    @bp.get("/users/<name>")
    def get_user(name: str):
        return json_response(user_view(need(name)))

    @bp.patch("/users/<name>")
    def modify_user(name: str):
        body = request_json()
        validate_schema("user.2.0.json#/definitions/PartialUser", body, stage=DEFAULT)
        who = caller()
        if who is None:
            raise ApiError(401, "Unauthorized")
        record = need(name)
        granted = users.privileges((users.get(who) or {}).get("role"))
        if not ((who == name and "ConfigureSelf" in granted) or {"ConfigureUsers"} & granted):
            raise ApiError(403, "Forbidden")
        record = users.modify(record, password=body.get("password"), role=body.get("role"))
        return json_response(user_view(record))

    @bp.delete("/users/<name>")
    def remove_user(name: str):
        need(name)
        users.remove(name)
        return no_content()

    @bp.get("/roles")
    def list_roles():
        return json_response(users.role_list())

    @bp.post("/roles")
    def add_role():
        body = request_json()
        name, privileges = (body.get("role"), body.get("privileges", [])) if isinstance(body, dict) else (None, None)
        if (
            not isinstance(name, str)
            or not name
            or not isinstance(privileges, list)
            or not all(isinstance(p, str) for p in privileges)
        ):
            raise ApiError(
                400, 'a role is {"role": <name>, "privileges": [<privilege>, ...]}', errors=[f"got {body!r:.200}"]
            )
        if users.role(name) is not None:
            raise ApiError(409, f"role {name} already exists", errors=[f"DELETE /api/2.0/roles/{name} first"])
        return json_response(role_view(users.add_role(name, privileges)), 201)

    @bp.get("/roles/<name>")
    def get_role(name: str):
        record = users.role(name)
        if record is None:
            raise ApiError(404, f"Role Not Found: {name}")
        return json_response(role_view(record))

    @bp.patch("/roles/<name>")
    def modify_role(name: str):
        record = users.role(name)
        if record is None:
            raise ApiError(404, f"Role Not Found: {name}")
        body = request_json()
        privileges = body.get("privileges", record.get("privileges") or []) if isinstance(body, dict) else None
        if not isinstance(privileges, list) or not all(isinstance(p, str) for p in privileges):
            raise ApiError(400, 'a role change is {"privileges": [<privilege>, ...]}', errors=[f"got {body!r:.200}"])
        record = {**record, "privileges": list(privileges), "updatedAt": now()}
        users.roles.replace_one({"_id": record["_id"]}, record)  # whole document, as LocalUsers.modify writes
        return json_response(role_view(record))

    @bp.delete("/roles/<name>")
    def remove_role(name: str):
        if not users.remove_role(name):
            raise ApiError(404, f"Role Not Found: {name}")
        return no_content()

    return bp
