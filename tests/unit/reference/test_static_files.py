"""RackHD's static file server under /common/ (httpStaticRoot): the microkernel the VMs' iPXE fetches."""

import tempfile
import unittest
from pathlib import Path

from rackharness.reference.app import create_app
from rackharness.reference.context import TargetContext
from rackharness.reference.events_memory import RecordingEventBus
from tests.support.fake_mongo import FakeDatabase


class StaticFilesTest(unittest.TestCase):
    def client(self, config):
        return create_app(TargetContext(db=FakeDatabase(), events=RecordingEventBus(), config=config)).test_client()

    def test_a_file_under_common_is_served_as_it_is_through_a_symlink(self):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "build").mkdir()
            (Path(tmp) / "build" / "vmlinuz").write_bytes(b"\x00kernel\xff")
            (Path(tmp) / "common").mkdir()
            (Path(tmp) / "common" / "vmlinuz-1.2.0-rancher").symlink_to(Path(tmp) / "build" / "vmlinuz")
            answer = self.client({"httpStaticRoot": tmp}).get("/common/vmlinuz-1.2.0-rancher")
            self.assertEqual((answer.status_code, answer.data), (200, b"\x00kernel\xff"))
            missing = self.client({"httpStaticRoot": tmp}).get("/common/initrd-1.2.0-rancher")
            self.assertEqual(missing.status_code, 404)
            self.assertIn("initrd-1.2.0-rancher not found", missing.get_json()["message"])
            outside = self.client({"httpStaticRoot": tmp}).get("/common/../build/vmlinuz")
            self.assertEqual(outside.status_code, 404)

    def test_without_a_static_root_there_is_no_common_route(self):
        answer = self.client({}).get("/common/vmlinuz")
        self.assertEqual(answer.status_code, 404)
        self.assertEqual(answer.get_json()["status"], "404")
