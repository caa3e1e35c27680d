"""Merge the configuration layers and keep, for each value, where it came from.

Order (later wins): built-in defaults, ``--config FILE`` (YAML), ``RACKHARNESS_*`` environment,
command-line flags (``--nodes``, ``--set key=value`` ...). Every error names its origin:
``stack.yaml:7: amqp.port: expected a whole number, got 'abc'``.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rackharness.config.schema import BY_KEY, SETTINGS, Setting, coerce
from rackharness.config.yaml_file import compose_file
from rackharness.errors import ConfigError
from rackharness.invocation import named
from rackharness.redaction import MASK


@dataclass(frozen=True)
class Sourced:
    value: Any
    source: str  # "default", "stack.yaml:7", "environment RACKHARNESS_NODES", "flag --nodes"


class Config(Mapping[str, Any]):
    """The merged configuration: ``config["amqp.port"]``; ``config.source("amqp.port")``."""

    def __init__(self, values: dict[str, Sourced]) -> None:
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[key].value

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def source(self, key: str) -> str:
        return self._values[key].source

    def with_value(self, key: str, value: Any, source: str) -> "Config":
        """A copy with ``key`` set to ``value`` (already of the setting's type), said to come from ``source``."""
        if key not in self._values:
            raise KeyError(key)
        return Config({**self._values, key: Sourced(value, source)})

    def to_dict(self, *, show_secrets: bool = False) -> dict[str, Any]:
        out = {}
        for key, sourced in self._values.items():
            secret = BY_KEY[key].secret and sourced.value is not None
            out[key] = sourced.value if show_secrets or not secret else MASK
        return out

    def save(self, path: Path) -> None:
        """Write the merged config (with secrets: the run must be reproducible) mode 0600."""
        payload = {"values": self.to_dict(show_secrets=True), "sources": {k: v.source for k, v in self._values.items()}}
        write_private(path, json.dumps(payload, indent=2, sort_keys=True) + "\n")

    @classmethod
    def load_saved(cls, path: Path) -> "Config":
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        values = {k: Sourced(v, raw["sources"].get(k, "saved")) for k, v in raw["values"].items() if k in BY_KEY}
        for setting in SETTINGS:  # settings added since that run keep their defaults
            values.setdefault(setting.key, Sourced(setting.default, "default"))
        return cls(values)


def write_private(path: Path, text: str) -> None:
    """Atomically replace ``path`` with ``text``, readable only by its owner (0600)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def load_config(
    config_file: str | None = None,
    environ: Mapping[str, str] | None = None,
    flags: Mapping[str, tuple[Any, str]] | None = None,
) -> Config:
    """Merge the layers. ``flags`` maps key → (raw value, how it was given, e.g. "--nodes")."""
    values = {s.key: Sourced(s.default, "default") for s in SETTINGS}
    if config_file:
        for key, (raw, where) in read_config_file(Path(config_file)).items():
            values[key] = _checked(BY_KEY[key], raw, where)
    environ = os.environ if environ is None else environ
    for setting in SETTINGS:
        for name in (setting.env_var, *setting.env_aliases):
            if name in environ:
                values[setting.key] = _checked(setting, environ[name], f"environment {name}")
                break
    for key, (raw, flag) in (flags or {}).items():
        setting = BY_KEY.get(key)
        if setting is None:
            raise ConfigError(
                f"{flag}: unknown setting {key!r}{_did_you_mean(key)}",
                hint=named("`rackharness config --list` shows every setting"),
            )
        values[key] = _checked(setting, raw, f"flag {flag}")
    return Config(values)


def _checked(setting: Setting, raw: Any, where: str) -> Sourced:
    try:
        return Sourced(coerce(setting, raw), where)
    except ValueError as exc:
        default = "unset" if setting.default is None else MASK if setting.secret else repr(setting.default)
        raise ConfigError(
            f"{where}: {setting.key}: {exc}",
            hint=named(
                f"{setting.key}: {setting.help} (default {default}); `rackharness config --list` lists every setting"
            ),
        ) from None


def read_config_file(path: Path) -> dict[str, tuple[Any, str]]:
    """Read a YAML config into {dotted key: (raw value, "file:line")}; unknown keys are errors."""
    root = compose_file(path, "config file")
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError(
            f"{path}:{root.start_mark.line + 1}: the config must be a mapping of settings",
            hint="e.g. `nodes: 8` or `amqp: {port: 21672}`",
        )
    out: dict[str, tuple[Any, str]] = {}
    _walk(root, "", path, out)
    return out


def _walk(node: yaml.MappingNode, prefix: str, path: Path, out: dict) -> None:
    for key_node, value_node in node.value:
        key = prefix + str(key_node.value)
        where = f"{path}:{key_node.start_mark.line + 1}"
        if isinstance(value_node, yaml.MappingNode):
            if not any(k.startswith(key + ".") for k in BY_KEY):
                raise ConfigError(f"{where}: unknown section {key!r}{_did_you_mean(key)}")
            _walk(value_node, key + ".", path, out)
            continue
        if key not in BY_KEY:
            raise ConfigError(
                f"{where}: unknown setting {key!r}{_did_you_mean(key)}",
                hint=named("`rackharness config --list` shows every setting"),
            )
        if isinstance(value_node, yaml.SequenceNode):
            raise ConfigError(f"{where}: {key}: expected a single value, got a list")
        try:
            out[key] = (yaml.safe_load(yaml.serialize(value_node)), where)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:  # e.g. a date YAML cannot build
            raise ConfigError(
                f"{where}: {key}: not a value this setting takes ({type(exc).__name__})",
                hint=f"quote it if it is text; {key}: {BY_KEY[key].help}",
            ) from None


def _did_you_mean(key: str) -> str:
    close = difflib.get_close_matches(key, list(BY_KEY), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
