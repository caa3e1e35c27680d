"""RackHD's hook filters (on-core lib/common/hook.js): JavaScript regexes over the envelope's fields,
every field of a filter must match, any filter suffices, no filters means every event."""

import unittest

from rackharness.reference.hook_filters import check_filters, hook_matches, js_regex, js_string

NODE = "5f0000000000000000000001"
ADDED = {
    "version": "1.0",
    "type": "node",
    "action": "added",
    "severity": "information",
    "typeId": NODE,
    "nodeId": NODE,
    "data": {"nodeType": "compute"},
    "createdAt": "2024-01-01T00:00:00.000Z",
}
HEARTBEAT = {**ADDED, "type": "heartbeat", "action": "updated", "typeId": "host.on-http", "nodeId": None}


class HookMatchesTest(unittest.TestCase):
    def test_no_filters_match_everything(self):
        for filters in (None, [], [{}]):
            self.assertTrue(hook_matches(HEARTBEAT, filters), filters)

    def test_every_field_of_one_filter_must_match(self):
        self.assertTrue(hook_matches(ADDED, [{"type": "^node$", "action": "^added$"}]))
        self.assertFalse(hook_matches(ADDED, [{"type": "^node$", "action": "^removed$"}]))

    def test_any_filter_suffices(self):
        self.assertTrue(hook_matches(ADDED, [{"action": "removed"}, {"nodeId": NODE[-4:] + "$"}]))
        self.assertFalse(hook_matches(ADDED, [{"action": "removed"}, {"type": "heartbeat"}]))

    def test_regex_searches_anywhere_unless_anchored(self):
        self.assertTrue(hook_matches(ADDED, [{"action": "dd"}]))
        self.assertFalse(hook_matches(ADDED, [{"action": "^dd"}]))

    def test_a_field_the_event_lacks_never_matches(self):
        self.assertFalse(hook_matches(ADDED, [{"routingKey": ".*"}]))

    def test_values_are_javascript_strings(self):
        self.assertTrue(hook_matches(HEARTBEAT, [{"nodeId": "^null$"}]))  # String(null)
        self.assertTrue(hook_matches(ADDED, [{"data": "^\\[object Object\\]$"}]))
        self.assertEqual(
            [js_string(v) for v in (True, 3.0, 2.5, [1, None, "a"], {"a": 1})],
            ["true", "3", "2.5", "1,,a", "[object Object]"],
        )

    def test_non_string_patterns_are_converted_as_new_RegExp_does(self):
        self.assertTrue(hook_matches({**ADDED, "typeId": "x5y"}, [{"typeId": 5}]))


class JsRegexTest(unittest.TestCase):
    def test_dollar_is_the_very_end(self):
        self.assertIsNone(js_regex("added$").search("added\n"))
        self.assertIsNotNone(js_regex("added$").search("added"))

    def test_javascript_only_syntax(self):
        self.assertEqual(js_regex(r"(?<kind>node)\.\k<kind>").search("node.node").group("kind"), "node")
        self.assertIsNotNone(js_regex("a[^]b").search("a\nb"))
        self.assertIsNone(js_regex("a[]b").search("ab"))
        self.assertIsNotNone(js_regex(r"\Z").search("Z"))  # an escaped letter without meaning is the letter
        self.assertIsNone(js_regex(r"\d").search("\u0663"))  # ASCII digits only

    def test_lookbehind_stays(self):
        self.assertIsNotNone(js_regex("(?<=no)de").search("node"))

    def test_invalid_pattern_says_so(self):
        with self.assertRaisesRegex(ValueError, r"'\(' is not a regular expression"):
            js_regex("(")


class CheckFiltersTest(unittest.TestCase):
    def test_problems_name_the_filter_and_field(self):
        self.assertEqual(check_filters([{"type": "^node$"}]), [])
        problems = check_filters([{"type": "^node$"}, {"action": "("}, "node"])
        self.assertEqual(len(problems), 2)
        self.assertTrue(problems[0].startswith("filters/1/action: "), problems)
        self.assertTrue(problems[1].startswith("filters/2: expected an object"), problems)

    def test_a_stored_filter_that_does_not_compile_matches_nothing(self):
        with self.assertLogs("rackharness.reference.hook_filters", "WARNING"):
            self.assertFalse(hook_matches(ADDED, [{"action": "("}]))
