"""Tests of the taped seams (rackharness.tapes.seams): each recorded around a fake live side, then replayed
with no live side at all. :class:`SeamTestCase` gives a recording deck and a replaying deck on one temp dir."""

from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

from rackharness import clock
from rackharness.tapes.deck import Deck
from rackharness.tapes.modes import RecordMode
from rackharness.tapes.tape import file_name, load

TEST_ID = "tests.rackhd.test_seams.Seams.test_one"


class SeamTestCase(unittest.TestCase):
    """A temp tape dir; :meth:`record` then :meth:`replay` one test's tape in it."""

    def setUp(self):
        self.assertIs(clock.current(), clock.REAL)
        temp = tempfile.TemporaryDirectory()
        self.addCleanup(temp.cleanup)
        self.tapes = Path(temp.name)
        self.addCleanup(self._real_clock_back)

    def _real_clock_back(self):
        leaked = clock.current()
        clock.install(clock.REAL)
        self.assertIs(leaked, clock.REAL, "a deck left its virtual clock installed")

    def record(self) -> Deck:
        """A deck recording (mode all) with the test's tape in; :meth:`stop` writes it."""
        deck = Deck(RecordMode.ALL, replay_dir=self.tapes, record_dir=self.tapes, header={"system": "reference"})
        self.addCleanup(deck.close)
        deck.begin(TEST_ID)
        return deck

    def stop(self, deck: Deck) -> None:
        self.assertEqual(deck.end(), self.tapes / file_name(TEST_ID))
        deck.close()
        self.assertIs(clock.current(), clock.REAL)

    def replay(self) -> Deck:
        """A deck replaying (mode none) the recorded tape: it runs on the virtual clock until closed."""
        deck = Deck(RecordMode.NONE, replay_dir=self.tapes, record_dir=None)
        self.addCleanup(deck.close)
        deck.begin(TEST_ID)
        self.assertIsInstance(clock.current(), clock.VirtualClock)
        return deck

    def tape_text(self) -> str:
        return (self.tapes / file_name(TEST_ID)).read_text(encoding="utf-8")

    def interactions(self) -> list[dict]:
        return load(self.tapes / file_name(TEST_ID)).interactions
