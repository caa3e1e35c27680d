"""IPMI checks of a node's BMC with pyghmi: the independent check of what an action did.

``ObmClient`` asks a node's BMC directly (power, boot device, SDR, SEL), so a test can verify the
effect of a RackHD workflow without trusting RackHD's own report::

    obm = ObmClient.from_stack(current_stack(), "node-01", timeout=5)
    assert obm.power_status() == "off"

Every call is bounded by ``timeout`` and fails with :class:`~rackharness.errors.BmcCommandError`
naming the node, the BMC address and what to check. The bounding and pyghmi session-cache
handling come from :class:`rackharness.transports.ipmi.pyghmi_caller.BmcCaller` (one logged-in ``Command``
per BMC per process, calls on a daemon thread, a failed or overdue link dropped), which the
reference target's workflow engine uses too. All ``ObmClient`` instances share one caller, each
call with its client's timeout, because
pyghmi's cache is process-wide: a second independent ``Command()`` to the same BMC would hang.
The password is never logged, shown in ``repr`` or put in an error.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from rackharness.bmc.login_diagnosis import Diagnosis, Verdict, diagnose_login
from rackharness.errors import BmcCommandError, BmcError
from rackharness.invocation import named
from rackharness.transports.ipmi.base import BmcAddress
from rackharness.transports.ipmi.pyghmi_caller import BmcCaller

#: one process-wide set of pyghmi logins; each client passes its own timeout per call
_SHARED_CALLER = BmcCaller()


def shared_caller() -> BmcCaller:
    """The process's one :class:`BmcCaller`; anything else calling BMCs in this process (the isolated
    mode's in-process target) must use it too, since pyghmi's session cache is per process."""
    return _SHARED_CALLER


#: seconds a call may go unanswered before the BMC is asked why (a healthy BMC answers in milliseconds)
EARLY_CHECK = 0.3
DIAGNOSIS_TIMEOUT = 3.0
#: what the diagnosis finds that no waiting will change: the call fails at once
FATAL = frozenset(
    {Verdict.REFUSED, Verdict.NOT_A_BMC, Verdict.NO_CIPHER, Verdict.UNKNOWN_USER, Verdict.ROLE, Verdict.WRONG_PASSWORD}
)

_HEALTH = ((4, "failed"), (2, "critical"), (1, "warning"))  # pyghmi.constants.Health bits, worst first
_CHASSIS_CONTROL_POWER_CYCLE = 2  # IPMI Chassis Control (netfn 0, cmd 2) data byte
_GET_SYSTEM_GUID = (6, 0x37)  # App netfn, Get System GUID (IPMI 2.0 section 22.14)


def _health(bits: int) -> str:
    return next((name for bit, name in _HEALTH if bits & bit), "ok")


class ObmClient:
    """One node's BMC over IPMI (lanplus, via pyghmi); every method bounded by ``timeout`` seconds."""

    def __init__(
        self,
        node_name: str,
        host: str,
        port: int,
        user: str,
        password: str,
        *,
        timeout: float = 10.0,
        caller: Any = None,
    ) -> None:
        """``caller``: the IPMI seam to call through (default: the process's :func:`shared_caller`); one with a
        ``diagnosis(address, live)`` method (a recorder) also gets the login diagnoses."""
        self.node, self.timeout = node_name, timeout
        self._address = BmcAddress(host, int(port), user, password)
        self._caller = caller or _SHARED_CALLER

    @classmethod
    def for_node(cls, node: Any, *, timeout: float = 10.0, caller: Any = None) -> "ObmClient":
        """From a :class:`rackharness.stack_info.NodeInfo`."""
        bmc = node.bmc
        return cls(node.name, bmc.host, bmc.port, bmc.user, bmc.password, timeout=timeout, caller=caller)

    @classmethod
    def from_stack(cls, stack: Any, node_name: str, *, timeout: float = 10.0) -> "ObmClient":
        """From a :class:`rackharness.stack_info.StackInfo` and a node name such as ``node-01``."""
        for node in stack.nodes:
            if node.name == node_name:
                return cls.for_node(node, timeout=timeout)
        names = ", ".join(n.name for n in stack.nodes) or "none"
        raise BmcCommandError(
            node_name,
            "?",
            "lookup",
            f"no such node in the stack (nodes: {names})",
            hint=named("use a node name from `./stack.sh status`"),
        )

    @property
    def address(self) -> str:
        return f"{self._address.host}:{self._address.port}"

    def __repr__(self) -> str:
        return f"<ObmClient {self.node} BMC {self.address} user={self._address.user!r}>"

    # -- the one place calls go through --------------------------------------------------------
    def _call(self, command: str, fn):
        """``fn`` on the BMC's session. A call still unanswered after EARLY_CHECK seconds, or one that
        failed, is explained by asking the BMC itself (:func:`diagnose_login`): a port nothing listens
        on fails at once instead of at the timeout, and a refused login says whether the user or the
        password is wrong."""
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["value"] = self._caller.call(self._address, command, fn, timeout=self.timeout)
            except BmcError as exc:
                outcome["error"] = exc
            except BaseException as exc:  # noqa: BLE001 - anything else goes to the caller as it is
                outcome["raised"] = exc

        began = time.monotonic()
        worker = threading.Thread(target=work, daemon=True, name=f"rackharness-obm-{self.address}")
        worker.start()
        worker.join(min(EARLY_CHECK, self.timeout))
        early = None
        if worker.is_alive():  # slow: a silent BMC, a refused port, or just a slow BMC
            early = self._diagnose(self.timeout - (time.monotonic() - began))
            if early.verdict in FATAL:
                raise self._error(command, early)
            worker.join()
        if "raised" in outcome:
            raise outcome["raised"]
        if "error" in outcome:
            raise self._error(
                command, early or self._diagnose(DIAGNOSIS_TIMEOUT), detail=str(outcome["error"])
            ) from outcome["error"]
        return outcome["value"]

    def _diagnose(self, within: float) -> Diagnosis:
        a = self._address
        timeout = max(0.2, min(DIAGNOSIS_TIMEOUT, within))
        recorder = getattr(self._caller, "diagnosis", None)
        if recorder is None:
            return diagnose_login(a.host, a.port, a.user, a.password, timeout=timeout)

        def live() -> dict[str, Any]:
            found = diagnose_login(a.host, a.port, a.user, a.password, timeout=timeout)
            return {"verdict": found.verdict.value, "address": found.address, "detail": found.detail}

        kept = recorder(a, live)
        return Diagnosis(Verdict(kept["verdict"]), kept["address"], kept.get("detail") or "")

    def _error(self, command: str, diagnosis: Diagnosis, *, detail: str = "") -> BmcCommandError:
        """The failure as the BMC explains it; when the login works, the command's own error."""
        if diagnosis.verdict is Verdict.OK:
            marker = f"{command} failed: "
            reason = detail.split(marker, 1)[1] if marker in detail else detail
            if "did not complete" in detail:
                reason = f"no answer within {self.timeout:g} s after a working login"
            reason = reason.replace(self._address.password, "***") if self._address.password else reason
            return BmcCommandError(
                self.node,
                self.address,
                command,
                reason,
                hint="run the same command with ipmitool to compare (`ipmitool -I lanplus ...`)",
            )
        what = f"{diagnosis.verdict.value}" + (f" ({diagnosis.detail})" if diagnosis.detail else "")
        return BmcCommandError(self.node, self.address, command, what, hint=diagnosis.hint)

    # -- identity ------------------------------------------------------------------------------
    def device_id(self) -> dict[str, Any]:
        """Get Device ID (App netfn 6, cmd 1): ``{"device_id", "firmware", "ipmi_version", "manufacturer_id", "product_id"}``."""

        def read(c):
            response = c.raw_command(netfn=6, command=1)
            if "error" in response:
                raise RuntimeError(response["error"])
            return bytes(response["data"])

        data = self._call("get device id", read)
        if len(data) < 11:
            raise BmcCommandError(self.node, self.address, "get device id", f"answered {len(data)} bytes, not 11+")
        return {
            "device_id": data[0],
            "firmware": f"{data[2] & 0x7F}.{data[3]:02x}",
            "ipmi_version": f"{data[4] & 0xF}.{data[4] >> 4}",
            "manufacturer_id": int.from_bytes(data[6:9], "little"),
            "product_id": int.from_bytes(data[9:11], "little"),
        }

    # -- power ---------------------------------------------------------------------------------
    def power_status(self) -> str:
        """``"on"`` or ``"off"``."""
        return self._call("power status", lambda c: c.get_power()["powerstate"])

    def power_on(self) -> None:
        self._call("power on", lambda c: c.set_power("on", wait=False))

    def power_off(self) -> None:
        self._call("power off", lambda c: c.set_power("off", wait=False))

    def power_reset(self) -> None:
        self._call("power reset", lambda c: c.set_power("reset", wait=False))

    def power_cycle(self) -> None:
        """Chassis Control power cycle (what ``ipmitool chassis power cycle`` sends)."""

        def cycle(c):
            response = c.raw_command(netfn=0, command=2, data=[_CHASSIS_CONTROL_POWER_CYCLE])
            if "error" in response:
                raise RuntimeError(response["error"])

        self._call("power cycle", cycle)

    # -- boot device ---------------------------------------------------------------------------
    def boot_device(self) -> dict[str, Any]:
        """``{"device": "network"|"hd"|"default"|..., "persistent": bool, "uefi": bool}`` (pyghmi names)."""
        raw = self._call("get boot device", lambda c: c.get_bootdev())
        return {
            "device": raw.get("bootdev"),
            "persistent": bool(raw.get("persistent")),
            "uefi": bool(raw.get("uefimode")),
        }

    def set_boot_device(self, device: str, *, persistent: bool = False, uefi: bool = False) -> None:
        """``device`` in pyghmi's names: ``network``/``pxe``, ``hd``/``disk``, ``cd``, ``bios``, ``default``."""
        self._call(f"set boot device {device}", lambda c: c.set_bootdev(device, persist=persistent, uefiboot=uefi))

    # -- sensors and event log -----------------------------------------------------------------
    def sensors(self) -> list[dict[str, Any]]:
        """SDR readings: ``[{"name", "value", "units", "health", "states"}]``."""
        readings = self._call("read sensors", lambda c: list(c.get_sensor_data()))
        return [
            {"name": r.name, "value": r.value, "units": r.units, "health": _health(r.health), "states": list(r.states)}
            for r in readings
        ]

    def sel(self) -> list[dict[str, Any]]:
        """System event log entries as pyghmi decodes them (dicts)."""
        return self._call("read SEL", lambda c: list(c.get_event_log()))

    # -- identity: FRU, LAN configuration, system GUID -------------------------------------------
    def fru(self) -> dict[str, Any]:
        """FRU 0 and the Get Device ID data, as pyghmi decodes them (``"Serial Number"``, ``"Board serial
        number"``, ``"Chassis serial number"``, ``"Manufacturer"``, ``"Product name"``, ``"Manufacturer ID"``,
        ``"firmware_version"``, ...). pyghmi's ``"UUID"`` key reorders the GUID's bytes: use :meth:`system_guid`."""
        return dict(self._call("read FRU", lambda c: c.get_inventory_of_component("System")) or {})

    def lan(self, channel: int | None = None) -> dict[str, Any]:
        """LAN configuration (``ipv4_address`` "a.b.c.d/prefix", ``mac_address``, ``ipv4_configuration``, ...)."""
        return dict(self._call("read LAN configuration", lambda c: c.get_net_configuration(channel=channel)))

    def system_guid(self) -> str:
        """Get System GUID, decoded as IPMI 2.0 orders it (least significant byte first): lower-case UUID text."""

        def read(c):
            response = c.raw_command(netfn=_GET_SYSTEM_GUID[0], command=_GET_SYSTEM_GUID[1])
            if "error" in response:
                raise RuntimeError(response["error"])
            return bytes(response["data"])

        data = self._call("get system GUID", read)
        if len(data) != 16:
            raise BmcCommandError(self.node, self.address, "get system GUID", f"answered {len(data)} bytes, not 16")
        return str(uuid.UUID(bytes=data[::-1]))
