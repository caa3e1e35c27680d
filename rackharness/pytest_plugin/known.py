"""Known differences under pytest: what :mod:`rackharness.nose2.known` does, for the pytest plugin.

The same file (:mod:`rackharness.suite.known_differences`, validated before any test; a bad one ends the
run with exit status 2), the same rule: a listed test that fails or errors while the system under test
is a RackHD whose version the entry names (``entry.applies_to(target.kind, target.version)``) is an
expected failure (pytest's xfail) labelled ``entry.label(version)``; one that passes stays a pass and is
reported at the end as "no longer seen". Against the reference, or a RackHD of another or unknown
version, nothing changes: those tests must pass.
"""

from __future__ import annotations

from typing import Any

from rackharness.errors import RackHarnessError


class KnownDifferenceMarks:
    """The known differences of one run and what became of them (:attr:`seen`, :attr:`gone`)."""

    def __init__(self, path: str = "") -> None:
        from rackharness.suite.known_differences import KnownDifferences

        self.path = path
        self.known: Any = KnownDifferences()
        self.seen: list[tuple[str, str]] = []  # (test id, reason) turned into expected failures
        self.gone: list[str] = []  # listed, applying, and passed
        self.target_what = ""

    def load(self) -> None:
        """Read and validate the file (:class:`~rackharness.suite.known_differences.KnownDifferencesError`)."""
        if not self.path:
            return
        from rackharness.suite.known_differences import load

        self.known = load(self.path)

    @staticmethod
    def _target() -> Any:
        from rackharness.suite.context import identified_target

        try:
            return identified_target()
        except RackHarnessError:
            return None

    def announcement(self) -> str | None:
        """The line said before the first test: which system is under test and whether marks apply."""
        if not len(self.known):
            return None
        target = self._target()
        if target is None:
            return None
        applying = [entry for entry in self.known if entry.applies_to(target.kind, target.version)]
        if applying:
            say = f"its {len(applying)} known difference(s) ({self.path}) are expected failures"
        else:
            say = f"no known difference of {self.path} applies: every test must pass"
        return f"the system under test is {target.what()}; {say}"

    def _applying(self, test_id: str) -> tuple[Any, Any] | None:
        if not len(self.known):
            return None
        entry = self.known.get(test_id)
        if entry is None:
            return None
        target = self._target()
        if target is None or not entry.applies_to(target.kind, target.version):
            return None
        self.target_what = target.what()
        return entry, target

    def expected_failure(self, test_id: str) -> str | None:
        """For a test that failed or errored: the xfail label when it is a known difference of this target."""
        found = self._applying(test_id)
        if found is None:
            return None
        entry, target = found
        self.seen.append((entry.test, entry.reason))
        return entry.label(target.version)

    def passed(self, test_id: str) -> None:
        """A test that passed: noted when it is a known difference of this target (no longer seen)."""
        found = self._applying(test_id)
        if found is not None:
            self.gone.append(found[0].test)

    def summary(self) -> list[str]:
        """The lines said at the end (none when no mark applied)."""
        if not (self.seen or self.gone):
            return []
        lines = [
            f"rackharness: known differences of {self.target_what}: {len(self.seen)} seen (expected failures, "
            f"not counted as failed), {len(self.gone)} no longer seen"
        ]
        lines += [f"  known difference: {test_id}: {reason}" for test_id, reason in self.seen]
        lines += [
            f"  known difference no longer seen: {test_id} passes (remove it from {self.path} for this version)"
            for test_id in self.gone
        ]
        return lines
