"""The /hooks API in-process over mongomock: RackHD's shapes and statuses, and delivery after each write."""

import json
import unittest
import uuid

from rackharness.errors import PrerequisiteError
from rackharness.reference.app import create_app
from rackharness.reference.context import TargetContext
from rackharness.reference.events_memory import RecordingEventBus
from rackharness.reference.hooks import HookDelivery, HookedEventBus
from rackharness.transports.mongo.chooser import connect
from rackharness.transports.mongo.mongomock_side import forget, in_memory_url

URL = "http://192.0.2.1:9/events"


class HooksApiTest(unittest.TestCase):
    def setUp(self):
        url = in_memory_url(f"hooks-api-{uuid.uuid4().hex[:8]}")
        try:
            self.db = connect(url, "pxe")
        except PrerequisiteError as exc:
            raise unittest.SkipTest(str(exc))
        self.addCleanup(forget, url)
        self.offered = []
        self.delivery = HookDelivery.from_collection(self.db.hooks, refresh_seconds=3600)
        self.addCleanup(self.delivery.close, 2)
        ctx = TargetContext(db=self.db, events=HookedEventBus(RecordingEventBus(), self.delivery), hooks=self.delivery)
        self.client = create_app(ctx).test_client()

    def call(self, method, path, body=None, status=200):
        kwargs = {} if body is None else {"data": json.dumps(body), "content_type": "application/json"}
        response = self.client.open(f"/api/2.0{path}", method=method, **kwargs)
        self.assertEqual(response.status_code, status, f"{method} {path}: {response.get_data(as_text=True)}")
        return response.get_json(silent=True)

    def assert_error(self, body, status, text):
        # RackHD writes the status as a string ("404")
        self.assertEqual((body.get("status"), isinstance(body.get("UUID"), str)), (str(status), True), body)
        self.assertIn(text, " ".join([body["message"], *body.get("errors", [])]))

    def test_create_answers_the_view(self):
        hook = self.call("POST", "/hooks", {"url": URL, "name": "n", "filters": [{"type": "^node$"}]}, 201)
        self.assertEqual(list(hook), ["url", "id", "name", "filters"])
        self.assertEqual(str(uuid.UUID(hook["id"])), hook["id"])
        self.assertEqual(self.call("GET", f"/hooks/{hook['id']}"), hook)
        self.assertEqual(self.call("GET", "/hooks"), [hook])
        stored = self.db.hooks.find_one({"_id": hook["id"]})
        self.assertEqual((stored["url"], stored["filters"]), (URL, [{"type": "^node$"}]))

    def test_without_name_or_filters(self):
        hook = self.call("POST", "/hooks", {"url": URL}, 201)
        self.assertEqual((hook.get("name", "absent"), hook["filters"]), ("absent", []))

    def test_duplicate_url_is_409(self):
        first = self.call("POST", "/hooks", {"url": URL}, 201)
        self.assert_error(
            self.call("POST", "/hooks", {"url": URL}, 409), 409, "duplicate hook found"
        )  # RackHD says no more
        self.assertEqual(self.call("GET", "/hooks"), [first])
        other = self.call("POST", "/hooks", {"url": URL + "/2"}, 201)
        self.assert_error(self.call("PATCH", f"/hooks/{other['id']}", {"url": URL}, 409), 409, "duplicate")

    def test_bad_bodies_are_400_saying_what(self):
        # RackHD's swagger validator: "Validation errors" with z-schema's messages (../shared/rackhd-captures)
        for body, text in (
            ({"name": "x"}, "Missing required property: url"),
            ({"url": "not a url"}, "didn't pass validation for format uri"),
            ({"url": "ftp://h/x"}, "http:// or https://"),
            ({"url": URL, "x": 1}, "Additional properties not allowed"),
            ({"url": URL, "filters": {"type": "node"}}, "Expected type array but found type object"),
            ({"url": URL, "filters": [{"action": "(add"}]}, "filters/0/action"),
            ([URL], "type"),
        ):
            self.assert_error(self.call("POST", "/hooks", body, 400), 400, text)
        self.assertEqual(self.call("GET", "/hooks"), [])

    def test_patch_and_delete(self):
        hook = self.call("POST", "/hooks", {"url": URL}, 201)
        patched = self.call("PATCH", f"/hooks/{hook['id']}", {"name": "renamed", "filters": [{"action": "x"}]})
        self.assertEqual((patched["name"], patched["filters"], patched["url"]), ("renamed", [{"action": "x"}], URL))
        self.assertIsNone(self.call("DELETE", f"/hooks/{hook['id']}", status=204))
        for method in ("GET", "PATCH", "DELETE"):
            body = self.call(method, f"/hooks/{hook['id']}", {} if method == "PATCH" else None, 404)
            self.assert_error(body, 404, "Could not find hook with identifier")

    def test_list_takes_waterline_filters(self):
        self.call("POST", "/hooks", {"url": URL, "name": "a"}, 201)
        self.call("POST", "/hooks", {"url": URL + "/b", "name": "b"}, 201)
        self.assertEqual([h["name"] for h in self.call("GET", "/hooks?name=b")], ["b"])

    def test_writes_invalidate_the_delivery_cache(self):
        self.assertEqual(self.delivery.hooks(), [])
        hook = self.call("POST", "/hooks", {"url": URL}, 201)
        self.assertEqual([h["_id"] for h in self.delivery.hooks()], [hook["id"]])
        self.call("DELETE", f"/hooks/{hook['id']}", status=204)
        self.assertEqual(self.delivery.hooks(), [])
