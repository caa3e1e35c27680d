"""Why can a console not log in to a BMC? The console's side of RMCP+ session setup, as a probe.

pyghmi reports a failed login vaguely (a silent BMC and a wrong password can both surface as "no
session", and 1.6.19 often loses "Incorrect password" altogether). :func:`diagnose_login` asks the
BMC itself, step by step, and stops at the first step that fails:

1. a sessionless Get Channel Authentication Capabilities: an ICMP port unreachable means nothing
   listens there (**refused**, at once); no answer in time means **silent** (down, filtered, or the
   wrong address); an answer that is no IPMI reply means **not a BMC**;
2. an Open Session Request proposing cipher suite 3, then 17: a refusal of both is **no cipher**;
3. RAKP 1 with the user name: "unauthorized name" is **unknown user**, a role refusal **role**;
4. RAKP 2's key exchange code checked with the password: a mismatch is **wrong password**; a match
   means the credentials are right (**ok**).

The half-open session is then closed with a RAKP 3 carrying an error status, so the BMC keeps no
session slot for the probe. IPMI v2.0 rev 1.1, 13.17-13.20 and table 13-15.
"""

from __future__ import annotations

import enum
import hmac
import os
import socket
import struct
from dataclasses import dataclass

from rackharness.bmc import crypto, wire
from rackharness.bmc.probe import auth_capabilities_request, is_auth_capabilities_reply
from rackharness.bmc.rakp import RmcpStatus
from rackharness.bmc.users import MAX_PASSWORD_BYTES
from rackharness.invocation import named

ADMINISTRATOR = 0x04
NAME_ONLY_LOOKUP = 0x10
_CIPHER_REFUSALS = {
    RmcpStatus.NO_CIPHER_SUITE_MATCH,
    RmcpStatus.INVALID_AUTHENTICATION_ALGORITHM,
    RmcpStatus.INVALID_INTEGRITY_ALGORITHM,
    RmcpStatus.INVALID_CONFIDENTIALITY_ALGORITHM,
}


class Verdict(enum.Enum):
    OK = "the credentials are accepted"
    REFUSED = "refused: nothing listens on that UDP port (ICMP port unreachable)"
    SILENT = "silent: no answer at all"
    NOT_A_BMC = "something answers there, but not as a BMC"
    NO_CIPHER = "the BMC accepts neither cipher suite 3 nor 17"
    UNKNOWN_USER = "the BMC does not know the user (or the user may not log in over the LAN)"
    ROLE = "the user may not log in as Administrator"
    WRONG_PASSWORD = "wrong password"


HINTS = {
    Verdict.REFUSED: "check the BMC's address and port (`rackharness status`); is the rack up?",
    Verdict.SILENT: "check the BMC is powered and reachable (routing, firewall) and that no bmc-silent fault is set",
    Verdict.NOT_A_BMC: "the address or port belongs to another service: check the inventory or bmc.base_port",
    Verdict.NO_CIPHER: "enable cipher suite 3 or 17 on the BMC (RackHD's ipmitool uses its default, 3 or 17)",
    Verdict.UNKNOWN_USER: "check the user name (`rackharness status --show-secrets`, or the inventory)",
    Verdict.ROLE: "give the user the Administrator privilege on the BMC",
    Verdict.WRONG_PASSWORD: "check the password (`rackharness status --show-secrets`, or the inventory's secrets)",
    Verdict.OK: "the login works: the failure came after it (see the command's own error)",
}


@dataclass(frozen=True)
class Diagnosis:
    verdict: Verdict
    address: str
    detail: str = ""

    def __str__(self) -> str:
        return f"BMC {self.address}: {self.verdict.value}" + (f" ({self.detail})" if self.detail else "")

    @property
    def hint(self) -> str:
        return named(HINTS[self.verdict])


class _Probe:
    def __init__(self, host: str, port: int, timeout: float, tries: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.connect((host, port))  # connected: an ICMP port unreachable surfaces as ECONNREFUSED
        self.timeout, self.tries = timeout, tries

    def exchange(self, datagram: bytes, accept) -> bytes | None:
        """Send ``datagram`` until a reply ``accept`` takes comes back; None when none does."""
        for _ in range(self.tries):
            self.sock.send(datagram)
            self.sock.settimeout(self.timeout / self.tries)
            try:
                while True:
                    reply = self.sock.recv(4096)
                    if accept(reply):
                        return reply
            except socket.timeout:
                continue
        return None

    def ask(self, request_type: int, payload: bytes, reply_type: int) -> bytes | None:
        """Send an RMCP+ session-setup message; the reply's payload, or None when none came."""
        reply = self.exchange(wire.encode_ipmi20(request_type, payload), lambda r: _payload(r, reply_type) is not None)
        return None if reply is None else _payload(reply, reply_type)

    def close(self) -> None:
        self.sock.close()


def _payload(reply: bytes, payload_type: int) -> bytes | None:
    try:
        packet = wire.parse_datagram(reply)
    except wire.MalformedPacket:
        return None
    if isinstance(packet, wire.Ipmi20Packet) and packet.payload_type == payload_type:
        return packet.payload
    return None


def diagnose_login(
    host: str, port: int, user: str, password: str, *, timeout: float = 2.0, tries: int = 3
) -> Diagnosis:
    """Ask the BMC at ``host:port`` why ``user``/``password`` would (not) log in; never raises for the BMC."""
    address = f"{host}:{port}"
    try:
        probe = _Probe(host, port, timeout, tries)
    except OSError as exc:
        return Diagnosis(Verdict.REFUSED, address, exc.strerror or str(exc))
    try:
        return _diagnose(probe, address, user.encode("utf-8"), password)
    except ConnectionRefusedError:
        return Diagnosis(Verdict.REFUSED, address)
    except OSError as exc:
        return Diagnosis(Verdict.SILENT, address, exc.strerror or str(exc))
    finally:
        probe.close()


def _diagnose(probe: _Probe, address: str, name: bytes, password: str) -> Diagnosis:
    seq = int.from_bytes(os.urandom(1), "big") & 0x3F
    answer = probe.exchange(auth_capabilities_request(seq), lambda r: True)
    if answer is None:
        return Diagnosis(Verdict.SILENT, address, f"nothing in {probe.timeout:g} s")
    if not is_auth_capabilities_reply(answer, seq):
        return Diagnosis(Verdict.NOT_A_BMC, address, "no Get Channel Authentication Capabilities reply")
    refusals = []
    for suite in (crypto.SUITE_3, crypto.SUITE_17):
        console_sid = int.from_bytes(os.urandom(4), "little") | 1
        request = struct.pack("<BBxxI", 1, ADMINISTRATOR, console_sid) + bytes(
            (
                0,
                0,
                0,
                8,
                suite.auth_algorithm,
                0,
                0,
                0,
                1,
                0,
                0,
                8,
                suite.integrity_algorithm,
                0,
                0,
                0,
                2,
                0,
                0,
                8,
                suite.confidentiality_algorithm,
                0,
                0,
                0,
            )
        )
        opened = probe.ask(wire.PayloadType.OPEN_SESSION_REQUEST, request, wire.PayloadType.OPEN_SESSION_RESPONSE)
        if opened is None:
            return Diagnosis(Verdict.SILENT, address, "no answer to the Open Session Request")
        status = opened[1]
        if status in _CIPHER_REFUSALS:
            refusals.append(f"suite {suite.suite_id}: {RmcpStatus(status).name.lower()}")
            continue
        if status != RmcpStatus.OK or len(opened) < 12:
            return Diagnosis(Verdict.NOT_A_BMC, address, f"Open Session status 0x{status:02x}")
        return _rakp(probe, address, suite, console_sid, struct.unpack_from("<I", opened, 8)[0], name, password)
    return Diagnosis(Verdict.NO_CIPHER, address, "; ".join(refusals))


def _rakp(
    probe: _Probe, address: str, suite: crypto.CipherSuite, console_sid: int, bmc_sid: int, name: bytes, password: str
) -> Diagnosis:
    console_random = os.urandom(16)
    role = ADMINISTRATOR | NAME_ONLY_LOOKUP
    rakp1 = struct.pack("<BxxxI", 2, bmc_sid) + console_random + struct.pack("BxxB", role, len(name)) + name
    rakp2 = probe.ask(wire.PayloadType.RAKP1, rakp1, wire.PayloadType.RAKP2)
    if rakp2 is None:
        return Diagnosis(Verdict.SILENT, address, "no answer to RAKP 1")
    status = rakp2[1]
    if status == RmcpStatus.UNAUTHORIZED_NAME:
        return Diagnosis(Verdict.UNKNOWN_USER, address, f"user {name.decode('utf-8', 'replace')!r}")
    if status in (RmcpStatus.INVALID_ROLE, RmcpStatus.UNAUTHORIZED_ROLE):
        return Diagnosis(Verdict.ROLE, address)
    if status != RmcpStatus.OK or len(rakp2) < 40:
        return Diagnosis(Verdict.NOT_A_BMC, address, f"RAKP 2 status 0x{status:02x}")
    bmc_random, guid, code = rakp2[8:24], rakp2[24:40], rakp2[40:]
    kuid = password.encode("utf-8")[:MAX_PASSWORD_BYTES].ljust(MAX_PASSWORD_BYTES, b"\0")
    expected = crypto.rakp2_auth_code(suite, kuid, console_sid, bmc_sid, console_random, bmc_random, guid, role, name)
    matches = hmac.compare_digest(bytes(code), expected)
    # close the half-open session: RAKP 3 with an error status (the BMC drops it)
    abort = RmcpStatus.INVALID_INTEGRITY_CHECK_VALUE if not matches else RmcpStatus.INSUFFICIENT_RESOURCES
    probe.sock.send(wire.encode_ipmi20(wire.PayloadType.RAKP3, struct.pack("<BBxxI", 3, abort, bmc_sid)))
    if not matches:
        return Diagnosis(Verdict.WRONG_PASSWORD, address, f"user {name.decode('utf-8', 'replace')!r}")
    return Diagnosis(Verdict.OK, address, f"cipher suite {suite.suite_id}")
