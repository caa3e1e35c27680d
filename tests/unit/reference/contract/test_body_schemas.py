"""The project's API 2.0 body schemas agree with RackHD's (on-http static/schemas/2.0): the same
documents and definitions, each judging the same keywords (properties, required, types, formats,
bounds), and the same verdict on valid sample bodies and on every mutation of them."""

import unittest

from rackharness.reference import spec
from rackharness.reference.contract.body_schemas import BODY_DOCUMENTS, body_document
from rackharness.reference.contract.operations import all_operations
from tests.support.rackhd_contract import require_rackhd_contract
from tests.unit.reference.contract.body_samples import EDGE_BODIES, VALID_BODIES
from tests.unit.reference.contract.body_verdicts import ACCEPT, REFUSE, mutations, target_verdict, verdict
from tests.unit.reference.contract.schema_shapes import definitions_with_rules, registry_of, shape_of


def ours(ref, body):
    """The reference target's verdict on ``body`` (spec.validate_schema, as the API modules call it)."""
    return target_verdict(spec.validate_schema, ref, body)


class BodySchemaAgreementTest(unittest.TestCase):
    def setUp(self):
        self.rackhd = require_rackhd_contract(self)
        self.theirs = registry_of(
            {f"2.0/{name}": self.rackhd.schema(f"2.0/{name}") for name in self.rackhd.schema_names("2.0")}
        )
        self.mine = registry_of({f"2.0/{name}": body_document(name) for name in BODY_DOCUMENTS})

    def test_the_same_documents_and_definitions(self):
        self.assertEqual(sorted(BODY_DOCUMENTS), self.rackhd.schema_names("2.0"))
        for name in BODY_DOCUMENTS:
            with self.subTest(document=name):
                self.assertEqual(
                    definitions_with_rules(body_document(name)),
                    definitions_with_rules(self.rackhd.schema(f"2.0/{name}")),
                )

    def test_every_definition_judges_the_same_keywords(self):
        for name in BODY_DOCUMENTS:
            for definition in ["", *definitions_with_rules(body_document(name))]:
                pointer = f"/definitions/{definition}" if definition else ""
                with self.subTest(schema=f"{name}#{pointer}"):
                    self.assertEqual(
                        shape_of(self.mine, f"2.0/{name}", pointer), shape_of(self.theirs, f"2.0/{name}", pointer)
                    )

    def test_every_operation_body_schema_has_samples(self):
        named = {op.body for op in all_operations() if op.body not in (None, "obm", "ibm")}
        self.assertLessEqual(named, set(VALID_BODIES), "a body schema an operation names has no samples")

    def test_samples_and_their_mutations_get_rackhds_verdict(self):
        checked = 0
        for ref, bodies in VALID_BODIES.items():
            name, _, pointer = ref.partition("#")
            for index, valid in enumerate(bodies):
                self.assertEqual(verdict(self.theirs, f"2.0/{name}", pointer, valid), ACCEPT, f"{ref} sample {index}")
            samples = [(f"sample {i}", body) for i, body in enumerate(bodies)]
            samples += [(how, body) for valid in bodies for how, body in mutations(valid)]
            samples += [(f"edge {i}", body) for i, body in enumerate(EDGE_BODIES.get(ref, []))]
            for how, body in samples:
                with self.subTest(schema=ref, body=how):
                    self.assertEqual(ours(ref, body), verdict(self.theirs, f"2.0/{name}", pointer, body), repr(body))
                    checked += 1
        self.assertGreater(checked, 200)

    def test_the_mutations_are_not_all_accepted(self):
        refused = [
            how
            for ref, bodies in VALID_BODIES.items()
            for valid in bodies[:1]
            for how, body in mutations(valid)
            if ours(ref, body) == REFUSE
        ]
        self.assertGreater(len(refused), 100, "mutations that RackHD refuses exercise the schemas")


if __name__ == "__main__":
    unittest.main()
