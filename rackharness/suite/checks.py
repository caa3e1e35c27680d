"""Checks the black-box suite's groups share: equality that shows what was seen, RackHD's error body,
and a BMC reaching a power state."""
from __future__ import annotations

from typing import Any

from rackharness.suite.decorators import asserts
from rackharness.wait import Condition, Observation

#: seconds a BMC may take to report a power state (a power-on delay, an ACPI shutdown)
POWER_TIMEOUT = 30.0


def assert_same(actual: Any, expected: Any, what: str) -> None:
    """``asserts.assert_equal`` with a message that shows what was seen and what was expected."""
    asserts.assert_equal(actual, expected, f"{what}: got {actual!r:.400}, expected {expected!r:.400}")


def assert_error(response: Any, status: int, what: str) -> None:
    """``response`` has ``status`` and RackHD's error body ``{message, status, UUID, errors?}``."""
    asserts.assert_equal(response.status_code, status,
                         f"{what} answered {response.status_code}, expected {status}: {response.text[:300]}")
    try:
        body = response.json()
    except ValueError:
        body = None
    asserts.assert_true(isinstance(body, dict) and "message" in body,
                        f"{what}: error body should be {{message, status, ...}}, got {response.text[:300]!r}")


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

    Condition(timeout=timeout, interval=0.05, transient=(), probe=probe,
              what=f"{node_name}'s BMC to report power {state}").wait()
