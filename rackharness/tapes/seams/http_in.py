"""The HTTP-in seam on tape: :func:`taped_listen` gives an :class:`HttpListener` whose requests go through the deck.

Recording, the real listener serves and each request it receives is a delivery on the tape (method,
path, headers, body), on the channel of the listener's URL; opening the listener is a call (the
requested URL → the URL it got, port included, so the hooks a test creates name the same URL on
replay). Replaying, nothing listens: the deck releases each recorded request into the listener's
mailbox once the calls before it have played, and the responder gets it as if it had come in.
"""

from __future__ import annotations

from typing import Any, Callable

from rackharness.tapes.deck import Deck
from rackharness.tapes.seams.bodies import body_for_tape, body_from_tape
from rackharness.transports.http_in.base import HttpListener, IncomingRequest, Responder

SEAM = "http_in"


class ReplayedListener(HttpListener):
    """A listener that only receives what the tape holds."""

    def __init__(self, base_url: str, port: int, responder: Responder, deck: Deck) -> None:
        self._base_url, self.port, self.responder = base_url, port, responder
        self._open = True
        deck.mailbox(SEAM, base_url).subscribe(self._deliver)

    def _deliver(self, message: dict[str, Any]) -> None:
        if self._open:
            self.responder(
                IncomingRequest(
                    message["method"],
                    message["path"],
                    message.get("headers") or {},
                    body_from_tape(message.get("body")),
                )
            )

    @property
    def base_url(self) -> str:
        return self._base_url

    def close(self) -> None:
        self._open = False


def taped_listen(
    deck: Deck, url: str, responder: Responder, listen: Callable[[str, Responder], HttpListener] | None
) -> HttpListener:
    """A listener at ``url`` for ``responder``: ``listen`` (the real seam's chooser) behind the deck."""
    opened: dict[str, HttpListener] = {}

    def recording(request: IncomingRequest) -> int:
        listener = opened.get("listener")
        if listener is not None:
            deck.delivered(
                SEAM,
                listener.base_url,
                {
                    "method": request.method,
                    "path": request.path,
                    "headers": dict(request.headers),
                    "body": body_for_tape(request.body),
                },
            )
        return responder(request)

    def live() -> dict[str, Any]:
        if listen is None:
            raise OSError(f"cannot listen on {url}: no live side while replaying")
        opened["listener"] = listen(url, recording)
        return {"base_url": opened["listener"].base_url, "port": getattr(opened["listener"], "port", 0)}

    got = deck.call(SEAM, "listen", {"requested": url}, live)  # not "url": the deck does not match on that key
    if "listener" in opened:
        return opened["listener"]
    return ReplayedListener(got["base_url"], int(got.get("port") or 0), responder, deck)
