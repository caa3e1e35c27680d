"""The run's tape deck: which tape is in (the session's, or the running test's), recording and replaying.

Every seam wrapper (:mod:`.seams`) hands the deck what the harness is about to do:

* :meth:`Deck.call` — a request that gets an answer (an HTTP request, a publish, a Mongo
  operation, an IPMI call). Recording, the deck runs it live and writes request and answer on the
  tape; replaying, it finds the first interaction not played yet whose request matches
  (:mod:`.matching`) and gives back the recorded answer, without touching any service.
* :meth:`Deck.delivered` — something that arrived (an AMQP message, a webhook POST), recorded in the
  order it came. Replaying, a delivery is released into its channel's :class:`Mailbox` once every call
  recorded before it has been played, so an event comes after the request that caused it.

A test's tape is chosen by :meth:`begin` and closed by :meth:`end` (the nose2 plugin calls both);
between tests the session's tape is in. A replayed tape runs on a :class:`~rackharness.clock.VirtualClock`:
waits take no wall time, and each interaction moves the clock to the offset it was recorded at.
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rackharness import clock as clock_seam
from rackharness.errors import ClientError
from rackharness.invocation import named
from rackharness.redaction import redact_values
from rackharness.tapes import matching
from rackharness.tapes.modes import RecordMode
from rackharness.tapes.tape import SESSION, Tape, file_name, load

#: request fields kept on the tape for the reader but not matched on (an HTTP request's host and headers, a BMC's address)
INFORMATIVE = frozenset({"url", "headers", "bmc"})


class TapeMiss(ClientError, AssertionError):
    """A request that is not on the tape (replay only): which test, which tape, the request, the nearest one."""


@dataclass
class Reel:
    """One tape in the deck, with what has been played of it."""

    tape: Tape
    replaying: bool
    recording: bool
    started: float = field(default_factory=time.monotonic)
    offset: float = 0.0  # the virtual clock's elapsed seconds when this reel began
    played: set[int] = field(default_factory=set)
    first_unplayed_call: int = 0
    released: set[int] = field(default_factory=set)
    existed: bool = False
    clocked: bool = False  # the virtual clock has taken this reel's offset (once: a reel keeps it when put back in)


class Mailbox:
    """Deliveries of one channel (an AMQP queue, a webhook listener) released by a replay, oldest first."""

    def __init__(self) -> None:
        self.items: collections.deque[dict[str, Any]] = collections.deque()
        self.push: Callable[[dict[str, Any]], None] | None = None

    def put(self, message: dict[str, Any]) -> None:
        if self.push is not None:
            self.push(message)
        else:
            self.items.append(message)

    def take(self) -> dict[str, Any] | None:
        return self.items.popleft() if self.items else None

    def subscribe(self, push: Callable[[dict[str, Any]], None]) -> None:
        """Hand every message to ``push`` (those waiting first)."""
        self.push = push
        while self.items:
            push(self.items.popleft())


class Deck:
    """Records and/or replays tapes in ``mode``; tapes are read from ``replay_dir`` and written to ``record_dir``."""

    def __init__(
        self,
        mode: RecordMode,
        *,
        replay_dir: Path | None,
        record_dir: Path | None,
        header: dict[str, Any] | None = None,
    ) -> None:
        self.mode = mode
        self.replay_dir, self.record_dir = replay_dir, record_dir
        self.header = dict(header or {})
        self.correspondence = matching.Correspondence()
        self.mailboxes: dict[tuple[str, str], Mailbox] = collections.defaultdict(Mailbox)
        self.saved: list[Path] = []
        #: test → how many recorded calls its replay did not make (the suite changed, or a call made only when slow)
        self.unplayed: dict[str, int] = {}
        self._lock = threading.RLock()
        self._clock: clock_seam.VirtualClock | None = None
        self._previous_clock: clock_seam.Clock | None = None
        self.session = self._open(SESSION)
        self.reel = self.session
        self._use_clock(self.session)

    def __repr__(self) -> str:
        return f"Deck({self.mode.value}, tape {self.reel.tape.test!r})"

    # -- tapes ------------------------------------------------------------------------------------
    def _tape_path(self, directory: Path | None, test_id: str) -> Path | None:
        return directory / file_name(test_id) if directory is not None else None

    def _open(self, test_id: str) -> Reel:
        source = self._tape_path(self.replay_dir, test_id)
        existing = load(source) if source is not None and source.is_file() else None
        if self.mode is RecordMode.ALL or (existing is None and self.mode is not RecordMode.NONE):
            header = {
                **self.header,
                "test": test_id,
                "mode": self.mode.value,
                "recorded_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
            }
            return Reel(Tape(header, [], self._tape_path(self.record_dir, test_id)), replaying=False, recording=True)
        if existing is None:  # none, and nothing recorded: every request misses, saying why
            return Reel(Tape({"test": test_id}, [], source), replaying=True, recording=False)
        recording = self.mode is RecordMode.NEW_EPISODES
        if recording:
            existing.path = self._tape_path(self.record_dir, test_id)
        return Reel(existing, replaying=True, recording=recording, existed=True)

    def _use_clock(self, reel: Reel) -> None:
        """A reel that only replays runs on the virtual clock; one that records, on the real one."""
        if reel.recording:
            if self._previous_clock is not None:
                clock_seam.install(self._previous_clock)
                self._previous_clock = None
            return
        if self._clock is None:
            self._clock = clock_seam.VirtualClock(_epoch(self.session.tape.header.get("recorded_at")))
        started = _epoch(reel.tape.header.get("recorded_at"), None)
        if not reel.clocked:  # the session's reel goes back in after each test: its "at"s still count from its start
            if started is not None:
                self._clock.advance_to(started - self._clock.time() + self._clock.monotonic())
            reel.offset, reel.clocked = self._clock.monotonic(), True
        previous = clock_seam.install(self._clock)
        if self._previous_clock is None:
            self._previous_clock = previous

    def begin(self, test_id: str) -> None:
        """Put the test's tape in (the nose2 plugin calls this before each test)."""
        with self._lock:
            self.reel = self._open(test_id)
            self._use_clock(self.reel)
            self._release(self.reel)

    def end(self) -> Path | None:
        """Take the test's tape out, writing it if it recorded; the session's tape is back in."""
        with self._lock:
            reel, self.reel = self.reel, self.session
            self._use_clock(self.session)
            if reel.replaying and not reel.recording:
                left = sum(1 for i in reel.tape.interactions if i.get("kind") == "call" and i["seq"] not in reel.played)
                if left:
                    self.unplayed[reel.tape.test] = left
            return self._save(reel)

    def close(self) -> Path | None:
        """At the end of the run: write the session's tape (if it recorded) and give the real clock back."""
        with self._lock:
            saved = self._save(self.session) if self.reel is self.session else None
            if self._previous_clock is not None:
                clock_seam.install(self._previous_clock)
                self._previous_clock = None
            return saved

    def report(self) -> str:
        """One line: what this run did with its tapes."""
        if self.saved:
            where = self.saved[-1].parent
            return f"record mode {self.mode.value}: wrote {len(self.saved)} tape(s) to {where}"
        line = f"record mode {self.mode.value}: replayed tapes from {self.replay_dir}"
        if self.unplayed:
            tests = sorted(self.unplayed)
            shown = ", ".join(tests[:3]) + (f" and {len(tests) - 3} more" if len(tests) > 3 else "")
            line += (
                f"; {len(tests)} tape(s) hold {sum(self.unplayed.values())} request(s) this run did not make "
                f"({shown}): if the suite changed, re-record them"
            )
        return line

    def _save(self, reel: Reel) -> Path | None:
        if not reel.recording or reel.tape.path is None:
            return None
        path = reel.tape.save()
        self.saved.append(path)
        return path

    @property
    def session_data(self) -> dict[str, Any]:
        """What the run needs to replay without a service (run id, the system under test), kept on the session's tape."""
        return self.session.tape.header.setdefault("session", {})

    @property
    def replaying_session(self) -> bool:
        """The session's tape is played back: the system under test comes from it, no service is reached."""
        return self.session.replaying and not self.session.recording

    # -- interactions -------------------------------------------------------------------------------
    def call(self, seam: str, channel: str, request: dict[str, Any], live: Callable[[], Any]) -> Any:
        """The answer to ``request`` on ``seam``/``channel``: replayed, or run live (``live()``) and recorded.

        ``live`` returns the answer as the tape keeps it (JSON); an exception it raises is recorded as
        the answer ``{"raised": ...}`` given by the seam, and raised again."""
        with self._lock:
            reel = self.reel
            if reel.replaying:
                found = self._find(reel, seam, channel, request)
                if found is not None:
                    return self._play(reel, found)
                if not reel.recording:
                    raise self._miss(reel, seam, channel, request)
            started, position = time.monotonic(), len(reel.tape.interactions)
        response = live()
        with self._lock:
            interaction = {
                "seam": seam,
                "kind": "call",
                "channel": channel,
                "request": request,
                "response": response,
                "at": round(started - self.reel.started, 3),
            }
            if self.reel is reel:  # before what arrived while it ran: a delivery it caused is released after it
                reel.tape.interactions.insert(position, interaction)
                for seq, later in enumerate(reel.tape.interactions[position:], position):
                    later["seq"] = seq
            else:
                self.reel.tape.append(interaction)
        return response

    def delivered(self, seam: str, channel: str, message: dict[str, Any]) -> None:
        """Record something that arrived (recording only; a replay releases deliveries itself)."""
        with self._lock:
            reel = self.reel
            if reel.recording:
                reel.tape.append(
                    {
                        "seam": seam,
                        "kind": "delivery",
                        "channel": channel,
                        "message": message,
                        "at": round(time.monotonic() - reel.started, 3),
                    }
                )

    def mailbox(self, seam: str, channel: str) -> Mailbox:
        return self.mailboxes[(seam, channel)]

    # -- replay -----------------------------------------------------------------------------------
    def _find(self, reel: Reel, seam: str, channel: str, request: dict[str, Any]) -> dict[str, Any] | None:
        live = _matched_part(request)
        candidates = [
            i
            for i in reel.tape.interactions
            if i.get("kind") == "call"
            and i.get("seam") == seam
            and i.get("channel") == channel
            and i["seq"] not in reel.played
        ]
        for wanted_new_pairs in (False, True):  # a request matching as it is first; then one needing new id pairs
            for candidate in candidates:
                try:
                    pairs = matching.compare(_matched_part(candidate.get("request", {})), live, self.correspondence)
                except matching.Mismatch:
                    continue
                if pairs and not wanted_new_pairs:
                    continue
                self.correspondence.pair(pairs)
                return candidate
        return None

    def _play(self, reel: Reel, interaction: dict[str, Any]) -> Any:
        reel.played.add(interaction["seq"])
        if self._clock is not None and not reel.recording:
            self._clock.advance_to(reel.offset + float(interaction.get("at", 0.0)))
        self._release(reel)
        return self.correspondence.to_live(interaction.get("response"))

    def _release(self, reel: Reel) -> None:
        """Put every delivery whose preceding calls have all been played into its mailbox."""
        interactions = reel.tape.interactions
        while reel.first_unplayed_call < len(interactions) and (
            interactions[reel.first_unplayed_call].get("kind") != "call"
            or interactions[reel.first_unplayed_call]["seq"] in reel.played
        ):
            reel.first_unplayed_call += 1
        for interaction in interactions[: reel.first_unplayed_call]:
            if interaction.get("kind") == "delivery" and interaction["seq"] not in reel.released:
                reel.released.add(interaction["seq"])
                self.mailbox(interaction["seam"], interaction["channel"]).put(
                    self.correspondence.to_live(interaction.get("message"))
                )

    def _miss(self, reel: Reel, seam: str, channel: str, request: dict[str, Any]) -> TapeMiss:
        """The error for a request not on the tape; values under secret keys are masked in what it shows."""
        tape = reel.tape.path or "(no tape)"
        shown = _one_line(redact_values(request))
        if not reel.existed and not reel.tape.interactions:
            return TapeMiss(
                f"test {reel.tape.test}: no tape at {tape}; replay cannot answer {seam} {shown}",
                hint=named(
                    "record it: RACKHARNESS_RECORD_MODE=once (or all) against a running "
                    "system, then `rackharness tapes promote`"
                ),
            )
        same_seam = [i for i in reel.tape.interactions if i.get("kind") == "call" and i.get("seam") == seam]
        unplayed = [i for i in same_seam if i["seq"] not in reel.played] or same_seam
        near = matching.nearest(unplayed, request)
        lines = [f"test {reel.tape.test}: {seam} request not on the tape {tape}", f"  request: {shown}"]
        if near is None:
            lines.append(f"  the tape has no {seam} request at all")
        else:
            state = "played already" if near["seq"] in reel.played else "not played yet"
            recorded = redact_values(near.get("request", {}))
            lines.append(f"  nearest recorded (#{near['seq']}, {state}): {_one_line(recorded)}")
            lines.append("  diff (recorded -> now):")
            lines.extend(
                "    " + line
                for line in matching.diff(_matched_part(recorded), _matched_part(redact_values(request))).splitlines()
            )
        return TapeMiss(
            "\n".join(lines),
            hint=named(
                "if the suite's requests changed on purpose, re-record: "
                "RACKHARNESS_RECORD_MODE=all, then `rackharness tapes promote`"
            ),
        )


def _matched_part(request: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in request.items() if k not in INFORMATIVE}


def _one_line(request: dict[str, Any], limit: int = 200) -> str:
    text = " ".join(
        str(v) if not isinstance(v, (dict, list)) else matching.canonical(v).replace("\n", "")
        for k, v in request.items()
        if k not in INFORMATIVE and v not in (None, [], {})
    )
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _epoch(stamp: Any, default: float | None = 0.0) -> float | None:
    if not stamp:
        return default if default is not None else None
    try:
        return dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return default
