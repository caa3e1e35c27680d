"""Tag rules (the SKU rule grammar) evaluated against catalogs, and tag bodies checked (no database)."""

import unittest

from rackharness.reference.api.tags import check_tag_body, rule_passes, rules_match, sources_of, value_at
from rackharness.reference.documents import ApiError

CATALOGS = {
    "dmi": {
        "System Information": {"Product Name": "VirtualBox", "Serial Number": "0"},
        "Memory": [{"Size": "16 GB"}, {"Size": "8 GB"}],
    },
    "ohai": {"cpu": {"total": 8}, "kernel": {"modules": ["kvm", "e1000"]}},
}


class ValueAtTest(unittest.TestCase):
    def test_paths_walk_objects_and_list_indexes(self):
        self.assertEqual(value_at(CATALOGS, "dmi.System Information.Product Name"), "VirtualBox")
        self.assertEqual(value_at(CATALOGS, "dmi.Memory.1.Size"), "8 GB")
        self.assertEqual(value_at(CATALOGS, "ohai.cpu.total"), 8)

    def test_a_missing_path_passes_no_rule(self):
        missing = value_at(CATALOGS, "dmi.System Information.Nope")
        self.assertFalse(rule_passes({"path": "x", "notContains": "a"}, missing))
        self.assertFalse(rule_passes({"path": "x", "notIn": ["a"]}, value_at(CATALOGS, "lshw.x")))


class RulePassesTest(unittest.TestCase):
    def check(self, rule, value):
        return rule_passes({"path": "p", **rule}, value)

    def test_string_rules(self):
        self.assertTrue(self.check({"equals": "VirtualBox"}, "VirtualBox"))
        self.assertFalse(self.check({"equals": "VirtualBox"}, "virtualbox"))
        self.assertTrue(self.check({"contains": "Box"}, "VirtualBox"))
        self.assertTrue(self.check({"notContains": "Dell"}, "VirtualBox"))
        self.assertTrue(self.check({"regex": "^Virt.*x$"}, "VirtualBox"))
        self.assertTrue(self.check({"notRegex": "^Dell"}, "VirtualBox"))
        self.assertFalse(self.check({"regex": "x"}, 5))

    def test_membership_rules(self):
        self.assertTrue(self.check({"in": ["a", "b"]}, "a"))
        self.assertTrue(self.check({"notIn": ["a", "b"]}, "c"))
        self.assertTrue(self.check({"contains": "kvm"}, ["kvm", "e1000"]))
        self.assertFalse(self.check({"notContains": "kvm"}, ["kvm"]))

    def test_number_rules_read_numeric_strings(self):
        self.assertTrue(self.check({"min": 8}, 8))
        self.assertTrue(self.check({"max": 8}, "8"))
        self.assertTrue(self.check({"greaterThan": 7}, 8))
        self.assertFalse(self.check({"lessThan": 8}, 8))
        self.assertFalse(self.check({"min": 1}, "16 GB"))
        self.assertFalse(self.check({"min": 0}, True))


class RulesMatchTest(unittest.TestCase):
    def test_every_rule_must_pass_and_no_rules_match_nothing(self):
        rules = [
            {"path": "dmi.System Information.Product Name", "equals": "VirtualBox"},
            {"path": "ohai.cpu.total", "min": 4},
        ]
        self.assertTrue(rules_match(rules, CATALOGS))
        self.assertFalse(rules_match(rules + [{"path": "ohai.cpu.total", "max": 4}], CATALOGS))
        self.assertFalse(rules_match([], CATALOGS))

    def test_sources_are_the_first_path_words(self):
        rules = [{"path": "dmi.a", "equals": "x"}, {"path": "ohai.b.c", "min": 1}, {"path": "dmi.d", "equals": "y"}]
        self.assertEqual(sources_of(rules), ["dmi", "ohai"])


class CheckTagBodyTest(unittest.TestCase):
    def refused(self, body):
        with self.assertRaises(ApiError) as caught:
            check_tag_body(body)
        self.assertEqual(caught.exception.status, 400)
        return " ".join([caught.exception.message, *(caught.exception.errors or [])])

    def test_a_name_and_rules_are_accepted(self):
        check_tag_body({"name": "t", "rules": [{"path": "dmi.a", "equals": "x"}]})
        check_tag_body({"name": "t", "rules": []})

    def test_bodies_breaking_tags_post_or_skus_rules_are_refused(self):
        # as RackHD words them: the body parameter's types first ("Validation errors" and each), then the
        # schema's required and unknown keys ("ValidationError: <the first>") (../shared/rackhd-captures)
        self.assertEqual(self.refused(["t"]), "Validation errors Expected type object but found type array")
        self.assertEqual(self.refused({"name": "t"}), "ValidationError: Missing required property: rules")
        self.assertIn("Additional properties not allowed", self.refused({"name": "t", "rules": [], "x": 1}))
        self.assertIn("String is too short (0 chars), minimum 1", self.refused({"name": "", "rules": []}))
        self.assertEqual(
            self.refused({"name": "t", "rules": "dmi.a"}), "Validation errors Expected type array but found type string"
        )
        self.assertIn("Missing required property: path", self.refused({"name": "t", "rules": [{"equals": "x"}]}))
        self.refused({"name": "t", "rules": [{"path": "dmi.a", "equals": "x", "contains": "y"}]})
        self.refused({"name": "t", "rules": [{"path": "dmi.a", "sameAs": "x"}]})
