import os
import stat
import tempfile
import unittest
from pathlib import Path

from rackharness.errors import StateFileError
from rackharness.state import RackState, StateStore


class StateStoreTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.store = StateStore(Path(self.tmp.name) / "state")

    def test_round_trip_is_private(self):
        self.assertIsNone(self.store.load())
        self.store.save(RackState(provider="local", status="up", processes={"rack": {"pid": 1}}))
        self.assertEqual(stat.S_IMODE(os.stat(self.store.path).st_mode), 0o600)
        loaded = self.store.load()
        self.assertEqual((loaded.provider, loaded.status, loaded.processes), ("local", "up", {"rack": {"pid": 1}}))
        self.assertGreater(loaded.updated_at, 0)

    def test_corrupt_file_is_a_usage_error_with_line(self):
        self.store.dir.mkdir(parents=True)
        self.store.path.write_text('{"format": "rackharness-state/1",\n  "provider": ')
        with self.assertRaises(StateFileError) as ctx:
            self.store.load()
        self.assertEqual(ctx.exception.exit_code, 2)
        self.assertIn(f"{self.store.path}:2", str(ctx.exception))
        self.assertIn("down --force", str(ctx.exception))

    def test_foreign_file_is_refused(self):
        self.store.dir.mkdir(parents=True)
        self.store.path.write_text('{"hello": 1}')
        with self.assertRaisesRegex(StateFileError, "not a rackharness state file"):
            self.store.load()
