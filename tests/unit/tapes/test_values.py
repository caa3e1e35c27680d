"""Tape values (rackharness.tapes.values): what JSON cannot say survives a round trip through JSON."""

from __future__ import annotations

import datetime as dt
import json
import unittest

from bson import ObjectId

from rackharness.tapes.values import (
    RecordedError,
    RecordedObject,
    decode,
    encode,
    error_value,
    is_error,
)


def round_trip(value):
    """Encode, through JSON text (as a tape on disk), decode."""
    return decode(json.loads(json.dumps(encode(value))))


class Reading:
    def __init__(self, name, value, units):
        self.name, self.value, self.units = name, value, units
        self._private = "not recorded"


class ScalarsTest(unittest.TestCase):
    def test_json_scalars_pass_through(self):
        for value in (None, True, False, 0, -3, 2.5, "", "text", "ünïcode"):
            with self.subTest(value=value):
                self.assertEqual(encode(value), value)
                self.assertIs(type(round_trip(value)), type(value))
                self.assertEqual(round_trip(value), value)

    def test_lists_and_string_key_dicts_stay_plain(self):
        value = {"a": [1, "two", None], "b": {"c": True}}
        self.assertEqual(encode(value), value)
        self.assertEqual(round_trip(value), value)


class TaggedTest(unittest.TestCase):
    def test_bytes_and_bytearray_as_base64(self):
        self.assertEqual(encode(b"\x00\xffab"), {"$base64": "AP9hYg=="})
        self.assertEqual(round_trip(b"\x00\xffab"), b"\x00\xffab")
        self.assertEqual(round_trip(bytearray(b"\x01\x02")), b"\x01\x02")
        self.assertEqual(round_trip(memoryview(b"mv")), b"mv")
        self.assertIsInstance(round_trip(b"x"), bytes)

    def test_tuple_comes_back_a_tuple(self):
        value = (1, "a", (2, 3), [4, (5,)])
        self.assertEqual(encode((1, 2)), {"$tuple": [1, 2]})
        back = round_trip(value)
        self.assertEqual(back, value)
        self.assertIsInstance(back, tuple)
        self.assertIsInstance(back[2], tuple)
        self.assertIsInstance(back[3], list)
        self.assertIsInstance(back[3][1], tuple)

    def test_object_id(self):
        oid = ObjectId("5f0c3b2a9d1e8a0011223344")
        self.assertEqual(encode(oid), {"$oid": "5f0c3b2a9d1e8a0011223344"})
        back = round_trip({"_id": oid})
        self.assertIsInstance(back["_id"], ObjectId)
        self.assertEqual(back, {"_id": oid})

    def test_datetime_keeps_its_zone(self):
        aware = dt.datetime(2026, 12, 3, 12, 0, 1, 500000, tzinfo=dt.timezone.utc)
        naive = dt.datetime(2026, 12, 3, 12, 0)
        self.assertEqual(encode(aware), {"$date": "2026-12-03T12:00:01.500000+00:00"})
        self.assertEqual(round_trip(aware), aware)
        self.assertEqual(round_trip(aware).tzinfo, dt.timezone.utc)
        self.assertEqual(round_trip(naive), naive)
        self.assertIsNone(round_trip(naive).tzinfo)

    def test_dict_with_non_string_keys_is_a_map(self):
        value = {1: "one", (2, 3): "pair", "s": b"\x00"}
        encoded = encode(value)
        self.assertEqual(set(encoded), {"$map"})
        self.assertEqual(round_trip(value), value)

    def test_dict_that_looks_like_a_tag_survives(self):
        for value in ({"$oid": "not an id"}, {"$tuple": [1]}, {"$base64": "eA=="}, {"$date": "x"}, {"$map": []}):
            with self.subTest(value=value):
                self.assertEqual(round_trip(value), value)
                self.assertIsInstance(round_trip(value), dict)

    def test_two_key_dict_that_looks_like_an_object_or_error_survives(self):
        for value in (
            {"$error": "Boom", "message": "user data"},
            {"$object": "Thing", "attrs": {"a": 1}},
            {"$object": "Thing", "other": 2},
        ):
            with self.subTest(value=value):
                self.assertEqual(round_trip(value), value)

    def test_set_is_a_sorted_list(self):
        self.assertEqual(encode({"b", "a"}), ["a", "b"])
        self.assertEqual(encode(frozenset({3, 1, 2})), [1, 2, 3])


class ObjectsTest(unittest.TestCase):
    def test_object_by_public_attributes(self):
        encoded = encode(Reading("CPU Temp", 41.0, "°C"))
        self.assertEqual(encoded, {"$object": "Reading", "attrs": {"name": "CPU Temp", "units": "°C", "value": 41.0}})

    def test_object_comes_back_as_recorded_object(self):
        back = round_trip([Reading("Fan 1", 5400, "RPM"), Reading("Raw", b"\x01", None)])
        self.assertIsInstance(back[0], RecordedObject)
        self.assertEqual((back[0].name, back[0].value, back[0].units), ("Fan 1", 5400, "RPM"))
        self.assertEqual(back[1].value, b"\x01")
        self.assertFalse(hasattr(back[0], "_private"))
        self.assertEqual(repr(back[0]), "<recorded Reading name='Fan 1', value=5400, units='RPM'>")

    def test_object_without_attributes(self):
        self.assertEqual(encode(object()), {"$object": "object", "attrs": {}})
        back = round_trip(object())
        self.assertIsInstance(back, RecordedObject)
        self.assertEqual(repr(back), "<recorded object >")


class ErrorsTest(unittest.TestCase):
    def test_error_value(self):
        self.assertEqual(error_value(ValueError("bad value")), {"$error": "ValueError", "message": "bad value"})
        self.assertTrue(is_error(error_value(KeyError("k"))))
        self.assertFalse(is_error({"message": "x"}))
        self.assertFalse(is_error("$error"))

    def test_exception_round_trip_is_a_recorded_error(self):
        back = round_trip(TimeoutError("BMC did not answer"))
        self.assertIsInstance(back, RecordedError)
        self.assertIsInstance(back, Exception)
        self.assertEqual(back.type_name, "TimeoutError")
        self.assertEqual(str(back), "BMC did not answer")

    def test_error_without_message(self):
        back = decode({"$error": "Oops"})
        self.assertIsInstance(back, RecordedError)
        self.assertEqual(str(back), "")


if __name__ == "__main__":
    unittest.main()
