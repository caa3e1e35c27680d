"""RackHD's command parser (on-tasks 2.60.7 ``lib/utils/job-utils/command-parser.js``), in Python.

A catalog task's reply ``{cmd, stdout, stderr, error}`` becomes a :class:`Parsed` ``{source,
data, store, error, lookups}``; the catalog job stores ``data`` under ``source`` when ``store`` is
true, logs ``error`` results and stores nothing for them, and feeds ``lookups`` to the lookups
collection. The parser is chosen by the exact command string, or by a pattern for the per-channel
ipmitool commands:

================================================================  ==================================
command                                                           catalog source
================================================================  ==================================
``sudo dmidecode``                                                ``dmi``
``sudo ohai --directory /etc/ohai/plugins``                       ``ohai``
``sudo ipmitool lan print [N]``                                   ``bmc``, ``bmc-N``, ``rmm`` (N=3)
``sudo ipmitool user summary N``                                  ``ipmi-user-summary-N`` / ``rmm-...``
``sudo ipmitool -c user list N``                                  ``ipmi-user-list-N`` / ``rmm-...``
``sudo ipmitool sel``                                             ``ipmi-sel-information``
``sudo ipmitool sel list -c``                                     ``ipmi-sel``
``sudo ipmitool mc info``                                         ``ipmi-mc-info``
``sudo ipmitool fru``                                             ``ipmi-fru``
``sudo lspci -nn -vmm``                                           ``lspci``
``sudo lshw -json``                                               ``lshw`` (+ lookups of NIC MACs)
``sudo lsblk -o KNAME,TYPE,ROTA; echo BREAK; sudo lsscsi --size``  ``lsscsi``
``sudo /usr/sbin/lldpcli show neighbor -f keyvalue``              ``lldp``
``sudo /opt/MegaRAID/storcli/storcli64 ... J`` (perccli too)       ``megaraid-*`` / ``perccli-*`` (none
                                                                  without a controller)
``sudo bash get_smart.sh`` (downloaded)                            ``smart``
``sudo node get_driveid.js`` (downloaded)                          ``driveId`` (its JSON as printed)
================================================================  ==================================

RackHD's quirks are kept on purpose, because SKU and tag rules are written against the catalogs
RackHD makes: the dmidecode, FRU and mc info parsers keep only the text between a line's first
and second ``:`` (``"Board Mfg Date : Mon Sep 21 08:00:00 2015"`` → ``"Mon Sep 21 08"``);
``lspci`` splits ``key:value`` with JavaScript's limited ``split`` (``"Slot: 00:1f.2"`` →
``"00"``); ``ipmitool -c user list`` prints no header line, so its columns are named as
``ipmitool user list`` heads them (``ID``, ``Name``, ``Callin``, ...), one user a row, keyed by ID. A ``lan print`` whose ``IP Address`` is not ``0.0.0.0`` yields a lookup (BMC MAC → IP).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

OHAI = "sudo ohai --directory /etc/ohai/plugins"
DMI = "sudo dmidecode"
LSHW = "sudo lshw -json"
LSPCI = "sudo lspci -nn -vmm"
LSSCSI = "sudo lsblk -o KNAME,TYPE,ROTA; echo BREAK; sudo lsscsi --size"
IPMI_MC_INFO = "sudo ipmitool mc info"
IPMI_SEL_INFORMATION = "sudo ipmitool sel"
IPMI_SEL = "sudo ipmitool sel list -c"
IPMI_FRU = "sudo ipmitool fru"
LLDP = "sudo /usr/sbin/lldpcli show neighbor -f keyvalue"
SMART = "sudo bash get_smart.sh"
DRIVE_ID = "sudo node get_driveid.js"

USER_LIST = re.compile(r"^sudo ipmitool -c user list \d+$")
USER_LIST_COLUMNS = ("ID", "Name", "Callin", "Link Auth", "IPMI Msg", "Channel Priv Limit")
USER_SUMMARY = re.compile(r"^sudo ipmitool user summary \d+$")
LAN_PRINT = re.compile(r"^sudo ipmitool lan print\s?\d?\d?$")


class CatalogParseError(Exception):
    """A parse failure that fails the whole catalog task (RackHD's dmi parser rejects)."""


@dataclass
class Parsed:
    source: str
    data: Any = None
    store: bool = False
    error: str | None = None
    lookups: list[dict[str, str | None]] = field(default_factory=list)


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness: objects and arrays (even empty) are true; null, "", 0, false are not."""
    if isinstance(value, (dict, list)):
        return True
    return value not in (None, False, 0, "")


def js_parse_int(value: Any) -> int | None:
    """``parseInt(String(value))``: None for NaN."""
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    match = re.match(r"^\s*([+-]?\d+)", str(value))
    return int(match.group(1)) if match else None


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        parts = [f"{key} {error[key]}" for key in ("code", "signal") if error.get(key) is not None]
        return "command failed" + (f" ({', '.join(parts)})" if parts else "")
    return str(error)


def _failed(source: str, error: Any) -> Parsed:
    return Parsed(
        source=source,
        error=_error_text(error) if not isinstance(error, Exception) else f"{type(error).__name__}: {error}",
    )


def _stdout(task: dict[str, Any]) -> str:
    """``data.stdout``; a missing one fails like ``undefined.split`` does in RackHD."""
    stdout = task.get("stdout")
    if not isinstance(stdout, str):
        raise TypeError(f"no stdout in the reply to {task.get('cmd')!r}")
    return stdout


def _channel(cmd: str) -> str | None:
    match = re.search(r"\d+", cmd)
    return match.group(0) if match else None


def _channel_source(cmd: str, base: str, rmm: str) -> tuple[str, str | None]:
    channel = _channel(cmd)
    if channel is None:
        return base, None
    return (rmm if channel == "3" else f"{base}-{channel}"), channel


def _optional_channel_error(source: str, channel: str | None, task: dict[str, Any]) -> Parsed:
    """RackHD catalogs 15 channels: a failure on any but channel 1 just stores nothing."""
    if channel and channel != "1":
        return Parsed(source=source, data="", store=False)
    return _failed(source, task.get("error"))


def _colon_pairs(stdout: str) -> list[list[str]]:
    """Lines holding " : ", split on it, first two parts trimmed (the rest kept as printed)."""
    pairs = []
    for line in stdout.split("\n"):
        if not line or " : " not in line:
            continue
        sep = line.split(" : ")
        sep[0], sep[1] = sep[0].strip(), sep[1].strip()
        pairs.append(sep)
    return pairs


# -- the per-channel ipmitool parsers ---------------------------------------------------------


def parse_user_list(task: dict[str, Any]) -> Parsed:
    source, channel = _channel_source(task["cmd"], "ipmi-user-list", "rmm-user-list")
    if js_truthy(task.get("error")):
        return _optional_channel_error(source, channel, task)
    try:
        stdout = _stdout(task)
        if not stdout:
            return Parsed(source=source, data="", store=False)
        parsed: dict[str, dict[str, str]] = {}
        for line in stdout.split("\n"):
            if line:
                columns = line.split(",")
                parsed[columns[0]] = dict(zip(USER_LIST_COLUMNS, columns))
        return Parsed(source=source, data=parsed, store=True)
    except Exception as exc:
        return _failed(source, exc)


def parse_user_summary(task: dict[str, Any]) -> Parsed:
    source, channel = _channel_source(task["cmd"], "ipmi-user-summary", "rmm-user-summary")
    if js_truthy(task.get("error")):
        return _optional_channel_error(source, channel, task)
    try:
        stdout = _stdout(task)
        if not stdout:
            return Parsed(source=source, data="", store=False)
        return Parsed(source=source, data={pair[0]: pair[1] for pair in _colon_pairs(stdout)}, store=True)
    except Exception as exc:
        return _failed(source, exc)


def parse_lan_print(task: dict[str, Any]) -> Parsed:
    source, channel = _channel_source(task["cmd"], "bmc", "rmm")
    if js_truthy(task.get("error")):
        return _optional_channel_error(source, channel, task)
    try:
        stdout = _stdout(task)
        if not stdout:
            return Parsed(source=source, data="", store=False)
        parsed: dict[str, Any] = {}
        for line in _colon_pairs(stdout):
            if len(line) == 3:
                if line[0] == "Auth Type Enable":
                    parsed.setdefault("Auth Type Enable", {})[line[1]] = line[2]
                elif line[0] == "" and "Auth Type Enable" in parsed:
                    parsed["Auth Type Enable"][line[1]] = line[2]
                # else: RackHD skips other three-part lines
            elif line[0] == "Cipher Suite Priv Max":
                parsed.setdefault("Cipher Suite Priv Max", []).append(line[1])
            elif line[0] == "" and "Cipher Suite Priv Max" in parsed:
                parsed["Cipher Suite Priv Max"].append(line[1])
            else:
                parsed[line[0]] = line[1]
        store = parsed.get("MAC Address") != "00:00:00:00:00:00"
        result = Parsed(source=source, data=parsed, store=store)
        if parsed.get("IP Address") != "0.0.0.0":
            result.lookups = [{"ip": parsed.get("IP Address"), "mac": parsed.get("MAC Address")}]
        return result
    except Exception as exc:
        return _failed(source, exc)


# -- the parsers by exact command -------------------------------------------------------------


def parse_ohai(task: dict[str, Any]) -> Parsed:
    if js_truthy(task.get("error")):
        return _failed("ohai", task.get("error"))
    try:
        return Parsed(source="ohai", data=json.loads(_stdout(task)), store=True)
    except Exception as exc:
        return _failed("ohai", exc)


def parse_dmi(task: dict[str, Any]) -> Parsed:
    """dmidecode's text as nested objects: section name → {key: value | [items]}; repeated
    sections become arrays. A failure here fails the task, as RackHD's rejected promise does."""
    if js_truthy(task.get("error")):
        return _failed("dmi", task.get("error"))
    try:
        return Parsed(source="dmi", data=_dmi(_stdout(task)), store=True)
    except Exception as exc:
        raise CatalogParseError(f"dmi: cannot parse the output of {DMI!r}: {type(exc).__name__}: {exc}") from None


def _js_slice(items: list[str], start: int, end: int) -> list[str]:
    """``Array.prototype.slice`` with RackHD's -1 "not found" indexes."""
    length = len(items)
    start = max(length + start, 0) if start < 0 else min(start, length)
    end = max(length + end, 0) if end < 0 else min(end, length)
    return items[start:end]


def _dmi(stdout: str) -> dict[str, Any]:
    lines = stdout.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith("Handle")), -1)
    end = next((i for i in range(len(lines) - 1, -1, -1) if lines[i] == "End Of Table"), -1)
    result: dict[str, Any] = {}
    key: str | None = None
    sub_key: str | None = None

    def target() -> dict[str, Any]:
        section = result[key]
        return section[-1] if isinstance(section, list) else section

    for line in _js_slice(lines, start, end):
        if line.startswith("Handle"):
            continue
        if not line:
            key = None
        elif not key:
            key = line.strip()
            if key in result:
                result[key] = (result[key] if isinstance(result[key], list) else [result[key]]) + [{}]
            else:
                result[key] = {}
        elif line[-1] == ":":
            sub_key = line.split(":")[0].strip()
            target()[sub_key] = []
        elif line[0] not in ("s", "\t"):  # JavaScript's '\s' is just 's'
            key = line.strip()
            result[key] = {}
        else:
            split = line.split(":")
            if len(split) == 1:
                section = target()
                if not isinstance(result[key], list) and js_parse_int(section.get(sub_key)):
                    section[sub_key] = []
                values = section[sub_key]
                if not isinstance(values, list):
                    raise TypeError(f"{key} / {sub_key}: a list item follows the value {values!r}")
                values.append(split[0].strip())
            else:
                sub_key = split[0].strip()
                target()[sub_key] = split[1].strip()
    return result


def parse_lshw(task: dict[str, Any]) -> Parsed:
    """``lshw -json`` as is; the MACs (``serial``) of network devices on the PCI bus become lookups."""
    if js_truthy(task.get("error")):
        return _failed("lshw", task.get("error"))
    try:
        parsed = json.loads(_stdout(task))
        pci = next(child for child in parsed["children"][0]["children"] if str(child["id"]).startswith("pci"))
        macs: list[str] = []
        for child in pci.get("children") or []:
            if child.get("id") and str(child["id"]).startswith("network") and child.get("serial"):
                macs.append(child["serial"])
            if child.get("id") and str(child["id"]).startswith("pci"):
                macs += [
                    grand["serial"]
                    for grand in child.get("children") or []
                    if str(grand.get("class") or "").startswith("network") and grand.get("serial")
                ]
        return Parsed(source="lshw", data=parsed, store=True, lookups=[{"mac": mac} for mac in macs])
    except Exception as exc:
        return _failed("lshw", exc)


def parse_lspci(task: dict[str, Any]) -> Parsed:
    if js_truthy(task.get("error")):
        return _failed("lspci", task.get("error"))
    try:
        devices = []
        for block in _stdout(task).split("\n\n"):
            device: dict[str, str] = {}
            for pair in block.split("\n"):
                sep = re.split(r":[\t\s]?", pair)[:2]  # JavaScript's split(regex, 2)
                if len(sep) == 2:
                    device[sep[0]] = sep[1]  # a key without value is undefined: JSON drops it
            devices.append(device)
        return Parsed(source="lspci", data=devices, store=True)
    except Exception as exc:
        return _failed("lspci", exc)


def parse_lsscsi(task: dict[str, Any]) -> Parsed:
    if js_truthy(task.get("error")):
        return _failed("lsscsi", task.get("error"))
    try:
        lines = _stdout(task).strip().split("\n")
        lines.pop(0)  # lsblk's KNAME TYPE ROTA header
        in_lsblk = True
        rotational: dict[str, bool] = {}
        devices = []
        for line in lines:
            if line == "BREAK":
                in_lsblk = False
            elif in_lsblk:
                split = re.sub(r"\s+", ",", line).split(",")
                if len(split) > 1 and split[1] == "disk":
                    rotational[split[0]] = bool(js_parse_int(split[2] if len(split) > 2 else ""))
            else:
                split = [part for part in line.split(" ") if part]
                if len(split) > 7:
                    i = 1
                    while 3 + i < len(split) - 3:
                        split[3] = split[3] + " " + split[3 + i]
                        i += 1
                    split = split[:4] + split[len(split) - 3 :]
                names = (
                    "scsiInfo",
                    "peripheralType",
                    "vendorName",
                    "modelName",
                    "revisionString",
                    "devicePath",
                    "size",
                )
                device: dict[str, Any] = {name: split[i] for i, name in enumerate(names) if i < len(split)}
                name = device["devicePath"].split("/")[-1]
                if name in rotational:
                    device["rotational"] = rotational[name]
                devices.append(device)
        return Parsed(source="lsscsi", data=devices, store=True)
    except Exception as exc:
        return _failed("lsscsi", exc)


def parse_sel_information(task: dict[str, Any]) -> Parsed:
    source = "ipmi-sel-information"
    if js_truthy(task.get("error")):
        return _failed(source, task.get("error"))
    try:
        lines = _stdout(task).strip().split("\n")
        lines.pop(0)  # "SEL Information"
        parsed = {}
        for line in lines:
            split = line.split(" : ")
            if len(split) < 2:
                raise ValueError(f"no ' : ' in {line!r}")
            parsed[split[0].strip()] = split[1].strip()
        return Parsed(source=source, data=parsed, store=True)
    except Exception as exc:
        return _failed(source, exc)


def parse_sel(task: dict[str, Any]) -> Parsed:
    if js_truthy(task.get("error")):
        return _failed("ipmi-sel", task.get("error"))
    try:
        parsed = {}
        for line in _stdout(task).split("\n"):
            if line:
                split = line.split(",")
                parsed[split[0]] = split[1:]
        return Parsed(source="ipmi-sel", data=parsed, store=True)
    except Exception as exc:
        return _failed("ipmi-sel", exc)


def _first_colon_pairs(stdout: str) -> list[list[str]]:
    """Non-empty lines split on ':' keeping the first two parts, trimmed (RackHD's fru/mc info)."""
    pairs = []
    for line in stdout.split("\n"):
        if line:
            sep = line.split(":")
            pairs.append([sep[0].strip(), sep[1].strip() if len(sep) > 1 else ""])
    return pairs


def parse_fru(task: dict[str, Any]) -> Parsed:
    if js_truthy(task.get("error")):
        return _failed("ipmi-fru", task.get("error"))
    try:
        parsed: dict[str, dict[str, str]] = {}
        device: dict[str, str] | None = None
        for name, value in _first_colon_pairs(_stdout(task)):
            if name == "FRU Device Description":
                device = parsed[value] = {}
            elif device is None:
                raise ValueError(f"{name!r} comes before any 'FRU Device Description' line")
            else:
                device[name] = value
        return Parsed(source="ipmi-fru", data=parsed, store=True)
    except Exception as exc:
        return _failed("ipmi-fru", exc)


def parse_mc_info(task: dict[str, Any]) -> Parsed:
    source = "ipmi-mc-info"
    if js_truthy(task.get("error")):
        return _failed(source, task.get("error"))
    if not task.get("stdout"):
        return Parsed(source=source, error="no stdout returned from command")
    try:
        parsed: dict[str, Any] = {}
        for name, value in _first_colon_pairs(task["stdout"]):
            if name in ("Additional Device Support", "Aux Firmware Rev Info"):
                parsed[name] = []
            elif "Aux Firmware Rev Info" in parsed:
                parsed["Aux Firmware Rev Info"].append(name)
            elif "Additional Device Support" in parsed:
                parsed["Additional Device Support"].append(name)
            else:
                parsed[name] = value
        return Parsed(source=source, data=parsed, store=True)
    except Exception as exc:
        return _failed(source, exc)


def parse_lldp(task: dict[str, Any]) -> Parsed:
    if js_truthy(task.get("error")):
        return _failed("lldp", task.get("error"))
    if not task.get("stdout"):
        return Parsed(source="lldp", error="No data")
    try:
        parsed: dict[str, Any] = {}
        for line in task["stdout"].split("\n"):
            keys = line.split("=")[0].split(".")
            value = line.split("=")[1] if "=" in line else None
            if keys[0] != "lldp":
                continue
            nested = parsed
            for index, key in enumerate(keys[1:], start=1):
                if not isinstance(nested, dict):
                    raise TypeError(f"{'.'.join(keys[:index])} is both a value and a section")
                if index == len(keys) - 1:
                    if value is not None:
                        nested[key] = value
                elif nested.get(key) is None:
                    nested[key] = {}
                nested = nested.get(key)
        return Parsed(source="lldp", data=parsed, store=True)
    except Exception as exc:
        return _failed("lldp", exc)


def parse_smart(task: dict[str, Any]) -> Parsed:
    """``get_smart.sh`` prints a block a disk (``####/dev/sda sda``, smartctl's banner and sections, then
    ``###Controller Information###`` as ``key=value``): one item a disk, ``{"OS Device Name", "smartctl
    Version", "SMART": {"Identity": {...}, "Self-Assessment": {...}}, "Controller": {...}}``; a key
    printed twice in a section holds a list."""
    if js_truthy(task.get("error")):
        return _failed("smart", task.get("error"))
    if not task.get("stdout"):
        return Parsed(source="smart", error="No data")
    try:
        return Parsed(
            source="smart", data=[_smart_disk(block) for block in task["stdout"].split("####")[1:]], store=True
        )
    except Exception as exc:
        return _failed("smart", exc)


SMART_TABLES = {
    "=== START OF INFORMATION SECTION": "Identity",
    "=== START OF READ SMART DATA SECTION": "Self-Assessment",
}


def _smart_disk(block: str) -> dict[str, Any]:
    lines = block.split("\n")
    disk: dict[str, Any] = {"OS Device Name": lines[0].strip(), "smartctl Version": "", "SMART": {}, "Controller": {}}
    table: dict[str, Any] | None = None
    for line in lines[1:]:
        heading = next((name for prefix, name in SMART_TABLES.items() if line.startswith(prefix)), None)
        if line.startswith("smartctl "):
            disk["smartctl Version"] = line.split()[1]
        elif line.startswith("###Controller Information"):
            table = disk["Controller"]
        elif heading:
            table = disk["SMART"].setdefault(heading, {})
        elif table is disk["Controller"] and "=" in line:
            key, value = line.split("=", 1)
            table[key.strip()] = value.strip()
        elif table is not None and table is not disk["Controller"] and ":" in line:
            key, value = (part.strip() for part in line.split(":", 1))
            held = table.get(key)
            table[key] = value if held is None else (held if isinstance(held, list) else [held]) + [value]
    return disk


def parse_drive_id(task: dict[str, Any]) -> Parsed:
    """``get_driveid.js`` prints the drives as JSON (devName, scsiId, linuxWwid, esxiWwid, ...): stored as printed."""
    if js_truthy(task.get("error")):
        return _failed("driveId", task.get("error"))
    if not task.get("stdout"):
        return Parsed(source="driveId", error="No data")
    try:
        return Parsed(source="driveId", data=json.loads(task["stdout"]), store=True)
    except ValueError as exc:
        return _failed("driveId", exc)


RAID_TOOL = re.compile(r"^sudo /opt/MegaRAID/(storcli/storcli64|perccli/perccli64) (.*) J$")
RAID_SOURCES = {
    "show ctrlcount": "controller-count",
    "show all": "controllers",
    "/eall /sall show all": "physical-drives",
    "/vall show all": "virtual-disks",
}


def parse_raid(task: dict[str, Any]) -> Parsed:
    """storcli/perccli ``... J`` (JSON): ``megaraid-<what>`` / ``perccli-<what>`` when the tool found a
    controller; a server without one (``Controller Count`` 0, or a ``Failure`` status) stores nothing."""
    match = RAID_TOOL.match(task["cmd"])
    assert match is not None
    tool = "megaraid" if match.group(1).startswith("storcli") else "perccli"
    what = re.sub(r"^/c\d+ ", "", match.group(2))
    source = f"{tool}-{RAID_SOURCES.get(what, what)}"
    if js_truthy(task.get("error")):
        return _failed(source, task.get("error"))
    try:
        controllers = json.loads(task.get("stdout") or "{}").get("Controllers") or []
        answered = [c for c in controllers if (c.get("Command Status") or {}).get("Status") == "Success"]
        counts = [(c.get("Response Data") or {}).get("Controller Count") for c in answered]
        if not answered or counts == [0]:
            return Parsed(source=source, data="", store=False)
        return Parsed(source=source, data=controllers, store=True)
    except (ValueError, AttributeError) as exc:
        return _failed(source, exc)


PARSERS: dict[str, Callable[[dict[str, Any]], Parsed]] = {
    OHAI: parse_ohai,
    DMI: parse_dmi,
    LSHW: parse_lshw,
    LSPCI: parse_lspci,
    LSSCSI: parse_lsscsi,
    IPMI_MC_INFO: parse_mc_info,
    IPMI_SEL_INFORMATION: parse_sel_information,
    IPMI_SEL: parse_sel,
    IPMI_FRU: parse_fru,
    LLDP: parse_lldp,
    SMART: parse_smart,
    DRIVE_ID: parse_drive_id,
}
PATTERN_PARSERS: tuple[tuple[re.Pattern[str], Callable[[dict[str, Any]], Parsed]], ...] = (
    (USER_LIST, parse_user_list),
    (USER_SUMMARY, parse_user_summary),
    (LAN_PRINT, parse_lan_print),
    (RAID_TOOL, parse_raid),
)


def parse_task(task: dict[str, Any]) -> Parsed:
    """One command's reply → its catalog (an ``error`` result when no parser knows the command)."""
    cmd = task.get("cmd")
    if not isinstance(cmd, str):
        return Parsed(source=str(cmd), error="the reply names no command (cmd)")
    parser = PARSERS.get(cmd)
    if parser is None:
        parser = next((function for pattern, function in PATTERN_PARSERS if pattern.match(cmd)), None)
    if parser is None:
        return Parsed(source=cmd, error=f"No parser exists for command {cmd}")
    return parser(task)


def parse_unknown(task: dict[str, Any]) -> Parsed:
    """A command with ``catalog: {source, format}`` (RackHD's ``parseUnknownTasks``): ``json`` is
    parsed, anything else but ``xml`` is stored as ``{data: stdout}``; xml is not supported here."""
    source = str(task.get("source"))
    if js_truthy(task.get("error")):
        return _failed(source, task.get("error"))
    if not task.get("stdout"):
        return Parsed(source=source, error="No data")
    if task.get("format") == "json":
        try:
            return Parsed(source=source, data=json.loads(task["stdout"]), store=True)
        except ValueError as exc:
            return _failed(source, exc)
    if task.get("format") == "xml":
        return Parsed(source=source, error="xml catalogs are not supported by this target")
    return Parsed(source=source, data={"data": task["stdout"]}, store=True)
