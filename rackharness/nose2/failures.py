"""nose2 plugin: a failure summary that fits on a screen, with the full tracebacks in a file.

At the end of a run nose2 prints every failure's whole traceback; eight errors of a suite run against a
broken rack made 716 lines. With this plugin (enabled in the root ``unittest.cfg``) each failure or error
is a few lines — the test, where it failed (the last frame in the test's own file), and the first lines
of its message — and the complete report goes to ``nose2-failures.log`` (``[failure-summary] path``;
the JUnit XML keeps them too). Skipped tests are counted by their root cause: a test skipped because a
prerequisite was skipped because another failed is counted under that failure, so one broken fixture is
one line saying how many tests it took down.
"""

from __future__ import annotations

import re
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from nose2 import result
from nose2.events import Plugin

#: lines of an exception's message shown per failure
MESSAGE_LINES = 4
#: skip causes listed (most tests first)
CAUSES_SHOWN = 8
_PREREQUISITE = re.compile(r"^prerequisite (\S+) (failed|errored|skipped|did not run)")
#: frames of the test machinery, not of the test (the last frame of the test's own code is shown)
_MACHINERY = ("/unittest/", "/proboscis/", "/nose2/", "/rackharness/suite/decorators.py", "/rackharness/suite/cases.py")


class FailureSummary(Plugin):
    configSection = "failure-summary"

    def __init__(self) -> None:
        self.path = Path(self.config.as_str("path", "nose2-failures.log"))
        self.full = False
        self.skips: dict[str, str] = {}
        self.failed: dict[str, str] = {}
        self.listed: list[Any] = []
        self.addFlag(
            self._want_full,
            None,
            "full-tracebacks",
            "print every failure's whole traceback (default: a short summary here, the full report in "
            "nose2-failures.log)",
        )

    def _want_full(self, *_value: Any) -> None:
        self.full = True

    # -- collecting ---------------------------------------------------------------------------------
    def testOutcome(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        test_id = event.test.id() if hasattr(event.test, "id") else str(event.test)
        if event.outcome == result.SKIP:
            self.skips[test_id] = str(event.reason or "no reason given")
        elif (event.outcome in (result.FAIL, result.ERROR) and not event.expected) or (
            event.outcome == result.SUBTEST and event.exc_info is not None
        ):
            self.failed[test_id] = "failed" if event.outcome == result.FAIL else "errored"

    def root_cause(self, reason: str, seen: frozenset[str] = frozenset()) -> str:
        """Follow "prerequisite X skipped" through X's own skip reason, to the test that failed."""
        match = _PREREQUISITE.match(reason)
        if not match:
            return reason
        prerequisite = match.group(1)
        if prerequisite in self.failed:
            return f"prerequisite {prerequisite} {self.failed[prerequisite]}"
        if prerequisite in self.skips and prerequisite not in seen:
            return self.root_cause(self.skips[prerequisite], seen | {prerequisite})
        return reason

    # -- reporting ----------------------------------------------------------------------------------
    def beforeErrorList(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        self.listed = [
            (flavour, e) for flavour in ("errors", "failures") for e in event.reportCategories.get(flavour, [])
        ]
        if self.full or not self.listed:
            return
        with self.path.open("w", encoding="utf-8") as log:
            for flavour, outcome in self.listed:
                log.write(f"{'=' * 70}\n{flavour[:-1].upper()}: {outcome.test.id()}\n{'-' * 70}\n")
                log.write(
                    "".join(traceback.format_exception(*outcome.exc_info))
                    if outcome.exc_info
                    else f"{outcome.reason}\n"
                )
        event.stream.writeln(
            f"\n{len(self.listed)} failed or errored, each in short below; the full tracebacks "
            f"are in {self.path} and the JUnit XML (--full-tracebacks prints them here)"
        )

    def outcomeDetail(self, event: Any) -> str | None:  # noqa: N802 - nose2 hook
        outcome = event.outcomeEvent
        if self.full or not any(outcome is listed for _flavour, listed in self.listed) or not outcome.exc_info:
            return None
        event.handled = True
        return self.short(outcome.exc_info)

    def short(self, exc_info: Any) -> str:
        """Where the test failed (its own last frame) and the first lines of the message."""
        kind, value, tb = exc_info
        frames = traceback.extract_tb(tb) if tb is not None else []
        own = [f for f in frames if not any(part in f.filename for part in _MACHINERY)] or frames
        where = f"at {own[-1].filename.rpartition('/')[2]}:{own[-1].lineno} in {own[-1].name}\n" if own else ""
        lines = str(value).strip().splitlines() or [""]
        more = f"\n... ({len(lines) - MESSAGE_LINES} more lines in {self.path})" if len(lines) > MESSAGE_LINES else ""
        return f"{where}{kind.__name__}: " + "\n".join(lines[:MESSAGE_LINES]) + more

    def beforeSummaryReport(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        if not self.skips:
            return
        causes = Counter(self.root_cause(reason) for reason in self.skips.values())
        event.stream.writeln(f"skipped {len(self.skips)} test(s), by cause:")
        for cause, count in causes.most_common(CAUSES_SHOWN):
            event.stream.writeln(f"  {count:>4}  {cause}")
        if len(causes) > CAUSES_SHOWN:
            event.stream.writeln(f"  ... and {len(causes) - CAUSES_SHOWN} other cause(s)")
