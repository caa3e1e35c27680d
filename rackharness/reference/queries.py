"""List queries as on-http takes them: Waterline-style field filters in the query string
(``/nodes?type=compute``), ``$skip``/``$top`` paging with a ``Link`` header, and ``sort``.

Query-string values are strings; a value that spells a boolean or a number also matches that
typed value (``?autoDiscover=true`` matches ``true``). ``id`` means the document id and ``node``
matches a node reference stored as ObjectId or string.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection
from werkzeug.datastructures import MultiDict

from rackharness.reference.documents import ApiError, object_id, refers_to_node

PAGING = ("$skip", "$top")
NOT_FILTERS = {*PAGING, "sort", "auth_token", "query"}


def _typed_alternatives(text: str) -> list[Any]:
    values: list[Any] = [text]
    if text in ("true", "false"):
        values.append(text == "true")
    elif text == "null":
        values.append(None)
    else:
        try:
            values.append(int(text))
        except ValueError:
            try:
                values.append(float(text))
            except ValueError:
                pass
    return values


def checked_field(field: str, where: str) -> str:
    """A document field name from the query string, or 400: no NUL, no leading ``$``, no empty part."""
    if not field or "\x00" in field or field.startswith("$") or "" in field.split("."):
        raise ApiError(400, f"{where}: {field!r} is not a field name")
    return field


def _condition(field: str, text: str) -> tuple[str, Any]:
    checked_field(field, "filter")
    if field == "id":
        oid = object_id(text)
        return "_id", {"$in": [oid, text]} if oid is not None else text
    if field == "node":
        return "node", refers_to_node(text)
    values = _typed_alternatives(text)
    return field, values[0] if len(values) == 1 else {"$in": values}


def list_filter(args: MultiDict) -> dict[str, Any]:
    """The Mongo filter for a list request's query string (``query`` may also hold a JSON object)."""
    conditions: dict[str, Any] = {}
    if args.get("query"):
        try:
            extra = json.loads(args["query"])
        except ValueError:
            extra = None
        if not isinstance(extra, dict):
            raise ApiError(400, f"query must be a JSON object of field filters, got {args['query']!r}")
        operators = [field for field in extra if field.startswith("$")]
        if operators:
            raise ApiError(400, f"query takes field filters only, not operators: {', '.join(operators)}")
        for field, value in extra.items():
            if isinstance(value, dict):
                raise ApiError(400, f"query: {field!r} must be compared with a value, not an object")
            checked_field(field, "query")
            conditions.update([_condition(field, value)] if isinstance(value, str) else [(field, value)])
    for field in args:
        if field in NOT_FILTERS:
            continue
        values = args.getlist(field)
        if len(values) == 1:
            conditions.update([_condition(field, values[0])])
        else:
            checked_field(field, "filter")
            alternatives = [v for text in values for v in _typed_alternatives(text)]
            conditions["_id" if field == "id" else field] = {"$in": alternatives}
    return conditions


def _non_negative(args: MultiDict, name: str) -> int | None:
    text = args.get(name)
    if text is None or text == "":
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ApiError(400, f"{name} must be a non-negative integer, got {text!r}")
    return value


def _sort(args: MultiDict) -> list[tuple[str, int]] | None:
    text = (args.get("sort") or "").strip()  # '+name' arrives as ' name'
    if not text:
        return None
    direction = DESCENDING if text.startswith("-") else ASCENDING
    field = checked_field(text.lstrip("-+ "), "sort")
    return [("_id" if field == "id" else field, direction)]


def _link_header(path: str, args: MultiDict, skip: int, top: int, total: int) -> str:
    def link(rel: str, at: int) -> str:
        query = [(k, v) for k, v in args.items(multi=True) if k not in PAGING]
        return f'<{path}?{urlencode(query + [("$skip", at), ("$top", top)], safe="$")}>; rel="{rel}"'

    last = max(0, (total - 1) // top * top) if top else 0
    links = [link("first", 0)]
    if skip > 0:
        links.append(link("prev", max(0, skip - top)))
    if top and skip + top < total:
        links.append(link("next", skip + top))
    links.append(link("last", last))
    return ", ".join(links)


def find_listed(
    collection: Collection, args: MultiDict, path: str, base_filter: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """(documents, response headers) for a list request: filters, sort, ``$skip``/``$top``."""
    conditions = {**list_filter(args), **(base_filter or {})}
    skip, top = _non_negative(args, "$skip"), _non_negative(args, "$top")
    cursor = collection.find(conditions)
    order = _sort(args)
    if order:
        cursor = cursor.sort(order)
    if skip:
        cursor = cursor.skip(skip)
    if top is not None:
        cursor = cursor.limit(top)
    documents = list(cursor) if top != 0 else []  # limit(0) would mean "no limit"
    headers = {}
    if top is not None:
        total = collection.count_documents(conditions)
        headers["Link"] = _link_header(path, args, skip or 0, top, total)
    return documents, headers
