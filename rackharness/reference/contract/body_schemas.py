"""The request-body schemas RackHD's API 2.0 names in ``x-swagger-schema``, as the project defines
them: one builder per schema document (on-http ``static/schemas/2.0/<name>.2.0.json``), the
definitions under the names RackHD uses, so a ref like ``node.2.0.json#/definitions/PartialNode``
means the same here as there.

What RackHD's documents do, quirks kept because they decide which bodies pass:

* ``HookPost`` names ``required: [url]`` beside its ``$ref``, which draft 4 (and ajv) ignore: the
  schema lets a POST without ``url`` through (the hooks API checks it itself).
* ``createTag`` names the whole ``tags.2.0.json``, whose root constrains nothing (the tags API
  checks ``TagsPost`` itself).
* ``workflowGraphsPut`` has no ``type``: a body that is not an object passes it.
* ``Relation`` is open (any other key passes) but needs ``contains`` or ``containedBy``.
* A SKU rule is ``path`` and at most one matcher (one or two keys in all).
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from rackharness.reference.contract.schema_builders import (
    Schema,
    array,
    boolean,
    document,
    number,
    obj,
    ref,
    requiring,
    string,
)

NODE_TYPES = ["compute-container", "compute", "switch", "dae", "pdu", "mgmt", "enclosure", "rack"]
POLLER_TYPES = ["ipmi", "snmp", "redfish", "wsman"]
ROLES = ["Administrator", "ReadOnly", "Operator"]
MAC_ADDRESS = "^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$"
OBJECTS = array(items=obj())


def hooks() -> Schema:
    return document(
        "Hooks.2.0",
        {
            "HookBase": obj(
                "A hook template",
                {
                    "url": string(format="uri"),
                    "name": string(),
                    "filters": OBJECTS,
                },
                closed=True,
            ),
            "HookPost": ref("HookBase"),  # RackHD's required url sits beside the $ref: ignored
        },
    )


def lookups() -> Schema:
    return document(
        "Lookup.2.0",
        {
            "LookupBase": obj(
                "A lookup record",
                {
                    "node": string(),
                    "ipAddress": string(format="ipv4"),
                    "macAddress": string(pattern=MAC_ADDRESS),
                },
                closed=True,
            ),
            "LookupPost": requiring("LookupBase", "macAddress"),
        },
    )


def node() -> Schema:
    return document(
        "Node.2.0",
        {
            "PartialNode": obj(
                "A node discovered by RackHD",
                {
                    "autoDiscover": boolean("Enable automatic discovery"),
                    "name": string("Name of the node"),
                    "type": string("Type of node", enum=NODE_TYPES),
                    "obms": array("OBM settings", items=obj()),
                    "ibms": array("IBM settings", items=obj()),
                    "bootSettings": obj("Default ipxe profile settings"),
                    "relations": array("Node relations"),
                    "tags": array(items=string()),
                    "identifiers": array("Node Macs", items=string()),
                },
                closed=True,
            ),
            "Node": requiring("PartialNode", "name", "type"),
        },
    )


def poller() -> Schema:
    return document(
        "Poller.2.0",
        {
            "PartialPoller": obj(
                "A poller for periodic collection of telemetry data",
                {
                    "type": string("Type of poller", enum=POLLER_TYPES),
                    "pollInterval": number("Interval at which poller will run"),
                    "paused": boolean("Asserted if poller is paused"),
                    "config": obj("Poller configuration object"),
                    "node": string("Id of node to post poller to"),
                },
                closed=True,
            ),
            "Poller": requiring("PartialPoller", "type", "pollInterval", "config"),
        },
    )


def relations() -> Schema:
    node_ids = functools.partial(array, items=string(), min_items=1, unique=True)
    return document(
        "Relations.2.0",
        {
            "Relation": obj(
                "A key value set of relations",
                {
                    "contains": node_ids("an array of nodes contained by the rack"),
                    "containedBy": node_ids("the rack containing the node"),
                },
                anyOf=[{"required": ["containedBy"]}, {"required": ["contains"]}],
            ),
        },
    )


def skus() -> Schema:
    matchers = {
        "equals": string(),
        "greaterThan": number(),
        "lessThan": number(),
        "path": string(),
        "contains": string(),
        "in": array(),
        "max": number(),
        "min": number(),
        "notRegex": string(),
        "notContains": string(),
        "notIn": array(),
        "regex": string(),
    }
    rule = obj(
        properties=matchers,
        required=["path"],
        closed=True,
        oneOf=[{"maxProperties": 1, "minProperties": 1}, {"maxProperties": 2, "minProperties": 2}],
    )
    return document(
        "Skus.2.0",
        {
            "SkusRules": array("Possible Rules a Sku can use", items=rule),
            "SkusUpsert": obj(
                "A sku for RackHD",
                {
                    "name": string(min_length=1),
                    "rules": ref("SkusRules"),
                    "discoveryGraphName": string(min_length=1),
                    "discoveryGraphOptions": obj(),
                },
                required=["name", "rules"],
                closed=True,
            ),
        },
    )


def tags() -> Schema:
    return document(
        "Tags.2.0",
        {
            "TagsPost": obj(
                "Categorize Nodes by rules or manually",
                {
                    "name": string(min_length=1),
                    "rules": ref("SkusRules", "skus.2.0.json"),
                },
                required=["name", "rules"],
                closed=True,
            ),
        },
    )


def user() -> Schema:
    return document(
        "User.2.0",
        {
            "PartialUser": obj(
                "A RackHD local user",
                {
                    "username": string("The username of the user"),
                    "password": string("The password of the user", min_length=6, max_length=50),
                    "role": string("The role of the user", enum=ROLES),
                },
                closed=True,
            ),
            "User": requiring("PartialUser", "username", "password", "role"),
        },
    )


def workflow_graphs() -> Schema:
    name = string(min_length=1)
    task = obj(
        properties={
            "label": name,
            "taskName": name,
            "taskDefinition": ref("taskDefinition"),
            "ignoreFailure": boolean(),
            "waitOn": obj(),
        },
        required=["label"],
        closed=True,
        oneOf=[{"required": ["taskName"]}, {"required": ["taskDefinition"]}],
    )
    graph = obj(
        "schema for adding or modifying a workflow graph",
        {"friendlyName": name, "injectableName": name, "options": obj(), "tasks": ref("tasks")},
        required=["friendlyName", "injectableName", "tasks"],
        closed=True,
    )
    del graph["type"]  # RackHD's workflowGraphsPut names no type
    return document(
        "workflowGraphs.2.0",
        {
            "tasks": array(items=task),
            "taskDefinition": obj(
                properties={
                    "friendlyName": name,
                    "injectableName": name,
                    "implementsTask": name,
                    "options": obj(),
                    "properties": obj(),
                    "schemaRef": string(),
                },
                required=["friendlyName", "injectableName", "implementsTask", "options", "properties"],
                closed=True,
            ),
            "workflowGraphsPut": graph,
        },
    )


#: schema document name (as ``x-swagger-schema`` refs name it) → its builder
BODY_DOCUMENTS: dict[str, Callable[[], Schema]] = {
    "hooks.2.0.json": hooks,
    "lookups.2.0.json": lookups,
    "node.2.0.json": node,
    "poller.2.0.json": poller,
    "relations.2.0.json": relations,
    "skus.2.0.json": skus,
    "tags.2.0.json": tags,
    "user.2.0.json": user,
    "workflowGraphs.2.0.json": workflow_graphs,
}


@functools.lru_cache(maxsize=None)
def body_document(name: str) -> dict[str, Any]:
    """The schema document ``name`` (``node.2.0.json``); KeyError if RackHD has none of that name."""
    return BODY_DOCUMENTS[name]()
