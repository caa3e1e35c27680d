"""``rackharness inventory check``: reach every BMC and endpoint an inventory names; a table and hints.

Every probe is bounded by ``timeout`` seconds. BMCs go through :class:`~rackharness.clients.obm.ObmClient`
(the process's one shared :class:`~rackharness.transports.ipmi.pyghmi_caller.BmcCaller`): Get Device ID, then
the power status. The API, AMQP and Mongo are first reached over TCP (which tells a refused
connection from a timeout or an unknown host), then spoken to (HTTP GET, AMQP open, Mongo ping).
No password is ever printed: every detail is scrubbed of the inventory's secrets.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from rackharness.clients.obm import ObmClient
from rackharness.errors import BmcCommandError, RackHarnessError
from rackharness.inventory.loader import Inventory, InventoryNode
from rackharness.redaction import MASK, redact_url

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass
class Result:
    what: str  # "bmc node-01", "api", "amqp", "mongo"
    address: str
    ok: bool
    detail: str
    hint: str = ""


def _tcp_failure(host: str, port: int, exc: BaseException, timeout: float) -> tuple[str, str]:
    tunnel = (
        " — if it is the local end of an SSH tunnel, the tunnel is down (restart it)" if host in LOCAL_HOSTS else ""
    )
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused", f"nothing listens on {host}:{port}: is the service up?{tunnel}"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return (
            f"timeout ({timeout:g} s)",
            f"{host}:{port} did not answer: a firewall, a VPN or tunnel that is down, or a wrong address",
        )
    if isinstance(exc, socket.gaierror):
        return "unknown host", f"{host!r} does not resolve: check the name (or the lab's DNS / VPN)"
    return f"{type(exc).__name__}: {exc}", f"check that {host}:{port} is reachable from here"


def _endpoint(what: str, url: str, default_port: int, speak, timeout: float) -> Result:
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or default_port
    shown = redact_url(url) or url
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        detail, hint = _tcp_failure(host, port, exc, timeout)
        return Result(what, shown, False, detail, hint)
    try:
        detail = speak(url, timeout)
    except RackHarnessError as exc:
        return Result(what, shown, False, exc.message, exc.hint or "")
    except Exception as exc:  # a library error: one line, never a traceback
        return Result(what, shown, False, f"{type(exc).__name__}: {exc}", f"{what} answers TCP but not as expected")
    return Result(what, shown, True, detail)


def _http(url: str, timeout: float) -> str:
    import requests

    response = requests.get(url + "/api/2.0/nodes", timeout=timeout)
    if response.status_code >= 500:
        raise RackHarnessError(
            f"GET /api/2.0/nodes answered {response.status_code}",
            hint="the API is up but failing: see RackHD's on-http log",
        )
    return f"HTTP {response.status_code}"


def _amqp(url: str, timeout: float) -> str:
    from rackharness.transports.amqp.chooser import open_transport

    open_transport(url, timeout=timeout).close()
    return "connected"


def _mongo(url: str, timeout: float) -> str:
    from rackharness.transports.mongo.chooser import connect

    db = connect(url, "admin", timeout=timeout, ping=True)
    db.client.close()
    return "ping ok"


def check_bmc(node: InventoryNode, timeout: float) -> Result:
    address = f"{node.bmc_host}:{node.bmc_port}"
    obm = ObmClient(node.name, node.bmc_host, node.bmc_port, node.bmc_user, node.bmc_password, timeout=timeout)
    try:
        ident = obm.device_id()
        power = obm.power_status()
    except BmcCommandError as exc:  # the reason is the BMC's own diagnosis: refused, silent, wrong password ...
        local = " (or the SSH/UDP tunnel is down)" if node.bmc_host in LOCAL_HOSTS and "silent" in exc.reason else ""
        hint = exc.hint or ""
        if exc.reason.startswith(("wrong password", "the BMC does not know the user")):
            hint = f"check the password of node {node.name!r} (its ${{VAR}} or the secrets file) and the user"
        return Result(f"bmc {node.name}", address, False, exc.reason + local, hint)
    detail = (
        f"device id {ident['device_id']}, fw {ident['firmware']}, mfr {ident['manufacturer_id']}, "
        f"power {power}" + ("" if node.power_control else ", power_control false")
    )
    return Result(f"bmc {node.name}", address, True, detail)


def _import_probe_libraries() -> None:
    """Import what the probes use before they run in threads: two threads importing the same package at
    once can see it half-initialised (seen in CI: ``ModuleNotFoundError: No module named 'certifi'`` from
    requests while the other probes imported theirs)."""
    import requests  # noqa: F401

    from rackharness.transports.amqp import chooser as _amqp_chooser  # noqa: F401
    from rackharness.transports.mongo import chooser as _mongo_chooser  # noqa: F401


def run_checks(inventory: Inventory, timeout: float = 5.0) -> list[Result]:
    """Every probe, in parallel (each bounded by ``timeout``), in a stable order."""
    _import_probe_libraries()
    jobs = [
        lambda: _endpoint("api", inventory.api_url, 80, _http, timeout),
        lambda: _endpoint("amqp", inventory.amqp_url, 5672, _amqp, timeout),
        lambda: _endpoint("mongo", inventory.mongo_url, 27017, _mongo, timeout),
    ]
    jobs += [(lambda n=n: check_bmc(n, timeout)) for n in inventory.nodes]
    with ThreadPoolExecutor(max_workers=min(16, len(jobs))) as pool:
        results = list(pool.map(lambda job: job(), jobs))
    return [_scrub(r, inventory.secrets()) for r in results]


def _scrub(result: Result, secrets: list[str]) -> Result:
    for secret in secrets:
        if secret:
            result.detail = result.detail.replace(secret, MASK)
            result.hint = result.hint.replace(secret, MASK)
            result.address = result.address.replace(secret, MASK)
    return result


def table(results: list[Result]) -> str:
    rows = [("CHECK", "ADDRESS", "RESULT", "DETAIL")]
    rows += [(r.what, r.address, "ok" if r.ok else "FAIL", r.detail) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip() for row in rows]
    for r in results:
        if not r.ok and r.hint:
            lines.append(f"Hint ({r.what}): {r.hint}")
    return "\n".join(lines)
