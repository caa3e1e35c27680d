"""The HTTP-out seam on tape: :class:`TapedHttpOut` is an :class:`HttpOut` whose requests go through the deck.

A request is matched on its method, path, query and JSON body (headers and the host are kept for the
reader, not matched: a replay's tokens and a lab's address may differ). No answer at all
(:class:`HttpUnreachable`) is recorded too, and replays as the same error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from rackharness.tapes.deck import Deck
from rackharness.tapes.seams.bodies import body_for_tape, body_from_tape
from rackharness.transports.http_out.base import Headers, HttpAnswer, HttpOut, HttpUnreachable, Params

SEAM = "http_out"


def _query(url: str, params: Params) -> list[list[str]]:
    pairs = [[k, v] for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)]
    items = params.items() if isinstance(params, Mapping) else (params or [])
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend([str(key), _text(v)] for v in values if v is not None)
    return pairs


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


class TapedHttpOut(HttpOut):
    """``inner`` (the real side; None when only replaying) behind the deck, as ``channel`` ("api", "auth")."""

    def __init__(
        self, deck: Deck, channel: str, base_url: str, inner: HttpOut | None = None, *, timeout: float | None = None
    ) -> None:
        self.deck, self.channel, self.inner = deck, channel, inner
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout if timeout is not None else getattr(inner, "timeout", self.timeout)

    @property
    def session(self) -> Any:
        return getattr(self.inner, "session", None)

    def request(
        self,
        method: str,
        target: str,
        *,
        params: Params = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> HttpAnswer:
        url = self.url(target)
        recorded = {
            "method": method.upper(),
            "path": urlsplit(url).path,
            "query": _query(url, params),
            "body": json,
            "url": url.split("?", 1)[0],
            "headers": dict(headers or {}),
        }

        def live() -> dict[str, Any]:
            if self.inner is None:
                raise HttpUnreachable(f"{method} {url}: no live side while replaying")
            try:
                answer = self.inner.request(method, target, params=params, json=json, headers=headers, timeout=timeout)
            except HttpUnreachable as exc:
                return {"unreachable": str(exc)}
            return {
                "status": answer.status_code,
                "headers": dict(answer.headers.items()),
                "body": body_for_tape(answer.content),
            }

        response = self.deck.call(SEAM, self.channel, recorded, live)
        if "unreachable" in response:
            raise HttpUnreachable(response["unreachable"])
        return HttpAnswer(
            int(response["status"]), body_from_tape(response.get("body")), Headers(response.get("headers") or {}), url
        )

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()
