"""One generated request per RackHD operation, chosen so that a server that keeps RackHD's contract changes nothing.

``rackharness diff`` compares what the suite asked; this adds one request for every operation of the
project's table (:func:`rackharness.reference.contract.operations.all_operations`, table order), safe to
send to a user's real RackHD, and says what RackHD's contract answers (``expected``, used when
RackHD's own answer was not recorded: :func:`contract_differences`). Kinds:

* ``unknown-target``: a path parameter, each filled with a well-formed value nobody has (below);
  expected 404. A body is sent when the method takes one: ``{}``, or for the schemas that refuse
  ``{}`` the smallest body they accept (:data:`TARGET_BODIES`), since on-http checks the body
  (``x-swagger-schema``) before the controller looks the target up; and ``{"command": "cancel"}`` for
  the two action routes, whose controllers check the command first (:data:`ACTION_BODIES`). Kept
  simple: no other order of checks inside a controller is modelled.
* ``read``: a GET without path parameters; expected 200.
* ``invalid-body``: any other method without path parameters, with the JSON array ``[]`` where an
  object is wanted; expected 400 (schema-checked or not).
* ``no-op``: a request that is valid and changes nothing (only in :data:`UNSAFE`).
* ``skipped``: no request is safe (``reason`` says why); generated but never sent to a RackHD.
* ``private``: what a private reference rack (:func:`reference_answers`, thrown away after) is sent
  instead of a ``skipped`` one (:data:`PRIVATE`), so that every operation is compared.

Path parameter values (:data:`PARAMETERS`):

    identifier, id, fileidentifier            ffffffffffffffffffffffff  (a Mongo ObjectId; passes isMongoId)
    name, tagName, filename, source,
    domain, type                              rackharness-absent
    injectableName                            Graph.RackHarness.Absent
    socket, index, driveIndex, volumeIndex,
    entryId                                   999999

:data:`UNSAFE` documents every operation whose default request could change state (server settings,
events sent, updates started, log-ins, things created under any name) and what is sent instead.
:data:`EXPECTED` corrects ``expected`` where on-http's code answers otherwise (an absent tag is nothing
to do; ``bootstrap.js`` without a MAC finds no node).
:data:`SPEC_DEFAULT_ONLY`: API 2.0 operations whose ``monorail-2.0.yaml`` entry leaves the expected
error to ``default`` (on-http declares 404/400 explicitly on only some operations; its controllers
answer ``NotFoundError`` 404 and ``BadRequestError`` 400 everywhere).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

from rackharness.diff.compare import Comparison, Difference, answer_differences, endpoint
from rackharness.diff.exchanges import Exchange
from rackharness.errors import ServiceError
from rackharness.reference.contract.operation_table import Operation

ABSENT_ID, ABSENT_NAME, ABSENT_INDEX = "f" * 24, "rackharness-absent", "999999"
PARAMETERS = {
    **dict.fromkeys(("identifier", "id", "fileidentifier"), ABSENT_ID),
    **dict.fromkeys(("name", "tagName", "filename", "source", "domain", "type"), ABSENT_NAME),
    "injectableName": "Graph.RackHarness.Absent",
    **dict.fromkeys(("socket", "index", "driveIndex", "volumeIndex", "entryId"), ABSENT_INDEX),
}
TARGET_BODIES: dict[str, Any] = {  # schema ref -> the smallest body it accepts ({} elsewhere)
    "obm": {"nodeId": ABSENT_ID, "service": "noop-obm-service", "config": {}},
    "ibm": {
        "nodeId": ABSENT_ID,
        "service": "ssh-ibm-service",
        "config": {"host": "192.0.2.1", "user": ABSENT_NAME, "password": ABSENT_NAME},
    },
    "relations.2.0.json#/definitions/Relation": {"contains": [ABSENT_ID]},
}
#: operation id -> its body, where on-http checks the body before the target without a schema
ACTION_BODIES = {"workflowsAction": {"command": "cancel"}, "nodesWorkflowActionById": {"command": "cancel"}}
_CREATES = "a PUT stores its body under any name, an absent one included: nothing is refused before it is written"
#: operation id -> (kind, body, expected, why this request)
UNSAFE: dict[str, tuple[str, Any, tuple[int, ...], str]] = {
    "configPatch": (
        "no-op",
        {},
        (200,),
        "on-http sets each key of the body into its configuration (no schema: an "
        "array is not refused, a string's characters would become keys); the empty object sets none",
    ),
    "configPut": ("no-op", {}, (200,), "the same handler as configPatch: the empty object sets no key"),
    "addRole": (
        "invalid-body",
        [],
        (400,),
        "roles2.0 keeps only role/privileges of the body: a role without a name, which the roles model refuses",
    ),
    "createAccount": ("invalid-body", [], (400,), "no UserName, no Password: never an account (anonymous may call it)"),
    "postSession": ("invalid-body", [], (400, 401), "no credentials: logs nobody in (400 body, or 401 refused)"),
    "workflowsPutTask": ("skipped", None, (), "defineTask persists the body as a task definition unchecked"),
    "notificationAlertsPost": ("skipped", None, (), "publishes any body as a node alert event"),
    "ucsCallbackPost": ("skipped", None, (), "relays any body to the UCS task waiting for it over AMQP"),
    "testEvent": ("skipped", None, (), "sends a test event to every subscriber"),
    "updateFirmware": ("skipped", None, (), "starts a firmware update; no body is sure to be refused first"),
    "filesPut": ("skipped", None, (), _CREATES),
    "profilesPutLibByName": ("skipped", None, (), _CREATES),
    "templatesLibPut": ("skipped", None, (), _CREATES),
    "viewsPut": ("skipped", None, (), _CREATES),
}
_UPLOAD = "rackharness generated upload"
UPLOAD_NAME = "rackharness-generated-upload"
#: what a private reference rack (started for the diff, thrown away after) is sent for the operations to which
#: nothing is sent at a RackHD people use (kind "skipped" above): operation id -> (body, expected, why)
PRIVATE: dict[str, tuple[Any, tuple[int, ...], str]] = {
    "filesPut": (_UPLOAD, (201,), "stores the body under the name"),
    "profilesPutLibByName": (_UPLOAD, (201,), "stores the body under the name"),
    "templatesLibPut": (_UPLOAD, (201,), "stores the body under the name"),
    "viewsPut": (_UPLOAD, (201,), "stores the body under the name"),
    "workflowsPutTask": ([], (400,), "the body parameter is a workflow_task object"),
    "notificationAlertsPost": ([], (400,), "an alert is an object"),
    "ucsCallbackPost": ([], (400,), "a callback is an object"),
    "testEvent": ([], (400,), "a test event is an object (the spec lists no 400: any refusal would do)"),
    "updateFirmware": ([], (400,), "an update is an object with ImageURI"),
}
#: operation id -> the status on-http answers this request, and why (its code finds nothing and fails nothing)
EXPECTED: dict[str, tuple[tuple[int, ...], str]] = {
    "nodesMasterDelTagById": ((204,), "removes the tag from each node that has it: none"),
    "deleteTag": ((204,), "destroys the tags of that name: none"),
    "getNodesByTag": ((200,), "the nodes with that tag: []"),
    "postWorkflowById": ((202,), "runs the graph on each node with that tag: none, []"),
    "postTaskById": ((201,), "relays the body to the id's active task (respondCommands): no one listens"),
    "profilesPostSwitchError": ((201,), "logs the body, checks nothing"),
    "getBootstrap": ((404,), "no macAddress query: no node to render the task runner for"),
    "modifyUser": ((401,), "asks for the logged-in user before looking the user up, on every endpoint"),
    "modifyAccount": ((401,), "as modifyUser: the logged-in user first"),
    "patchManager": ((405,), "refuses every manager but RackHD before any lookup (the spec lists 405)"),
}
SPEC_DEFAULT_ONLY = frozenset(
    """
    catalogsIdGet createTag firmwareCatalogsIdGet ibmsPut ibmsDefinitionsGetByName ibmsGetById ibmsPatchById hooksPost
    hooksGetById lookupsPost lookupsGetById nodesPost nodesGetObmsByNodeId nodesPutObmsByNodeId obmsPut
    obmsDefinitionsGetByName obmsPostLed obmsGetById obmsPatchById pollersPost addRole removeRole getRole modifyRole
    taskSchemasIdGet schemasIdGet skusPost skusPut skuPackPost getBootstrap addUser removeUser getUser
    workflowsPost workflowsPutGraphs workflowsGetGraphsByName workflowsGetTasksByName workflowsGetByInstanceId
""".split()
)  # declared codes leave this request's expected status to `default` (checked by the unit tests)
_PARAMETER = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class GeneratedRequest:
    operation_id: str
    method: str
    template: str  # the operation's path template
    path: str  # concrete: every parameter filled
    body: Any  # JSON value, None: no body
    kind: str  # unknown-target, read, invalid-body, no-op, skipped
    expected: tuple[int, ...]  # what a server keeping RackHD's contract answers
    reason: str = ""  # why skipped / why this request (UNSAFE, EXPECTED, PRIVATE)
    private: bool = False  # sent only to a private reference rack (PRIVATE), never to a RackHD people use

    @property
    def test(self) -> str:
        return f"generated {self.operation_id}"


def _request(operation: Operation, private: bool) -> GeneratedRequest:
    method, template = operation.method, operation.path
    names = _PARAMETER.findall(template)
    unknown = [name for name in names if name not in PARAMETERS]
    if unknown:
        raise ValueError(f"operation {operation.operation_id}: no absent value for path parameter(s) {unknown}")
    path = _PARAMETER.sub(lambda m: PARAMETERS[m.group(1)], template)
    if names:
        body = (
            None
            if method == "GET" or (method == "DELETE" and operation.body is None)
            else ACTION_BODIES.get(operation.operation_id, TARGET_BODIES.get(operation.body or "", {}))
        )
        request = GeneratedRequest(operation.operation_id, method, template, path, body, "unknown-target", (404,))
    elif method == "GET":
        request = GeneratedRequest(operation.operation_id, method, template, path, None, "read", (200,))
    else:
        request = GeneratedRequest(operation.operation_id, method, template, path, [], "invalid-body", (400,))
    if private and operation.operation_id in PRIVATE:
        body, expected, reason = PRIVATE[operation.operation_id]
        # an upload goes under a name of its own, so that the absent names stay absent for the other requests
        path = _PARAMETER.sub(UPLOAD_NAME, template) if body == _UPLOAD else request.path
        return replace(request, kind="private", path=path, body=body, expected=expected, reason=reason, private=True)
    if operation.operation_id in UNSAFE:
        kind, body, expected, reason = UNSAFE[operation.operation_id]
        return replace(request, kind=kind, body=body, expected=expected, reason=reason)
    if operation.operation_id in EXPECTED:
        expected, reason = EXPECTED[operation.operation_id]
        return replace(request, expected=expected, reason=reason)
    return request


def generate(operations: Iterable[Operation] | None = None, *, private: bool = False) -> list[GeneratedRequest]:
    """One request per operation (default: every operation of the project's table), in order. ``private``: for a
    target started for this and thrown away after, where the ``skipped`` ones get their :data:`PRIVATE` request."""
    if operations is None:
        from rackharness.reference.contract.operations import all_operations

        operations = all_operations()
    return [_request(operation, private) for operation in operations]


def skipped(requests: Iterable[GeneratedRequest]) -> list[GeneratedRequest]:
    return [request for request in requests if request.kind == "skipped"]


def send(
    requests: Iterable[GeneratedRequest],
    base_url: str,
    *,
    timeout: float = 10.0,
    session: Any = None,
    say: Callable[[str], None] | None = None,
) -> list[Exchange]:
    """Every request but the skipped ones to ``base_url``, answers as :class:`Exchange` s (channel ``api``)."""
    import requests as http

    requests, session = list(requests), session or http.Session()
    left_out = skipped(requests)
    if left_out and say is not None:
        say(
            f"{len(left_out)} generated request(s) skipped, not safe to send: "
            + ", ".join(r.operation_id for r in left_out)
        )
    out = []
    for request in requests:
        if request.kind == "skipped":
            continue
        url = base_url.rstrip("/") + request.path
        try:
            response = session.request(
                request.method, url, timeout=timeout, **({"json": request.body} if request.body is not None else {})
            )
        except http.RequestException as exc:
            raise ServiceError(
                f"{request.method} {url} ({request.test}) got no answer: {exc}",
                hint="check that the API is up and the URL right (scheme, host, port)",
            ) from exc
        headers = {
            k.lower(): v
            for k, v in response.headers.items()
            if k.lower() in ("content-type", "location", "allow", "www-authenticate")
        }
        try:
            body: Any = response.json() if "json" in headers.get("content-type", "") else response.text
        except ValueError:
            body = response.text
        out.append(
            Exchange(
                "api", request.method, request.path, (), request.body, response.status_code, headers, body, request.test
            )
        )
    return out


def contract_differences(requests: Iterable[GeneratedRequest], exchanges: Iterable[Exchange]) -> list[Difference]:
    """One ``contract`` difference for each answered request whose status is not one the contract allows."""
    answers = {(e.method, e.path): e for e in exchanges}
    out = []
    for request in requests:
        exchange = answers.get((request.method, request.path))
        if request.kind == "skipped" or exchange is None or exchange.status in request.expected:
            continue
        out.append(
            Difference(
                endpoint(exchange),
                "status",
                "contract",
                f"not recorded; the contract: {' or '.join(map(str, request.expected))}",
                str(exchange.status),
                tests=[exchange.test or request.test],
            )
        )
    return out


GENERATED_TEST = "generated "  # the prefix of Exchange.test for these requests (GeneratedRequest.test)


def split_generated(exchanges: Iterable[Exchange]) -> tuple[list[Exchange], list[Exchange]]:
    """(the suite's exchanges, the generated requests' ones) of one side's answers."""
    suite, generated = [], []
    for exchange in exchanges:
        (generated if exchange.test.startswith(GENERATED_TEST) else suite).append(exchange)
    return suite, generated


def compare_generated(
    requests: list[GeneratedRequest], reference: list[Exchange], rackhd: list[Exchange], comparison: Comparison
) -> Comparison:
    """Each generated request the reference answered, against RackHD's answer to it when RackHD's answers hold
    it, else against the contract (:func:`contract_differences`); counted in ``comparison``."""
    theirs = {(e.method, e.path): e for e in rackhd}
    comparison.generated_skipped = len(skipped(requests))
    comparison.generated_private = sum(1 for request in requests if request.private)
    comparison.generated_against = "rackhd" if theirs else "contract"
    for exchange in reference:
        comparison.generated += 1
        comparison.endpoints.add(endpoint(exchange))
        partner = theirs.get((exchange.method, exchange.path))
        if partner is not None:
            found = answer_differences(partner, exchange)
        else:
            found = contract_differences(
                [r for r in requests if (r.method, r.path) == (exchange.method, exchange.path)], [exchange]
            )
        for difference in found:
            comparison.add(difference)
    return comparison


def reference_answers(config: Any = None) -> list[Exchange]:
    """Start an isolated reference rack in this process (1 node, free ports), send it every generated request,
    stop it. ``config``: a :class:`rackharness.config.Config` (isolated settings), default 1 node."""
    from rackharness.config import load_config
    from rackharness.providers.isolated import IsolatedStack

    if config is None:
        config = load_config(None, environ={}, flags={"nodes": (1, "generated requests")})
    with IsolatedStack(config, say=lambda line: print(line, file=sys.stderr)) as stack:
        return send(generate(private=True), stack.info().api_url)
