"""Checks the black-box suite's groups share: equality that shows what was seen, RackHD's error body,
a BMC reaching a power state, and RackHD having no graph running."""

from __future__ import annotations

from typing import Any

from rackharness.api_paths import API_ROOT
from rackharness.clients.rest import graph_status
from rackharness.suite.decorators import asserts
from rackharness.wait import Condition, Observation

#: seconds a BMC may take to report a power state (a power-on delay, an ACPI shutdown)
POWER_TIMEOUT = 30.0


def assert_same(actual: Any, expected: Any, what: str) -> None:
    """``asserts.assert_equal`` with a message that shows what was seen and what was expected."""
    asserts.assert_equal(actual, expected, f"{what}: got {actual!r:.400}, expected {expected!r:.400}")


def assert_error(response: Any, status: int, what: str) -> None:
    """``response`` has ``status`` and RackHD's error body ``{message, status, UUID, errors?}``."""
    asserts.assert_equal(
        response.status_code,
        status,
        f"{what} answered {response.status_code}, expected {status}: {response.text[:300]}",
    )
    try:
        body = response.json()
    except ValueError:
        body = None
    asserts.assert_true(
        isinstance(body, dict) and "message" in body,
        f"{what}: error body should be {{message, status, ...}}, got {response.text[:300]!r}",
    )


def ipmi_obm_config(bmc: Any, user: str | None = None) -> dict[str, Any]:
    """An ipmi-obm-service config for a rack BMC; ``port`` only when it is not IPMI's 623.

    RackHD's schema has no ``port`` (and RackHD always uses 623); the reference target honours it.
    """
    config = {"host": bmc.host, "user": user or bmc.user, "password": bmc.password}
    if bmc.port and int(bmc.port) != 623:
        config["port"] = int(bmc.port)
    return config


def wait_for_power(obm: Any, node_name: str, state: str, timeout: float = POWER_TIMEOUT) -> None:
    """Wait until the BMC itself (``obm``, an ObmClient) reports ``state``; fails saying what it reported."""

    def probe() -> Observation:
        seen = obm.power_status()
        return Observation(seen == state, f"{node_name} BMC {obm.address} reports power {seen}")

    Condition(
        timeout=timeout, interval=0.05, transient=(), probe=probe, what=f"{node_name}'s BMC to report power {state}"
    ).wait()


#: the states of a graph that has not ended (RackHD's ``_status`` / view ``status``)
ACTIVE_STATES = ("pending", "running")


def wait_until_idle(
    api: Any, *, timeout: float, why: str, graph: str | None = None, node_id: str | None = None, interval: float = 0.25
) -> None:
    """Return once no graph is active: every graph (``graph``: of that injectableName only; ``node_id``:
    on that node only). A node's active graph refuses the next workflow started on it, so a test waits
    for what an API call started (``why``) before the next. Fails saying which graphs were still active.
    """
    path = f"{API_ROOT}/nodes/{node_id}/workflows" if node_id else f"{API_ROOT}/workflows"
    kind = f"{graph} " if graph else ""

    def probe() -> Observation:
        listed = api.get(path, params={"active": "true"})
        # the active filter is RackHD's; a graph's own state says the same, and is checked too
        active = [
            g.get("instanceId") or g.get("injectableName")
            for g in listed
            if (graph is None or g.get("injectableName") == graph) and graph_status(g) in ACTIVE_STATES
        ]
        return Observation(not active, f"{len(active)} active {kind}graph(s): {active[:5]}")

    where = f" on node {node_id}" if node_id else ""
    Condition(
        probe=probe, what=f"the {kind}graphs{where} {why} to finish", timeout=timeout, interval=interval, transient=()
    ).wait()
