"""rackharness.diff.generated: one safe request per RackHD operation, its expected status, and the reference's answers."""

from __future__ import annotations

import unittest
from collections import Counter
from pathlib import Path

import requests

from rackharness.diff.exchanges import Exchange
from rackharness.diff.generated import (
    ABSENT_ID,
    EXPECTED,
    PRIVATE,
    SPEC_DEFAULT_ONLY,
    UNSAFE,
    GeneratedRequest,
    contract_differences,
    generate,
    reference_answers,
    send,
    skipped,
)
from rackharness.errors import ServiceError
from rackharness.reference.contract.operations import all_operations

SPEC = Path(__file__).resolve().parents[3].parent / "shared/rackhd/on-http/static/monorail-2.0.yaml"
JSON = {"Content-Type": "application/json; charset=utf-8"}


def answer(request: GeneratedRequest, status: int, body=None) -> Exchange:
    return Exchange("api", request.method, request.path, (), request.body, status, dict(JSON), body, request.test)


class GenerateTest(unittest.TestCase):
    def setUp(self):
        self.operations = all_operations()
        self.requests = generate()

    def test_one_request_per_operation_in_table_order(self):
        self.assertEqual(len(self.requests), 229)
        self.assertEqual(
            [(r.operation_id, r.method, r.template) for r in self.requests],
            [(o.operation_id, o.method, o.path) for o in self.operations],
        )
        self.assertEqual(len({(r.method, r.path) for r in self.requests}), 229)  # answers pair back by request

    def test_every_path_parameter_is_filled_with_an_absent_value(self):
        for request in self.requests:
            self.assertNotIn("{", request.path, request.operation_id)
            if "{" in request.template:
                expected_kind = (
                    "skipped" if UNSAFE.get(request.operation_id, ("",))[0] == "skipped" else "unknown-target"
                )
                self.assertEqual(request.kind, expected_kind, request.operation_id)
        self.assertEqual(
            generate([o for o in self.operations if o.operation_id == "nodesGetById"])[0].path,
            f"/api/2.0/nodes/{ABSENT_ID}",
        )

    def test_kinds_and_expectations(self):
        self.assertEqual(
            Counter(r.kind for r in self.requests),
            {"unknown-target": 148, "read": 51, "invalid-body": 19, "skipped": 9, "no-op": 2},
        )
        for r in self.requests:
            if r.operation_id in EXPECTED:
                self.assertEqual(r.expected, EXPECTED[r.operation_id][0])
                continue
            if r.operation_id in UNSAFE:
                self.assertEqual((r.kind, r.body, r.expected), UNSAFE[r.operation_id][:3])
                self.assertTrue(r.reason)
                continue
            wanted = {"unknown-target": (404,), "read": (200,), "invalid-body": (400,)}[r.kind]
            self.assertEqual(r.expected, wanted, r.operation_id)
            if r.kind == "read":
                self.assertEqual((r.method, r.body), ("GET", None))
            if r.kind == "invalid-body":
                self.assertEqual(r.body, [])
            if r.kind == "unknown-target" and r.method == "GET":
                self.assertIsNone(r.body)

    def test_target_bodies_pass_the_schema_checked_before_the_target(self):
        from rackharness.reference.spec import validate_body

        for r in self.requests:
            if r.kind == "unknown-target" and r.template.startswith("/api/2.0/") and r.body is not None:
                validate_body(r.operation_id, r.body)  # raises ApiError(400) otherwise
        by_id = {r.operation_id: r for r in self.requests}
        self.assertEqual(by_id["workflowsAction"].body, {"command": "cancel"})
        self.assertEqual(by_id["nodesAddRelations"].body, {"contains": [ABSENT_ID]})

    def test_unsafe_operations_send_nothing_that_changes_state(self):
        ids = Counter(o.operation_id for o in self.operations)
        methods = {o.operation_id: o.method for o in self.operations}
        for name in (*UNSAFE, *EXPECTED):
            self.assertEqual(ids[name], 1, f"{name}: not one operation of the table")
        by_id = {r.operation_id: r for r in self.requests}
        for name, (kind, body, expected, reason) in UNSAFE.items():
            request = by_id[name]
            self.assertNotEqual(methods[name], "GET")
            self.assertTrue(reason)
            if kind == "skipped":
                self.assertEqual((request.kind, request.body, request.expected), ("skipped", None, ()))
            else:  # an empty object or array: no key to set, no name to create, no credential to log in with
                self.assertIn(request.body, ({}, []), name)
        self.assertEqual(
            {r.operation_id for r in skipped(self.requests)},
            {name for name, choice in UNSAFE.items() if choice[0] == "skipped"},
        )
        self.assertEqual((by_id["configPatch"].kind, by_id["configPatch"].body), ("no-op", {}))

    def test_an_unknown_parameter_name_is_refused(self):
        operation = next(o for o in self.operations if o.operation_id == "nodesGetById")
        from dataclasses import replace

        with self.assertRaisesRegex(ValueError, "bogus"):
            generate([replace(operation, path="/api/2.0/nodes/{bogus}")])


class FakeSession:
    def __init__(self, error: Exception | None = None):
        self.calls, self.error = [], error

    def request(self, method, url, *, timeout, **kwargs):
        self.calls.append((method, url, kwargs))
        if self.error:
            raise self.error
        response = requests.Response()
        response.status_code, response._content = 404, b'{"message": "Not Found"}'
        response.headers.update({"Content-Type": "application/json", "X-Powered-By": "Express"})
        return response


class SendTest(unittest.TestCase):
    def test_skipped_requests_are_not_sent_and_answers_become_exchanges(self):
        requests_ = [r for r in generate() if r.operation_id in ("nodesGetById", "filesPut", "nodesPatchById")]
        session, said = FakeSession(), []
        exchanges = send(requests_, "http://rackhd:9090/", session=session, say=said.append)
        self.assertEqual(
            [c[:2] for c in session.calls],
            [
                ("GET", f"http://rackhd:9090/api/2.0/nodes/{ABSENT_ID}"),
                ("PATCH", f"http://rackhd:9090/api/2.0/nodes/{ABSENT_ID}"),
            ],
        )
        self.assertEqual(session.calls[1][2], {"json": {}})
        self.assertEqual(session.calls[0][2], {})
        self.assertEqual(
            exchanges[0],
            Exchange(
                "api",
                "GET",
                f"/api/2.0/nodes/{ABSENT_ID}",
                (),
                None,
                404,
                {"content-type": "application/json"},
                {"message": "Not Found"},
                "generated nodesGetById",
            ),
        )
        self.assertEqual(len(said), 1)
        self.assertIn("1 generated request(s) skipped", said[0])

    def test_no_connection_is_a_service_error(self):
        session = FakeSession(requests.ConnectionError("refused"))
        with self.assertRaises(ServiceError) as caught:
            send(generate()[:1], "http://127.0.0.1:1", session=session)
        self.assertIn("http://127.0.0.1:1/api/2.0/catalogs", str(caught.exception))
        self.assertIsInstance(caught.exception.__cause__, requests.ConnectionError)


class ContractDifferencesTest(unittest.TestCase):
    def test_only_a_status_outside_the_contract_is_a_difference(self):
        by_id = {r.operation_id: r for r in generate()}
        node, nodes = by_id["nodesGetById"], by_id["nodesPost"]
        exchanges = [answer(node, 404, {"message": "Not Found"}), answer(nodes, 201, {"id": ABSENT_ID})]
        differences = contract_differences([node, nodes, by_id["filesPut"]], exchanges)
        self.assertEqual(len(differences), 1)
        difference = differences[0]
        self.assertEqual(
            (difference.endpoint, difference.where, difference.kind), ("POST /api/2.0/nodes", "status", "contract")
        )
        self.assertEqual((difference.rackhd, difference.reference), ("not recorded; the contract: 400", "201"))
        self.assertEqual(difference.tests, ["generated nodesPost"])
        self.assertEqual(contract_differences([node], [answer(node, 500)])[0].endpoint, "GET /api/2.0/nodes/{id}")


class ReferenceAnswersTest(unittest.TestCase):
    def test_every_operation_gets_a_request_and_an_answer_and_none_is_a_server_error(self):
        requests_ = generate(private=True)  # what a private reference rack is sent: nothing is skipped
        self.assertEqual(skipped(requests_), [])
        self.assertEqual({r.operation_id for r in requests_ if r.private}, set(PRIVATE))
        self.assertEqual(set(PRIVATE), {r.operation_id for r in skipped(generate())})
        exchanges = reference_answers()
        self.assertEqual([(e.method, e.path) for e in exchanges], [(r.method, r.path) for r in requests_])
        self.assertEqual([(e.test, e.status, e.body) for e in exchanges if e.status >= 500], [])
        self.assertEqual(contract_differences(requests_, exchanges), [])


class SpecAgreementTest(unittest.TestCase):
    def test_expected_statuses_are_what_monorail_declares(self):
        if not SPEC.is_file():
            self.skipTest(f"RackHD's monorail-2.0.yaml not found at {SPEC}")
        import yaml

        spec = yaml.safe_load(SPEC.read_text())
        declared = {
            (method.upper(), spec["basePath"] + path): {str(code) for code in operation["responses"]}
            for path, operations in spec["paths"].items()
            for method, operation in operations.items()
            if isinstance(operation, dict) and "responses" in operation
        }
        mismatches, left_to_default = [], set()
        for r in generate():
            if not r.template.startswith("/api/2.0/") or r.kind == "skipped":
                continue
            codes = declared[(r.method, r.template)]
            if codes == {"default"} or any(str(status) in codes for status in r.expected):
                continue
            if r.operation_id in SPEC_DEFAULT_ONLY and "default" in codes and all(s >= 400 for s in r.expected):
                left_to_default.add(r.operation_id)
                continue
            mismatches.append((r.operation_id, r.expected, sorted(codes)))
        self.assertEqual(mismatches, [])
        self.assertEqual(left_to_default, set(SPEC_DEFAULT_ONLY))  # no stale entry


if __name__ == "__main__":
    unittest.main()
