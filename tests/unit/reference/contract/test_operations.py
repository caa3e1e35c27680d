"""The project's operation tables agree with RackHD's specs: every operation of monorail-2.0.yaml,
redfish.yaml and redfish-root.yaml, in their order, with the same method, path, authentication,
privileges and body schema, and no operation RackHD does not have."""

import unittest

from rackharness.reference.contract.api_operations import API_2_0
from rackharness.reference.contract.operation_table import Operation
from rackharness.reference.contract.operations import all_operations, api_operation
from rackharness.reference.contract.redfish_operations import REDFISH_1_0, REDFISH_ROOT
from tests.support.rackhd_contract import require_rackhd_contract

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
TABLES = {"monorail-2.0.yaml": API_2_0, "redfish.yaml": REDFISH_1_0, "redfish-root.yaml": REDFISH_ROOT}


def operations_of(spec):
    """RackHD's operations of one spec, as the project's Operation, in the spec's order."""
    base = spec.get("basePath", "").rstrip("/")
    return [
        Operation(
            op["operationId"],
            method.upper(),
            base + (template if template != "/" else ""),
            tuple(op.get("x-authentication-type") or ()),
            tuple(op.get("x-privileges") or ()),
            op.get("x-swagger-schema"),
        )
        for template, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS and isinstance(op, dict)
    ]


class OperationAgreementTest(unittest.TestCase):
    def setUp(self):
        self.rackhd = require_rackhd_contract(self)

    def test_each_table_has_its_specs_operations_in_order(self):
        for name, table in TABLES.items():
            with self.subTest(spec=name):
                spec = self.rackhd.spec(name)
                self.assertEqual(table.base_path, spec["basePath"])
                theirs, ours = operations_of(spec), list(table.operations())
                missing = sorted({op.operation_id for op in theirs} - {op.operation_id for op in ours})
                extra = sorted({op.operation_id for op in ours} - {op.operation_id for op in theirs})
                self.assertEqual((missing, extra), ([], []), f"{name}: operations missing / not in RackHD's spec")
                for mine, rackhd in zip(ours, theirs):
                    self.assertEqual(mine, rackhd, f"{name}: {rackhd.operation_id}")
                self.assertEqual(ours, theirs)

    def test_all_operations_are_the_three_tables(self):
        everything = [op for name in TABLES for op in operations_of(self.rackhd.spec(name))]
        self.assertEqual(list(all_operations()), everything)
        self.assertEqual(api_operation("addUser").body, "user.2.0.json#/definitions/User")


class OperationTableTest(unittest.TestCase):
    """The table form itself (no RackHD files needed)."""

    def test_defaults_and_options(self):
        table = type(API_2_0)(
            base_path="/redfish/v1",
            authentication=("redfish", "basic"),
            privileges=("Login",),
            rows="""
            # a comment
            listSystems   GET    /Systems
            doReset       POST   /Systems/{id}/Reset   ConfigureComponents
            postSession   POST   /Sessions             auth=open
            root          GET    /                     -   auth=redfish,anonymous  body=x.json#/definitions/Y
        """,
        )
        listed, reset, session, root = table.operations()
        self.assertEqual(
            listed, Operation("listSystems", "GET", "/redfish/v1/Systems", ("redfish", "basic"), ("Login",))
        )
        self.assertEqual(reset.privileges, ("ConfigureComponents",))
        self.assertEqual((session.authentication, session.privileges), ((), ("Login",)))
        self.assertEqual(
            (root.path, root.authentication, root.privileges, root.body),
            ("/redfish/v1", ("redfish", "anonymous"), (), "x.json#/definitions/Y"),
        )

    def test_a_row_it_cannot_read_is_an_error(self):
        for row in ("op GET /x auth=jwt bodies=y", "op GET /x Read Write"):
            with self.subTest(row=row), self.assertRaises(ValueError):
                type(API_2_0)(base_path="/api/2.0", authentication=("jwt",), rows=row).operations()


if __name__ == "__main__":
    unittest.main()
