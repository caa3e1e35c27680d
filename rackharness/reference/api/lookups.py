"""Lookups (on-http ``lib/api/2.0/lookups.js``): which node a MAC belongs to, which IP a MAC has.

``GET /lookups[?q=<node id|MAC|IP>]`` lists raw records (RackHD's ``findByTerm``; all without
``q``), ``POST /lookups`` creates one (``lookups.2.0.json#/definitions/LookupPost``: macAddress
required), ``GET|PATCH|DELETE /lookups/{id}`` (PATCH: ``LookupBase``; DELETE answers 204 as the
spec says). A (macAddress, ipAddress) pair that another record already holds answers 409: that pair
is what RackHD 2.60.7's unique index covers (``macAddress_1_ipAddress_1``; ``ipAddress_1`` is not
unique), so the same MAC with another IP, or with none, is a second record, as RackHD answers it.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from flask import Blueprint, request

from rackharness.reference.context import TargetContext
from rackharness.reference.contract.body_stages import DEFAULT
from rackharness.reference.documents import LOOKUPS, ApiError, node_reference, normalize_mac, now, object_id
from rackharness.reference.http import json_response, no_content, request_json
from rackharness.reference.lookups import find_by_term, lookup_raw
from rackharness.reference.spec import validate_body, validate_schema


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("lookups", __name__)
    records = ctx.db[LOOKUPS]

    def need(identifier: str) -> dict[str, Any]:
        oid = object_id(identifier)
        record = records.find_one({"_id": oid}) if oid is not None else None
        if record is None:
            raise ApiError(
                404, f"Could not find lookup with criteria {{&#34;id&#34;:&#34;{identifier}&#34;}}."
            )  # sic: RackHD HTML-escapes it
        return record

    def check_unique(fields: dict[str, Any], own: dict[str, Any] | None = None) -> None:
        merged = {**(own or {}), **fields}
        mac, ip = merged.get("macAddress"), merged.get("ipAddress")
        if mac is None:
            return
        for holder in records.find({"macAddress": mac}):  # MongoDB: a missing ipAddress indexes as null
            if holder.get("ipAddress") == ip and (own is None or holder["_id"] != own["_id"]):
                raise ApiError(
                    409,
                    f"a lookup for macAddress {mac} and ipAddress {ip} already exists: {holder['_id']}",
                    errors=[f"PATCH /api/2.0/lookups/{holder['_id']} or DELETE it first"],
                )

    def stored_fields(body: dict[str, Any]) -> dict[str, Any]:
        fields = dict(body)
        if "macAddress" in fields:
            fields["macAddress"] = normalize_mac(fields["macAddress"]) or fields["macAddress"]
        if "node" in fields:
            fields["node"] = node_reference(fields["node"])
        return fields

    @bp.get("/lookups")
    def list_lookups():
        return json_response([lookup_raw(record) for record in find_by_term(ctx.db, request.args.get("q"))])

    @bp.post("/lookups")
    def create_lookup():
        body = request_json()
        validate_body("lookupsPost", body)
        fields = stored_fields(body)
        check_unique(fields)
        stamp = now()
        record = {"_id": ObjectId(), **fields, "createdAt": stamp, "updatedAt": stamp}
        records.insert_one(record)
        return json_response(lookup_raw(record), 201)

    @bp.get("/lookups/<identifier>")
    def get_lookup(identifier: str):
        return json_response(lookup_raw(need(identifier)))

    @bp.patch("/lookups/<identifier>")
    def patch_lookup(identifier: str):
        record = need(identifier)
        body = request_json()
        validate_schema("lookups.2.0.json#/definitions/LookupBase", body, stage=DEFAULT)
        fields = stored_fields(body)
        check_unique(fields, record)
        record.update(fields)
        record["updatedAt"] = now()
        records.replace_one({"_id": record["_id"]}, record)  # whole document: nx-27017 and $set datetimes
        return json_response(lookup_raw(record))

    @bp.delete("/lookups/<identifier>")
    def delete_lookup(identifier: str):
        records.delete_one({"_id": need(identifier)["_id"]})
        return no_content()

    return bp
