"""rackharness.diff.shapes: endpoint templates, masking run-specific values, and how two bodies differ."""

from __future__ import annotations

import unittest

from rackharness.diff.shapes import body_differences, header, kind_of, mask, template

OBJECT_ID = "5f1c9a3b2e4d6f7a8b9c0d1e"
OTHER_ID = "58e6b2f1a2b3c4d5e6f70809"
UUID = "123e4567-e89b-12d3-a456-426614174000"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl_-x"


def differences(rackhd, reference):
    return list(body_differences(rackhd, reference))


class TemplateTest(unittest.TestCase):
    def test_ids_macs_and_names_become_placeholders(self):
        cases = {
            f"/api/2.0/nodes/{OBJECT_ID}/obm": "/api/2.0/nodes/{id}/obm",
            f"/api/2.0/workflows/{UUID}": "/api/2.0/workflows/{id}",
            "/api/2.0/lookups/52:54:00:aa:bb:0c": "/api/2.0/lookups/{mac}",
            "/api/2.0/skus/rh-suite-0a1b2c-sku.one": "/api/2.0/skus/{name}",
            f"/redfish/v1/Systems/{OBJECT_ID}": "/redfish/v1/Systems/{id}",
            "/api/2.0/workflows/graphs/Graph.Noop": "/api/2.0/workflows/graphs/Graph.Noop",
            "/api/2.0/nodes": "/api/2.0/nodes",
        }
        for path, expected in cases.items():
            with self.subTest(path):
                self.assertEqual(template(path), expected)

    def test_two_runs_ids_give_one_endpoint(self):
        self.assertEqual(template(f"/api/2.0/nodes/{OBJECT_ID}"), template(f"/api/2.0/nodes/{OTHER_ID}"))
        self.assertNotEqual(template("/api/2.0/nodes/abc"), template("/api/2.0/nodes/abd"), "a short word is not an id")


class MaskTest(unittest.TestCase):
    def test_run_specific_parts(self):
        cases = {
            "updated 2026-12-03T12:00:00.123Z": "updated {time}",
            "at 2026-12-03 12:00:00+01:00.": "at {time}.",
            f"node {OBJECT_ID} has no obm": "node {id} has no obm",
            f"graph {UUID} finished": "graph {id} finished",
            "mac 52:54:00:AA:BB:0C seen": "mac {mac} seen",
            "sku rh-suite-0a1b2c-sku-1 exists": "sku {name} exists",
            f"Bearer {JWT}": "Bearer {token}",
            f"http://10.0.0.2:9090/api/2.0/nodes/{OBJECT_ID}": "http://{host}/api/2.0/nodes/{id}",
            "https://rackhd.example:8443/redfish/v1": "https://{host}/redfish/v1",
            "no volatile part here": "no volatile part here",
        }
        for text, expected in cases.items():
            with self.subTest(text):
                self.assertEqual(mask(text), expected)

    def test_not_every_lookalike_is_masked(self):
        self.assertEqual(mask("rh-suite-ZZZ999-x"), "rh-suite-ZZZ999-x", "a run id is six hex digits")
        self.assertEqual(mask("deadbeef"), "deadbeef", "eight hex digits are not an id")
        self.assertEqual(mask("/api/2.0"), "/api/2.0")


class KindTest(unittest.TestCase):
    def test_kinds(self):
        self.assertEqual(
            [kind_of(v) for v in (None, True, 1, 1.5, "s", [], {})],
            ["null", "boolean", "number", "number", "string", "array", "object"],
        )


class BodyDifferencesTest(unittest.TestCase):
    def test_same_body_no_difference(self):
        body = {"id": OBJECT_ID, "name": "n", "tags": ["a"], "obms": [{"service": "noop-obm-service"}], "n": 3}
        self.assertEqual(differences(body, dict(body)), [])

    def test_type(self):
        self.assertEqual(differences({"a": {}}, {"a": []}), [("body.a", "type", "{}", "[]")])
        self.assertEqual(differences([], {}), [("body", "type", "[]", "{}")])
        self.assertEqual(differences({"a": None}, {"a": "x"}), [("body.a", "type", "null", '"x"')])

    def test_a_type_difference_is_not_looked_into(self):
        self.assertEqual(
            differences({"a": {"b": 1}}, {"a": [{"c": 1}]}), [("body.a", "type", '{"b": 1}', '[{"c": 1}]')]
        )

    def test_missing_and_extra_keys(self):
        self.assertEqual(
            differences({"name": "x", "same": 1}, {"nodeName": "x", "same": 1}),
            [
                ("body.name", "missing key", '"x"', "(absent)"),
                ("body.nodeName", "extra key", "(absent)", '"x"'),
            ],
        )

    def test_nested_paths_and_arrays(self):
        rackhd = {"obms": [{"ref": "/api/2.0/obms/1", "config": {"host": "a"}}]}
        reference = {"obms": [{"ref": "/api/2.0/obms/1", "config": {"host": "a", "port": 623}}]}
        # inside an array an item's shape is compared: a difference shows the kinds, not one item's value
        self.assertEqual(
            differences(rackhd, reference), [("body.obms[].config.port", "extra key", "(absent)", "number")]
        )
        self.assertEqual(
            differences({"a": {"b": [{"c": 1}]}}, {"a": {"b": [{"c": "1"}]}}),
            [("body.a.b[].c", "type", "number", "string")],
        )
        self.assertEqual(
            differences([{"a": {"b": 1}}], [{"c": {"b": 1}}]),  # only the top of a missing branch
            [("body[].a", "missing key", "object", "(absent)"), ("body[].c", "extra key", "(absent)", "object")],
        )

    def test_array_items_by_shape(self):
        # every key any item has counts, whichever item has it; what the items say is the run's own
        self.assertEqual(differences([{"a": 1}, {"b": 1}], [{"b": 2}, {"a": 1}]), [])
        self.assertEqual(
            differences([{"a": 1}], [{"b": 1}, {"a": 1}]), [("body[].b", "extra key", "(absent)", "number")]
        )
        self.assertEqual(differences([{"a": 1}], [{"a": None}]), [], "null is any kind: a value not set")
        self.assertEqual(differences([{"name": "node-1", "on": True}], [{"name": "other words", "on": False}]), [])
        self.assertEqual(differences(["a", "b"], ["c"]), [])
        self.assertEqual(differences([1, "a"], [2]), [("body[]", "type", "number | string", "number")])

    def test_an_empty_array_against_a_full_one_is_no_difference(self):
        self.assertEqual(differences({"nodes": []}, {"nodes": [{"id": OBJECT_ID}]}), [])
        self.assertEqual(differences([{"id": 1}], []), [])

    def test_an_object_keyed_by_ids_is_a_map(self):
        rackhd = {"tasks": {OBJECT_ID: {"state": "succeeded", "label": "a"}}}
        reference = {"tasks": {OTHER_ID: {"state": "pending", "title": "a"}}}
        self.assertEqual(
            differences(rackhd, reference),
            [
                ("body.tasks{id}.label", "missing key", "string", "(absent)"),
                ("body.tasks{id}.title", "extra key", "(absent)", "string"),
            ],
        )

    def test_an_empty_map_against_a_full_one_is_no_difference(self):
        # like an empty array: how many is the run's own, and no run-specific id ends up in `where`
        full = {"tasks": {OBJECT_ID: {"state": "succeeded"}}}
        self.assertEqual(differences(full, {"tasks": {}}), [])
        self.assertEqual(differences({"tasks": {}}, full), [])
        self.assertEqual(
            differences({"a": {}}, {"a": {"name": "x"}}),
            [("body.a.name", "extra key", "(absent)", '"x"')],
            "an empty record against a record is still compared key by key",
        )

    def test_strings_are_compared_masked(self):
        self.assertEqual(
            differences(
                {"message": f"Node {OBJECT_ID} not found at 2026-12-03T12:00:00Z"},
                {"message": f"Node {OTHER_ID} not found at 2027-01-01T00:00:00Z"},
            ),
            [],
        )
        self.assertEqual(differences({"name": "rh-suite-0a1b2c-node-1"}, {"name": "rh-suite-ffffff-node-1"}), [])
        self.assertEqual(
            differences({"message": f"Node {OBJECT_ID} not found"}, {"message": f"No node {OBJECT_ID}"}),
            [("body.message", "value", f'"Node {OBJECT_ID} not found"', f'"No node {OBJECT_ID}"')],
        )

    def test_booleans_by_value_numbers_by_type(self):
        self.assertEqual(differences({"ok": True}, {"ok": False}), [("body.ok", "value", "true", "false")])
        self.assertEqual(differences({"count": 3, "ratio": 0.5}, {"count": 7, "ratio": 2}), [])
        self.assertEqual(differences({"v": None}, {"v": None}), [])

    def test_values_are_shown_as_json(self):
        (found,) = differences({"status": "404"}, {"status": 404})
        self.assertEqual(found, ("body.status", "type", '"404"', "404"))
        self.assertNotEqual(found[2], found[3])

    def test_long_values_are_cut(self):
        (found,) = differences({"a": "x" * 200}, {"a": "y" * 200})
        self.assertEqual(len(found[2]), 80)
        self.assertTrue(found[2].endswith("..."))

    def test_where_prefix(self):
        self.assertEqual(list(body_differences(1, "1", "body.x")), [("body.x", "type", "1", '"1"')])


class HeaderTest(unittest.TestCase):
    def test_content_type_normalised(self):
        for value in (
            "application/json; charset=utf-8",
            "Application/JSON;charset=UTF-8",
            'application/json; charset="utf-8"',
        ):
            with self.subTest(value):
                self.assertEqual(header({"Content-Type": value}, "content-type"), "application/json;charset=utf-8")
        self.assertEqual(header({"content-type": "application/json"}, "content-type"), "application/json")

    def test_other_headers_masked_and_absent_ones_none(self):
        self.assertEqual(
            header({"Location": f"http://10.0.0.2:9090/api/2.0/nodes/{OBJECT_ID}"}, "location"),
            "http://{host}/api/2.0/nodes/{id}",
        )
        self.assertEqual(header({"Allow": "GET, PUT"}, "allow"), "GET, PUT")
        self.assertIsNone(header({"Content-Type": "text/plain"}, "location"))
        self.assertIsNone(header({}, "content-type"))


if __name__ == "__main__":
    unittest.main()
