"""Redfish error bodies, as on-http's ``redfish-api-service.handleError`` renders them.

RackHD answers every failed Redfish call with ``{"error": {"code", "message",
"@Message.ExtendedInfo": [...]}}``: ``code`` is always ``Base.1.0.GeneralError``, the extended info
holds the Base registry's ``InvalidObject`` (a 404) or ``InternalError`` (anything else) message and
then ``RackHD.1.0.DetailedErrorMessage`` with the detail — the one part that says what went wrong.

:class:`RedfishError` is an :class:`~rackharness.reference.documents.ApiError`, so the app's error
handler answers it with this body instead of the API 2.0 one.
"""

from __future__ import annotations

from typing import Any

from rackharness.reference.documents import ApiError

GENERAL_ERROR = "Base.1.0.GeneralError"
#: the Base.1.0.0 registry entries RackHD puts in ExtendedInfo (DSP8010 2016.3)
_INVALID_OBJECT = {
    "@odata.type": "#Message.1.0.0.Message",
    "MessageId": "Base.1.0.InvalidObject",
    "Description": "Indicates that the object in question is invalid according to the implementation.  "
    "Examples include a firmware update malformed URI.",
    "Message": "The object at %1 is invalid.",
    "Resolution": "Either the object is malformed or the URI is not correct.  Correct the condition and "
    "resubmit the request if it failed.",
    "Severity": "Critical",
}
_INTERNAL_ERROR = {
    "@odata.type": "#Message.1.0.0.Message",
    "MessageId": "Base.1.0.InternalError",
    "Description": "Indicates that the request failed for an unknown internal error but that the service "
    "is still operational.",
    "Message": "The request failed due to an internal service error.  The service is still operational.",
    "Resolution": "Resubmit the request.  If the problem persists, consider resetting the service.",
    "Severity": "Critical",
}


class RedfishError(ApiError):
    """A failed Redfish call: ``status`` and the detail RackHD puts in DetailedErrorMessage."""

    def body(self) -> dict[str, Any]:
        registry = _INVALID_OBJECT if self.status == 404 else _INTERNAL_ERROR
        detail = {
            "MessageId": "RackHD.1.0.DetailedErrorMessage",
            "Message": self.message,
            "Description": "Contains the detailed error message contents",
        }
        return {
            "error": {
                "code": GENERAL_ERROR,
                "message": "A general error has occurred. See ExtendedInfo for more information.",
                "@Message.ExtendedInfo": [dict(registry), detail],
            }
        }


def redfish_not_found(what: str, identifier: str) -> RedfishError:
    return RedfishError(404, f"{what} not found: {identifier}")
