"""The microkernel's shell: runs the command lines RackHD's tasks send against one virtual node.

bootstrap.js hands every ``cmd`` to ``/bin/sh -c``. :class:`MicrokernelShell` understands the
shell syntax RackHD's catalog tasks use — ``;``, ``&&``, ``||``, a leading ``sudo``, ``echo``,
``true``/``false`` and the empty command the bootstrap task sends — and the programs below, each
answered from the node's hardware profile and its BMC (never from the real machine):

=====================================================  ===========================================
command (on-tasks task)                                answered by
=====================================================  ===========================================
``sudo dmidecode`` (Task.Catalog.dmi)                  :meth:`HostInventory.dmidecode`
``sudo ohai --directory /etc/ohai/plugins`` (ohai)     :meth:`HostInventory.ohai`
``sudo ipmitool ...`` (Task.Catalog.bmc, PxeBoot)      :class:`~rackharness.rack.inband_ipmi.IpmiTool`
``sudo lspci -nn -vmm``, ``sudo lshw -json``,
``sudo lsblk -o KNAME,TYPE,ROTA; echo BREAK;
sudo lsscsi --size`` (Task.Catalog.lsall)              :class:`HostInventory`
``sudo /opt/MegaRAID/storcli/storcli64 ... J``         no controller (count 0, ``/c0`` Failure)
``sudo bash get_smart.sh``, ``sudo node get_driveid.js``,
``sudo python set_interfaces.py`` (downloadUrl)        the downloaded script's output
``sudo /usr/sbin/lldpcli show neighbor -f keyvalue``   one virtual top-of-rack switch
``sudo ip -d addr show; sudo ip -d link show``         :class:`HostInventory`
=====================================================  ===========================================

Anything else exits 127 with "command not found" on stderr — also after ``sudo`` (real sudo exits
1 there; 127 keeps a command the agent does not know from hiding behind a task's
``acceptedResponseCodes: [1]``). Pipes and redirections are not emulated (127 too).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Callable

from rackharness.rack.host_inventory import HostInventory
from rackharness.rack.inband_ipmi import NOT_EMULATED, InBandIpmi, IpmiTool, Result
from rackharness.rack.node import VirtualNode

OPERATORS = (";", "&&", "||")
_SECRET_ARGUMENT = re.compile(r"(?i)(\bpassword\s+\d+\s+|-P\s+|password[=:]\s*)(\S+)")


def redact_command(command: str) -> str:
    """A command line fit for logs and status: passwords (``user set password 2 X``, ``-P X``) masked."""
    return _SECRET_ARGUMENT.sub(lambda m: m.group(1) + "***", command)


@dataclass
class Segment:
    words: list[str]
    then: str  # the operator after this segment: ";", "&&", "||" or "" at the end


def split_command(command: str) -> list[Segment] | None:
    """``a; b && c || d`` as segments; None when the line uses syntax the shell does not emulate."""
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|<>")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return None
    segments, words = [], []
    for token in tokens:
        if token in OPERATORS:
            segments.append(Segment(words, token))
            words = []
        elif set(token) <= set(";&|<>"):
            return None  # a pipe, a redirection, a background job
        else:
            words.append(token)
    segments.append(Segment(words, ""))
    return segments


class MicrokernelShell:
    """``/bin/sh -c`` for one node; ``files`` are the names downloaded (``downloadUrl``) so far."""

    def __init__(self, node: VirtualNode, handler) -> None:
        self.node = node
        self.inventory = HostInventory(node)
        self.ipmitool = IpmiTool(InBandIpmi(handler))
        self.files: set[str] = set()
        self.programs: dict[str, Callable[[list[str], bool], Result]] = {
            "true": lambda a, s: Result(0),
            ":": lambda a, s: Result(0),
            "false": lambda a, s: Result(1),
            "echo": lambda a, s: Result(0, " ".join(a) + "\n"),
            "ipmitool": lambda a, s: self.ipmitool.run(a),
            "dmidecode": self._dmidecode,
            "ohai": lambda a, s: Result(0, self.inventory.ohai()),
            "lspci": self._exact(["-nn", "-vmm"], self.inventory.lspci),
            "lshw": self._exact(["-json"], self.inventory.lshw),
            "lsblk": self._exact(["-o", "KNAME,TYPE,ROTA"], self.inventory.lsblk),
            "lsscsi": self._exact(["--size"], self.inventory.lsscsi),
            "storcli64": lambda a, s: self._raid_tool("storcli64", a),
            "perccli64": lambda a, s: self._raid_tool("perccli64", a),
            "lldpcli": self._exact(["show", "neighbor", "-f", "keyvalue"], self.inventory.lldp),
            "ip": self._ip,
            "bash": self._script,
            "sh": self._script,
            "node": self._script,
            "python": self._script,
            "python2": self._script,
            "python3": self._script,
        }

    # -- the shell -------------------------------------------------------------------------------
    def run(self, command: str) -> Result:
        segments = split_command(command)
        if segments is None:
            return Result(
                NOT_EMULATED,
                "",
                f"/bin/sh: 1: {redact_command(command)}: syntax not emulated by the "
                "rackharness boot agent (command not found)\n",
            )
        stdout, stderr, code, skip = [], [], 0, False
        for segment in segments:
            if not skip:
                result = self._simple(segment.words)
                stdout.append(result.stdout)
                stderr.append(result.stderr)
                code = result.code
            # `a && b` runs b only if a succeeded; `a || b` only if it failed; `;` always
            skip = (segment.then == "&&" and code != 0) or (segment.then == "||" and code == 0)
        return Result(code, "".join(stdout), "".join(stderr))

    def _simple(self, words: list[str]) -> Result:
        if not words:
            return Result(0)
        sudo = words[0] == "sudo"
        if sudo:
            words = words[1:]
            while words and words[0].startswith("-"):  # sudo -E, sudo -n ...
                words = words[1:]
            if not words:
                return Result(1, "", "usage: sudo -h | -K | -k | -V\n")
        program = words[0].rsplit("/", 1)[-1] if "/" in words[0] else words[0]
        handler = self.programs.get(program)
        if handler is None:
            return _not_found(words[0], sudo)
        return handler(words[1:], sudo)

    # -- programs --------------------------------------------------------------------------------
    def _exact(self, expected: list[str], produce: Callable[[], str]) -> Callable[[list[str], bool], Result]:
        def run(args: list[str], sudo: bool) -> Result:
            if args != expected:
                return _not_emulated(" ".join([produce.__name__, *args]))
            return Result(0, produce())

        return run

    def _dmidecode(self, args: list[str], sudo: bool) -> Result:
        if args:
            return _not_emulated("dmidecode " + " ".join(args))
        return Result(0, self.inventory.dmidecode())

    def _raid_tool(self, program: str, args: list[str]) -> Result:
        """storcli64 / perccli64 ``... J``: no controller; anything else (``perccli64 -v``) is not emulated,
        so Task.Catalog.perccli fails on a virtual node as it did on RackHD 2.60.7's run."""
        if not args or args[-1] != "J":
            return _not_emulated(f"{program} " + " ".join(args))
        return Result(0, self.inventory.storcli(args[:-1]))

    def _ip(self, args: list[str], sudo: bool) -> Result:
        if args == ["-d", "addr", "show"]:
            return Result(0, self.inventory.ip_addr())
        if args == ["-d", "link", "show"]:
            return Result(0, self.inventory.ip_link())
        return _not_emulated("ip " + " ".join(args))

    def _script(self, args: list[str], sudo: bool) -> Result:
        if not args:
            return _not_emulated("interactive interpreter")
        name = args[0].rsplit("/", 1)[-1]
        if name not in self.files:
            return Result(
                127 if name.endswith(".sh") else 2, "", f"{name}: No such file or directory (it was not downloaded)\n"
            )
        if name == "get_smart.sh":
            return Result(0, self.inventory.smart())
        if name == "get_driveid.js":
            return Result(0, self.inventory.driveid())
        if name == "set_interfaces.py":
            return Result(0, "")  # the PXE NIC already has its address; nothing else is configured
        return _not_emulated(f"script {name}")


def _not_found(program: str, sudo: bool) -> Result:
    if sudo:
        return Result(NOT_EMULATED, "", f"sudo: {program}: command not found\n")
    return Result(NOT_EMULATED, "", f"/bin/sh: 1: {program}: not found\n")


def _not_emulated(what: str) -> Result:
    return Result(NOT_EMULATED, "", f"{what}: not emulated by the rackharness boot agent (command not found)\n")
