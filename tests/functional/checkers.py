"""Run the independent IPMI checkers (ipmitool, FreeIPMI) against a node of a running rack."""

import shutil
import subprocess
import unittest

from rackharness.stack_info import NodeInfo


def require(binary: str) -> None:
    if shutil.which(binary) is None:
        raise unittest.SkipTest(f"{binary} is not installed (apt-get install -y ipmitool freeipmi-tools)")


def ipmitool(
    node: NodeInfo,
    *command: str,
    cipher: int | None = None,
    user: str | None = None,
    password: str | None = None,
    privilege: str | None = None,
    timeout: float = 30.0,
):
    """`ipmitool -I lanplus` as RackHD runs it (no -C unless ``cipher`` is given)."""
    argv = [
        "ipmitool",
        "-I",
        "lanplus",
        "-H",
        node.bmc.host,
        "-p",
        str(node.bmc.port),
        "-U",
        user or node.bmc.user,
        "-P",
        password if password is not None else node.bmc.password,
    ]
    if cipher is not None:
        argv += ["-C", str(cipher)]
    if privilege is not None:
        argv += ["-L", privilege]
    return subprocess.run(argv + list(command), capture_output=True, text=True, timeout=timeout)


def freeipmi(tool: str, node: NodeInfo, *args: str, timeout: float = 30.0):
    """A FreeIPMI tool over IPMI 2.0 with its own SDR cache dir per node (they share 127.0.0.1)."""
    argv = [
        tool,
        "-h",
        f"{node.bmc.host}:{node.bmc.port}",
        "-u",
        node.bmc.user,
        "-p",
        node.bmc.password,
        "-D",
        "LAN_2_0",
    ]
    return subprocess.run(argv + list(args), capture_output=True, text=True, timeout=timeout)


def fields(output: str) -> dict[str, str]:
    """``Key : value`` lines of ipmitool output as a dict (first occurrence wins)."""
    out: dict[str, str] = {}
    for line in output.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and key.strip() not in out:
            out[key.strip()] = value.strip()
    return out
