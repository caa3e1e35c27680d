"""UDP endpoints for many virtual BMCs on one asyncio event loop.

Each :class:`BmcEndpoint` is one BMC: an address, a user table, a command handler and a
:class:`~.session.SessionManager`. :class:`BmcServer` binds them with
``loop.create_datagram_endpoint`` (epoll under the default selector: no FD_SETSIZE ceiling,
no threads). Handlers are called synchronously in the loop and must be quick.
"""

from __future__ import annotations

import asyncio
import logging
import random

from rackharness.bmc.message import CommandHandler
from rackharness.bmc.session import SessionManager
from rackharness.bmc.session_table import DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_SESSIONS
from rackharness.bmc.users import UserTable
from rackharness.errors import BmcError

log = logging.getLogger("rackharness.bmc")


class BmcEndpoint:
    """One virtual BMC on ``host:port`` (port 0: any free port, known after binding).

    ``silent`` drops every datagram unanswered (a dead BMC, for fault injection); it can be
    flipped at any time from the loop's thread. ``loss`` (0..1) drops that share of the datagrams
    coming in, at random but repeatably (seeded by the BMC's name): a lossy network or a busy BMC.
    """

    def __init__(
        self,
        host: str,
        port: int,
        users: UserTable,
        handler: CommandHandler,
        guid: bytes,
        name: str,
        *,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        self.host = host
        self.port = port
        self.name = name
        self.silent = False
        self.loss = 0.0
        self._dice = random.Random(name)
        self.sessions = SessionManager(
            users, handler, guid, name=name, max_sessions=max_sessions, idle_timeout=idle_timeout
        )
        self.transport: asyncio.DatagramTransport | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def __repr__(self) -> str:
        return f"BmcEndpoint({self.name!r}, {self.address}{', silent' if self.silent else ''})"


class _BmcProtocol(asyncio.DatagramProtocol):
    __slots__ = ("endpoint",)

    def __init__(self, endpoint: BmcEndpoint) -> None:
        self.endpoint = endpoint

    def datagram_received(self, data: bytes, addr) -> None:
        endpoint = self.endpoint
        if endpoint.silent or endpoint.transport is None:
            return
        if endpoint.loss and endpoint._dice.random() < endpoint.loss:
            return
        try:
            reply = endpoint.sessions.handle_datagram(data, addr)
        except Exception:  # never let one packet take the loop down
            log.exception("%s: failed on a datagram from %s", endpoint.name, addr)
            return
        if reply:
            endpoint.transport.sendto(reply, addr)

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable from a console that went away: nothing to do
        log.debug("%s: %s", self.endpoint.name, exc)


class BmcServer:
    """The virtual BMCs of one rack process, all served by the running event loop."""

    def __init__(self) -> None:
        self._endpoints: dict[str, BmcEndpoint] = {}

    def __contains__(self, name: str) -> bool:
        return name in self._endpoints

    def __len__(self) -> int:
        return len(self._endpoints)

    def get(self, name: str) -> BmcEndpoint | None:
        return self._endpoints.get(name)

    @property
    def endpoints(self) -> list[BmcEndpoint]:
        return list(self._endpoints.values())

    async def add(self, endpoint: BmcEndpoint) -> BmcEndpoint:
        """Bind ``endpoint``; raise :class:`BmcError` naming the address if that fails."""
        if endpoint.name in self._endpoints:
            raise BmcError(f"a virtual BMC named {endpoint.name!r} is already served")
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _BmcProtocol(endpoint), local_addr=(endpoint.host, endpoint.port)
            )
        except OSError as exc:
            raise BmcError(
                f"cannot bind virtual BMC {endpoint.name!r} to UDP {endpoint.address}: {exc.strerror or exc}",
                hint="another process (or another BMC of this rack) may hold the port",
            ) from exc
        endpoint.transport = transport
        endpoint.port = transport.get_extra_info("sockname")[1]
        self._endpoints[endpoint.name] = endpoint
        log.info("virtual BMC %s listening on UDP %s", endpoint.name, endpoint.address)
        return endpoint

    async def remove(self, name: str) -> None:
        """Unbind one BMC; unknown names are ignored."""
        endpoint = self._endpoints.pop(name, None)
        if endpoint is not None:
            self._close_endpoint(endpoint)

    def close(self) -> None:
        """Unbind every BMC."""
        while self._endpoints:
            _, endpoint = self._endpoints.popitem()
            self._close_endpoint(endpoint)

    @staticmethod
    def _close_endpoint(endpoint: BmcEndpoint) -> None:
        if endpoint.transport is not None:
            endpoint.transport.close()
            endpoint.transport = None
        log.info("virtual BMC %s on UDP %s closed", endpoint.name, endpoint.address)
