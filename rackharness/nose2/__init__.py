"""nose2 plugins shipped with rackharness (enabled from unittest.cfg / tests/harness.cfg)."""
