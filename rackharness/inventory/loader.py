"""Read and validate an inventory YAML; resolve its secrets. Every error says ``file:line: field: what``.

Passwords never live in the inventory: a BMC password is ``${ENV_VAR}`` (looked up in the
environment, then in the secrets file) or omitted, and then taken from the secrets file's
``bmc_passwords: {node-name: password}``. The secrets file is ``secrets_file:`` (relative to the
inventory) or ``<inventory stem>.secrets.yaml`` next to it; ``physical/*.secrets.yaml`` is git-ignored.
``${VAR}`` also works in the endpoint URLs (e.g. an AMQP password).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rackharness.config.yaml_file import compose_file
from rackharness.errors import ConfigError

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MAC = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")
TOP_KEYS = {"lab": True, "rackhd": True, "nodes": True, "secrets_file": False}
RACKHD_KEYS = {"api_url": True, "amqp_url": True, "mongo_url": True, "database": False}
NODE_KEYS = {"name": True, "bmc": True, "macs": False, "sku": False, "power_control": False}
BMC_KEYS = {"host": True, "port": False, "user": True, "password": False}


@dataclass(frozen=True)
class InventoryNode:
    name: str
    bmc_host: str
    bmc_port: int
    bmc_user: str
    bmc_password: str = field(repr=False)
    macs: tuple[str, ...] = ()
    sku: str = ""
    power_control: bool = True
    line: int = 0


@dataclass(frozen=True)
class Inventory:
    path: Path
    lab: str
    api_url: str
    amqp_url: str
    mongo_url: str
    database: str
    nodes: tuple[InventoryNode, ...]
    resolved: tuple[str, ...] = field(default=(), repr=False)  # every ${VAR} value it resolved

    def secrets(self) -> list[str]:
        """Every secret value the inventory resolved (for scrubbing output), longest first."""
        values = {n.bmc_password for n in self.nodes} | set(self.resolved)
        return sorted((v for v in values if v), key=len, reverse=True)


class _Reader:
    def __init__(self, path: Path, environ: Mapping[str, str]) -> None:
        self.path, self.environ = path, environ
        self.secrets: dict[str, Any] = {}
        self.secrets_path: Path | None = None
        self.resolved: list[str] = []

    def where(self, node: yaml.Node) -> str:
        return f"{self.path}:{node.start_mark.line + 1}"

    def fail(self, node: yaml.Node, field_name: str, what: str, hint: str | None = None) -> ConfigError:
        return ConfigError(f"{self.where(node)}: {field_name}: {what}", hint=hint)

    def mapping(
        self, node: yaml.Node, field_name: str, keys: dict[str, bool]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field_name, f"expected a mapping, got {_kind(node)}")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            full = f"{field_name}.{key}" if field_name != "(top level)" else key
            if key not in keys:
                close = difflib.get_close_matches(key, list(keys), n=1)
                raise self.fail(
                    key_node,
                    full,
                    "unknown key" + (f"; did you mean {close[0]!r}?" if close else ""),
                    hint=f"allowed here: {', '.join(keys)} (docs/inventory.md)",
                )
            if key in out:
                raise self.fail(key_node, full, "given twice")
            out[key] = (key_node, value_node)
        for key, required in keys.items():
            if required and key not in out:
                prefix = "" if field_name == "(top level)" else field_name + "."
                raise self.fail(
                    node, prefix + key, "missing (required)", hint="see the example in physical/example-lab.yaml"
                )
        return out

    def scalar(self, node: yaml.Node, field_name: str, kind: type) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, field_name, f"expected {kind.__name__}, got {_kind(node)}")
        value = yaml.safe_load(yaml.serialize(node))
        if kind is str:
            if value is None or isinstance(value, (dict, list)) or isinstance(value, bool):
                raise self.fail(node, field_name, f"expected a string, got {node.value!r}")
            return str(value)
        if kind is int and (not isinstance(value, int) or isinstance(value, bool)):
            raise self.fail(node, field_name, f"expected a whole number, got {node.value!r}")
        if kind is bool and not isinstance(value, bool):
            raise self.fail(node, field_name, f"expected true or false, got {node.value!r}")
        return value

    def resolve(self, node: yaml.Node, field_name: str, text: str) -> str:
        def one(match: re.Match) -> str:
            name = match.group(1)
            if name in self.environ:
                self.resolved.append(self.environ[name])
                return self.environ[name]
            if name in self.secrets and isinstance(self.secrets[name], (str, int)):
                self.resolved.append(str(self.secrets[name]))
                return str(self.secrets[name])
            where = f" or {self.secrets_path}" if self.secrets_path else ""
            raise self.fail(
                node,
                field_name,
                f"${{{name}}} is not set in the environment{where}",
                hint=f"export {name}=... or put `{name}: ...` in the secrets file",
            )

        return _VAR.sub(one, text)


def _kind(node: yaml.Node) -> str:
    return {yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list"}.get(type(node), f"{node.value!r}")


def _load_secrets(reader: _Reader, path: Path, explicit: bool) -> None:
    if not path.is_file():
        if explicit:
            raise ConfigError(f"{reader.path}: secrets_file: {path} does not exist")
        return
    root = compose_file(path, "secrets file", secret=True)
    reader.secrets_path = path
    if root is None:
        return
    if not isinstance(root, yaml.MappingNode):  # never echo the content: it holds passwords
        raise ConfigError(
            f"{path}:{root.start_mark.line + 1}: the secrets file must be a mapping "
            "(NAME: value, and bmc_passwords: {node: password})"
        )
    reader.secrets = yaml.safe_load(yaml.serialize(root)) or {}


def load_inventory(path: str | os.PathLike, environ: Mapping[str, str] | None = None) -> Inventory:
    """The validated inventory with secrets resolved; ConfigError (exit 2) naming file:line and field."""
    path = Path(path)
    reader = _Reader(path, os.environ if environ is None else environ)
    root = compose_file(path, "inventory")
    if root is None:
        raise ConfigError(f"{path}: the inventory is empty", hint="see physical/example-lab.yaml")
    top = reader.mapping(root, "(top level)", TOP_KEYS)
    explicit = "secrets_file" in top
    secrets_name = (
        reader.scalar(top["secrets_file"][1], "secrets_file", str) if explicit else f"{path.stem}.secrets.yaml"
    )
    _load_secrets(reader, path.parent / secrets_name, explicit)
    lab = reader.scalar(top["lab"][1], "lab", str)
    rackhd = reader.mapping(top["rackhd"][1], "rackhd", RACKHD_KEYS)
    urls = {}
    for key, schemes in (
        ("api_url", ("http://", "https://")),
        ("amqp_url", ("amqp://", "amqps://")),
        ("mongo_url", ("mongodb://",)),
    ):
        value_node = rackhd[key][1]
        value = reader.resolve(value_node, f"rackhd.{key}", reader.scalar(value_node, f"rackhd.{key}", str))
        if not value.startswith(schemes):
            raise reader.fail(value_node, f"rackhd.{key}", f"expected a URL starting with {' or '.join(schemes)}")
        urls[key] = value.rstrip("/") if key == "api_url" else value
    database = reader.scalar(rackhd["database"][1], "rackhd.database", str) if "database" in rackhd else "pxe"
    nodes_node = top["nodes"][1]
    if not isinstance(nodes_node, yaml.SequenceNode) or not nodes_node.value:
        raise reader.fail(nodes_node, "nodes", "expected a non-empty list of nodes")
    nodes: list[InventoryNode] = []
    seen_names: dict[str, int] = {}
    seen_bmcs: dict[tuple[str, int], str] = {}
    for index, item in enumerate(nodes_node.value):
        node = _node(reader, item, f"nodes[{index}]")
        if node.name in seen_names:
            raise reader.fail(
                item,
                f"nodes[{index}].name",
                f"duplicate node name {node.name!r} (first at line {seen_names[node.name]})",
            )
        address = (node.bmc_host, node.bmc_port)
        if address in seen_bmcs:
            raise reader.fail(
                item,
                f"nodes[{index}].bmc",
                f"BMC {node.bmc_host}:{node.bmc_port} is also node {seen_bmcs[address]!r}'s",
                hint="every node needs its own BMC address",
            )
        seen_names[node.name], seen_bmcs[address] = node.line, node.name
        nodes.append(node)
    return Inventory(path=path, lab=lab, database=database, nodes=tuple(nodes), resolved=tuple(reader.resolved), **urls)


def _node(reader: _Reader, item: yaml.Node, field_name: str) -> InventoryNode:
    fields = reader.mapping(item, field_name, NODE_KEYS)
    name = reader.scalar(fields["name"][1], f"{field_name}.name", str)
    bmc_field = f"{field_name}.bmc"
    bmc = reader.mapping(fields["bmc"][1], bmc_field, BMC_KEYS)
    host = reader.scalar(bmc["host"][1], f"{bmc_field}.host", str)
    port = reader.scalar(bmc["port"][1], f"{bmc_field}.port", int) if "port" in bmc else 623
    if not 1 <= port <= 65535:
        raise reader.fail(bmc["port"][1], f"{bmc_field}.port", f"expected a port 1-65535, got {port}")
    user = reader.scalar(bmc["user"][1], f"{bmc_field}.user", str)
    if "password" in bmc:
        value_node = bmc["password"][1]
        raw = reader.scalar(value_node, f"{bmc_field}.password", str)
        if not _VAR.fullmatch(raw.strip()):  # never echo it: it may be a real password
            raise reader.fail(
                value_node,
                f"{bmc_field}.password",
                "must be ${ENV_VAR}: a password never goes in the inventory itself",
                hint="use password: ${MY_LAB_BMC_PASSWORD}, or omit it and put it in the secrets file",
            )
        password = reader.resolve(value_node, f"{bmc_field}.password", raw.strip())
    else:
        table = reader.secrets.get("bmc_passwords") if isinstance(reader.secrets, dict) else None
        if not isinstance(table, dict) or name not in table:
            where = reader.secrets_path or reader.path.parent / f"{reader.path.stem}.secrets.yaml"
            raise reader.fail(
                bmc["host"][1],
                f"{bmc_field}.password",
                f"not given and node {name!r} is not in bmc_passwords of {where}",
                hint="give password: ${ENV_VAR}, or add it to the git-ignored secrets file",
            )
        password = str(table[name])
    macs: tuple[str, ...] = ()
    if "macs" in fields:
        macs_node = fields["macs"][1]
        if not isinstance(macs_node, yaml.SequenceNode):
            raise reader.fail(macs_node, f"{field_name}.macs", f"expected a list of MACs, got {_kind(macs_node)}")
        # the text as written: YAML 1.1 reads an unquoted 00:1e:67:... as a base-60 number
        macs = tuple(
            str(m.value).lower() if isinstance(m, yaml.ScalarNode) else reader.scalar(m, f"{field_name}.macs", str)
            for m in macs_node.value
        )
        for mac_node, mac in zip(macs_node.value, macs):
            if not _MAC.match(mac):
                raise reader.fail(mac_node, f"{field_name}.macs", f"{mac!r} is not a MAC (aa:bb:cc:dd:ee:ff)")
    sku = reader.scalar(fields["sku"][1], f"{field_name}.sku", str) if "sku" in fields else ""
    power = (
        reader.scalar(fields["power_control"][1], f"{field_name}.power_control", bool)
        if "power_control" in fields
        else True
    )
    return InventoryNode(
        name=name,
        bmc_host=host,
        bmc_port=port,
        bmc_user=user,
        bmc_password=password,
        macs=macs,
        sku=sku,
        power_control=power,
        line=item.start_mark.line + 1,
    )
