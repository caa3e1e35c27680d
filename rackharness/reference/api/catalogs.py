"""Catalogs: GET /catalogs (Waterline-style filters, e.g. ?source=dmi) and GET /catalogs/{id},
both in the catalog view (``node`` is the node's URL)."""

from __future__ import annotations

from flask import Blueprint, request

from rackharness.reference.context import TargetContext
from rackharness.reference.documents import CATALOGS, ApiError, object_id
from rackharness.reference.http import json_response
from rackharness.reference.queries import find_listed
from rackharness.reference.views import catalog_view


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("catalogs", __name__)
    catalogs = ctx.db[CATALOGS]

    @bp.get("/catalogs")
    def list_catalogs():
        found, headers = find_listed(catalogs, request.args, request.path)
        return json_response([catalog_view(c, ctx.base_path) for c in found], headers=headers)

    @bp.get("/catalogs/<identifier>")
    def get_catalog(identifier: str):
        oid = object_id(identifier)
        catalog = catalogs.find_one({"_id": {"$in": [identifier, oid]} if oid is not None else identifier})
        if catalog is None:
            raise ApiError(404, f"Could not find catalog with identifier {identifier}")
        return json_response(catalog_view(catalog, ctx.base_path))

    return bp
