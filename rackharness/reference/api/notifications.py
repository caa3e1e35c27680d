"""What machines outside RackHD post to it, unauthenticated: Redfish alerts from BMCs and UCS callbacks
(on-http ``notification.js`` ``notificationAlertsPost`` with ``notification-api-service``
``redfishAlertProcessing``; ``callback.js`` ``ucsCallbackPost``).

``POST /notification/alerts`` — a BMC's Redfish event, JSON (also when sent as
``application/x-www-form-urlencoded``, as RackHD reads it), merged under the query string's fields:

* 400 ``Unexpected alert data`` unless it is a non-empty object;
* the sender is the BMC of a node: the ``ipmi-obm-service`` OBM whose ``config.host`` is the sender's
  address (``X-Forwarded-For``, else the peer), or the MAC a lookup gives for that address; none →
  400 ``unrecognized node``;
* → 201, and RackHD's external event published (and posted to hooks): ``node.alerts.<severity>.<nodeId>``,
  ``{type: "node", action: "alerts", severity: <Severity lowercased>, typeId: <nodeId>, data: <the alert
  plus sourceIpAddress, nodeId, sourceMacAddress, ChassisName, ServiceTag, SN,
  originOfConditionPartNumber, originOfConditionSerialNumber>}``; the answer is that event.
  ChassisName, ServiceTag, SN come from the node's latest ``ipmi-fru`` catalog ("Builtin FRU Device
  (ID 0)": Board Product, Product Serial, Board Serial), null otherwise; sourceMacAddress is the OBM's
  host when that is a MAC, else the latest ``bmc`` catalog's "MAC Address" (null without one).

Differences, kept small: RackHD needs a ``bmc`` catalog when the OBM's host is an IP (without one it
fails with 500) and takes the node from it, the target takes the OBM's node; an alert without a string
``Severity`` fails RackHD's event assertion (500), the target refuses it with 400; RackHD looks
``OriginOfCondition`` up in Dell's ``hardware`` catalog for the part and serial numbers, the target
leaves them null.

``POST /ucsCallback?callbackId=`` — a UCS service's answer to a task: ``callbackId`` is required (400
without, as the spec declares it); the body must be an object with ``taskId`` (400 ``taskId does not
exist.``, RackHD's words, for anything else); → 200 with no body. RackHD relays the body to the task
waiting on that id over AMQP; no task of the target waits for one, so nothing is published.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import CATALOGS, LOOKUPS, OBMS, ApiError, normalize_mac, refers_to_node
from rackharness.reference.events import external_event
from rackharness.reference.http import json_response, request_json

IPMI_SERVICE = "ipmi-obm-service"
FRU_DEVICE = "Builtin FRU Device (ID 0)"
#: alert field → the ipmi-fru field RackHD fills it from
FRU_FIELDS = {"ChassisName": "Board Product", "ServiceTag": "Product Serial", "SN": "Board Serial"}


def sender_address() -> str:
    forwarded = request.headers.get("X-Forwarded-For", "")
    return forwarded.split(",")[0].strip() or request.remote_addr or ""


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("notifications", __name__)

    def latest_catalog(nid: str, source: str) -> dict[str, Any]:
        found = list(
            ctx.db[CATALOGS].find({"node": refers_to_node(nid), "source": source}).sort("createdAt", -1).limit(1)
        )
        data = found[0].get("data") if found else None
        return data if isinstance(data, dict) else {}

    def sender_obm(address: str) -> dict[str, Any]:
        obm = ctx.db[OBMS].find_one({"service": IPMI_SERVICE, "config.host": address})
        if obm is None:
            lookup = ctx.db[LOOKUPS].find_one({"ipAddress": address})
            if lookup and lookup.get("macAddress"):
                obm = ctx.db[OBMS].find_one({"service": IPMI_SERVICE, "config.host": lookup["macAddress"]})
        if obm is None or obm.get("node") is None:
            raise ApiError(
                400,
                "unrecognized node",  # RackHD's words
                errors=[f"no node has an {IPMI_SERVICE} OBM whose host is the sender, {address}"],
            )
        return obm

    @bp.post("/notification/alerts")
    def post_alert():
        body = request_json(required=False)
        alert = {**(body if isinstance(body, dict) else {}), **request.args.to_dict()}
        if (body is not None and not isinstance(body, dict)) or not alert:
            raise ApiError(400, "Unexpected alert data")  # RackHD's words
        if not isinstance(alert.get("Severity"), str) or not alert["Severity"]:
            raise ApiError(
                400,
                'the alert needs a Severity (a string, e.g. "Critical")',
                errors=["RackHD publishes an alert's Severity, lowercased, in the event's routing key"],
            )
        address = sender_address()
        obm = sender_obm(address)
        nid, host = str(obm["node"]), str(obm.get("config", {}).get("host"))
        fru = latest_catalog(nid, "ipmi-fru").get(FRU_DEVICE)
        fru = fru if isinstance(fru, dict) else {}
        data = {
            **alert,
            "sourceIpAddress": address,
            "nodeId": nid,
            "sourceMacAddress": host if normalize_mac(host) else latest_catalog(nid, "bmc").get("MAC Address"),
            **{field: fru.get(source) for field, source in FRU_FIELDS.items()},
            "originOfConditionPartNumber": None,
            "originOfConditionSerialNumber": None,
        }
        severity = alert["Severity"].lower()
        ctx.events.publish_external("node", "alerts", severity, nid, None, data)
        return json_response(external_event("node", "alerts", severity, nid, None, data), 201)

    @bp.post("/ucsCallback")
    def post_ucs_callback():
        if not request.args.get("callbackId"):
            raise ApiError(400, "Validation errors", errors=["Missing required parameter: callbackId (query)"])
        body = request_json(required=False)
        if not isinstance(body, dict) or not body.get("taskId"):
            raise ApiError(400, "taskId does not exist.")  # RackHD's words
        response = Response(status=200)
        del response.headers["Content-Type"]
        return response

    return bp
