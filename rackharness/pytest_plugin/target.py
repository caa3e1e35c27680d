"""The rack a pytest run tests, and its tapes: :mod:`rackharness.nose2.groups`' and ``tapes``' part, for pytest.

:meth:`SuiteTarget.start` calls :func:`rackharness.suite.context.configure` before the first suite
test (in isolated mode that starts the rack in this process; with a record mode it opens the tape
deck); a :class:`~rackharness.errors.RackHarnessError` (no rack, a bad config, the run lock taken) is
shut down and re-raised for the plugin to end the run with. :meth:`SuiteTarget.stop` is
:func:`~rackharness.suite.context.shutdown` after the last. :meth:`begin_tape` / :meth:`end_tape` are
what each test does around itself when the run is taped: the test's own tape, named by its id.
"""

from __future__ import annotations

from typing import Any, Callable


class SuiteTarget:
    """The system under test of one run; ``say`` gets progress lines (the isolated rack starting)."""

    def __init__(self, config_file: str | None, say: Callable[[str], None]) -> None:
        self.config_file, self.say = config_file, say
        self.configured = False  # between start() and stop()
        self.started = False  # start() succeeded once in this run
        self.saved_tapes = 0

    def start(self) -> Any:
        """Resolve (and for an isolated rack, start) the target; returns the SystemUnderTest."""
        from rackharness.errors import RackHarnessError
        from rackharness.suite.context import configure, shutdown

        try:
            target = configure(config_file=self.config_file, say=self.say)
        except RackHarnessError:
            shutdown()
            raise
        self.configured = self.started = True
        return target

    def stop(self) -> None:
        """Close the clients, write the session's tape, stop an isolated rack (only after :meth:`start`)."""
        if self.configured:
            from rackharness.suite.context import shutdown

            self.configured = False
            shutdown()

    @staticmethod
    def identified() -> Any:
        """The target, identified (kind and version); None when there is none or it cannot say."""
        from rackharness.errors import RackHarnessError
        from rackharness.suite.context import identified_target

        try:
            return identified_target()
        except RackHarnessError:
            return None

    # -- tapes ----------------------------------------------------------------------------------------
    @staticmethod
    def begin_tape(test_id: str) -> None:
        from rackharness.suite.context import current_deck

        deck = current_deck()
        if deck is not None:
            deck.begin(test_id)

    def end_tape(self) -> None:
        from rackharness.suite.context import current_deck

        deck = current_deck()
        if deck is not None and deck.reel is not deck.session:
            if deck.end() is not None:
                self.saved_tapes += 1

    @staticmethod
    def deck_report() -> str:
        """What the run did with its tapes ("" for a live run); available after :meth:`stop`."""
        from rackharness.suite.context import last_deck_report

        return last_deck_report()
