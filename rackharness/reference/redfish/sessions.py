"""SessionService: ``/redfish/v1/SessionService`` — Redfish sessions over the target's AuthService.

``POST /Sessions {"UserName", "Password"}`` checks a local user's password and answers 201 with the
Session (``Id``, ``UserName``) and the session's token in the ``X-Auth-Token`` header (also in
``Location``, the session's path). ``GET /Sessions`` lists the live sessions, ``GET /Sessions/{id}``
answers one, ``DELETE /Sessions/{id}`` ends it (204) so its token stops working; an unknown id is
404. A wrong password is 401 ``Unauthorized``. On the auth-enabled endpoint the gate guards every
route here but the POST (redfish.yaml gives it no ``x-authentication-type``). The token is never
logged and never appears in a body.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from rackharness.reference.context import TargetContext
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.redfish.errors import RedfishError, redfish_not_found
from rackharness.reference.redfish.resources import BASE, collection, link

SESSIONS = f"{BASE}/SessionService/Sessions"


def session_view(session: Any) -> dict[str, Any]:
    return {
        "@odata.context": f"{BASE}/$metadata#Session.Session",
        "@odata.id": f"{SESSIONS}/{session.id}",
        "@odata.type": "#Session.v1_0_0.Session",
        "Oem": {},
        "Id": session.id,
        "Description": "User Session",
        "Name": "User Session",
        "UserName": session.user,
    }


def credentials(body: Any) -> tuple[str, str]:
    """(UserName, Password) of a session request; 400 saying what is wrong (never echoing the password)."""
    if not isinstance(body, dict):
        raise RedfishError(400, 'the body must be {"UserName": <user>, "Password": <password>}')
    wrong = [key for key in ("UserName", "Password") if not isinstance(body.get(key), str)]
    if wrong:
        raise RedfishError(400, f"{' and '.join(wrong)} must be given as string(s)")
    return body["UserName"], body["Password"]


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_sessions", __name__)
    auth = ctx.auth

    @bp.get("/SessionService")
    def get_session_service():
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata#SessionService.SessionService",
                "@odata.id": f"{BASE}/SessionService",
                "@odata.type": "#SessionService.v1_0_0.SessionService",
                "Oem": {},
                "Id": "SessionService",
                "Description": "Session Service",
                "Name": "Session Service",
                "Status": {},
                "ServiceEnabled": True,
                "SessionTimeout": 86400,
                "Sessions": link(SESSIONS),
            }
        )

    @bp.get("/SessionService/Sessions")
    def get_sessions():
        members = [f"{SESSIONS}/{session.id}" for session in auth.sessions()]
        return json_response(collection(SESSIONS, "Session", "Session Collection", members))

    @bp.post("/SessionService/Sessions")
    def post_session():
        username, password = credentials(request_json())
        if auth.users.check_password(username, password) is None:
            return Response("Unauthorized", status=401, mimetype="text/plain")
        session, token = auth.open_session(username)
        return json_response(
            session_view(session), 201, headers={"X-Auth-Token": token, "Location": f"{SESSIONS}/{session.id}"}
        )

    @bp.get("/SessionService/Sessions/<identifier>")
    def get_session_info(identifier: str):
        session = auth.session(identifier)
        if session is None:
            raise redfish_not_found("Session", identifier)
        return json_response(session_view(session))

    @bp.delete("/SessionService/Sessions/<identifier>")
    def do_logout_session(identifier: str):
        if not auth.close_session(identifier):
            raise redfish_not_found("Session", identifier)
        return no_content()

    return bp
