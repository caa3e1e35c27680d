"""Relation list editing and request parsing (the database side is tested in the API tests)."""

import unittest

from rackharness.reference.documents import ApiError
from rackharness.reference.relation_links import MIRROR, parse_request, with_targets, without_targets


class RelationListTest(unittest.TestCase):
    def test_adding_creates_the_entry_once_and_skips_duplicates(self):
        relations = with_targets([], "contains", ["a", "b"])
        relations = with_targets(relations, "contains", ["b", "c", "c"])
        self.assertEqual(relations, [{"relationType": "contains", "targets": ["a", "b", "c"]}])

    def test_adding_leaves_the_input_alone(self):
        original = [{"relationType": "contains", "targets": ["a"]}]
        with_targets(original, "contains", ["b"])
        self.assertEqual(original, [{"relationType": "contains", "targets": ["a"]}])

    def test_removing_the_last_target_drops_the_entry_only_for_that_type(self):
        relations = [{"relationType": "contains", "targets": ["a"]}, {"relationType": "poweredBy", "targets": ["a"]}]
        self.assertEqual(
            without_targets(relations, "contains", ["a"]), [{"relationType": "poweredBy", "targets": ["a"]}]
        )

    def test_every_type_mirrors_back(self):
        for relation_type, mirror in MIRROR.items():
            self.assertEqual(MIRROR[mirror], relation_type)
        self.assertEqual(MIRROR["encloses"], "enclosedBy")

    def test_unknown_type_and_non_list_are_refused_with_the_reason(self):
        with self.assertRaises(ApiError) as unknown:
            parse_request({"hugs": ["a"]})
        self.assertIn("hugs", unknown.exception.message)
        with self.assertRaises(ApiError) as not_list:
            parse_request({"contains": "a"})
        self.assertEqual(not_list.exception.status, 400)
