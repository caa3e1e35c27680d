"""The IPMI seam on tape: :class:`TapedCaller` is an ``IpmiCaller`` whose BMC calls go through the deck.

``call(address, what, fn)`` runs ``fn`` on a BMC session. Recording, the session ``fn`` gets is the
real pyghmi one wrapped in a :class:`~rackharness.tapes.proxy.RecordingProxy`: every method ``fn``
calls on it (``get_power``, ``raw_command``, ``get_sensor_data`` ...) is kept with its arguments and
result, in order. The deck's call is matched on the node (its name; else the BMC's host and port), the user (never the
password) and ``what``; replaying, ``fn`` runs again on a :class:`~rackharness.tapes.proxy.ReplayProxy` that answers
those methods from the tape, so whatever ``fn`` computes comes out the same, with no BMC.
The login diagnosis a slow or failed call asks for (:meth:`TapedCaller.diagnosis`) is on the tape too.
"""

from __future__ import annotations

from typing import Any, Callable

from rackharness.errors import BmcError
from rackharness.tapes.deck import Deck
from rackharness.tapes.proxy import CallLog, RecordingProxy, ReplayProxy
from rackharness.transports.ipmi.base import BmcAddress

SEAM = "ipmi"


class TapedCaller:
    """``inner`` (the real :class:`IpmiCaller`; None when only replaying) behind the deck."""

    def __init__(
        self, deck: Deck, inner: Any = None, *, node_of: Callable[[BmcAddress], str | None] | None = None
    ) -> None:
        """``node_of``: the name of the node whose BMC is at an address (matched on, where the address may
        change from run to run: a rack's BMC ports); without it, the address is matched on."""
        self.deck, self.inner, self.node_of = deck, inner, node_of

    def _request(self, address: BmcAddress, what: str) -> dict[str, Any]:
        node = self.node_of(address) if self.node_of else None
        where = {"node": node} if node else {"at": f"{address.host}:{address.port}"}
        return {**where, "bmc": f"{address.host}:{address.port}", "user": address.user, "what": what}

    def call(self, address: BmcAddress, what: str, fn: Callable[[Any], Any], *, timeout: float | None = None) -> Any:
        outcome: dict[str, Any] = {}

        def live() -> dict[str, Any]:
            if self.inner is None:
                raise BmcError(f"{address}: {what}: no live BMC while replaying")
            log = CallLog()
            try:
                outcome["value"] = self.inner.call(
                    address, what, lambda session: fn(RecordingProxy(session, log, "ipmi")), timeout=timeout
                )
            except BmcError as exc:
                return {"calls": log.entries, "raised": str(exc)}
            return {"calls": log.entries}

        response = self.deck.call(SEAM, "bmc", self._request(address, what), live)
        if "value" in outcome:  # this call ran live: its own result
            return outcome["value"]
        if "raised" in response:
            raise BmcError(response["raised"])
        session = ReplayProxy(CallLog(list(response.get("calls") or [])), "ipmi")
        try:
            return fn(session)
        except AssertionError as exc:  # the tape's calls do not fit what fn asks now
            raise BmcError(f"{address}: {what}: replay does not match the tape: {exc}") from exc

    def diagnosis(self, address: BmcAddress, live: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The login diagnosis of ``address`` as ``live()`` gives it (a dict), recorded or replayed."""
        return self.deck.call(SEAM, "diagnosis", self._request(address, "diagnose login"), live)

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()
