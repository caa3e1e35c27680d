"""The suite's side of record/replay: the deck for a run, and the clients a test gets through it.

:func:`replay_session` opens the deck for ``none``, on ``tapes.dir/<tapes.set>`` (promoted, scrubbed);
:func:`recording_session` for ``once``, ``new_episodes`` and ``all``, recording into ``tapes.record_dir/<set>``, where ``<set>`` names the
system under test (:func:`~rackharness.suite.sut.tape_set_name`), reading what is there already.
:class:`TapedClients` builds each client of :class:`~rackharness.suite.context.SuiteContext` on a
taped seam: around the real side when the mode may reach a live system, with no real side at all in
``none``, so a replay opens no socket.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from rackharness import __version__
from rackharness.config.loader import Config
from rackharness.errors import UsageError
from rackharness.invocation import named
from rackharness.project_files import resolve
from rackharness.suite.sut import SystemUnderTest, from_record, tape_set_name, to_record
from rackharness.tapes.deck import Deck
from rackharness.tapes.modes import MODE_ENV, RecordMode
from rackharness.tapes.tape import SESSION, file_name, sets_in

SUT_KEY, RUN_KEY = "system_under_test", "run_id"


def replay_session(mode: RecordMode, config: Config) -> tuple[Deck, SystemUnderTest, str]:
    """``none``: the deck on the promoted set ``tapes.set``, and the system under test and run id on its session tape."""
    tapes = resolve(config["tapes.dir"])  # the default fixtures/tapes: the bundled sets outside a checkout
    directory = tapes / config["tapes.set"]
    session = directory / file_name(SESSION)
    if not session.is_file():
        sets = sorted(p.name for p in sets_in(tapes))
        raise UsageError(
            f"{MODE_ENV}={mode.value}: no tape set {config['tapes.set']!r} at {directory} "
            f"(no {session.name}); sets there: {', '.join(sets) or 'none'}",
            hint=named(
                "record one (RACKHARNESS_RECORD_MODE=all against a running system, then "
                "`rackharness tapes promote`), or set tapes.set / RACKHARNESS_TAPES_SET"
            ),
        )
    deck = Deck(mode, replay_dir=directory, record_dir=None)
    try:
        data = deck.session_data
        if SUT_KEY not in data or RUN_KEY not in data:
            raise UsageError(
                f"{session}: the session tape does not say which system it recorded "
                f"({SUT_KEY!r} and {RUN_KEY!r} are missing)",
                hint="re-record the set",
            )
        target = from_record(data[SUT_KEY], source=f"tape set {config['tapes.set']} in {directory}")
    except BaseException:
        deck.close()  # the deck installed its virtual clock: give the real one back
        raise
    return deck, target, str(data[RUN_KEY])


def recording_session(
    mode: RecordMode, config: Config, target: SystemUnderTest, run_id: str, callback_host: str
) -> tuple[Deck, str]:
    """``once``/``new_episodes``/``all``: the deck recording ``target`` into ``tapes.record_dir/<set>``; the run id
    (a recorded session's, so names match its tapes)."""
    name = tape_set_name(target)
    directory = Path(config["tapes.record_dir"]) / name
    header = {"system": name, "target": target.what(), "version": target.version, "rackharness": __version__}
    deck = Deck(mode, replay_dir=directory, record_dir=directory, header=header)
    data = deck.session_data
    if deck.session.recording:
        data.setdefault(RUN_KEY, run_id)  # new_episodes extends a recorded session: its names keep its run id
        data[SUT_KEY] = to_record(replace(target, callback_host=callback_host))
    return deck, str(data.get(RUN_KEY, run_id))


class TapedClients:
    """Makes each client's transport on its taped seam; ``live`` says whether a real side is opened under it."""

    def __init__(self, deck: Deck) -> None:
        self.deck = deck
        self.live = deck.mode is not RecordMode.NONE

    def http(self, channel: str, base_url: str, timeout: float) -> Any:
        from rackharness.tapes.seams.http_out import TapedHttpOut
        from rackharness.transports.http_out.chooser import open_http

        inner = open_http(base_url, timeout=timeout) if self.live else None
        return TapedHttpOut(self.deck, channel, base_url, inner, timeout=timeout)

    def amqp(self, url: str, connect_timeout: float) -> Any:
        from rackharness.tapes.seams.amqp import TapedAmqpTransport
        from rackharness.transports.amqp.chooser import open_transport

        return TapedAmqpTransport(self.deck, open_transport(url, timeout=connect_timeout) if self.live else None)

    def mongo(self, url: str, database: str, timeout: float = 3.0) -> Any:
        from rackharness.tapes.seams.mongo import TapedDatabase
        from rackharness.transports.mongo.chooser import connect

        inner = connect(url, database, timeout=timeout, socket_timeout=timeout) if self.live else None
        return TapedDatabase(self.deck, database, inner)

    def ipmi(self, nodes: Any = ()) -> Any:
        """The IPMI seam on tape; calls name the node (of ``nodes``) whose BMC they reach."""
        from rackharness.clients.obm import shared_caller
        from rackharness.tapes.seams.ipmi import TapedCaller

        names = {(n.bmc.host, int(n.bmc.port)): n.name for n in nodes}
        return TapedCaller(
            self.deck,
            shared_caller() if self.live else None,
            node_of=lambda address: names.get((address.host, int(address.port))),
        )

    def listen(self, url: str, responder: Any) -> Any:
        from rackharness.tapes.seams.http_in import taped_listen
        from rackharness.transports.http_in.chooser import listen

        return taped_listen(self.deck, url, responder, listen if self.live else None)
