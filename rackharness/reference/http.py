"""Request and response helpers every API module uses (one JSON dialect, RackHD's)."""

from __future__ import annotations

from typing import Any

from flask import Response, json, request

from rackharness.reference.documents import ApiError


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)


def no_content() -> Response:
    """204 with no Content-Type, as RackHD answers it (Flask would say text/html)."""
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response


def request_json(*, required: bool = True) -> Any:
    """The request body as JSON; 400 in RackHD's shape when it is not JSON (or missing and required)."""
    raw = request.get_data(cache=True)
    if not raw:
        if required:
            raise ApiError(400, "a JSON request body is required")
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, f"the request body is not valid JSON: {exc}") from None
