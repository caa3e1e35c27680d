"""Tags: tag definitions (/tags) whose rules are matched against nodes' catalogs, and a node's tags.

Definitions (model ``tags``: uuid4 id, ``name``, ``rules``): ``GET /tags`` and ``GET /tags/{name}``
answer the view ``{id, name, rules}``; ``POST /tags`` answers 201 with the raw record (plus
``createdAt``/``updatedAt``), 409 when the name is taken; ``DELETE /tags/{name}`` 204. A body must
be ``{name, rules}`` (tags.2.0.json#/TagsPost, rules as skus.2.0.json#/SkusRules: ``{"path":
"<source>.<dot.path>", <one rule>}``), else 400. Creating a tag evaluates it against every node, as
on-http's Graph.GenerateTags does: a node whose latest catalog of each source a rule names passes
every rule gets the tag name in its ``tags`` (a tag without rules matches nothing); names are only
ever added, and deleting a definition leaves the nodes' tags alone. ``GET /tags/{name}/nodes``
answers the raw nodes carrying the name.

A node's tags (names): GET/PATCH /nodes/{id}/tags, DELETE /nodes/{id}/tags/{tag}, and
DELETE /nodes/tags/{tag} (from every node). PATCH takes ``{"tags": [...]}`` (checked against
node.2.0.json#/PartialNode, as on-http does), adds the names the node lacks and answers 200 with
the node's tags.
"""
from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Blueprint, request

from rackharness.target.context import TargetContext
from rackharness.target.documents import (
    CATALOGS, NODES, TAGS, ApiError, iso, need_node, node_id, now, refers_to_node,
)
from rackharness.target.http import json_response, no_content, request_json
from rackharness.target.queries import find_listed
from rackharness.target.spec import validate_body, validate_schema
from rackharness.target.views import document_id, node_raw

#: the rule kinds of skus.2.0.json#/SkusRules (anchor rules on-tasks evaluates)
RULES = ("equals", "contains", "notContains", "in", "notIn", "regex", "notRegex", "min", "max", "greaterThan",
         "lessThan")
_MISSING = object()


# -- rules ------------------------------------------------------------------------------------------

def check_tag_body(body: Any) -> None:
    """400 unless ``body`` is ``{name: non-empty string, rules: SkusRules}`` (tags.2.0.json#/TagsPost)."""
    if not isinstance(body, dict):
        raise ApiError(400, "request body breaks schema tags.2.0.json#/definitions/TagsPost: the body must be "
                            "an object {name, rules}")
    missing = [key for key in ("name", "rules") if key not in body]
    extra = sorted(set(body) - {"name", "rules"})
    if missing or extra:
        problem = f"missing {', '.join(missing)}" if missing else f"unknown key(s) {', '.join(extra)}"
        raise ApiError(400, f"request body breaks schema tags.2.0.json#/definitions/TagsPost: {problem}",
                       errors=[problem])
    if not isinstance(body["name"], str) or not body["name"]:
        raise ApiError(400, "request body breaks schema tags.2.0.json#/definitions/TagsPost: name must be a "
                            f"non-empty string, got {body['name']!r}")
    validate_schema("skus.2.0.json#/definitions/SkusRules", body["rules"])


def value_at(catalogs: dict[str, Any], path: str) -> Any:
    """The value at ``<source>.<dot.path>`` in ``{source: catalog data}``, or ``_MISSING``."""
    value: Any = catalogs
    for key in (part for part in path.split(".") if part):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return _MISSING
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _contains(value: Any, expected: Any) -> bool:
    if isinstance(value, str):
        return isinstance(expected, str) and expected in value
    return isinstance(value, list) and expected in value


def rule_passes(rule: dict[str, Any], value: Any) -> bool:
    """Whether ``value`` (``_MISSING`` when the path is absent) passes ``rule``; an absent value passes none."""
    if value is _MISSING:
        return False
    for kind, expected in rule.items():
        if kind == "path":
            continue
        if kind == "equals":
            ok = value == expected
        elif kind == "contains":
            ok = _contains(value, expected)
        elif kind == "notContains":
            ok = isinstance(value, (str, list)) and not _contains(value, expected)
        elif kind == "in":
            ok = value in expected
        elif kind == "notIn":
            ok = value not in expected
        elif kind in ("regex", "notRegex"):
            found = isinstance(value, str) and re.search(expected, value) is not None
            ok = found if kind == "regex" else isinstance(value, str) and not found
        else:  # min, max, greaterThan, lessThan
            number = _number(value)
            ok = number is not None and {"min": number >= expected, "max": number <= expected,
                                         "greaterThan": number > expected, "lessThan": number < expected}[kind]
        if not ok:
            return False
    return True


def rules_match(rules: list[dict[str, Any]], catalogs: dict[str, Any]) -> bool:
    """A node matches when there are rules and it passes all of them."""
    return bool(rules) and all(rule_passes(rule, value_at(catalogs, rule["path"])) for rule in rules)


def sources_of(rules: list[dict[str, Any]]) -> list[str]:
    """The catalog sources the rules read (the first word of each path)."""
    sources = []
    for rule in rules:
        words = [part for part in rule["path"].split(".") if part]
        if words and words[0] not in sources:
            sources.append(words[0])
    return sources


# -- the API --------------------------------------------------------------------------------------

def tag_view(tag: dict[str, Any]) -> dict[str, Any]:
    return {"id": document_id(tag), "name": tag.get("name"), "rules": list(tag.get("rules") or [])}


def tag_raw(tag: dict[str, Any]) -> dict[str, Any]:
    return {**tag_view(tag), "createdAt": iso(tag.get("createdAt")), "updatedAt": iso(tag.get("updatedAt"))}


def blueprint(ctx: TargetContext) -> Blueprint:
    bp = Blueprint("tags", __name__)
    nodes = ctx.db[NODES]
    tags = ctx.db[TAGS]

    def latest_catalogs(node: dict[str, Any], sources: list[str]) -> dict[str, Any]:
        found = {}
        for source in sources:
            latest = list(ctx.db[CATALOGS].find({"node": refers_to_node(node_id(node)), "source": source})
                          .sort("createdAt", -1).limit(1))
            if latest:
                found[source] = latest[0].get("data")
        return found

    def add_tags(node: dict[str, Any], names: list[str]) -> list[str]:
        current = list(node.get("tags") or [])
        added = current + [name for name in dict.fromkeys(names) if name not in current]
        if added != current:
            nodes.update_one({"_id": node["_id"]}, {"$set": {"tags": added, "updatedAt": now()}})
        return added

    def generate(tag: dict[str, Any]) -> None:
        """Graph.GenerateTags for every node, done at once: matching nodes get the tag's name."""
        rules = tag.get("rules") or []
        if not rules:
            return
        sources = sources_of(rules)
        for node in list(nodes.find({})):
            if rules_match(rules, latest_catalogs(node, sources)):
                add_tags(node, [tag["name"]])

    def need_tag(name: str) -> dict[str, Any]:
        tag = tags.find_one({"name": name})
        if tag is None:
            raise ApiError(404, f"Tag Not Found: {name}")
        return tag

    @bp.get("/tags")
    def list_tags():
        found, headers = find_listed(tags, request.args, request.path)
        return json_response([tag_view(tag) for tag in found], headers=headers)

    @bp.post("/tags")
    def create_tag():
        body = request_json()
        check_tag_body(body)  # createTag names tags.2.0.json, whose root constrains nothing: TagsPost
        if tags.find_one({"name": body["name"]}) is not None:
            raise ApiError(409, f"tag name already exists: {body['name']}")
        stamp = now()
        tag = {"_id": str(uuid.uuid4()), "name": body["name"], "rules": body["rules"],
               "createdAt": stamp, "updatedAt": stamp}
        tags.insert_one(tag)
        generate(tag)
        return json_response(tag_raw(tag), 201)

    @bp.get("/tags/<name>")
    def get_tag(name: str):
        return json_response(tag_view(need_tag(name)))

    @bp.delete("/tags/<name>")
    def delete_tag(name: str):
        tags.delete_one({"_id": need_tag(name)["_id"]})
        return no_content()

    @bp.get("/tags/<name>/nodes")
    def nodes_by_tag(name: str):
        # on-http's nodes.findByTag: the nodes carrying the name, whether or not a definition exists
        return json_response([node_raw(node) for node in nodes.find({"tags": name})])

    @bp.get("/nodes/<identifier>/tags")
    def node_tags(identifier: str):
        return json_response(list(need_node(ctx.db, identifier).get("tags") or []))

    @bp.patch("/nodes/<identifier>/tags")
    def add_node_tags(identifier: str):
        node = need_node(ctx.db, identifier)
        body = request_json()
        validate_body("nodesPatchTagById", body)
        if "tags" not in body:
            raise ApiError(400, 'the body must be {"tags": ["<name>", ...]}')
        return json_response(add_tags(node, body["tags"]))

    @bp.delete("/nodes/<identifier>/tags/<tag>")
    def remove_node_tag(identifier: str, tag: str):
        node = need_node(ctx.db, identifier)
        tags_left = [t for t in node.get("tags") or [] if t != tag]
        nodes.update_one({"_id": node["_id"]}, {"$set": {"tags": tags_left, "updatedAt": now()}})
        return no_content()

    @bp.delete("/nodes/tags/<tag>")
    def remove_tag_everywhere(tag: str):
        stamp = now()
        for node in nodes.find({"tags": tag}, {"tags": 1}):
            nodes.update_one({"_id": node["_id"]},
                             {"$set": {"tags": [t for t in node["tags"] if t != tag], "updatedAt": stamp}})
        return no_content()

    return bp
