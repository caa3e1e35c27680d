"""nose2 plugin: a known difference of the RackHD under test is an expected failure, not a failure.

Enabled by ``unittest.cfg`` at the repository root::

    [unittest]
    plugins = rackharness.nose2.known
    [known-differences]
    always-on = True
    path = tests/rackhd/known_differences.yaml

(``RACKHARNESS_KNOWN_DIFFERENCES`` overrides the path.) The file is read and validated when nose2
starts; a bad file stops the run with exit status 2 before any test. A listed test that fails or
errors while the system under test is a RackHD whose version the entry names
(:meth:`~rackharness.suite.context.SuiteContext.identify`: the reference says what it is, RackHD's
version is ``suite.rackhd_version``) is turned into an expected failure labelled "known difference of
RackHD 2.60.7: <reason>"; one that passes stays a pass and the summary says "known difference no
longer seen". Against the reference target (and in isolated mode) or a RackHD of another or unknown
version nothing is changed: those tests must pass. The summary prints the known differences on a
line of their own.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from nose2 import result
from nose2.events import Plugin

from rackharness.errors import RackHarnessError

#: the key a marked outcome carries in ``event.metadata`` (PlainSummary counts it apart)
METADATA_KEY = "known_difference"


class KnownDifferencesPlugin(Plugin):
    configSection = "known-differences"
    commandLineSwitch = None

    def __init__(self) -> None:
        from rackharness.suite.known_differences import PATH_ENV, KnownDifferences

        self.path = os.environ.get(PATH_ENV) or self.config.as_str("path", "")
        self.known = KnownDifferences()
        self.seen: list[tuple[str, str]] = []  # (test id, reason) marked as expected failures
        self.gone: list[str] = []  # listed, applying, and passed
        self.target_what = ""

    def handleArgs(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if not self.path:
            return
        from rackharness.suite.known_differences import load

        try:
            self.known = load(self.path)
        except RackHarnessError as exc:
            sys.stderr.write(f"nose2: error: {exc}\n")
            sys.stderr.flush()
            raise SystemExit(exc.exit_code)

    def startTestRun(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if not len(self.known):
            return
        target = self._target()
        if target is None:
            return
        applying = [entry for entry in self.known if entry.applies_to(target.kind, target.version)]
        if applying:
            say = f"its {len(applying)} known difference(s) ({self.path}) are expected failures"
        else:
            say = f"no known difference of {self.path} applies: every test must pass"
        sys.stderr.write(f"rackharness: the system under test is {target.what()}; {say}\n")

    def _target(self):
        from rackharness.suite.context import identified_target

        try:
            return identified_target()
        except RackHarnessError:
            return None

    def setTestOutcome(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if not len(self.known):
            return
        failed = event.outcome in (result.FAIL, result.ERROR) and not event.expected
        passed = event.outcome == result.PASS and event.expected
        if not (failed or passed):
            return
        entry = self.known.get(event.test.id())
        if entry is None:
            return
        target = self._target()
        if target is None or not entry.applies_to(target.kind, target.version):
            return
        self.target_what = target.what()
        if passed:
            self.gone.append(entry.test)
            return
        label = entry.label(target.version)
        event.outcome, event.expected = result.FAIL, True
        event.reason = label
        event.longLabel = f"expected failure ({label})"
        event.metadata[METADATA_KEY] = label
        self.seen.append((entry.test, entry.reason))

    def afterSummaryReport(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if not (self.seen or self.gone):
            return
        stream = event.stream
        stream.writeln(
            f"nose2: known differences of {self.target_what}: {len(self.seen)} seen (expected failures, "
            f"not counted as failed), {len(self.gone)} no longer seen"
        )
        for test_id, reason in self.seen:
            stream.writeln(f"  known difference: {test_id}: {reason}")
        for test_id in self.gone:
            stream.writeln(
                f"  known difference no longer seen: {test_id} passes (remove it from {self.path} for this version)"
            )
