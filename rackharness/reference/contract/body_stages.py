"""The two checks a request body passes in RackHD 2.60.7, and which of them refuses which error.

on-http checks a body twice. First its swagger validator checks the operation's *body parameter*
as ``monorail-2.0.yaml`` declares it; that declaration is looser than the JSON schema named by
``x-swagger-schema`` (few ``required`` lists, no ``additionalProperties``, and for some operations a
different object altogether). What it refuses is answered ``400 {"message": "Validation errors",
"errors": [<each error>]}``. Then the model checks the ``x-swagger-schema`` schema, and refuses with
``400 {"message": "ValidationError: <its first error>"}``. Observed against RackHD 2.60.7
(../shared/rackhd-captures): ``POST /nodes`` with ``type: "toaster"`` → ``Validation errors`` (the
parameter's enum), without ``type`` → ``ValidationError: Missing required property: type`` (only the
schema requires it); ``PUT /obms`` without ``config`` → ``Validation errors`` (the parameter requires it),
without ``config.password`` → ``ValidationError``; ``PATCH /nodes/{id}/tags`` with a string → the
parameter is a tag (``name``, ``rules``), so only the model's schema sees ``tags``.

:class:`SwaggerStage` says, per operation, what the first check covers: the top-level properties
the parameter requires, and the top-level properties whose types, enums, formats and patterns it
checks (all, unless the parameter declares other properties or none; ``shallow`` ones only as a whole).
"""

from __future__ import annotations

from dataclasses import dataclass

from jsonschema import ValidationError

#: the keywords the swagger validator checks on a declared property (it checks no ``required`` inside, no
#: ``additionalProperties``, and lengths and bounds only where the parameter declares them, which the
#: model's schema then checks as well: left to the model here)
VALUE_KEYWORDS = frozenset({"type", "enum", "format", "pattern"})
ALL = None


@dataclass(frozen=True)
class SwaggerStage:
    required: tuple[str, ...] = ()  # top-level properties the body parameter requires
    properties: frozenset[str] | None = ALL  # top-level properties it declares (ALL: the schema's own)
    shallow: frozenset[str] = frozenset()  # declared as a bare object or array: nothing inside is checked
    required_inside: frozenset[str] | None = frozenset()  # properties whose items' required lists it checks (None: all)

    def missing(self, body: object) -> list[str]:
        """Properties the parameter requires and ``body`` lacks (none when ``body`` is not an object)."""
        return [name for name in self.required if isinstance(body, dict) and name not in body]

    def catches(self, error: ValidationError) -> bool:
        """Whether the swagger validator, not the model, refuses ``error`` of the schema check."""
        path = list(error.absolute_path)
        if error.validator == "required" and path:
            return self.required_inside is None or path[0] in self.required_inside
        if error.validator not in VALUE_KEYWORDS:
            return False
        if not path:
            return True  # the body itself has the wrong type
        declared = self.properties is ALL or path[0] in self.properties
        return declared and not (len(path) > 1 and path[0] in self.shallow)


#: operations whose body parameter differs from "the schema's properties, nothing required"
STAGES: dict[str, SwaggerStage] = {
    "hooksPost": SwaggerStage(required=("url",)),
    # inline OBMs are declared as nodes_post_obm_by_id (service, config, nodeId required); rules as tag_rule (path)
    "nodesPost": SwaggerStage(required_inside=frozenset({"obms"})),
    "skusPost": SwaggerStage(required_inside=frozenset({"rules"})),
    "skusPut": SwaggerStage(required_inside=frozenset({"rules"})),
    "obmsPut": SwaggerStage(required=("nodeId", "service", "config")),
    "nodesPutObmsByNodeId": SwaggerStage(
        required=("service", "config", "nodeId"),
        properties=frozenset({"service", "config", "nodeId"}),
        shallow=frozenset({"config"}),
    ),
    "ibmsPut": SwaggerStage(required=("service", "config")),
    "ibmsPatchById": SwaggerStage(required=("service", "config")),
    "nodesPostSshById": SwaggerStage(required=("service", "config")),
    "nodesPatchTagById": SwaggerStage(properties=frozenset({"name", "rules"})),  # declared as a tag
    "nodesAddRelations": SwaggerStage(properties=frozenset()),  # a bare object
    "nodesDelRelations": SwaggerStage(properties=frozenset()),
    "obmsPatchById": SwaggerStage(properties=frozenset()),
}
DEFAULT = SwaggerStage()
RULES = SwaggerStage(required_inside=ALL)  # a rules array checked alone (tags): each rule's required path


def swagger_stage(operation_id: str | None) -> SwaggerStage:
    return STAGES.get(operation_id or "", DEFAULT)
