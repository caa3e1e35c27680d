"""nose2 plugin: record and replay the black-box suite on tapes (docs/record-replay.md).

``nose2 --record-mode MODE`` (or ``RACKHARNESS_RECORD_MODE``): ``none`` replays the tape set
``tapes.set`` with no service running; ``once``, ``new_episodes`` and ``all`` record. Each test gets
its own tape (named by its id); what happens outside a test (the plugin's set-up and clean-up) goes on
the session's tape. Enabled by the root ``unittest.cfg``::

    [unittest]
    plugins = rackharness.nose2.tapes
    [record-replay]
    always-on = True
"""

from __future__ import annotations

import sys
from typing import Any

from nose2.events import Plugin

from rackharness.errors import UsageError


class RecordReplay(Plugin):
    configSection = "record-replay"
    commandLineSwitch = None

    def __init__(self) -> None:
        self.addArgument(
            self._set_mode,
            None,
            "record-mode",
            "record/replay the suite on tapes: none (replay only), once, new_episodes, all "
            "(default: RACKHARNESS_RECORD_MODE; unset: live)",
        )
        self.saved = 0

    def _set_mode(self, value: Any) -> None:
        from rackharness.suite import context
        from rackharness.tapes.modes import parse

        raw = value[0] if isinstance(value, list) else value
        try:
            context.request_record_mode(parse(raw, source="--record-mode") or "live")
        except UsageError as exc:
            sys.stderr.write(f"nose2: error: {exc}\n")
            raise SystemExit(exc.exit_code) from None

    @staticmethod
    def _deck() -> Any:
        from rackharness.suite.context import current_deck

        return current_deck()

    def startTest(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        deck = self._deck()
        if deck is not None:
            deck.begin(event.test.id())

    def stopTest(self, event: Any) -> None:  # noqa: N802 - nose2 hook
        deck = self._deck()
        if deck is not None and deck.reel is not deck.session:
            if deck.end() is not None:
                self.saved += 1

    def afterTestRun(self, event: Any) -> None:  # noqa: N802 - nose2 hook (after the groups plugin's shutdown)
        from rackharness.suite.context import last_deck_report

        report = last_deck_report()
        if report:
            sys.stderr.write(f"rackharness: {report}\n")
