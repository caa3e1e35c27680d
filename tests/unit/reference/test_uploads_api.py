"""Uploads to the target, in-process over mongomock: files (api/files.py) and the renderables — profiles,
templates, views (api/renderables.py) — stored by PUT, then read, listed, described and deleted."""

import base64
import hashlib
import json
import unittest

from rackharness.reference.app import create_app
from rackharness.reference.context import TargetContext
from rackharness.reference.events_memory import RecordingEventBus
from tests.support.fake_mongo import FakeDatabase

SCRIPT = b"#!/bin/sh\necho hello from rackharness\n"
MD5_BASE64 = base64.b64encode(hashlib.md5(SCRIPT).digest()).decode("ascii")


class UploadsTestCase(unittest.TestCase):
    def setUp(self):
        self.db = FakeDatabase()
        self.client = create_app(TargetContext(db=self.db, events=RecordingEventBus())).test_client()

    def call(self, method, path, data=None, status=200, content_type="application/octet-stream"):
        response = self.client.open(
            f"/api/2.0{path}", method=method, data=data, content_type=content_type if data is not None else None
        )
        self.assertEqual(response.status_code, status, f"{method} {path}: {response.get_data()[:500]!r}")
        return response

    def assert_error(self, method, path, status, text):
        body = self.call(method, path, status=status).get_json()
        self.assertEqual(body["status"], str(status), body)
        self.assertIn(text, body["message"])


class FilesTest(UploadsTestCase):
    def test_round_trip(self):
        stored = self.call("PUT", "/files/boot.sh", SCRIPT, status=201).get_json()
        self.assertEqual(set(stored), {"basename", "filename", "uuid", "md5", "sha256", "version"})
        self.assertEqual(
            (stored["basename"], stored["filename"], stored["version"]), ("boot.sh", f"boot.sh_{stored['uuid']}", 0)
        )
        self.assertEqual(
            (stored["md5"], stored["sha256"]), (hashlib.md5(SCRIPT).hexdigest(), hashlib.sha256(SCRIPT).hexdigest())
        )

        by_name = self.call("GET", "/files/boot.sh")
        self.assertEqual((by_name.get_data(), by_name.mimetype), (SCRIPT, "application/octet-stream"))
        self.assertEqual(self.call("GET", f"/files/{stored['uuid']}").get_data(), SCRIPT)
        self.assertEqual(self.call("GET", "/files").get_json(), [stored])
        md5 = self.call("GET", "/files/boot.sh/md5")
        self.assertEqual(md5.get_data(as_text=True), json.dumps(stored["md5"]))  # a JSON string, as RackHD
        self.assertEqual(self.call("GET", "/files/boot.sh/metadata").get_json(), stored)
        self.assertEqual(self.call("GET", "/files/static/list").get_json(), [])

        record = self.db["files"].find_one({"uuid": stored["uuid"]})
        self.assertEqual((record["size"], base64.b64decode(record["contents"])), (len(SCRIPT), SCRIPT))
        self.assertIn("createdAt", record)

        self.assert_error("DELETE", "/files/boot.sh", 404, "boot.sh")  # RackHD deletes by uuid only
        response = self.call("DELETE", f"/files/{stored['uuid']}", status=204)
        self.assertEqual((response.get_data(), response.headers.get("Content-Type")), (b"", None))
        self.assertEqual(self.call("GET", "/files").get_json(), [])
        self.assert_error("GET", "/files/boot.sh", 404, "boot.sh")
        self.assert_error("DELETE", f"/files/{stored['uuid']}", 404, stored["uuid"])

    def test_a_second_put_is_a_new_entry_and_the_name_means_the_newest(self):
        first = self.call("PUT", "/files/image.bin", b"\x00\x01first", status=201).get_json()
        second = self.call("PUT", "/files/image.bin", b"\xffsecond", status=201).get_json()
        self.assertNotEqual(first["uuid"], second["uuid"])
        self.assertEqual(self.call("GET", "/files").get_json(), [first, second])
        self.assertEqual(self.call("GET", "/files/image.bin").get_data(), b"\xffsecond")
        self.assertEqual(self.call("GET", f"/files/{first['uuid']}").get_data(), b"\x00\x01first")
        self.assertEqual(self.call("GET", "/files/image.bin/metadata").get_json(), second)
        self.assertEqual(self.call("GET", "/files/image.bin/md5").get_json(), hashlib.md5(b"\xffsecond").hexdigest())

    def test_an_empty_body_is_an_empty_file(self):
        stored = self.call("PUT", "/files/empty", b"", status=201).get_json()
        self.assertEqual(stored["md5"], hashlib.md5(b"").hexdigest())
        self.assertEqual(self.call("GET", "/files/empty").get_data(), b"")

    def test_unknown_files_are_404(self):
        for method, path in (
            ("GET", "/files/absent"),
            ("GET", "/files/absent/md5"),
            ("GET", "/files/absent/metadata"),
            ("DELETE", "/files/absent"),
        ):
            self.assert_error(method, path, 404, "absent")


class ProfilesTest(UploadsTestCase):
    def test_round_trip(self):
        stored = self.call("PUT", "/profiles/library/custom.ipxe", SCRIPT, status=201).get_json()
        self.assertEqual((stored["name"], stored["scope"], stored["hash"]), ("custom.ipxe", "global", MD5_BASE64))
        self.assertEqual(set(stored), {"id", "hash", "name", "scope", "createdAt", "updatedAt"})
        text = self.call("GET", "/profiles/library/custom.ipxe")
        self.assertEqual((text.get_data(), text.mimetype), (SCRIPT, "text/plain"))
        view = {key: stored[key] for key in ("id", "hash", "name", "scope")}
        self.assertEqual(self.call("GET", "/profiles/metadata").get_json(), [view])
        self.assertEqual(self.call("GET", "/profiles/metadata/custom.ipxe").get_json(), [view])
        record = self.db["profiles"].find_one({"name": "custom.ipxe"})
        self.assertEqual((record["contents"], record["size"]), (SCRIPT.decode(), len(SCRIPT)))

    def test_scopes(self):
        self.call("PUT", "/profiles/library/p.ipxe", b"global text", status=201)
        sku = self.call("PUT", "/profiles/library/p.ipxe?scope=sku1", b"sku text", status=201).get_json()
        self.assertEqual(sku["scope"], "sku1")
        self.assertEqual(self.call("GET", "/profiles/library/p.ipxe").get_data(), b"global text")
        self.assertEqual(self.call("GET", "/profiles/library/p.ipxe?scope=sku1").get_data(), b"sku text")
        self.assertEqual(self.call("GET", "/profiles/library/p.ipxe?scope=sku2+global").get_data(), b"global text")
        # both records: in either order, as two PUTs in one millisecond have one createdAt (ties go by random _id)
        self.assertCountEqual(
            [m["scope"] for m in self.call("GET", "/profiles/metadata/p.ipxe").get_json()], ["global", "sku1"]
        )
        self.assertEqual(
            [m["scope"] for m in self.call("GET", "/profiles/metadata/p.ipxe?scope=sku1").get_json()], ["sku1"]
        )
        self.assert_error("GET", "/profiles/library/p.ipxe?scope=sku2", 404, "p.ipxe")

    def test_a_second_put_replaces_the_text(self):
        first = self.call("PUT", "/profiles/library/p.ipxe", b"one", status=201).get_json()
        second = self.call("PUT", "/profiles/library/p.ipxe", b"two", status=201).get_json()
        self.assertEqual(first["id"], second["id"])
        self.assertNotEqual(first["hash"], second["hash"])
        self.assertEqual(self.call("GET", "/profiles/library/p.ipxe").get_data(), b"two")
        self.assertEqual(len(self.call("GET", "/profiles/metadata").get_json()), 1)


class TemplatesTest(UploadsTestCase):
    def test_round_trip(self):
        stored = self.call(
            "PUT", "/templates/library/custom.sh", SCRIPT, status=201, content_type="text/plain"
        ).get_json()
        self.assertEqual((stored["name"], stored["scope"], stored["hash"]), ("custom.sh", "global", MD5_BASE64))
        self.assertEqual(self.call("GET", "/templates/library/custom.sh").get_data(), SCRIPT)
        view = {key: stored[key] for key in ("id", "hash", "name", "scope")}
        self.assertEqual(self.call("GET", "/templates/metadata").get_json(), [view])
        self.assertEqual(self.call("GET", "/templates/metadata/custom.sh").get_json(), [view])
        self.assert_error("DELETE", "/templates/library/custom.sh?scope=sku1", 404, "custom.sh")
        response = self.call("DELETE", "/templates/library/custom.sh", status=204)
        self.assertEqual(response.get_data(), b"")
        self.assertEqual(self.call("GET", "/templates/metadata").get_json(), [])
        self.assert_error("GET", "/templates/library/custom.sh", 404, "template not found")
        self.assert_error("GET", "/templates/metadata/custom.sh", 404, "template not found")
        self.assert_error("DELETE", "/templates/library/custom.sh", 404, "template not found")

    def test_the_node_scripts_still_answer(self):
        self.call("PUT", "/templates/library/get_smart.sh", b"#!/bin/sh\n# uploaded\n", status=201)
        for prefix in ("/api/current", "/api/2.0"):
            script = self.client.get(f"{prefix}/templates/get_smart.sh")
            self.assertEqual(script.status_code, 200)
            self.assertIn("served by the rackharness reference target", script.get_data(as_text=True))
        self.assertEqual(self.client.get("/api/current/templates/metadata").get_json()[0]["name"], "get_smart.sh")


class ViewsTest(UploadsTestCase):
    def test_round_trip(self):
        text = b'{"id": "<%= id %>"}'
        stored = self.call("PUT", "/views/custom.2.0.json", text, status=201, content_type="text/plain").get_json()
        self.assertEqual((stored["name"], stored["scope"]), ("custom.2.0.json", "global"))
        view = {key: stored[key] for key in ("id", "hash", "name", "scope")}
        self.assertEqual(self.call("GET", "/views").get_json(), [view])
        self.assertEqual(self.call("GET", "/views/custom.2.0.json").get_json(), {**view, "contents": text.decode()})
        self.call("DELETE", "/views/custom.2.0.json", status=204)
        self.assertEqual(self.call("GET", "/views").get_json(), [])
        self.assert_error("GET", "/views/custom.2.0.json", 404, "Could not find custom.2.0.json")
        self.assert_error("DELETE", "/views/custom.2.0.json", 404, "Could not delete custom.2.0.json")


if __name__ == "__main__":
    unittest.main()
