"""The catalog rule engine SKUs and tags share (rackharness.reference.catalog_rules), without a database."""

import datetime as dt
import unittest

from rackharness.reference.catalog_rules import (
    MISSING,
    OPERATORS,
    choose_sku,
    evaluate,
    js_string,
    path_words,
    rule_passes,
    sources_of,
    tag_matches,
    value_at,
)

CATALOGS = {
    "dmi": {
        "System Information": {"Product Name": "PowerEdge R630", "Serial Number": None},
        "Memory Device": [{"Size": "16 GB"}, {"Size": "8 GB"}, None],
        "Chassis": "Rack Mount",
    },
    "ohai": {"cpu": {"total": 8, "mhz": "2400.000", "flags": ["sse", "avx"]}, "kernel": {"release": "4.4.0"}},
}


def passes(value, **rule):
    return rule_passes({"path": "p", **rule}, value)


class PathTest(unittest.TestCase):
    def test_words_drop_empty_parts_and_the_first_is_the_source(self):
        self.assertEqual(
            path_words("dmi..System Information.Product Name."), ["dmi", "System Information", "Product Name"]
        )
        self.assertEqual(path_words(5), [])
        rules = [{"path": "dmi.a", "equals": "x"}, {"path": ".ohai.b", "min": 1}, {"path": "dmi.c"}, "junk", {"x": 1}]
        self.assertEqual(sources_of(rules), ["dmi", "ohai"])

    def test_nested_objects(self):
        self.assertEqual(value_at(CATALOGS, "dmi.System Information.Product Name"), "PowerEdge R630")
        self.assertEqual(value_at(CATALOGS, "ohai.cpu.total"), 8)
        self.assertEqual(value_at(CATALOGS, "ohai.kernel"), {"release": "4.4.0"})

    def test_lists_take_canonical_indexes_and_length(self):
        self.assertEqual(value_at(CATALOGS, "dmi.Memory Device.1.Size"), "8 GB")
        self.assertEqual(value_at(CATALOGS, "dmi.Memory Device.length"), 3)
        self.assertEqual(value_at(CATALOGS, "dmi.Chassis.length"), 10)  # a string's length, as JavaScript has it
        self.assertEqual(value_at(CATALOGS, "ohai.cpu.flags.0"), "sse")
        for path in (
            "dmi.Memory Device.01.Size",
            "dmi.Memory Device.-1.Size",
            "dmi.Memory Device.3.Size",
            "dmi.Memory Device.first",
            "dmi.Memory Device.2.Size",
        ):
            self.assertIs(value_at(CATALOGS, path), MISSING, path)

    def test_missing_paths(self):
        for path in (
            "lshw.anything",
            "dmi.System Information.Nope",
            "ohai.cpu.total.more",
            "dmi.Chassis.x",
            "dmi.System Information.Serial Number.x",
            "",
            "...",
            None,
        ):
            self.assertIs(value_at(CATALOGS, path), MISSING, path)

    def test_a_null_at_the_end_is_a_value(self):
        self.assertIsNone(value_at(CATALOGS, "dmi.System Information.Serial Number"))


class JsStringTest(unittest.TestCase):
    def test_values_become_the_strings_javascript_makes(self):
        cases = [
            (None, ""),
            (MISSING, ""),
            (True, "true"),
            (False, "false"),
            (8, "8"),
            (8.0, "8"),
            (1.5, "1.5"),
            (float("nan"), ""),
            (float("inf"), "Infinity"),
            (1e25, "1e+25"),
            (1e-7, "1e-7"),
            ("x", "x"),
            (["a", None, 2, ["b", "c"]], "a,,2,b,c"),
            ({"a": 1}, "[object Object]"),
            ([{"a": 1}], "[object Object]"),
            (dt.datetime(2018, 1, 1), "2018-01-01T00:00:00.000Z"),
        ]
        for value, text in cases:
            self.assertEqual(js_string(value), text, repr(value))


class OperatorTest(unittest.TestCase):
    def test_the_operators_are_skus_rules(self):
        self.assertEqual(
            set(OPERATORS),
            {
                "equals",
                "contains",
                "notContains",
                "in",
                "notIn",
                "regex",
                "notRegex",
                "min",
                "max",
                "greaterThan",
                "lessThan",
            },
        )

    def test_equals_compares_strings(self):
        self.assertTrue(passes("PowerEdge", equals="PowerEdge"))
        self.assertFalse(passes("PowerEdge", equals="poweredge"))
        self.assertTrue(passes(8, equals="8"))  # validator.toString on both sides
        self.assertTrue(passes(True, equals="true"))
        self.assertTrue(passes(["a"], equals="a"))
        self.assertTrue(passes(None, equals=""))
        self.assertFalse(passes(8.5, equals="8"))

    def test_contains_and_not_contains_are_substring_tests(self):
        self.assertTrue(passes("PowerEdge R630", contains="Edge"))
        self.assertFalse(passes("PowerEdge R630", notContains="Edge"))
        self.assertTrue(passes("PowerEdge R630", notContains="Dell"))
        self.assertTrue(passes(["sse", "avx"], contains="avx"))  # the list joined with ","
        self.assertTrue(passes(["sse", "avx"], contains="e,a"))
        self.assertFalse(passes(["sse", "avx"], notContains="sse"))
        self.assertTrue(passes(2400, contains="40"))
        self.assertTrue(passes({"a": 1}, contains="object"))

    def test_in_and_not_in(self):
        self.assertTrue(passes("b", **{"in": ["a", "b"]}))
        self.assertFalse(passes("c", **{"in": ["a", "b"]}))
        self.assertTrue(passes("c", notIn=["a", "b"]))
        self.assertFalse(passes("a", notIn=["a", "b"]))
        self.assertTrue(passes(8, **{"in": ["8", "16"]}))
        self.assertTrue(passes("8", **{"in": [8, 16]}))
        self.assertTrue(passes("Edge", **{"in": "PowerEdge"}))  # a string: substring (validator.isIn)
        self.assertTrue(passes("key", **{"in": {"key": 1}}))  # an object: its keys
        self.assertFalse(passes("x", **{"in": 5}))

    def test_regex_and_not_regex_search_with_the_pattern(self):
        self.assertTrue(passes("PowerEdge R630", regex="^Power.*R6[0-9]+$"))
        self.assertTrue(passes("PowerEdge R630", regex="Edge"))  # RegExp.test: anywhere
        self.assertFalse(passes("PowerEdge R630", regex="^Edge"))
        self.assertTrue(passes("PowerEdge R630", notRegex="^Dell"))
        self.assertFalse(passes("PowerEdge R630", notRegex="R630$"))
        self.assertTrue(passes(8, regex="^[0-9]+$"))
        self.assertTrue(passes("R630", regex="(?<model>R[0-9]+)"))  # a JavaScript named group
        self.assertFalse(passes("x", regex="("))  # a pattern that does not compile fails both
        self.assertFalse(passes("x", notRegex="("))

    def test_number_rules(self):
        self.assertTrue(passes(8, min=8))
        self.assertFalse(passes(7, min=8))
        self.assertTrue(passes(8, max=8))
        self.assertFalse(passes(9, max=8))
        self.assertTrue(passes(9, greaterThan=8))
        self.assertFalse(passes(8, greaterThan=8))
        self.assertTrue(passes(7, lessThan=8))
        self.assertFalse(passes(8, lessThan=8))
        self.assertTrue(passes(2400.5, min=2400))

    def test_number_rules_read_numeric_strings_only(self):
        self.assertTrue(passes("2400.000", min=2000))
        self.assertTrue(passes(" 8 ", max=8))
        self.assertTrue(passes("-1.5e1", lessThan=-10))
        self.assertTrue(passes(8, min="4"))  # a bound stored as a numeric string
        for value in ("16 GB", "0x10", "inf", "NaN", "", True, None, [8], {"a": 8}, float("nan")):
            for operator in ("min", "max", "greaterThan", "lessThan"):
                self.assertFalse(passes(value, **{operator: 0}), f"{operator} on {value!r}")
        self.assertFalse(passes(8, min="four"))

    def test_a_missing_value_passes_no_operator(self):
        for operator, expected in (
            ("equals", ""),
            ("contains", ""),
            ("notContains", "x"),
            ("in", [""]),
            ("notIn", ["x"]),
            ("regex", ".*"),
            ("notRegex", "x"),
            ("min", 0),
            ("max", 0),
            ("greaterThan", -1),
            ("lessThan", 1),
        ):
            self.assertFalse(passes(MISSING, **{operator: expected}), operator)

    def test_a_rule_needs_all_its_operators_and_knows_only_skus_rules(self):
        self.assertTrue(passes(8, min=4, max=8))
        self.assertFalse(passes(9, min=4, max=8))
        self.assertFalse(passes("x", sameAs="x"))
        self.assertTrue(rule_passes({"path": "nowhere"}, MISSING))  # only a path: nothing to check


class EvaluateTest(unittest.TestCase):
    def test_every_rule_must_pass_and_the_depth_is_the_deepest_path(self):
        rules = [
            {"path": "dmi.System Information.Product Name", "contains": "R630"},
            {"path": "ohai.cpu.total", "min": 4},
        ]
        self.assertEqual(evaluate(rules, CATALOGS).matched, True)
        self.assertEqual(evaluate(rules, CATALOGS).depth, 3)
        result = evaluate(
            rules + [{"path": "ohai.cpu.total", "max": 4}, {"path": "lshw.x.y.z", "equals": "a"}], CATALOGS
        )
        self.assertEqual((result.matched, result.depth, result.failed), (False, 4, ("ohai.cpu.total", "lshw.x.y.z")))

    def test_no_rules_match_with_depth_zero_and_malformed_rules_fail(self):
        self.assertEqual((evaluate([], CATALOGS).matched, evaluate([], CATALOGS).depth), (True, 0))
        for rules in ("dmi.x", None, [{"equals": "x"}], ["dmi.x"], [{"path": 5, "equals": "x"}]):
            self.assertFalse(evaluate(rules, CATALOGS).matched, repr(rules))

    def test_a_tag_needs_rules(self):
        self.assertFalse(tag_matches([], CATALOGS))
        self.assertFalse(tag_matches(None, CATALOGS))
        self.assertTrue(tag_matches([{"path": "dmi.Chassis", "equals": "Rack Mount"}], CATALOGS))


def sku(name, rules, created):
    return {"_id": name, "name": name, "rules": rules, "createdAt": dt.datetime(2018, 1, created)}


class ChooseSkuTest(unittest.TestCase):
    shallow = {"path": "dmi.Chassis", "equals": "Rack Mount"}  # depth 2
    deep = {"path": "dmi.System Information.Product Name", "contains": "R630"}  # depth 3

    def chosen(self, *skus):
        found = choose_sku(list(skus), CATALOGS)
        return found and found["name"]

    def test_none_matches(self):
        self.assertIsNone(self.chosen(sku("a", [{"path": "dmi.Chassis", "equals": "Tower"}], 1)))
        self.assertIsNone(self.chosen())

    def test_the_deepest_rule_wins_over_a_later_sku(self):
        self.assertEqual(self.chosen(sku("deep", [self.deep], 1), sku("shallow", [self.shallow], 2)), "deep")
        self.assertEqual(self.chosen(sku("shallow", [self.shallow], 2), sku("deep", [self.deep], 1)), "deep")

    def test_on_equal_depth_the_most_recently_created_then_the_later_one_wins(self):
        self.assertEqual(self.chosen(sku("new", [self.deep], 2), sku("old", [self.deep], 1)), "new")
        self.assertEqual(self.chosen(sku("first", [self.deep], 1), sku("second", [self.deep], 1)), "second")

    def test_created_at_stored_as_a_string_by_nx_27017_compares_as_a_timestamp(self):
        old = {**sku("old", [self.deep], 1), "createdAt": "2018-01-02 00:00:00"}
        self.assertEqual(self.chosen(sku("new", [self.deep], 3), old), "new")

    def test_a_sku_without_rules_matches_but_loses_to_any_rule(self):
        self.assertEqual(self.chosen(sku("empty", [], 2)), "empty")
        self.assertEqual(self.chosen(sku("shallow", [self.shallow], 1), sku("empty", [], 2)), "shallow")
        self.assertEqual(
            self.chosen(sku("failing", [{"path": "dmi.Chassis", "equals": "Tower"}], 2), sku("empty", [], 1)), "empty"
        )


if __name__ == "__main__":
    unittest.main()
