"""Query-string filters as on-http takes them."""

import unittest

from bson import ObjectId
from werkzeug.datastructures import MultiDict

from rackharness.reference.documents import ApiError
from rackharness.reference.queries import list_filter


class ListFilterTest(unittest.TestCase):
    def test_paging_and_sort_are_not_filters(self):
        self.assertEqual(
            list_filter(MultiDict({"$skip": "1", "$top": "2", "sort": "-name", "type": "compute"})), {"type": "compute"}
        )

    def test_typed_values_also_match(self):
        self.assertEqual(list_filter(MultiDict({"autoDiscover": "true"})), {"autoDiscover": {"$in": ["true", True]}})

    def test_id_and_node_match_objectid_or_string(self):
        oid = "565cc18ec3f522fe51620fa2"
        conditions = list_filter(MultiDict({"id": oid, "node": oid}))
        self.assertEqual(conditions["_id"], {"$in": [ObjectId(oid), oid]})
        self.assertEqual(conditions["node"], {"$in": [ObjectId(oid), oid]})

    def test_query_json_adds_filters_but_no_operators(self):
        self.assertEqual(list_filter(MultiDict({"query": '{"source": "dmi"}'})), {"source": "dmi"})
        with self.assertRaises(ApiError) as refused:
            list_filter(MultiDict({"query": '{"$where": "1"}'}))
        self.assertIn("$where", refused.exception.message)


class FieldNameTest(unittest.TestCase):
    """Field names come from the query string: anything Mongo would choke on (or run) is a 400."""

    def test_bad_names_are_refused(self):
        for args in (
            {"\x00\x1a": "x"},
            {"$gt": "1"},
            {"a..b": "1"},
            {"query": '{"name": {"$ne": null}}'},
            {"query": '{"bad\\u0000": 1}'},
        ):
            with self.subTest(args=args), self.assertRaises(ApiError) as refused:
                list_filter(MultiDict(args))
            self.assertEqual(refused.exception.status, 400)

    def test_sort_field_is_checked(self):
        from rackharness.reference.queries import _sort

        self.assertEqual(_sort(MultiDict({"sort": "-name"})), [("name", -1)])
        with self.assertRaises(ApiError):
            _sort(MultiDict({"sort": "\x00\x1a"}))
