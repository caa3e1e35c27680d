"""The meeting point of a node's task runner and the jobs that want it to run commands.

RackHD does this over AMQP (on-core ``Protocol.Task``): ``GET /api/current/tasks/<nodeId>`` is a
``requestCommands`` RPC answered by whichever running job subscribed for the node, and ``POST``
publishes ``respondCommands`` to it. Here it is in memory, in the one target process:

* a job **offers** a commands document ``{identifier, tasks: [{cmd, ...}], exit?}`` for its node
  (:meth:`CommandChannel.offer`) and waits on the offer's ``wake`` event, together with its
  graph's cancel token;
* ``GET`` (:meth:`CommandChannel.request`) hands out the oldest offer not yet served — a catalog
  offer (``repeat``) again until it is answered, like RackHD's catalog jobs; a ``runOnlyOnce``
  command offer only once, later requests get an empty 200 as RackHD's ``handleRequest``
  returning nothing does — waiting up to ``wait_seconds`` for one to appear (RackHD's RPC waits
  for an answer too), and counts as the node's **fetch** (what a bootstrap job waits for);
* ``POST`` (:meth:`CommandChannel.respond`) delivers the node's results to the offer it was last
  served and not yet answered; results nobody waits for are dropped (RackHD publishes them to no
  subscriber).

Every method is thread-safe; nothing here touches Mongo or the network.
"""

from __future__ import annotations

import copy
import itertools
import threading
import time
from typing import Any

#: how long GET /tasks/{id} waits for a job to offer commands (RackHD: the requestCommands RPC)
COMMAND_WAIT_SECONDS = 1.0


class CommandOffer:
    """What one job asks one node to run; ``wake`` is set when the node answered (or, for an
    offer that needs no answer, when it was served)."""

    _ids = itertools.count(1)

    def __init__(
        self, node_id: str, task_id: str | None, document: dict[str, Any], *, repeat: bool, answer: bool
    ) -> None:
        self.serial = next(self._ids)
        self.node_id = node_id
        self.task_id = task_id
        self.document = document
        self.repeat = repeat  # served on every request until answered (RackHD's catalog jobs)
        self.needs_answer = answer  # False: done once served (Task.ProcShellReboot's exit document)
        self.served = 0
        self.reply: Any = None
        self.answered = False
        self.wake = threading.Event()

    def __repr__(self) -> str:
        return f"CommandOffer(#{self.serial} node={self.node_id} task={self.task_id} served={self.served})"


class CommandChannel:
    def __init__(self, wait_seconds: float = COMMAND_WAIT_SECONDS) -> None:
        self.wait_seconds = wait_seconds
        self._cond = threading.Condition()
        self._offers: dict[str, list[CommandOffer]] = {}
        self._last_served: dict[str, CommandOffer] = {}
        self._fetches: dict[str, int] = {}
        self._fetching: dict[str, int] = {}  # GETs of the node waiting right now
        self._fetch_watchers: dict[str, set[threading.Event]] = {}

    # -- the jobs' side -----------------------------------------------------------------------
    def offer(
        self, node_id: str, task_id: str | None, document: dict[str, Any], *, repeat: bool = False, answer: bool = True
    ) -> CommandOffer:
        offer = CommandOffer(node_id, task_id, copy.deepcopy(document), repeat=repeat, answer=answer)
        with self._cond:
            self._offers.setdefault(node_id, []).append(offer)
            self._cond.notify_all()
        return offer

    def withdraw(self, offer: CommandOffer) -> None:
        with self._cond:
            offers = self._offers.get(offer.node_id, [])
            if offer in offers:
                offers.remove(offer)
            if not offers:
                self._offers.pop(offer.node_id, None)
            if self._last_served.get(offer.node_id) is offer:
                del self._last_served[offer.node_id]
            self._cond.notify_all()

    def watch_fetch(self, node_id: str, event: threading.Event) -> None:
        """Set ``event`` at the node's next task fetch (at once if a fetch is waiting now)."""
        with self._cond:
            if self._fetching.get(node_id):
                event.set()
            self._fetch_watchers.setdefault(node_id, set()).add(event)

    def unwatch_fetch(self, node_id: str, event: threading.Event) -> None:
        with self._cond:
            watchers = self._fetch_watchers.get(node_id)
            if watchers is not None:
                watchers.discard(event)
                if not watchers:
                    del self._fetch_watchers[node_id]

    # -- the node's side ----------------------------------------------------------------------
    def request(self, node_id: str, wait: float | None = None) -> tuple[str, dict[str, Any] | None]:
        """A task fetch: ``("commands", document)``, ``("empty", None)`` when the node's offers were
        all served already (runOnlyOnce), or ``("none", None)`` when nothing was offered in time."""
        deadline = time.monotonic() + (self.wait_seconds if wait is None else wait)
        with self._cond:
            self._fetches[node_id] = self._fetches.get(node_id, 0) + 1
            self._fetching[node_id] = self._fetching.get(node_id, 0) + 1
            for watcher in self._fetch_watchers.get(node_id, ()):
                watcher.set()
            try:
                while True:
                    offer = self._servable(node_id)
                    if offer is not None:
                        offer.served += 1
                        self._last_served[node_id] = offer
                        if not offer.needs_answer:
                            offer.wake.set()
                        return "commands", copy.deepcopy(offer.document)
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return ("empty" if self._offers.get(node_id) else "none"), None
                    self._cond.wait(remaining)
            finally:
                self._fetching[node_id] -= 1
                if not self._fetching[node_id]:
                    del self._fetching[node_id]

    def _servable(self, node_id: str) -> CommandOffer | None:
        for offer in self._offers.get(node_id, ()):
            if not offer.answered and (offer.served == 0 or (offer.repeat and offer.needs_answer)):
                return offer
        return None

    def respond(self, node_id: str, reply: Any) -> CommandOffer | None:
        """Deliver the node's results to the offer it was last served; the offer, or None when no
        job waits for them."""
        with self._cond:
            offer = self._last_served.get(node_id)
            if offer is None or offer.answered or not offer.needs_answer:
                return None
            offer.reply = copy.deepcopy(reply)
            offer.answered = True
            offer.wake.set()
            self._cond.notify_all()
            return offer

    def fetches(self, node_id: str) -> int:
        """How many times the node has fetched tasks (a count for tests and diagnostics)."""
        with self._cond:
            return self._fetches.get(node_id, 0)
