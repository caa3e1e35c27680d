"""Typed reads of one YAML mapping, with errors that name the file and the field path.

A hardware profile is hand-written YAML; a typo must fail at load time with a message such as
``fixtures/hardware/quanta-d51.yaml: sensors[3].thresholds.uc: expected a number, got 'hot'``.
"""

from __future__ import annotations

from typing import Any

from rackharness.errors import ConfigError

_MISSING = object()


def code_for(table: dict[str, int], value: object) -> int | None:
    """The code for a symbolic name (``"fan"``) or a number given as int / "0x04"; None if unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "_").replace("-", "_")
        if text in table:
            return table[text]
        try:
            return int(text, 0)
        except ValueError:
            return None
    return None


class FieldReader:
    """Reads fields of one mapping; ``where`` is the dotted path of the mapping in its file."""

    def __init__(self, source: str, data: Any, where: str = "") -> None:
        self.source = source
        self.where = where
        if not isinstance(data, dict):
            self.fail(f"expected a mapping, got {type(data).__name__}")
        self.data: dict = data

    def fail(self, message: str, key: str | None = None) -> None:
        field = self._path(key) if key is not None else (self.where or "<top level>")
        raise ConfigError(
            f"{self.source}: {field}: {message}",
            hint="fix the hardware profile; see fixtures/hardware/*.yaml for the layout",
        )

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _get(self, key: str, default: Any) -> Any:
        if key in self.data and self.data[key] is not None:
            return self.data[key]
        if default is _MISSING:
            self.fail("required field is missing", key)
        return default

    def only(self, *keys: str) -> None:
        """Reject keys not in ``keys`` (catches typos, and YAML reading ``on:`` as ``True:``)."""
        unknown = [k for k in self.data if k not in keys]
        if unknown:
            self.fail(f"unknown field(s) {', '.join(map(repr, unknown))}; expected {', '.join(keys)}")

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str, default: Any = _MISSING) -> str:
        value = self._get(key, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(f"expected text, got {value!r}", key)
        return value

    def integer(self, key: str, default: Any = _MISSING, *, low: int | None = None, high: int | None = None) -> int:
        value = self._get(key, default)
        if isinstance(value, str):
            try:
                value = int(value, 0)
            except ValueError:
                self.fail(f"expected an integer, got {value!r}", key)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(f"expected an integer, got {value!r}", key)
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(f"{value} is outside {low}..{high}", key)
        return value

    def number(self, key: str, default: Any = _MISSING) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(f"expected a number, got {value!r}", key)
        return float(value)

    def optional_number(self, key: str) -> float | None:
        return self.number(key) if self.has(key) else None

    def boolean(self, key: str, default: Any = _MISSING) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            self.fail(f"expected true or false, got {value!r}", key)
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _MISSING) -> str:
        value = self.text(key, default)
        if value not in choices:
            self.fail(f"{value!r} is not one of {', '.join(choices)}", key)
        return value

    def code(self, key: str, table: dict[str, int], default: Any = _MISSING, *, high: int = 0xFF) -> int:
        """A code given by symbolic name from ``table`` or as a number 0..high."""
        value = self._get(key, default)
        code = code_for(table, value)
        if code is None or not 0 <= code <= high:
            self.fail(f"{value!r} is not a known name ({', '.join(sorted(table))}) or a number 0..{high:#x}", key)
        return code

    def section(self, key: str, default: Any = _MISSING) -> "FieldReader":
        return FieldReader(self.source, self._get(key, default), self._path(key))

    def sections(self, key: str) -> list["FieldReader"]:
        items = self._get(key, _MISSING)
        if not isinstance(items, list):
            self.fail("expected a list", key)
        return [FieldReader(self.source, item, f"{self._path(key)}[{i}]") for i, item in enumerate(items)]

    def int_list(self, key: str, default: Any = _MISSING, *, high: int = 0xFF) -> tuple[int, ...]:
        items = self._get(key, default)
        if not isinstance(items, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i <= high for i in items
        ):
            self.fail(f"expected a list of integers 0..{high}, got {items!r}", key)
        return tuple(items)

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        return self._get(key, default)
