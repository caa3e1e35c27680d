"""The project's OBM services agree with RackHD's (on-http static/schemas/obms): the same services,
titles and definitions judging the same keywords, the same verdicts on PUT (``Obm``) and PATCH
(``ObmPatch``) bodies and their mutations, and a served document with the properties, required
settings and types the suite reads."""

import functools
import unittest

from rackharness.reference import spec
from rackharness.reference.contract.obm_services import obm_document, obm_service_names
from tests.support.rackhd_contract import require_rackhd_contract
from tests.unit.reference.contract.body_samples import OBM_CONFIGS, OBM_EDGE_CONFIGS
from tests.unit.reference.contract.body_verdicts import mutations, target_verdict, verdict
from tests.unit.reference.contract.schema_shapes import definitions_with_rules, registry_of, shape_of

OPERATIONS = {"Obm": "obmsPut", "ObmPatch": "obmsPatchById"}


def ours(definition, body):
    """The reference target's verdict on the schema (spec.validate_body as the OBM routes call it, without the
    body parameter's own check, which RackHD makes before any schema: body_stages)."""
    return target_verdict(functools.partial(spec.validate_body, parameter=False), OPERATIONS[definition], body)


class ObmServiceAgreementTest(unittest.TestCase):
    def setUp(self):
        self.rackhd = require_rackhd_contract(self)
        self.files = {
            name[: -len(".json")]: self.rackhd.schema(f"obms/{name}") for name in self.rackhd.schema_names("obms")
        }
        self.theirs = registry_of({f"obms/{name}.json": document for name, document in self.files.items()})
        self.mine = registry_of({f"obms/{name}.json": obm_document(name) for name in obm_service_names()})

    def test_the_same_services_titles_and_definitions(self):
        self.assertEqual(obm_service_names(), sorted(self.files))
        self.assertEqual(spec.obm_services(), sorted(self.files))
        for name, document in self.files.items():
            with self.subTest(service=name):
                self.assertEqual(obm_document(name)["title"], document["title"])
                self.assertEqual(definitions_with_rules(obm_document(name)), definitions_with_rules(document))

    def test_every_definition_judges_the_same_keywords(self):
        for name in self.files:
            for definition in ("ObmBase", "ObmPatch", "Obm"):
                with self.subTest(service=name, definition=definition):
                    self.assertEqual(
                        shape_of(self.mine, f"obms/{name}.json", f"/definitions/{definition}"),
                        shape_of(self.theirs, f"obms/{name}.json", f"/definitions/{definition}"),
                    )

    def test_bodies_and_their_mutations_get_rackhds_verdict(self):
        self.assertEqual(sorted(OBM_CONFIGS), sorted(self.files), "one sample config per service")
        checked = 0
        for name, config in OBM_CONFIGS.items():
            configs = [config, *OBM_EDGE_CONFIGS.get(name, [])]
            bodies = [{"nodeId": "5a1f", "service": name, "config": c} for c in configs]
            for definition in ("Obm", "ObmPatch"):
                samples = [("sample", body) for body in bodies] + list(mutations(bodies[0]))
                samples.append(("service only", {"service": name}))
                for how, body in samples:
                    if not isinstance(body, dict) or body.get("service") != name:
                        continue  # the route picks the schema by the body's service
                    with self.subTest(service=name, definition=definition, body=how):
                        rackhd = verdict(self.theirs, f"obms/{name}.json", f"/definitions/{definition}", body)
                        self.assertEqual(ours(definition, body), rackhd, repr(body))
                        checked += 1
        self.assertGreater(checked, 300)

    def test_the_served_document_is_what_the_suite_reads(self):
        for name, document in self.files.items():
            with self.subTest(service=name):
                self.assertEqual(spec.obm_schema(name), obm_document(name))
                base = document["definitions"].get("ObmBase") or document["definitions"]["Obm"]
                config = base.get("properties", {}).get("config") if "properties" in base else None
                if config is None:
                    continue  # vmrun: RackHD's file keeps no settings (its ObmBase is lost)
                served = obm_document(name)["definitions"]
                served_config = (served.get("ObmBase") or served["Obm"])["properties"]["config"]
                self.assertEqual(
                    served_config.get("required"),
                    config.get("required") if isinstance(config.get("required"), list) else None,
                )
                properties = {
                    key: value.get("type")
                    for key, value in config.get("properties", {}).items()
                    if isinstance(value, dict)
                }
                self.assertEqual(
                    {key: value["type"] for key, value in served_config.get("properties", {}).items()}, properties
                )


if __name__ == "__main__":
    unittest.main()
