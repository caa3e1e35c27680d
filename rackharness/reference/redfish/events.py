"""EventService: ``/redfish/v1/EventService`` and its subscriptions (on-http ``event-service.js``).

* ``GET /EventService`` → the service: the event types one may subscribe to, 3 delivery attempts 10 s
  apart, the SubmitTestEvent action and the Subscriptions link.
* ``GET /Subscriptions`` → the subscriptions (``Members``: ``/Subscriptions/<Id>``).
* ``POST /Subscriptions {Destination, EventTypes, Context, Protocol: "Redfish"}`` → 201, the body with
  its new ``Id`` (a uuid4) and ``Location: /redfish/v1/EventService/Subscription/<Id>`` (sic, RackHD's
  singular); 400 for a body that is not such an EventDestination (the spec's schema), 409 when the
  Destination is already subscribed (``EventDestination Exists``).
* ``GET /Subscriptions/{id}`` → the EventDestination; ``DELETE /Subscriptions/{id}`` → 204; 404 unknown
  (``EventDestination <id> Not Found``).

* ``POST /EventService/Actions/EventService.SubmitTestEvent`` (body optional, an object: the spec's
  ``testEvent``) → 202, no body, as the spec declares (RackHD 2.60.7's controller sets 200); a body
  that is not an object → 400, which the spec does not list (RackHD's swagger validator refuses it).

RackHD keeps subscriptions in on-http's memory, lost on restart; so does the target (per context,
shared by its endpoints). Left out: delivering anything to a subscriber — RackHD posts poller alerts
(threshold and discrete sensor readings) and, on SubmitTestEvent, an ``Alert`` EventRecord
(``MessageId`` ``TestEvent.1.0.0``) to each subscription; the target sends none.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from flask import Blueprint, Response

from rackharness.reference.context import TargetContext
from rackharness.reference.contract.messages import js_type
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.redfish.errors import RedfishError
from rackharness.reference.redfish.resources import BASE, collection, link

SERVICE = f"{BASE}/EventService"
SUBSCRIPTIONS = f"{SERVICE}/Subscriptions"
EVENT_TYPES = ("StatusChange", "ResourceUpdated", "ResourceAdded", "ResourceRemoved", "Alert")
DELIVERY_RETRY_ATTEMPTS, DELIVERY_RETRY_SECONDS = 3, 10
_LOCK = threading.Lock()


def subscriptions_of(ctx: TargetContext) -> dict[str, dict[str, Any]]:
    """The context's subscriptions by Id (kept on the context: both endpoints' apps share them)."""
    with _LOCK:
        found = vars(ctx).get("redfish_subscriptions")
        if found is None:
            found = vars(ctx)["redfish_subscriptions"] = {}
        return found


def check_destination(body: Any) -> dict[str, Any]:
    """400 unless ``body`` is an EventDestination with its four required keys."""
    problems = []
    if not isinstance(body, dict):
        raise RedfishError(
            400, "the body must be an EventDestination object: Destination, EventTypes, Context, Protocol"
        )
    problems += [
        f"{key} is required" for key in ("Destination", "EventTypes", "Context", "Protocol") if key not in body
    ]
    problems += [
        f"{key} must be a string"
        for key in ("Destination", "Context")
        if key in body and not isinstance(body[key], str)
    ]
    if "EventTypes" in body and (
        not isinstance(body["EventTypes"], list) or not all(kind in EVENT_TYPES for kind in body["EventTypes"])
    ):
        problems.append(f"EventTypes must be an array of {', '.join(EVENT_TYPES)}")
    if "Protocol" in body and body["Protocol"] != "Redfish":
        problems.append("Protocol must be Redfish")
    if problems:
        raise RedfishError(400, "; ".join(problems))
    return body


def destination_view(subscription: dict[str, Any]) -> dict[str, Any]:
    return {
        "@odata.context": f"{BASE}/$metadata#EventDestination.EventDestination",
        "@odata.id": f"{SUBSCRIPTIONS}/{subscription['Id']}",
        "@odata.type": "#EventService.v1_0_0.EventDestination",
        "Id": subscription["Id"],
        "Name": "Event Subscription Destination",
        "Destination": subscription["Destination"],
        "EventTypes": subscription["EventTypes"],
        "Context": subscription["Context"],
        "Protocol": subscription["Protocol"],
    }


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("redfish_events", __name__)
    subscriptions = subscriptions_of(ctx)

    def need(index: str) -> dict[str, Any]:
        subscription = subscriptions.get(index)
        if subscription is None:
            raise RedfishError(404, f"EventDestination {index} Not Found")  # RackHD's words
        return subscription

    @bp.get("/EventService")
    def event_service_root():
        return json_response(
            {
                "@odata.context": f"{BASE}/$metadata#EventService.EventService",
                "@odata.id": SERVICE,
                "@odata.type": "#EventService.v1_0_0.EventService",
                "Id": "EventService",
                "Name": "Event Service",
                "Status": {},
                "EventTypesForSubscription": list(EVENT_TYPES),
                "DeliveryRetryAttempts": DELIVERY_RETRY_ATTEMPTS,
                "DeliveryRetryIntervalSeconds": DELIVERY_RETRY_SECONDS,
                "ServiceEnabled": True,
                "Actions": {
                    "#EventService.SubmitTestEvent": {"target": f"{SERVICE}/Actions/EventService.SubmitTestEvent"}
                },
                "Subscriptions": link(SUBSCRIPTIONS),
            }
        )

    @bp.get("/EventService/Subscriptions")
    def get_events_collection():
        body = collection(
            SUBSCRIPTIONS,
            "EventDestination",
            "Event Subscription Collection",
            [f"{SUBSCRIPTIONS}/{index}" for index in list(subscriptions)],
        )
        del body["Oem"]  # RackHD's EventDestinationCollection has none
        return json_response(body)

    @bp.post("/EventService/Subscriptions")
    def create_subscription():
        event = dict(check_destination(request_json()))
        with _LOCK:
            if any(known["Destination"] == event["Destination"] for known in subscriptions.values()):
                raise RedfishError(409, "EventDestination Exists")  # RackHD's words
            event["Id"] = str(uuid.uuid4())
            subscriptions[event["Id"]] = event
        return json_response(event, 201, headers={"Location": f"{SERVICE}/Subscription/{event['Id']}"})

    @bp.post("/EventService/Actions/EventService.SubmitTestEvent")
    def test_event():
        body = request_json(required=False)
        if body is not None and not isinstance(body, dict):
            raise RedfishError(400, f"the body must be an object (testEvent), got {js_type(body)}")
        response = Response(status=202)  # nothing delivered: the target posts to no subscriber
        del response.headers["Content-Type"]
        return response

    @bp.get("/EventService/Subscriptions/<index>")
    def get_event(index: str):
        return json_response(destination_view(need(index)))

    @bp.delete("/EventService/Subscriptions/<index>")
    def delete_event(index: str):
        need(index)
        subscriptions.pop(index, None)
        return no_content()

    return bp
